import type { AgentStatus, Me, Person } from "../../shared/people";
import { duration } from "./format";
import { tr } from "./strings";

/** One person in the People table, with what the viewer may do to them. */
export function PersonRow(props: {
  person: Person;
  me: Me;
  now: number;
  numberName: (id: string) => string;
  onEdit: () => void;
  onStatus: (status: AgentStatus) => void;
  onResetPassword: () => void;
  onDeactivate: () => void;
  onReactivate: () => void;
}) {
  const p = props.person;
  const self = p.id === props.me.agent.id;
  // Only an admin acts on an admin; the server refuses it too, this only spares the attempt.
  const mayManage = props.me.agent.role === "admin" || p.role !== "admin";
  const named = (action: string) => `${action} ${p.name}`;

  return (
    <tr class={p.active ? "" : "inactive"}>
      <th scope="row">
        {p.name}
        {self && <span class="muted"> {tr("options.people.you")}</span>}
      </th>
      <td>{p.email}</td>
      <td>{tr(`options.role.${p.role}`)}</td>
      <td>
        <span class={`status-text ${p.status}`}>
          <span class="dot" aria-hidden="true" />
          {tr(p.status === "available" ? "options.status.available" : "options.status.away")}
        </span>{" "}
        <span class="muted">{tr("options.people.for", { time: duration(props.now - p.statusSince) })}</span>
      </td>
      <td>{p.capacity ?? tr("options.people.noLimit")}</td>
      <td>{p.numberIds.length ? p.numberIds.map(props.numberName).join(", ") : "—"}</td>
      <td>{p.active ? tr("options.yes") : tr("options.people.deactivated")}</td>
      <td>
        <div class="row-buttons">
          {mayManage ? (
            <>
              <button type="button" class="small" aria-label={named(tr("options.edit"))} onClick={props.onEdit}>
                {tr("options.edit")}
              </button>
              {p.active && p.status === "available" && (
                <button type="button" class="small" aria-label={named(tr("options.people.sendAway"))} onClick={() => props.onStatus("away")}>
                  {tr("options.people.sendAway")}
                </button>
              )}
              {p.active && p.status === "away" && (
                <button type="button" class="small" aria-label={named(tr("options.people.setAvailable"))} onClick={() => props.onStatus("available")}>
                  {tr("options.people.setAvailable")}
                </button>
              )}
              {p.active && !self && (
                <button type="button" class="small" aria-label={named(tr("options.people.resetPassword"))} onClick={props.onResetPassword}>
                  {tr("options.people.resetPassword")}
                </button>
              )}
              {!self &&
                (p.active ? (
                  <button type="button" class="small danger" aria-label={named(tr("options.people.deactivate"))} onClick={props.onDeactivate}>
                    {tr("options.people.deactivate")}
                  </button>
                ) : (
                  <button type="button" class="small" aria-label={named(tr("options.people.reactivate"))} onClick={props.onReactivate}>
                    {tr("options.people.reactivate")}
                  </button>
                ))}
            </>
          ) : (
            <span class="muted">{tr("options.people.adminOnly")}</span>
          )}
        </div>
      </td>
    </tr>
  );
}
