import { z } from "zod";

/**
 * Meta's WhatsApp webhook body. Objects are loose on purpose: Meta adds fields without notice
 * (BSUIDs, identity hashes, media URLs…) and an unknown field must be stored, never rejected.
 * Only what routing and deduplication depend on is required.
 */

// Meta documents string timestamps; older payloads carry integers.
const unixSeconds = z.union([z.string(), z.number()]).transform((v) => Number(v));

export const webhookContactSchema = z.looseObject({
  wa_id: z.string().optional(),
  user_id: z.string().optional(),
  profile: z.looseObject({ name: z.string().optional() }).optional(),
});

export const webhookErrorSchema = z.looseObject({
  code: z.number(),
  title: z.string().optional(),
  message: z.string().optional(),
  error_data: z.looseObject({ details: z.string().optional() }).optional(),
});

export const webhookMessageSchema = z.looseObject({
  id: z.string().min(1),
  from: z.string().optional(),
  from_user_id: z.string().optional(),
  timestamp: unixSeconds,
  type: z.string(),
  text: z.looseObject({ body: z.string() }).optional(),
  errors: z.array(webhookErrorSchema).optional(),
});

export const webhookStatusSchema = z.looseObject({
  id: z.string().min(1),
  status: z.string(),
  timestamp: unixSeconds,
  recipient_id: z.string().optional(),
  errors: z.array(webhookErrorSchema).optional(),
});

export const webhookValueSchema = z.looseObject({
  messaging_product: z.string().optional(),
  metadata: z
    .looseObject({
      display_phone_number: z.string().optional(),
      phone_number_id: z.string().min(1),
    })
    .optional(),
  contacts: z.array(webhookContactSchema).optional(),
  messages: z.array(webhookMessageSchema).optional(),
  statuses: z.array(webhookStatusSchema).optional(),
  errors: z.array(webhookErrorSchema).optional(),
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
