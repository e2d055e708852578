import { duration } from "./format";
import { liveFigures, type FloorState } from "./floor-state";
import { tr } from "./strings";

/** Each person's status, connection, time in status and load against capacity, in words as well as colour. */
export function FloorAgents(props: { state: FloorState; now: number }) {
  return (
    <section class="panel" aria-labelledby="floor-agents-title">
      <h2 id="floor-agents-title">{tr("options.floor.agents")}</h2>
      {props.state.agents.length === 0 ? (
        <p class="empty">{tr("options.floor.noAgents")}</p>
      ) : (
        <div class="table-scroll">
          <table class="floor-agents">
            <thead>
              <tr>
                <th scope="col">{tr("options.people.name")}</th>
                <th scope="col">{tr("options.people.status")}</th>
                <th scope="col">{tr("options.floor.connection")}</th>
                <th scope="col">{tr("options.floor.timeInStatus")}</th>
                <th scope="col">{tr("options.floor.load")}</th>
              </tr>
            </thead>
            <tbody>
              {props.state.agents.map((agent) => {
                const { load, connected } = liveFigures(props.state, agent);
                const share = agent.capacity ? Math.min(1, load / agent.capacity) : 0;
                return (
                  <tr key={agent.id}>
                    <th scope="row">{agent.name}</th>
                    <td>
                      <span class={`status-text ${agent.status}`}>
                        <span class="dot" aria-hidden="true" />
                        {tr(agent.status === "available" ? "options.status.available" : "options.status.away")}
                      </span>
                    </td>
                    <td>
                      <span class={`connection ${connected ? "online" : "offline"}`}>
                        <span class="dot" aria-hidden="true" />
                        {tr(connected ? "options.floor.online" : "options.floor.offline")}
                      </span>
                    </td>
                    <td>{duration(props.now - agent.statusSince)}</td>
                    <td>
                      <span class="load">
                        {agent.capacity !== null && (
                          <span class={`load-bar ${share >= 1 ? "full" : ""}`} aria-hidden="true">
                            <span style={{ width: `${share * 100}%` }} />
                          </span>
                        )}
                        {agent.capacity === null ? tr("options.floor.loadNoLimit", { load }) : tr("options.floor.loadOf", { load, capacity: agent.capacity })}
                      </span>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
