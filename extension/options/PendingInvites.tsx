import { useState } from "preact/hooks";
import type { Invite, Person } from "../../shared/people";
import type { ConsoleClient } from "../lib/console-api";
import { ErrorAlert, messageOf } from "./ErrorAlert";
import { dateTime } from "./format";
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
        <div class="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">{tr("options.invite.for")}</th>
                <th scope="col">{tr("options.invite.kind")}</th>
                <th scope="col">{tr("options.people.role")}</th>
                <th scope="col">{tr("options.people.numbers")}</th>
                <th scope="col">{tr("options.invite.created")}</th>
                <th scope="col">{tr("options.invite.expires")}</th>
                <th scope="col">{tr("options.actions")}</th>
              </tr>
            </thead>
            <tbody>
              {props.invites.map((invite) => (
                <tr key={invite.id}>
                  <th scope="row">{describe(invite)}</th>
                  <td>{invite.kind === "reset" ? tr("options.invite.kindReset") : tr("options.invite.kindInvite")}</td>
                  <td>{tr(`options.role.${invite.role}`)}</td>
                  <td>{invite.numberIds.map(props.numberName).join(", ") || "—"}</td>
                  <td>{dateTime(invite.createdAt)}</td>
                  <td>{dateTime(invite.expiresAt)}</td>
                  <td>
                    <button type="button" class="small danger" aria-label={`${tr("options.invite.revoke")} ${describe(invite)}`} onClick={() => void revoke(invite)}>
                      {tr("options.invite.revoke")}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
