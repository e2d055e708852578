import { Fragment } from "preact";
import { useState } from "preact/hooks";
import type { ConsoleClient } from "../lib/console-api";
import { FloorAgentConversations } from "./FloorAgentConversations";
import { duration } from "./format";
import { liveFigures, type FloorState } from "./floor-state";
import { tr } from "./strings";
import type { SubscribeConversations } from "./useAgentConversations";

const COLUMNS = 5;

/**
 * Each person's status, connection, time in status and load against capacity, in words as well as colour. Their
 * name opens, in a row below theirs, their open conversations on every number, to transfer any of them.
 */
export function FloorAgents(props: { api: ConsoleClient; state: FloorState; now: number; subscribe: SubscribeConversations; synced: number }) {
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const toggle = (agentId: string) =>
    setOpen((before) => {
      const after = new Set(before);
      if (!after.delete(agentId)) after.add(agentId);
      return after;
    });

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
                const { load, connected, panelOpen } = liveFigures(props.state, agent);
                const share = agent.capacity ? Math.min(1, load / agent.capacity) : 0;
                const expanded = open.has(agent.id);
                const panelId = `agent-conversations-${agent.id}`;
                return (
                  <Fragment key={agent.id}>
                    <tr>
                      <th scope="row">
                        <button
                          type="button"
                          class="link disclosure"
                          aria-expanded={expanded}
                          aria-controls={expanded ? panelId : undefined}
                          aria-label={tr("options.floor.showConversations", { name: agent.name })}
                          onClick={() => toggle(agent.id)}
                        >
                          <span class="chevron" aria-hidden="true" />
                          {agent.name}
                        </button>
                      </th>
                      <td>
                        <span class={`status-text ${agent.status}`}>
                          <span class="dot" aria-hidden="true" />
                          {tr(agent.status === "available" ? "options.status.available" : "options.status.away")}
                        </span>
                      </td>
                      <td>
                        <span class={`connection ${connected ? "online" : "offline"}`}>
                          <span class="dot" aria-hidden="true" />
                          {tr(connected ? (panelOpen ? "options.floor.online" : "options.floor.panelClosed") : "options.floor.offline")}
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
                    {expanded && (
                      <tr class="agent-conversations-row">
                        <td colSpan={COLUMNS}>
                          <FloorAgentConversations
                            id={panelId}
                            api={props.api}
                            state={props.state}
                            agent={agent}
                            now={props.now}
                            subscribe={props.subscribe}
                            synced={props.synced}
                          />
                        </td>
                      </tr>
                    )}
                  </Fragment>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
