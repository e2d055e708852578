import { useEffect, useState } from "preact/hooks";
import type { Me } from "../../shared/people";
import type { Team } from "../../shared/routing";
import { Pencil } from "../components/icons";
import { onDemand } from "../components/on-demand";
import { t } from "../lib/i18n";
import type { ConsoleClient } from "../lib/console-api";
import { ErrorAlert } from "./ErrorAlert";
import { FloorAgents } from "./FloorAgents";
import { FloorQueues } from "./FloorQueues";
import { LiveLine } from "./LiveLine";
import { useFloor } from "./useFloor";
import { useNow } from "./useNow";

/** The side panel's New conversation dialog, the same component, loaded when first opened. */
const NewConversationDialog = onDemand(() => import("../components/new-conversation/NewConversationDialog").then((m) => m.NewConversationDialog));

/** Who is working and who is waiting, right now, across the workspace's numbers; a supervisor may write first to a customer here. */
export function FloorPage(props: { api: ConsoleClient; me: Me; onSignOut: () => void }) {
  const floor = useFloor(props.api, props.onSignOut);
  const [starting, setStarting] = useState(false);
  const [teams, setTeams] = useState<Team[]>([]);
  useEffect(() => void props.api.teams().then((r) => setTeams(r.teams)).catch(() => undefined), []);
  // Time in status and waiting time tick here, from the timestamps the server sent.
  const now = useNow(1000);

  return (
    <>
      <LiveLine states={floor.live} />
      <p class="visually-hidden" role="status">
        {floor.announcement}
      </p>
      <ErrorAlert error={floor.error} />
      {props.me.numbers.length > 0 && (
        <p class="floor-actions">
          <button type="button" class="secondary" onClick={() => setStarting(true)}>
            <Pencil /> {t("newConversation.open")}
          </button>
        </p>
      )}
      {starting && <NewConversationDialog api={props.api} me={props.me} teams={teams} onClose={() => setStarting(false)} />}
      {floor.state && (
        <>
          <FloorAgents api={props.api} state={floor.state} now={now} subscribe={floor.subscribe} synced={floor.synced} />
          <FloorQueues api={props.api} state={floor.state} now={now} />
        </>
      )}
    </>
  );
}
