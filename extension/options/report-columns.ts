import type { OptionsKey } from "./strings";

/**
 * The console's words for the report tables' columns. The cells, header row included, are reportRows()'s own (the
 * CSV's); only the column headings on screen are put in the reader's language, each keyed by its CSV name.
 */
const COLUMNS: Record<string, OptionsKey> = {
  bucket: "options.reports.col.period",
  conversations_new: "options.reports.col.new",
  conversations_reopened: "options.reports.col.reopened",
  conversations_resolved: "options.reports.col.resolved",
  conversations_transferred: "options.reports.col.transferred",
  conversations_auto_resolved: "options.reports.col.autoResolved",
  messages_in: "options.reports.col.messagesIn",
  messages_out: "options.reports.col.messagesOut",
  messages_auto: "options.reports.col.messagesAuto",
  agent: "options.reports.col.agent",
  resolved: "options.reports.col.resolved",
  replies: "options.reports.col.messagesOut",
  "first response median s": "options.reports.col.firstResponseMedian",
  "first response p90 s": "options.reports.col.firstResponseP90",
  "resolution median s": "options.reports.col.resolutionMedian",
  "resolution p90 s": "options.reports.col.resolutionP90",
  "csat responses": "options.reports.col.csatResponses",
  "csat average": "options.reports.col.csatAverage",
  "csat 4-5 share": "options.reports.col.csatShare",
  "available min": "options.reports.col.availableMin",
  "away min": "options.reports.col.awayMin",
  "offline min": "options.reports.col.offlineMin",
  assignments: "options.reports.col.assignments",
  team: "options.reports.col.team",
  assigned: "options.reports.col.assigned",
  number: "options.reports.col.number",
  new: "options.reports.col.new",
  "messages in": "options.reports.col.messagesIn",
  "messages out": "options.reports.col.messagesOut",
  tag: "options.reports.col.tag",
  language: "options.reports.col.language",
  conversations: "options.reports.col.conversations",
};

/** The heading's key, or null for a column the console has no words for yet (shown by its CSV name). */
export function columnKey(csvName: string): OptionsKey | null {
  return COLUMNS[csvName] ?? null;
}
