import { useState } from "preact/hooks";
import type { FloorQueue, FloorWaiting } from "../../shared/floor";
import type { ConsoleClient } from "../lib/console-api";
import { AgentOptions } from "./AgentOptions";
import { ErrorAlert, messageOf } from "./ErrorAlert";
import { duration } from "./format";
import { candidates, type FloorState } from "./floor-state";
import { tr } from "./strings";

/** Each number's waiting customers, longest wait first, and a way to hand one to someone now. */
export function FloorQueues(props: { api: ConsoleClient; state: FloorState; now: number }) {
  return (
    <section class="panel" aria-labelledby="floor-queues-title">
      <h2 id="floor-queues-title">{tr("options.floor.queues")}</h2>
      {props.state.queues.map((queue) => (
        <div class="queue" key={queue.phoneNumberId}>
          <h3>
            {queue.displayName} <span class="muted">{tr("options.floor.waitingCount", { n: queue.waiting.length })}</span>
          </h3>
          {queue.waiting.length === 0 ? (
            <p class="empty">{tr("options.floor.nobodyWaiting")}</p>
          ) : (
            <ul class="plain-list">
              {queue.waiting.map((waiting) => (
                <WaitingRow key={waiting.conversationId} api={props.api} state={props.state} queue={queue} waiting={waiting} now={props.now} />
              ))}
            </ul>
          )}
        </div>
      ))}
    </section>
  );
}

/** Assigning from the floor forces: a supervisor may give it to someone who is Away, offline or full. */
function WaitingRow(props: { api: ConsoleClient; state: FloorState; queue: FloorQueue; waiting: FloorWaiting; now: number }) {
  const [agentId, setAgentId] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const w = props.waiting;
  const name = w.contactName || tr("options.floor.unknownCustomer");

  async function assign(event: Event) {
    event.preventDefault();
    if (!agentId) return;
    setBusy(true);
    setError(null);
    try {
      // The row leaves the queue when the number's socket reports the assignment.
      await props.api.transfer(props.queue.phoneNumberId, w.conversationId, { toAgentId: agentId, force: true });
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <li class="waiting-row">
      <div class="waiting-who">
        <strong>{name}</strong>
        <span class="waited">{tr("options.floor.waited", { time: duration(props.now - w.waitingSince) })}</span>
        <span class="preview">{w.preview}</span>
      </div>
      <form class="assign" onSubmit={assign}>
        <label class="inline-label">
          {tr("options.floor.assignTo")}
          <select aria-label={tr("options.floor.assignLabel", { name })} value={agentId} onChange={(e) => setAgentId(e.currentTarget.value)}>
            <AgentOptions candidates={candidates(props.state, props.queue.phoneNumberId)} />
          </select>
        </label>
        <button type="submit" class="small" disabled={!agentId || busy} aria-label={tr("options.floor.assignButton", { name })}>
          {tr("options.floor.assign")}
        </button>
      </form>
      <ErrorAlert error={error} />
    </li>
  );
}
