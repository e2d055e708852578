import type { WebhookStatus } from "../../shared/webhook";

/**
 * What travels on the status lane: the statuses one webhook POST carried for one business number, cut down to what
 * the number's object uses. One queue message per (POST, number) rather than per status keeps a 50-status POST one
 * message against the queue's per-queue throughput limit (5,000 messages/s on Cloudflare).
 */
export interface LaneStatus {
  /** The wamid the status is about. */
  id: string;
  /** Meta's status value: sent, delivered, read, failed, played… (the object ignores kinds it does not know). */
  status: string;
  /** Meta's timestamp of the event, Unix seconds. */
  at: number;
  /** Who the message went to: `recipient_id` (a phone number or a group) or `recipient_user_id` (a BSUID). */
  to: string | null;
  /** The first error of a failed status. */
  code: number | null;
  title: string | null;
}

export interface LaneMessage {
  /** Bumped when the shape changes, so a consumer of a newer release knows a message an older one produced. */
  v: typeof LANE_MESSAGE_VERSION;
  phoneNumberId: string;
  /** When the worker accepted the webhook (ms): the number's "last webhook" and the lane's lag are measured from it. */
  receivedAt: number;
  statuses: LaneStatus[];
}

export const LANE_MESSAGE_VERSION = 1;

/** Error titles are Meta's sentences; a runaway one must not push a message over the queue's 128 KB limit. */
const MAX_TITLE = 300;

export function toLaneStatus(status: WebhookStatus): LaneStatus {
  const error = status.errors?.[0];
  const recipient = status.recipient_id ?? (typeof status.recipient_user_id === "string" ? status.recipient_user_id : null);
  const title = error ? (error.title ?? error.message ?? null) : null;
  return {
    id: status.id,
    status: status.status,
    at: Number.isFinite(status.timestamp) ? status.timestamp : 0,
    to: recipient ?? null,
    code: error?.code ?? null,
    title: title === null ? null : title.slice(0, MAX_TITLE),
  };
}
