import type { LaneMessage, LaneStatus } from "./lane-message";
import { packStatuses, sendBatches } from "./pack";

/**
 * Puts every status of one webhook POST on the status lane. It resolves once the queue has accepted all of them, and
 * throws if it did not: the webhook then answers 500 and Meta delivers the POST again (the number's object applies a
 * status twice to no effect, and drops a message it already stored).
 */
export async function enqueueStatuses(queue: Queue<LaneMessage>, byNumber: Map<string, LaneStatus[]>, receivedAt: number): Promise<number> {
  const messages = [...byNumber].flatMap(([phoneNumberId, statuses]) => packStatuses(phoneNumberId, statuses, receivedAt));
  // JSON rather than the default V8 serialisation: readable in the dashboard's "list messages", and the same
  // shape whichever runtime version produced it.
  await Promise.all(sendBatches(messages).map((call) => queue.sendBatch(call.map((m) => ({ body: m.body, contentType: "json" as const })))));
  return messages.length;
}
