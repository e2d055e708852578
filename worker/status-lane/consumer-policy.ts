import { LANE_MESSAGE_VERSION, type LaneMessage } from "./lane-message";

/** A message this release can apply: one its producer wrote (an unknown version is left alone, never guessed at). */
export function isLaneMessage(body: unknown): body is LaneMessage {
  const b = body as Partial<LaneMessage> | null;
  return (
    typeof b === "object" &&
    b !== null &&
    b.v === LANE_MESSAGE_VERSION &&
    typeof b.phoneNumberId === "string" &&
    b.phoneNumberId.length > 0 &&
    typeof b.receivedAt === "number" &&
    Array.isArray(b.statuses)
  );
}

/** The batch's messages by number, in arrival order: each number gets one call for the whole batch. */
export function groupByNumber<M extends { body: LaneMessage }>(messages: readonly M[]): Map<string, M[]> {
  const groups = new Map<string, M[]>();
  for (const message of messages) {
    const list = groups.get(message.body.phoneNumberId);
    if (list) list.push(message);
    else groups.set(message.body.phoneNumberId, [message]);
  }
  return groups;
}

/** The longest a number's statuses wait between two attempts. */
export const MAX_RETRY_DELAY_SECONDS = 300;

/**
 * How long the queue holds a message whose number could not take it before delivering it again: 1, 2, 4 … s up to
 * five minutes, so a number being reset or redeployed gets its statuses within seconds and a number that is down
 * is not hammered. `attempts` is the queue's count, 1 on the first delivery.
 */
export function retryDelaySeconds(attempts: number): number {
  return Math.min(MAX_RETRY_DELAY_SECONDS, 2 ** Math.max(0, attempts - 1));
}
