import { z } from "zod";

/**
 * Connecting a WhatsApp number: what an admin copies from Meta's dashboard. Nothing is stored until Meta confirms
 * the access token reads this phone number id and lists it among the WhatsApp Business Account's numbers; a number
 * another workspace of the deployment has connected is refused (409).
 */
export const connectNumberRequestSchema = z.object({
  phoneNumberId: z.string().regex(/^\d{1,30}$/, "phoneNumberId must be Meta's numeric phone number id"),
  displayName: z.string().trim().min(1, "displayName must not be empty").max(80),
  /**
   * The WhatsApp Business Account the number belongs to: templates and account events are read through it, and Meta
   * must list the number in it. Required of a company admin on a multi-company deployment.
   */
  wabaId: z.string().regex(/^\d{1,30}$/, "wabaId must be Meta's numeric WhatsApp Business Account id").optional(),
  /**
   * A system-user token of the business for this number: the proof of control, then what the number sends with.
   * Write-only: stored encrypted, never returned. Required of a company admin on a multi-company deployment; absent
   * on a single-company one (or a number the operator connected), the deployment's WHATSAPP_ACCESS_TOKEN is used, or
   * the token saved before.
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
  /** Whether a token of its own is stored (it is never shown). */
  hasOwnToken: z.boolean(),
  /** Whether the deployment's token may serve the number when it has none of its own (single company, or operator-connected). */
  deploymentToken: z.boolean(),
  health: numberHealthSchema,
});
export type NumberDetail = z.infer<typeof numberDetailSchema>;

/** What to paste into Meta's dashboard (App → WhatsApp → Configuration). */
export const webhookSetupSchema = z.object({ callbackUrl: z.string(), verifyToken: z.string() });
export type WebhookSetup = z.infer<typeof webhookSetupSchema>;

/** Giving a number up: its conversations are deleted from this deployment, so the id must be typed again. */
export const releaseNumberRequestSchema = z.object({
  confirm: z.string().regex(/^\d{1,30}$/, "confirm: type the phone number id again to release it"),
});
export type ReleaseNumberRequest = z.infer<typeof releaseNumberRequestSchema>;

const workspaceId = z.string().regex(/^w[a-z0-9]{10,40}$/, "a workspace id as POST /api/setup answered it");

/** The operator connects a number to a workspace (setup token); without a token the deployment's own serves it. */
export const operatorConnectRequestSchema = connectNumberRequestSchema.extend({ workspaceId });
export type OperatorConnectRequest = z.infer<typeof operatorConnectRequestSchema>;

/** The operator moves a number, with its conversations, to another workspace (setup token); audited in both. */
export const moveNumberRequestSchema = z.object({
  toWorkspaceId: workspaceId,
  /** The name it gets there; the old one if absent. */
  displayName: connectNumberRequestSchema.shape.displayName.optional(),
  accessToken: connectNumberRequestSchema.shape.accessToken,
  memberIds: z.array(z.string()).default([]),
});
export type MoveNumberRequest = z.infer<typeof moveNumberRequestSchema>;
