import { z } from "zod";

/**
 * Deliveries a number's object could not file in a conversation: kept raw, with why, for supervisors to read and
 * dismiss (options page, "Unreadable deliveries"). Signed by Meta, so never refused; odd, so never guessed at.
 */
export const unreadableReasonSchema = z.enum([
  /** An item of `messages[]` that is not a JSON object. */
  "not_an_object",
  /** Neither a phone number (wa_id) nor a business-scoped user id names the sender. */
  "no_sender",
  /** Larger than a conversation's row holds: the conversation shows its start, the whole JSON is here. */
  "too_large",
  /** `messages` or `statuses` that is not a list. */
  "not_a_list",
  /** A status Meta's format does not describe (no id or no status). */
  "unreadable_status",
  /** Storing it failed although its content was read (a fault of ours, logged): kept here rather than lost. */
  "store_failed",
]);
export type UnreadableReason = z.infer<typeof unreadableReasonSchema>;

export const unreadableDeliverySchema = z.object({
  id: z.string(),
  receivedAt: z.number(),
  reason: unreadableReasonSchema,
  /** What exactly was wrong, in the payload's own terms ("wa_id is empty"). */
  detail: z.string(),
  wamid: z.string().nullable(),
  /** The JSON as Meta sent it; in a list, at most its first `UNREADABLE_PREVIEW_CHARS` characters. */
  raw: z.string(),
  /** The whole JSON's length, so a shortened `raw` says so. */
  rawChars: z.number(),
});
export type UnreadableDelivery = z.infer<typeof unreadableDeliverySchema>;

export const UNREADABLE_PREVIEW_CHARS = 20_000;

export const unreadableListSchema = z.object({
  /** Newest first, at most 100. */
  deliveries: z.array(unreadableDeliverySchema),
  /** How many are listed (not dismissed) in all. */
  total: z.number(),
  /** How many were dropped, oldest first, to keep the list within its bounds. */
  dropped: z.number(),
});
export type UnreadableList = z.infer<typeof unreadableListSchema>;
