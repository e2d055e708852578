import { z } from "zod";

export const roleSchema = z.enum(["admin", "supervisor", "agent"]);
export type Role = z.infer<typeof roleSchema>;

/** What the agent chose; whether they are connected is tracked separately, by their socket. */
export const agentStatusSchema = z.enum(["available", "away"]);
export type AgentStatus = z.infer<typeof agentStatusSchema>;

export const email = z.email().max(254).transform((v) => v.toLowerCase());
export const password = z.string().min(8, "password must be at least 8 characters").max(200);
export const name = z.string().trim().min(1, "name must not be empty").max(80);

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
  /** A disconnected number sends nothing; supervisors still read its history. */
  connected: z.boolean().default(true),
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

/** A person as the console's People page shows them. */
export const personSchema = agentSchema.extend({
  statusSince: z.number(),
  capacity: z.number().nullable(),
  active: z.boolean(),
  /** Numbers they work on (explicit membership, or through a team in a number's rotation). */
  numberIds: z.array(z.string()),
  teamIds: z.array(z.string()),
  createdAt: z.number(),
});
export type Person = z.infer<typeof personSchema>;

export const personUpdateSchema = z
  .object({
    name: name.optional(),
    /** Only an admin changes roles, and nobody makes or unmakes an admin but an admin. */
    role: roleSchema.optional(),
    /** Most open conversations at once on a number; null removes the limit. */
    capacity: z.number().int().min(1, "capacity is at least 1").max(1000).nullable().optional(),
  })
  .refine((u) => u.name !== undefined || u.role !== undefined || u.capacity !== undefined, "give at least one of name, role or capacity");
export type PersonUpdate = z.infer<typeof personUpdateSchema>;

/** Single-use links: an invitation to join, or a password reset. Shown to copy: no mail server is assumed. */
export const inviteRequestSchema = z.object({
  role: roleSchema.default("agent"),
  /** Numbers the new person works on from the start. */
  numberIds: z.array(z.string()).max(100).default([]),
  capacity: z.number().int().min(1).max(1000).nullable().default(null),
  /** Only to recognise the invitation in the list; the invitee types their own email. */
  note: z.string().trim().max(80).default(""),
});
export type InviteRequest = z.infer<typeof inviteRequestSchema>;

export const inviteSchema = z.object({
  id: z.string(),
  kind: z.enum(["invite", "reset"]),
  role: roleSchema,
  numberIds: z.array(z.string()),
  note: z.string(),
  /** For a password reset: whose password. */
  personId: z.string().nullable(),
  createdBy: z.string(),
  createdAt: z.number(),
  expiresAt: z.number(),
  /** Only in the answer that creates it: the link is stored hashed and cannot be shown again. */
  url: z.string().optional(),
});
export type Invite = z.infer<typeof inviteSchema>;

/** What the invitation page shows before the invitee types anything. */
export const invitePreviewSchema = z.object({
  kind: z.enum(["invite", "reset"]),
  workspaceName: z.string(),
  role: roleSchema,
  /** For a reset: the account's email. */
  email: z.string().nullable(),
  expiresAt: z.number(),
});
export type InvitePreview = z.infer<typeof invitePreviewSchema>;

export const acceptInviteRequestSchema = z.object({
  name: name.optional(),
  email: email.optional(),
  password,
});
export type AcceptInviteRequest = z.infer<typeof acceptInviteRequestSchema>;

export const changePasswordRequestSchema = z.object({ currentPassword: z.string().min(1).max(200), newPassword: password });
export const setPersonStatusRequestSchema = z.object({ status: agentStatusSchema });
