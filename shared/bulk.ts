import { z } from "zod";

/**
 * One action on many conversations of a number (the side panel's selection): each conversation is done or refused
 * by exactly the rules of the single action, and the whole can be undone for a few seconds by whoever did it.
 */
export const bulkActionSchema = z.discriminatedUnion("kind", [
  /** To an agent (yourself included); a supervisor may `force` it to someone Away, offline or full. */
  z.object({ kind: z.literal("assign"), toAgentId: z.string().min(1, "toAgentId must name an agent"), force: z.boolean().default(false) }),
  /** To a team, routed inside it (or waiting for it). */
  z.object({ kind: z.literal("transfer"), toTeamId: z.string().min(1, "toTeamId must name a team") }),
  /** Adds a company tag to each conversation's customer (a single-choice group's other tag comes off). */
  z.object({ kind: z.literal("tag"), tagId: z.string().min(1, "tagId must name a tag") }),
  /** Pending until the customer's next message. */
  z.object({ kind: z.literal("pending") }),
  z.object({ kind: z.literal("resolve") }),
]);
export type BulkAction = z.infer<typeof bulkActionSchema>;

export const BULK_LIMIT = 200;

export const bulkRequestSchema = z.object({
  ids: z
    .array(z.string().regex(/^\d{1,15}$/, "ids: each must be a conversation id"))
    .min(1, "ids: select at least one conversation")
    .max(BULK_LIMIT, `ids: at most ${BULK_LIMIT} conversations at once`)
    .refine((ids) => new Set(ids).size === ids.length, "ids: each conversation once"),
  action: bulkActionSchema,
});
export type BulkRequest = z.infer<typeof bulkRequestSchema>;

/** Per conversation, in the order asked: done, or refused with the single action's code (and its English sentence). */
export const bulkOutcomeSchema = z.object({
  id: z.string(),
  outcome: z.enum(["done", "refused"]),
  code: z.string().optional(),
  params: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
  message: z.string().optional(),
});
export type BulkOutcome = z.infer<typeof bulkOutcomeSchema>;

export const bulkResultSchema = z.object({
  results: z.array(bulkOutcomeSchema),
  /** Null when nothing was done, so there is nothing to undo. */
  undoId: z.string().nullable(),
  /** Until when the server accepts the undo. */
  undoUntil: z.number().nullable(),
});
export type BulkResult = z.infer<typeof bulkResultSchema>;

export const bulkUndoResultSchema = z.object({ results: z.array(bulkOutcomeSchema) });
export type BulkUndoResult = z.infer<typeof bulkUndoResultSchema>;
