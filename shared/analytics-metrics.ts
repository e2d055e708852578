/**
 * The names of what the number objects count and sample. Kept free of zod so the console's report tables can
 * import them without loading the schemas.
 */
export const countMetrics = [
  "conversations_new",
  "conversations_reopened",
  "conversations_resolved",
  "conversations_transferred",
  "conversations_auto_resolved",
  "messages_in",
  "messages_out",
  "messages_auto",
] as const;
export type CountMetric = (typeof countMetrics)[number];

export const sampleMetrics = ["first_response", "resolution", "csat"] as const;
export type SampleMetric = (typeof sampleMetrics)[number];

export const assignmentReasons = ["round_robin", "sticky", "queue", "transfer", "team", "reopened", "no_reply", "assignee_offline", "claimed", "agent_deactivated", "member_removed"] as const;
