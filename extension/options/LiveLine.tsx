import type { LiveState } from "../lib/number-socket";
import { tr } from "./strings";

/** Worst first: a page fed by several numbers' sockets is only as live as its least connected number. */
export function overall(states: LiveState[]): LiveState {
  if (states.includes("offline")) return "offline";
  if (states.length === 0 || states.includes("connecting")) return "connecting";
  return "live";
}

/** "Live", "Connecting…" or "Offline, reconnecting…", in words beside the coloured dot. */
export function LiveLine(props: { states: Record<string, LiveState> }) {
  const live = overall(Object.values(props.states));
  return (
    <p class={`live-line state-${live}`}>
      <span class="live-dot" aria-hidden="true" />
      {tr(`options.floor.live.${live}`)}
    </p>
  );
}
