import { z } from "zod";
import { agentStatusSchema, roleSchema } from "./people";
import { isValidTimeZone } from "./business-hours";

/** A customer waiting longer than this for an answer is late, unless their team says otherwise. */
export const DEFAULT_WAIT_TARGET_MINUTES = 5;

export const rotationEntrySchema = z.object({ type: z.enum(["agent", "team"]), id: z.string().min(1) });
export type RotationEntry = z.infer<typeof rotationEntrySchema>;

export const routingModeSchema = z.enum(["round_robin", "least_loaded"]);

/** A number's assignment rules; stored in the Workspace, pushed to the number's object on change. */
export const routingSettingsSchema = z.object({
  /** Agents and teams, in order; a team's members join and leave the rotation with the team. */
  rotation: z.array(rotationEntrySchema).max(500),
  mode: routingModeSchema.default("round_robin"),
  /** Prefer the agent who served this customer last, within the window. */
  sticky: z
    .object({ enabled: z.boolean(), windowDays: z.number().int().min(1, "windowDays is at least 1").max(365).default(30) })
    .default({ enabled: false, windowDays: 30 }),
  /** Route again when the assignee has not answered the customer in this many minutes; null is off. */
  noReplyMinutes: z.number().int().min(1).max(1440).nullable().default(null),
  /** Who may reply: only the assignee (and supervisors), or anyone who works on the number. */
  ownership: z.enum(["assignee", "any_member"]).default("assignee"),
  agentsSeeQueue: z.boolean().default(true),
  /** A customer writing within this many hours of a resolve reopens that conversation; later starts a new one. */
  reopenWithinHours: z.number().int().min(0).max(8760).default(168),
  /** How long a dropped side panel keeps its agent routable on this number; null follows the workspace's setting. */
  graceSeconds: z.number().int().min(0).max(3600).nullable().default(null),
});
export type RoutingSettings = z.infer<typeof routingSettingsSchema>;

export const defaultRoutingSettings: RoutingSettings = {
  rotation: [],
  mode: "round_robin",
  sticky: { enabled: false, windowDays: 30 },
  noReplyMinutes: null,
  ownership: "assignee",
  agentsSeeQueue: true,
  reopenWithinHours: 168,
  graceSeconds: null,
};

export const workspaceSettingsSchema = z.object({
  /** How long a dropped side panel keeps its agent routable. */
  graceSeconds: z.number().int().min(0).max(3600),
  /** Where the team's days start: the live board's "today" and the reports' buckets. */
  timeZone: z.string().refine(isValidTimeZone, "timeZone must be an IANA zone such as Asia/Shanghai"),
  /** A session not used for this many days ends (sliding expiry). */
  sessionDays: z.number().int().min(1, "sessionDays is at least 1").max(90, "sessionDays is at most 90"),
});
export type WorkspaceSettings = z.infer<typeof workspaceSettingsSchema>;
/** A change names only what changes. */
export const workspaceSettingsUpdateSchema = workspaceSettingsSchema.partial().refine((s) => Object.keys(s).length > 0, "give graceSeconds, timeZone or sessionDays");

export const teamSchema = z.object({
  id: z.string(),
  name: z.string(),
  memberIds: z.array(z.string()),
  /** Team supervisors: who answers for the team; they see its conversations like any supervisor. */
  supervisorIds: z.array(z.string()).default([]),
  mode: routingModeSchema,
  /** How long a customer of this team may wait for an answer before the badge turns amber and the agent is told. */
  waitTargetMinutes: z.number().int().default(DEFAULT_WAIT_TARGET_MINUTES),
});
export type Team = z.infer<typeof teamSchema>;

export const teamRequestSchema = z.object({
  name: z.string().trim().min(1, "name must not be empty").max(60),
  memberIds: z.array(z.string()).max(500).default([]),
  supervisorIds: z.array(z.string()).max(50).default([]),
  mode: routingModeSchema.default("round_robin"),
  waitTargetMinutes: z.number().int().min(1, "waitTargetMinutes is at least 1").max(1440, "waitTargetMinutes is at most 1440 (a day)").default(DEFAULT_WAIT_TARGET_MINUTES),
});

/** An agent as seen from one number: for the transfer picker and the supervisors' floor. */
export const numberAgentSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: roleSchema,
  status: agentStatusSchema,
  connected: z.boolean(),
  /** Connected, or within the grace period after a drop: counts as online for routing. */
  present: z.boolean(),
  load: z.number(),
  capacity: z.number().nullable(),
  inRotation: z.boolean(),
  teamIds: z.array(z.string()),
  /** When their status last changed (Available/Away or online/offline), for "time in status". */
  statusSince: z.number(),
  /** Some browser of theirs has the side panel open; false when connected with every panel closed. */
  panelOpen: z.boolean().optional(),
});
export type NumberAgent = z.infer<typeof numberAgentSchema>;

export const transferRequestSchema = z
  .object({
    toAgentId: z.string().min(1).optional(),
    toTeamId: z.string().min(1).optional(),
    note: z.string().trim().max(500).optional(),
    /** Supervisors may hand a conversation to someone who is Away or offline. */
    force: z.boolean().default(false),
  })
  .refine((t) => Boolean(t.toAgentId) !== Boolean(t.toTeamId), "give exactly one of toAgentId or toTeamId");
export type TransferRequest = z.infer<typeof transferRequestSchema>;
