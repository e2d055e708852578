import { z } from "zod";

export const roleSchema = z.enum(["admin", "supervisor", "agent"]);
export type Role = z.infer<typeof roleSchema>;

/** What the agent chose; whether they are connected is tracked separately, by their socket. */
export const agentStatusSchema = z.enum(["available", "away"]);
export type AgentStatus = z.infer<typeof agentStatusSchema>;

const email = z.email().max(254).transform((v) => v.toLowerCase());
const password = z.string().min(8, "password must be at least 8 characters").max(200);
const name = z.string().trim().min(1, "name must not be empty").max(80);

export const agentSchema = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  role: roleSchema,
  status: agentStatusSchema,
});
export type Agent = z.infer<typeof agentSchema>;

export const numberSummarySchema = z.object({
  phoneNumberId: z.string(),
  displayName: z.string(),
  displayPhoneNumber: z.string(),
});
export type NumberSummary = z.infer<typeof numberSummarySchema>;

export const signInRequestSchema = z.object({ email, password: z.string().min(1).max(200) });
export type SignInRequest = z.infer<typeof signInRequestSchema>;

export const sessionSchema = z.object({
  token: z.string(),
  agent: agentSchema,
  numbers: z.array(numberSummarySchema),
});
export type Session = z.infer<typeof sessionSchema>;

export const meSchema = sessionSchema.omit({ token: true });
export type Me = z.infer<typeof meSchema>;

export const setStatusRequestSchema = z.object({ status: agentStatusSchema });

export const setupRequestSchema = z.object({
  workspaceName: name,
  admin: z.object({ name, email, password }),
});
export type SetupRequest = z.infer<typeof setupRequestSchema>;

export const createAgentRequestSchema = z.object({ name, email, password, role: roleSchema });
export type CreateAgentRequest = z.infer<typeof createAgentRequestSchema>;

export const connectNumberRequestSchema = z.object({
  phoneNumberId: z.string().regex(/^\d{1,30}$/, "phoneNumberId must be Meta's numeric phone number id"),
  displayName: name,
  displayPhoneNumber: z.string().trim().min(3).max(32),
  /** The WhatsApp Business Account the number belongs to: templates and account events are read through it. */
  wabaId: z.string().regex(/^\d{1,30}$/, "wabaId must be Meta's numeric WhatsApp Business Account id").optional(),
  memberIds: z.array(z.string()).default([]),
});
export type ConnectNumberRequest = z.infer<typeof connectNumberRequestSchema>;

export const socketTicketRequestSchema = z.object({ phoneNumberId: z.string().min(1) });
export const socketTicketSchema = z.object({ ticket: z.string(), expiresAt: z.number() });

/** An account-level webhook (template status, quality, account update, calls, preferences…), kept for supervisors. */
export const workspaceEventSchema = z.object({
  id: z.string(),
  field: z.string(),
  phoneNumberId: z.string().nullable(),
  wabaId: z.string().nullable(),
  detail: z.unknown(),
  at: z.number(),
});
export type WorkspaceEvent = z.infer<typeof workspaceEventSchema>;
