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
