import type { Me } from "../../shared/people";
import type { ConsoleClient } from "../lib/console-api";
import { ErrorAlert } from "./ErrorAlert";
import { FloorAgents } from "./FloorAgents";
import { FloorQueues } from "./FloorQueues";
import { LiveLine } from "./LiveLine";
import { useFloor } from "./useFloor";
import { useNow } from "./useNow";

/** Who is working and who is waiting, right now, across the workspace's numbers. */
export function FloorPage(props: { api: ConsoleClient; me: Me; onSignOut: () => void }) {
  const floor = useFloor(props.api, props.onSignOut);
  // Time in status and waiting time tick here, from the timestamps the server sent.
  const now = useNow(1000);

  return (
    <>
      <LiveLine states={floor.live} />
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
