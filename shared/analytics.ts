import { z } from "zod";

/**
 * Live board and reports. Every figure is derived from what the number objects record in the same step as the
 * event: counts per hour, and per conversation its times and rating, kept both as samples and in mergeable
 * sketches. The board reads today's samples; reports read the rollups, so their cost follows the buckets asked
 * for, not the traffic. Percentiles are never averaged: sketches merge bin by bin, and a median or 90th percentile
 * read from them is within 1 % of the exact one (exact while the values near it lie over 2.1 % apart, as in small
 * reports); counts, CSAT averages and shares are exact.
 */

export { assignmentReasons, countMetrics, sampleMetrics, type CountMetric, type SampleMetric } from "./analytics-metrics";
import { countMetrics, type CountMetric, type SampleMetric } from "./analytics-metrics";

const timing = z.object({ count: z.number(), medianMs: z.number().nullable(), p90Ms: z.number().nullable() });
export type Timing = z.infer<typeof timing>;
const csat = z.object({ responses: z.number(), average: z.number().nullable(), satisfiedShare: z.number().nullable() });
export type CsatFigures = z.infer<typeof csat>;

const agentsByState = z.object({ available: z.number(), away: z.number(), offline: z.number() });

/** One number's or one team's live figures. `today` runs from midnight in the workspace's time zone. */
export const boardFiguresSchema = z.object({
  open: z.number(),
  waiting: z.number(),
  /** When the longest-waiting customer started waiting; null when nobody waits. */
  longestWaitingSince: z.number().nullable(),
  agents: agentsByState,
  load: z.number(),
  /** Sum of capacities; null when someone has no limit. */
  capacity: z.number().nullable(),
  today: z.object({
    new: z.number(),
    resolved: z.number(),
    /** Today's first response times, so several numbers' medians merge exactly. */
    firstResponsesMs: z.array(z.number()),
    csatStars: z.array(z.number()),
  }),
});
export type BoardFigures = z.infer<typeof boardFiguresSchema>;

export const numberBoardSchema = boardFiguresSchema.extend({
  phoneNumberId: z.string(),
  at: z.number(),
  teams: z.array(boardFiguresSchema.extend({ id: z.string(), name: z.string() })),
});
export type NumberBoard = z.infer<typeof numberBoardSchema>;

export const boardSchema = z.object({ numbers: z.array(numberBoardSchema.extend({ displayName: z.string() })), timeZone: z.string() });
export type Board = z.infer<typeof boardSchema>;

const reportQueryFields = z.object({
  from: z.coerce.number().int().positive(),
  to: z.coerce.number().int().positive(),
  bucket: z.enum(["hour", "day"]).default("day"),
  /** First response and resolution counted in business hours only. */
  businessHours: z.enum(["true", "false"]).default("false"),
  phoneNumberId: z.string().optional(),
});
type RangeFields = z.infer<typeof reportQueryFields>;
const rangeChecks: [(q: RangeFields) => boolean, string][] = [
  [(q) => q.to > q.from, "to must be after from"],
  [(q) => q.to - q.from <= 366 * 86_400_000, "a report covers at most one year"],
  [(q) => q.bucket === "day" || q.to - q.from <= 31 * 86_400_000, "hourly buckets cover at most 31 days"],
];
export const reportQuerySchema = reportQueryFields.check(...rangeChecks.map(([ok, message]) => z.refine<RangeFields>(ok, message)));
export const reportExportQuerySchema = reportQueryFields
  .extend({ table: z.enum(["overview", "agents", "teams", "numbers", "tags", "languages"]).default("overview") })
  .check(...rangeChecks.map(([ok, message]) => z.refine<RangeFields>(ok, message)));
export type ReportQuery = z.infer<typeof reportQueryFields>;

const counts = z.object(Object.fromEntries(countMetrics.map((m) => [m, z.number()])) as Record<CountMetric, z.ZodNumber>);
export type Counts = z.infer<typeof counts>;

const notableSchema = z.object({
  phoneNumberId: z.string(),
  conversationId: z.string(),
  contactName: z.string(),
  agentId: z.string().nullable(),
  firstResponseMs: z.number().nullable(),
  csatStars: z.number().nullable(),
});
export type NotableConversation = z.infer<typeof notableSchema>;

export const reportSchema = z.object({
  from: z.number(),
  to: z.number(),
  bucket: z.enum(["hour", "day"]),
  timeZone: z.string(),
  businessHours: z.boolean(),
  /** Bucket starts (instants) and their labels on the workspace's clock. */
  buckets: z.array(z.object({ start: z.number(), label: z.string() })),
  series: z.object(Object.fromEntries(countMetrics.map((m) => [m, z.array(z.number())])) as Record<CountMetric, z.ZodArray<z.ZodNumber>>),
  totals: counts,
  firstResponse: timing,
  resolution: timing,
  csat,
  agents: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      resolved: z.number(),
      messagesOut: z.number(),
      firstResponse: timing,
      resolution: timing,
      csat,
      availableMs: z.number(),
      awayMs: z.number(),
      offlineMs: z.number(),
      assignments: z.record(z.string(), z.number()),
    }),
  ),
  teams: z.array(z.object({ id: z.string(), name: z.string(), assigned: z.number(), resolved: z.number(), firstResponse: timing, resolution: timing, csat })),
  numbers: z.array(
    z.object({ phoneNumberId: z.string(), displayName: z.string(), totals: counts, firstResponse: timing, resolution: timing, csat }),
  ),
  tags: z.array(z.object({ id: z.string(), name: z.string(), conversations: z.number(), resolved: z.number(), firstResponse: timing })),
  /** Per customer language (BCP 47 as detected; "" for customers whose language was never detected), most conversations first. */
  languages: z.array(z.object({ language: z.string(), conversations: z.number(), resolved: z.number(), firstResponse: timing, resolution: timing })),
  /** Conversations worth a look: the slowest first responses and every rating of 3 ★ or less, to open for review. */
  notable: z.array(notableSchema),
});
export type Report = z.infer<typeof reportSchema>;

/**
 * A mergeable histogram of values (worker/analytics/sketch.ts): per occupied bin, ascending, how many values it
 * holds and the smallest and largest of them. Typed arrays, so it crosses between objects as plain memory.
 */
export interface SketchData {
  bins: Uint16Array;
  counts: Float64Array;
  lo: Float64Array;
  hi: Float64Array;
}

/** What one number object hands over for a report, read from its rollups: counts and sketches, never raw events. */
export interface NumberReportData {
  phoneNumberId: string;
  /** [bucket index, metric, count]: the number's series. */
  series: [number, string, number][];
  /** [metric, agent id, count]: each agent's totals over the range (assignments by reason among them). */
  agentTotals: [string, string, number][];
  /**
   * [metric, agent id ('' for none), sketch] of the range's first responses, resolutions and ratings, in business
   * hours when the report asks for it.
   */
  sketches: [SampleMetric, string, SketchData][];
  /** Milliseconds per agent per state within the range. */
  presence: Record<string, { available: number; away: number; offline: number }>;
  /**
   * Per tag its customers carry now: conversations created in the range, resolutions recorded in it, and a sketch of
   * the first responses recorded in it.
   */
  tags: Record<string, { conversations: number; resolved: number; firstResponse: SketchData }>;
  /** The same per customer language ('' when none was detected), with the resolution times too. */
  languages: Record<string, { conversations: number; resolved: number; firstResponse: SketchData; resolution: SketchData }>;
  /** This number's slowest first responses and low ratings in the range, with the customer's name. */
  notable: Omit<NotableConversation, "phoneNumberId">[];
}
