import { z } from "zod";

/**
 * Meta's WhatsApp webhook body, parsed loosely on purpose. Meta adds fields without notice (BSUIDs, identity
 * hashes, media URLs…), and another app on the same WhatsApp Business Account or a bug at Meta's side can send
 * shapes nobody expects. So a change is refused only when it cannot be sent to a number (no
 * `metadata.phone_number_id`); its messages, contacts and errors travel raw, and each message is read on its own at
 * the number's object's edge (worker/number-inbox/intake.ts), which decides what is normal and keeps anything else
 * raw with a reason. One odd message never costs the others of its change.
 */

// Meta documents string timestamps; older payloads carry integers. (Statuses only: a message's time is read at the edge.)
const unixSeconds = z.union([z.string(), z.number()]).transform((v) => Number(v));

/** A field read as text when it is text, and as absent otherwise: the edge decides what an absent field means. */
const text = z.string().optional().catch(undefined);
/** Ids Meta sends as strings; a number is the same id written without quotes. */
const idText = z
  .union([z.string(), z.number().transform(String)])
  .optional()
  .catch(undefined);

/** One entry of `contacts[]`: who sent the messages beside it (phone `wa_id`, business-scoped `user_id`, profile). */
export const webhookContactSchema = z.looseObject({
  wa_id: idText,
  user_id: idText,
  profile: z.looseObject({ name: text, username: text }).optional().catch(undefined),
});

export const webhookErrorSchema = z.looseObject({
  code: z.number(),
  title: z.string().optional(),
  message: z.string().optional(),
  error_data: z.looseObject({ details: z.string().optional() }).optional(),
});

/**
 * One customer message as the edge reads it. Every field falls back to absent instead of failing: a message without
 * a usable id, sender or time is still a message someone must see (intake.ts says where it goes and why).
 * `timestamp` stays as sent; `receivedTime` reads it.
 */
export const webhookMessageSchema = z.looseObject({
  id: text,
  from: idText,
  from_user_id: idText,
  timestamp: z.unknown().optional(),
  type: text,
  errors: z.array(z.unknown()).optional().catch(undefined),
});

export const webhookStatusSchema = z.looseObject({
  id: z.string().min(1),
  status: z.string(),
  timestamp: unixSeconds,
  recipient_id: z.string().optional(),
  errors: z.array(webhookErrorSchema).optional(),
});

/** A `messages` change: only the number it belongs to is required; its lists are read item by item. */
export const webhookValueSchema = z.looseObject({
  metadata: z.looseObject({ display_phone_number: text, phone_number_id: z.string().min(1) }),
  contacts: z.unknown().optional(),
  messages: z.unknown().optional(),
  statuses: z.unknown().optional(),
  errors: z.unknown().optional(),
});

export const webhookChangeSchema = z.looseObject({
  field: z.string(),
  value: z.unknown(),
});

export const webhookPayloadSchema = z.looseObject({
  object: z.string(),
  entry: z.array(
    z.looseObject({
      id: z.string(),
      changes: z.array(webhookChangeSchema),
    }),
  ),
});

export type WebhookPayload = z.infer<typeof webhookPayloadSchema>;
export type WebhookValue = z.infer<typeof webhookValueSchema>;
export type WebhookMessage = z.infer<typeof webhookMessageSchema>;
export type WebhookStatus = z.infer<typeof webhookStatusSchema>;
export type WebhookContact = z.infer<typeof webhookContactSchema>;
export type WebhookError = z.infer<typeof webhookErrorSchema>;

/**
 * Coexistence (a number also used in the WhatsApp Business app): the changes Meta sends besides `messages`, read as
 * loosely as a `messages` change. Only the number is required; each list is read item by item at the number's edge
 * (worker/number-inbox/coexistence-intake.ts). Shapes: Meta's `smb_message_echoes`, `history` and
 * `smb_app_state_sync` webhook references (test/fixtures/whatsapp/SOURCES.md).
 */
export const COEXISTENCE_FIELDS = ["smb_message_echoes", "history", "smb_app_state_sync"] as const;
export type CoexistenceField = (typeof COEXISTENCE_FIELDS)[number];

export const webhookCoexistenceValueSchema = z.looseObject({
  metadata: z.looseObject({ display_phone_number: text, phone_number_id: z.string().min(1) }),
  contacts: z.unknown().optional(),
  /** smb_message_echoes: what the business sent from the app; `from` is the business, `to` the customer. */
  message_echoes: z.unknown().optional(),
  /** history: chunks of past threads. */
  history: z.unknown().optional(),
  /** smb_app_state_sync: the app's address book, one contact added, edited or removed per item. */
  state_sync: z.unknown().optional(),
});

/** One message the business sent (an echo, or a history message whose `from` is the business). */
export const webhookEchoSchema = webhookMessageSchema.extend({
  to: idText,
  to_user_id: idText,
});

/** One chunk of `history[]`: where the sync stands, and the threads (one per customer) it carries. */
export const webhookHistoryChunkSchema = z.looseObject({
  metadata: z
    .looseObject({ phase: z.unknown().optional(), chunk_order: z.unknown().optional(), progress: z.unknown().optional() })
    .optional()
    .catch(undefined),
  threads: z.unknown().optional(),
  errors: z.unknown().optional(),
});

export const webhookHistoryThreadSchema = z.looseObject({
  /** The customer's phone number. */
  id: idText,
  messages: z.unknown().optional(),
});

/** One item of `state_sync[]`: a contact of the app's address book; names are absent when it was removed. */
export const webhookStateSyncSchema = z.looseObject({
  type: text,
  action: text,
  contact: z.looseObject({ full_name: text, first_name: text, phone_number: idText }).optional().catch(undefined),
  metadata: z.looseObject({ timestamp: z.unknown().optional() }).optional().catch(undefined),
});
export type WebhookEcho = z.infer<typeof webhookEchoSchema>;
