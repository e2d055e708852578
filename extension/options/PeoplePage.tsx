import { useState } from "preact/hooks";
import type { Invite, Me, Person } from "../../shared/people";
import type { ConsoleClient } from "../lib/console-api";
import { ConfirmDialog } from "./ConfirmDialog";
import { ErrorAlert, messageOf } from "./ErrorAlert";
import { InviteForm } from "./InviteForm";
import { LinkDialog } from "./LinkDialog";
import { PendingInvites } from "./PendingInvites";
import { PersonDialog } from "./PersonDialog";
import { PersonRow } from "./PersonRow";
import { tr } from "./strings";
import { useLoad } from "./useLoad";
import { useNow } from "./useNow";

/** An action on a person that asks first or shows something afterwards. */
type Pending = { kind: "edit" | "deactivate"; person: Person } | { kind: "link"; person: Person; invite: Invite };

/** Everyone in the workspace: roles, capacity, status; invitations and password resets as links to copy. */
export function PeoplePage(props: { api: ConsoleClient; me: Me }) {
  const people = useLoad(() => props.api.people().then((r) => r.people));
  const invites = useLoad(() => props.api.invites().then((r) => r.invites));
  const numbers = useLoad(() => props.api.numbers().then((r) => r.numbers));
  const [pending, setPending] = useState<Pending | null>(null);
  const [error, setError] = useState<string | null>(null);
  const now = useNow(15_000);
  const admin = props.me.agent.role === "admin";
  const numberName = (id: string) => numbers.data?.find((n) => n.phoneNumberId === id)?.displayName ?? id;

  function replace(person: Person) {
    people.setData((people.data ?? []).map((p) => (p.id === person.id ? person : p)));
  }

  /** Runs a row's action; the server's refusal shows above the table. */
  async function act(action: () => Promise<Person>) {
    setError(null);
    try {
      replace(await action());
    } catch (e) {
      setError(messageOf(e));
    }
  }

  return (
    <>
      <section class="panel" aria-labelledby="people-title">
        <h2 id="people-title">{tr("options.people.title")}</h2>
        <ErrorAlert error={people.error ?? error} />
        <div class="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">{tr("options.people.name")}</th>
                <th scope="col">{tr("options.people.email")}</th>
                <th scope="col">{tr("options.people.role")}</th>
                <th scope="col">{tr("options.people.status")}</th>
                <th scope="col">{tr("options.people.capacity")}</th>
                <th scope="col">{tr("options.people.numbers")}</th>
                <th scope="col">{tr("options.people.active")}</th>
                <th scope="col">{tr("options.actions")}</th>
              </tr>
            </thead>
            <tbody>
              {people.data?.map((person) => (
                <PersonRow
                  key={person.id}
                  person={person}
                  me={props.me}
                  now={now}
                  numberName={numberName}
                  onEdit={() => setPending({ kind: "edit", person })}
                  onStatus={(status) => void act(() => props.api.setPersonStatus(person.id, status))}
                  onResetPassword={() =>
                    void props.api
                      .resetPassword(person.id)
                      .then((invite) => {
                        setPending({ kind: "link", person, invite });
                        void invites.reload();
                      })
                      .catch((e: unknown) => setError(messageOf(e)))
                  }
                  onDeactivate={() => setPending({ kind: "deactivate", person })}
                  onReactivate={() => void act(() => props.api.reactivatePerson(person.id))}
                />
              ))}
            </tbody>
          </table>
        </div>
        {!admin && <p class="note">{tr("options.people.supervisorNote")}</p>}
      </section>
      <InviteForm api={props.api} admin={admin} numbers={numbers.data ?? []} onInvited={() => void invites.reload()} />
      <PendingInvites api={props.api} invites={invites.data ?? []} error={invites.error} people={people.data ?? []} numberName={numberName} onRevoked={() => void invites.reload()} />
      {pending?.kind === "edit" && (
        <PersonDialog
          api={props.api}
          person={pending.person}
          admin={admin}
          onSaved={(person) => {
            replace(person);
            setPending(null);
          }}
          onClose={() => setPending(null)}
        />
      )}
      {pending?.kind === "deactivate" && (
        <ConfirmDialog
          title={tr("options.people.deactivateTitle", { name: pending.person.name })}
          message={tr("options.people.deactivateMessage")}
          confirmLabel={tr("options.people.deactivate")}
          onCancel={() => setPending(null)}
          onConfirm={async () => {
            replace(await props.api.deactivatePerson(pending.person.id));
            setPending(null);
          }}
        />
      )}
      {pending?.kind === "link" && pending.invite.url && (
        <LinkDialog
          title={tr("options.people.resetTitle", { name: pending.person.name })}
          label={tr("options.people.resetLink")}
          url={pending.invite.url}
          expiresAt={pending.invite.expiresAt}
          onClose={() => setPending(null)}
        />
      )}
    </>
  );
}
