import { z } from "zod";
import { agentStatusSchema, roleSchema } from "./people";

/** The supervisors' live floor: who is working and who is waiting, across the workspace's numbers. */
export const floorAgentSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: roleSchema,
  status: agentStatusSchema,
  statusSince: z.number(),
  /** The browser is connected (its background holds the socket) on at least one number. */
  connected: z.boolean(),
  /** Connected with a side panel open; false when every panel of theirs is closed. */
  panelOpen: z.boolean().optional(),
  /** Open conversations, all numbers together. */
  load: z.number(),
  capacity: z.number().nullable(),
  numberIds: z.array(z.string()),
});
export type FloorAgent = z.infer<typeof floorAgentSchema>;

export const floorWaitingSchema = z.object({
  conversationId: z.string(),
  contactName: z.string(),
  waitingSince: z.number(),
  teamId: z.string().nullable(),
  preview: z.string(),
});
export type FloorWaiting = z.infer<typeof floorWaitingSchema>;

export const floorQueueSchema = z.object({
  phoneNumberId: z.string(),
  displayName: z.string(),
  waiting: z.array(floorWaitingSchema),
});
export type FloorQueue = z.infer<typeof floorQueueSchema>;

export const floorSchema = z.object({ agents: z.array(floorAgentSchema), queues: z.array(floorQueueSchema), at: z.number() });
export type Floor = z.infer<typeof floorSchema>;
