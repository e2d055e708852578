import type { Me } from "../../shared/people";
import type { ConsoleClient } from "../lib/console-api";
import type { LiveState } from "../lib/live";
import { ErrorAlert } from "./ErrorAlert";
import { FloorAgents } from "./FloorAgents";
import { FloorQueues } from "./FloorQueues";
import { tr } from "./strings";
import { useFloor } from "./useFloor";
import { useNow } from "./useNow";

/** Worst first: the floor is only as live as its least connected number. */
function overall(states: LiveState[]): LiveState {
  if (states.includes("offline")) return "offline";
  if (states.length === 0 || states.includes("connecting")) return "connecting";
  return "live";
}

/** Who is working and who is waiting, right now, across the workspace's numbers. */
export function FloorPage(props: { api: ConsoleClient; me: Me; onSignOut: () => void }) {
  const floor = useFloor(props.api, props.onSignOut);
  // Time in status and waiting time tick here, from the timestamps the server sent.
  const now = useNow(1000);
  const live = overall(Object.values(floor.live));

  return (
    <>
      <p class={`live-line state-${live}`}>
        <span class="live-dot" aria-hidden="true" />
        {tr(`options.floor.live.${live}`)}
      </p>
      <p class="visually-hidden" role="status">
        {floor.announcement}
      </p>
      <ErrorAlert error={floor.error} />
      {floor.state && (
        <>
          <FloorAgents api={props.api} state={floor.state} now={now} subscribe={floor.subscribe} synced={floor.synced} />
          <FloorQueues api={props.api} state={floor.state} now={now} />
        </>
      )}
    </>
  );
}
