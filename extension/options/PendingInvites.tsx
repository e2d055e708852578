import { useState } from "preact/hooks";
import type { Invite, Person } from "../../shared/people";
import type { ConsoleClient } from "../lib/console-api";
import { ErrorAlert, messageOf } from "./ErrorAlert";
import { dateTime } from "./format";
import { ListTable } from "./ListTable";
import { tr } from "./strings";

/** Links not used yet; revoking one makes it stop working at once. */
export function PendingInvites(props: {
  api: ConsoleClient;
  invites: Invite[];
  error: string | null;
  people: Person[];
  numberName: (id: string) => string;
  onRevoked: () => void;
}) {
  const [error, setError] = useState<string | null>(null);
  const personName = (id: string | null) => props.people.find((p) => p.id === id)?.name ?? "—";
  const describe = (invite: Invite) => (invite.kind === "reset" ? tr("options.invite.resetFor", { name: personName(invite.personId) }) : invite.note || tr("options.invite.noNote"));

  async function revoke(invite: Invite) {
    setError(null);
    try {
      await props.api.revokeInvite(invite.id);
      props.onRevoked();
    } catch (e) {
      setError(messageOf(e));
    }
  }

  return (
    <section class="panel" aria-labelledby="pending-title">
      <h2 id="pending-title">{tr("options.invite.pending")}</h2>
      <ErrorAlert error={props.error ?? error} />
      {props.invites.length === 0 ? (
        <p class="empty">{tr("options.invite.none")}</p>
      ) : (
        <ListTable
          rows={props.invites}
          rowKey={(invite) => invite.id}
          head={{ label: tr("options.invite.for"), cell: describe }}
          columns={[
            { label: tr("options.invite.kind"), cell: (invite) => (invite.kind === "reset" ? tr("options.invite.kindReset") : tr("options.invite.kindInvite")) },
            { label: tr("options.people.role"), cell: (invite) => tr(`options.role.${invite.role}`) },
            { label: tr("options.people.numbers"), cell: (invite) => invite.numberIds.map(props.numberName).join(", ") || "—" },
            { label: tr("options.invite.created"), cell: (invite) => dateTime(invite.createdAt) },
            { label: tr("options.invite.expires"), cell: (invite) => dateTime(invite.expiresAt) },
          ]}
          actions={(invite) => (
            <button type="button" class="small danger" aria-label={`${tr("options.invite.revoke")} ${describe(invite)}`} onClick={() => void revoke(invite)}>
              {tr("options.invite.revoke")}
            </button>
          )}
        />
      )}
    </section>
  );
}
