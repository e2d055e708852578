import { isErrorRetryable } from "durable-utils/do-utils";
import { tryN } from "durable-utils/retries";
import type { Env } from "../env";
import { groupByNumber, isLaneMessage, retryDelaySeconds } from "./consumer-policy";
import type { LaneMessage } from "./lane-message";

/**
 * The status lane's consumer: one call to each number's object per queue batch, carrying every status the batch
 * holds for it, which the object applies in one transaction. A number whose object fails gets its messages back on
 * the queue with backoff; the other numbers of the batch are acknowledged. Delivery is at least once and in no
 * order, which the object tolerates: a status applied twice changes nothing and a status never moves backwards.
 */
export async function consumeStatuses(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const lane: Message<LaneMessage>[] = [];
  for (const message of batch.messages) {
    if (isLaneMessage(message.body)) lane.push(message as Message<LaneMessage>);
    else {
      // Not retried: no attempt can make it applicable. Logged without its body (it may name customers).
      console.warn(`status lane: message ${message.id} has a shape this release does not know; dropped`);
      message.ack();
    }
  }
  await Promise.all(
    [...groupByNumber(lane)].map(async ([phoneNumberId, messages]) => {
      const statuses = messages.flatMap((m) => m.body.statuses);
      const receivedAt = Math.max(...messages.map((m) => m.body.receivedAt));
      try {
        // A fresh stub per attempt: one that threw may stay broken. An overloaded object is not retried here.
        const result = await tryN(3, () => env.NUMBER_INBOX.getByName(phoneNumberId).applyStatuses(statuses, receivedAt), {
          isRetryable: isErrorRetryable,
          baseDelayMs: 50,
          maxDelayMs: 1_000,
        });
        if (!result.connected) console.warn(`status lane: ${statuses.length} statuses for unconnected number ${phoneNumberId} dropped`);
        for (const message of messages) message.ack();
      } catch (error) {
        console.error(`status lane: number ${phoneNumberId} did not take ${statuses.length} statuses; the queue delivers them again`, error);
        for (const message of messages) message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
      }
    }),
  );
}
