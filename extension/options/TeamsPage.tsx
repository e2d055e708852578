import { useState } from "preact/hooks";
import type { Me } from "../../shared/people";
import type { Team } from "../../shared/routing";
import type { ConsoleClient } from "../lib/console-api";
import { ConfirmDialog } from "./ConfirmDialog";
import { Dialog } from "./Dialog";
import { ErrorAlert } from "./ErrorAlert";
import { tr } from "./strings";
import { TeamForm } from "./TeamForm";
import { useLoad } from "./useLoad";

/** Teams such as 售前 and 售后: who is in them, who answers for them, and how a conversation sent to the team is shared out. */
export function TeamsPage(props: { api: ConsoleClient; me: Me }) {
  const teams = useLoad(() => props.api.teams().then((r) => r.teams));
  const people = useLoad(() => props.api.people().then((r) => r.people.filter((p) => p.active)));
  const [editing, setEditing] = useState<Team | null>(null);
  const [deleting, setDeleting] = useState<Team | null>(null);
  const names = (ids: string[]) => (people.data ?? []).filter((p) => ids.includes(p.id)).map((p) => p.name).join(", ") || "—";

  return (
    <>
      <section class="panel" aria-labelledby="teams-title">
        <h2 id="teams-title">{tr("options.teams.title")}</h2>
        <ErrorAlert error={teams.error ?? people.error} />
        {teams.data?.length === 0 ? (
          <p class="empty">{tr("options.teams.none")}</p>
        ) : (
          <div class="table-scroll">
            <table>
              <thead>
                <tr>
                  <th scope="col">{tr("options.teams.name")}</th>
                  <th scope="col">{tr("options.teams.mode")}</th>
                  <th scope="col">{tr("options.teams.members")}</th>
                  <th scope="col">{tr("options.teams.supervisors")}</th>
                  <th scope="col">{tr("options.actions")}</th>
                </tr>
              </thead>
              <tbody>
                {teams.data?.map((team) => (
                  <tr key={team.id}>
                    <th scope="row">{team.name}</th>
                    <td>{tr(team.mode === "least_loaded" ? "options.mode.leastLoaded" : "options.mode.roundRobin")}</td>
                    <td>{names(team.memberIds)}</td>
                    <td>{names(team.supervisorIds)}</td>
                    <td>
                      <div class="row-buttons">
                        <button type="button" class="small" aria-label={`${tr("options.edit")} ${team.name}`} onClick={() => setEditing(team)}>
                          {tr("options.edit")}
                        </button>
                        <button type="button" class="small danger" aria-label={`${tr("options.delete")} ${team.name}`} onClick={() => setDeleting(team)}>
                          {tr("options.delete")}
                        </button>
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section class="panel" aria-labelledby="new-team-title">
        <h2 id="new-team-title">{tr("options.teams.new")}</h2>
        <TeamForm api={props.api} team={null} people={people.data ?? []} onSaved={() => void teams.reload()} />
      </section>
      {editing && (
        <Dialog title={tr("options.teams.editTitle", { name: editing.name })} onClose={() => setEditing(null)}>
          <TeamForm
            api={props.api}
            team={editing}
            people={people.data ?? []}
            onSaved={() => {
              setEditing(null);
              void teams.reload();
            }}
            onCancel={() => setEditing(null)}
          />
        </Dialog>
      )}
      {deleting && (
        <ConfirmDialog
          title={tr("options.teams.deleteTitle", { name: deleting.name })}
          message={tr("options.teams.deleteMessage")}
          confirmLabel={tr("options.delete")}
          onCancel={() => setDeleting(null)}
          onConfirm={async () => {
            await props.api.deleteTeam(deleting.id);
            setDeleting(null);
            void teams.reload();
          }}
        />
      )}
    </>
  );
}
