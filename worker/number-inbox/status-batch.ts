import type { DeliveryStatus } from "../../shared/inbox";
import type { LaneStatus } from "../status-lane/lane-message";
import { advanceDelivery, isDeliveryStatus } from "./delivery";
import type { UnknownStatus } from "./early-statuses";

/** A message a batch's status is about, as stored before the batch. */
export interface KnownMessage {
  id: number;
  status: DeliveryStatus;
}

/** A message whose tick the batch moves: one write, one push. */
export interface TickChange {
  id: number;
  status: DeliveryStatus;
  /** Meta's error, kept only when the message ends failed. */
  code: number | null;
  title: string | null;
}

export interface FoldedBatch {
  changes: TickChange[];
  /** Statuses whose message was found (whether or not they moved it). */
  applied: number;
  /** Statuses for wamids the number does not know (early-statuses.ts decides their fate). */
  unknown: UnknownStatus[];
  /** Statuses of a kind the inbox does not apply (recorded as events). */
  otherKinds: LaneStatus[];
}

/**
 * One batch of statuses against the messages they are about, decided in memory: each message's tick moves only
 * forward (delivery.ts), statuses taken in Meta's order of events since a batch joins POSTs that came in any order.
 */
export function foldStatuses(statuses: readonly LaneStatus[], known: ReadonlyMap<string, KnownMessage>): FoldedBatch {
  const ticks = new Map<number, TickChange & { from: DeliveryStatus }>();
  const unknown: UnknownStatus[] = [];
  const otherKinds: LaneStatus[] = [];
  let applied = 0;
  for (const s of [...statuses].sort((a, b) => a.at - b.at)) {
    if (!isDeliveryStatus(s.status)) {
      otherKinds.push(s);
      continue;
    }
    const message = known.get(s.id);
    if (!message) {
      unknown.push({ wamid: s.id, status: s.status, at: s.at, to: s.to, code: s.code, title: s.title });
      continue;
    }
    applied++;
    const tick = ticks.get(message.id) ?? { id: message.id, from: message.status, status: message.status, code: null, title: null };
    ticks.set(message.id, tick);
    const next = advanceDelivery(tick.status, s.status);
    if (next === tick.status) continue;
    tick.status = next;
    tick.code = next === "failed" ? s.code : null;
    tick.title = next === "failed" ? s.title : null;
  }
  const changes = [...ticks.values()].filter((t) => t.status !== t.from).map(({ from: _, ...change }) => change);
  return { changes, applied, unknown, otherKinds };
}
