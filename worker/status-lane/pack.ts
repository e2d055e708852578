import { LANE_MESSAGE_VERSION, type LaneMessage, type LaneStatus } from "./lane-message";

/**
 * Cloudflare Queues' limits (developers.cloudflare.com/queues/platform/limits): a message is at most 128 KB, a
 * `sendBatch` call at most 100 messages and 256 KB. We stay well under them, measuring each status as the JSON the
 * queue stores, so no POST Meta can send (up to 3 MB) makes a send fail for its size.
 */
export const MAX_MESSAGE_BYTES = 64_000;
export const MAX_STATUSES_PER_MESSAGE = 100;
export const MAX_SEND_BATCH_MESSAGES = 100;
export const MAX_SEND_BATCH_BYTES = 200_000;
/** The envelope around the statuses, and the queue's own metadata (about 100 bytes), with room to spare. */
const ENVELOPE_BYTES = 300;

const encoder = new TextEncoder();
/** JSON text's size in bytes; only text beyond ASCII needs encoding to count. */
const utf8Bytes = (json: string) => (/[^\x00-\x7f]/.test(json) ? encoder.encode(json).byteLength : json.length);
/** The status's JSON in bytes, and its comma. */
const bytesOf = (status: LaneStatus) => utf8Bytes(JSON.stringify(status)) + 1;

/** Cuts one number's statuses into lane messages, each under the message limits. */
export function packStatuses(phoneNumberId: string, statuses: LaneStatus[], receivedAt: number): { body: LaneMessage; bytes: number }[] {
  // Almost every POST fits one message: measured as one JSON text, not status by status (a status flood's hot path).
  if (statuses.length > 0 && statuses.length <= MAX_STATUSES_PER_MESSAGE) {
    const bytes = ENVELOPE_BYTES + utf8Bytes(JSON.stringify(statuses));
    if (bytes <= MAX_MESSAGE_BYTES) return [{ body: { v: LANE_MESSAGE_VERSION, phoneNumberId, receivedAt, statuses }, bytes }];
  }
  const messages: { body: LaneMessage; bytes: number }[] = [];
  let current: LaneStatus[] = [];
  let bytes = ENVELOPE_BYTES;
  const flush = () => {
    if (current.length === 0) return;
    messages.push({ body: { v: LANE_MESSAGE_VERSION, phoneNumberId, receivedAt, statuses: current }, bytes });
    current = [];
    bytes = ENVELOPE_BYTES;
  };
  for (const status of statuses) {
    const size = bytesOf(status);
    if (current.length === MAX_STATUSES_PER_MESSAGE || bytes + size > MAX_MESSAGE_BYTES) flush();
    current.push(status);
    bytes += size;
  }
  flush();
  return messages;
}

/** Groups lane messages into `sendBatch` calls, each under the call's limits. */
export function sendBatches<T extends { bytes: number }>(messages: T[]): T[][] {
  const calls: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const message of messages) {
    if (current.length === MAX_SEND_BATCH_MESSAGES || (current.length > 0 && bytes + message.bytes > MAX_SEND_BATCH_BYTES)) {
      calls.push(current);
      current = [];
      bytes = 0;
    }
    current.push(message);
    bytes += message.bytes;
  }
  if (current.length > 0) calls.push(current);
  return calls;
}
