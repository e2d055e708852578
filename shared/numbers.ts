import { z } from "zod";

/** Connecting a WhatsApp number: what an admin copies from Meta's dashboard. */
export const connectNumberRequestSchema = z.object({
  phoneNumberId: z.string().regex(/^\d{1,30}$/, "phoneNumberId must be Meta's numeric phone number id"),
  displayName: z.string().trim().min(1, "displayName must not be empty").max(80),
  /** Read from the Graph API when the number is checked; typed only when the check cannot tell. */
  displayPhoneNumber: z.string().trim().min(3).max(32).optional(),
  /** The WhatsApp Business Account the number belongs to: templates and account events are read through it. */
  wabaId: z.string().regex(/^\d{1,30}$/, "wabaId must be Meta's numeric WhatsApp Business Account id").optional(),
  /**
   * A system-user token for this number. Write-only: stored encrypted, checked against the Graph API on save,
   * never returned. Absent: the deployment's WHATSAPP_ACCESS_TOKEN is used (and kept if one was saved before).
   */
  accessToken: z.string().trim().min(20, "accessToken looks too short for a Meta access token").max(1000).optional(),
  memberIds: z.array(z.string()).default([]),
});
export type ConnectNumberRequest = z.infer<typeof connectNumberRequestSchema>;

export const updateNumberRequestSchema = z
  .object({
    displayName: z.string().trim().min(1).max(80).optional(),
    accessToken: connectNumberRequestSchema.shape.accessToken,
    /** Who works on the number, besides the teams in its rotation. */
    memberIds: z.array(z.string()).max(500).optional(),
  })
  .refine((u) => u.displayName !== undefined || u.accessToken !== undefined || u.memberIds !== undefined, "give displayName, accessToken or memberIds");
export type UpdateNumberRequest = z.infer<typeof updateNumberRequestSchema>;

export const qualityRatingSchema = z.enum(["GREEN", "YELLOW", "RED", "UNKNOWN"]);

export const numberHealthSchema = z.object({
  /** When Meta last delivered a webhook for this number; null for never. */
  lastWebhookAt: z.number().nullable(),
  qualityRating: qualityRatingSchema,
  tokenValid: z.boolean(),
  /** Why the token is not valid, or "ok". */
  tokenDetail: z.string(),
  /** Replies waiting to go out (held while the token is invalid or Meta refuses). */
  outboxLength: z.number(),
  /** Side panels and console views holding a live connection to this number right now. */
  openSockets: z.number(),
  /** When the Graph API last confirmed the number and token. */
  checkedAt: z.number().nullable(),
});
export type NumberHealth = z.infer<typeof numberHealthSchema>;

export const numberDetailSchema = z.object({
  phoneNumberId: z.string(),
  wabaId: z.string().nullable(),
  displayName: z.string(),
  displayPhoneNumber: z.string(),
  verifiedName: z.string().nullable(),
  connected: z.boolean(),
  connectedAt: z.number(),
  disconnectedAt: z.number().nullable(),
  memberIds: z.array(z.string()),
  /** Whether a token of its own is stored (it is never shown); false uses the deployment's token. */
  hasOwnToken: z.boolean(),
  health: numberHealthSchema,
});
export type NumberDetail = z.infer<typeof numberDetailSchema>;

/** What to paste into Meta's dashboard (App → WhatsApp → Configuration). */
export const webhookSetupSchema = z.object({ callbackUrl: z.string(), verifyToken: z.string() });
export type WebhookSetup = z.infer<typeof webhookSetupSchema>;
