import { z } from "zod";

/** One settings change: who, when, what, and the value before and after (JSON text, or null). */
export const auditEntrySchema = z.object({
  id: z.string(),
  at: z.number(),
  actorId: z.string(),
  actorName: z.string(),
  /** A dotted name, e.g. "routing.update", "person.deactivate", "tag.rename". */
  action: z.string(),
  /** What was changed: a number, person, team, tag… as "kind:id". */
  target: z.string(),
  /** A readable name of the target at the time ("Acme Store 客服", "Lina"). */
  targetName: z.string(),
  oldValue: z.string().nullable(),
  newValue: z.string().nullable(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export const auditQuerySchema = z.object({
  actorId: z.string().optional(),
  /** Prefix of the action, e.g. "routing" or "person.deactivate". */
  action: z.string().max(60).optional(),
  /** Free text found in the target, its name, or the values. */
  q: z.string().max(100).optional(),
  from: z.coerce.number().int().optional(),
  to: z.coerce.number().int().optional(),
  limit: z.coerce.number().int().min(1).max(5000).default(200),
});
export type AuditQuery = z.infer<typeof auditQuerySchema>;
export const auditListSchema = z.object({ entries: z.array(auditEntrySchema) });
