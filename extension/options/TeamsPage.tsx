import type { Me } from "../../shared/people";
import type { Team } from "../../shared/routing";
import type { ConsoleClient } from "../lib/console-api";
import { ErrorAlert } from "./ErrorAlert";
import { EditDeleteButtons, ListTable, RowDialogs, useRowDialogs } from "./ListTable";
import { tr } from "./strings";
import { TeamForm } from "./TeamForm";
import { useLoad } from "./useLoad";

/** Teams such as 售前 and 售后: who is in them, who answers for them, and how a conversation sent to the team is shared out. */
export function TeamsPage(props: { api: ConsoleClient; me: Me }) {
  const teams = useLoad(() => props.api.teams().then((r) => r.teams));
  const people = useLoad(() => props.api.people().then((r) => r.people.filter((p) => p.active)));
  const dialogs = useRowDialogs<Team>();
  const names = (ids: string[]) => (people.data ?? []).filter((p) => ids.includes(p.id)).map((p) => p.name).join(", ") || "—";

  return (
    <>
      <section class="panel" aria-labelledby="teams-title">
        <h2 id="teams-title">{tr("options.teams.title")}</h2>
        <ErrorAlert error={teams.error ?? people.error} />
        {teams.data?.length === 0 ? (
          <p class="empty">{tr("options.teams.none")}</p>
        ) : (
          <ListTable
            rows={teams.data ?? []}
            rowKey={(team) => team.id}
            head={{ label: tr("options.teams.name"), cell: (team) => team.name }}
            columns={[
              { label: tr("options.teams.mode"), cell: (team) => tr(team.mode === "least_loaded" ? "options.mode.leastLoaded" : "options.mode.roundRobin") },
              { label: tr("options.teams.members"), cell: (team) => names(team.memberIds) },
              { label: tr("options.teams.supervisors"), cell: (team) => names(team.supervisorIds) },
            ]}
            actions={(team) => <EditDeleteButtons name={team.name} onEdit={() => dialogs.edit(team)} onDelete={() => dialogs.remove(team)} />}
          />
        )}
      </section>
      <section class="panel" aria-labelledby="new-team-title">
        <h2 id="new-team-title">{tr("options.teams.new")}</h2>
        <TeamForm api={props.api} team={null} people={people.data ?? []} onSaved={() => void teams.reload()} />
      </section>
      <RowDialogs
        dialogs={dialogs}
        editTitle={(team) => tr("options.teams.editTitle", { name: team.name })}
        form={(team, done) => <TeamForm api={props.api} team={team} people={people.data ?? []} {...done} />}
        deleteTitle={(team) => tr("options.teams.deleteTitle", { name: team.name })}
        deleteMessage={tr("options.teams.deleteMessage")}
        onDelete={(team) => props.api.deleteTeam(team.id)}
        reload={teams.reload}
      />
    </>
  );
}
