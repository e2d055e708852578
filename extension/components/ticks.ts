import type { Message, Tick } from "../../shared/inbox";

/**
 * A conversation's messages with a batch of delivery ticks applied: each ticked message takes its new status and
 * error; messages not ticked, and ticks for messages not in the list, leave the list as it was (same array when
 * nothing moved, so the view does not render again for nothing).
 */
export function applyTicks(list: Message[], ticks: readonly Tick[]): Message[] {
  const byId = new Map(ticks.map((t) => [t.messageId, t]));
  let moved = false;
  const next = list.map((m) => {
    const tick = byId.get(m.id);
    if (!tick || (tick.status === m.status && tick.error?.code === m.error?.code && tick.error?.title === m.error?.title)) return m;
    moved = true;
    return { ...m, status: tick.status, error: tick.error };
  });
  return moved ? next : list;
}
