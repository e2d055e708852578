import type { CsatFigures, Report, Timing } from "./analytics";
import { countMetrics } from "./analytics-metrics";
import { formatCsv } from "./csv";

/**
 * Every report table as rows of text, formatted once: the console shows these cells and its CSV download is
 * made of the same rows, so the file and the screen cannot disagree.
 */
export type ReportTable = "overview" | "agents" | "teams" | "numbers" | "tags" | "languages";

/** Seconds with one decimal ("20", "15.5"); empty when there is nothing to measure. */
export const seconds = (ms: number | null): string => (ms === null ? "" : String(Math.round(ms / 100) / 10));
export const stars = (average: number | null): string => (average === null ? "" : average.toFixed(2));
export const share = (fraction: number | null): string => (fraction === null ? "" : `${Math.round(fraction * 100)}%`);
export const minutes = (ms: number): string => String(Math.round(ms / 6_000) / 10);

const timingCells = (t: Timing) => [seconds(t.medianMs), seconds(t.p90Ms)];
const csatCells = (c: CsatFigures) => [String(c.responses), stars(c.average), share(c.satisfiedShare)];

export function reportRows(report: Report, table: ReportTable): string[][] {
  switch (table) {
    case "overview":
      return [
        ["bucket", ...countMetrics],
        ...report.buckets.map((b, i) => [b.label, ...countMetrics.map((m) => String(report.series[m][i] ?? 0))]),
        ["total", ...countMetrics.map((m) => String(report.totals[m]))],
      ];
    case "agents":
      return [
        ["agent", "resolved", "replies", "first response median s", "first response p90 s", "resolution median s", "resolution p90 s", "csat responses", "csat average", "csat 4-5 share", "available min", "away min", "offline min", "assignments"],
        ...report.agents.map((a) => [
          a.name,
          String(a.resolved),
          String(a.messagesOut),
          ...timingCells(a.firstResponse),
          ...timingCells(a.resolution),
          ...csatCells(a.csat),
          minutes(a.availableMs),
          minutes(a.awayMs),
          minutes(a.offlineMs),
          Object.entries(a.assignments)
            .map(([reason, n]) => `${reason} ${n}`)
            .join("; "),
        ]),
      ];
    case "teams":
      return [
        ["team", "assigned", "resolved", "first response median s", "first response p90 s", "resolution median s", "resolution p90 s", "csat responses", "csat average", "csat 4-5 share"],
        ...report.teams.map((t) => [t.name, String(t.assigned), String(t.resolved), ...timingCells(t.firstResponse), ...timingCells(t.resolution), ...csatCells(t.csat)]),
      ];
    case "numbers":
      return [
        ["number", "new", "resolved", "messages in", "messages out", "first response median s", "first response p90 s", "csat responses", "csat average", "csat 4-5 share"],
        ...report.numbers.map((n) => [
          n.displayName,
          String(n.totals.conversations_new),
          String(n.totals.conversations_resolved),
          String(n.totals.messages_in),
          String(n.totals.messages_out),
          ...timingCells(n.firstResponse),
          ...csatCells(n.csat),
        ]),
      ];
    case "tags":
      return [
        ["tag", "conversations", "resolved", "first response median s", "first response p90 s"],
        ...report.tags.map((t) => [t.name, String(t.conversations), String(t.resolved), ...timingCells(t.firstResponse)]),
      ];
    case "languages":
      // The code as detected ("zh", "en", "zh-Hant"); "-" for customers whose language was never detected.
      return [
        ["language", "conversations", "resolved", "first response median s", "first response p90 s", "resolution median s", "resolution p90 s"],
        ...report.languages.map((l) => [l.language || "-", String(l.conversations), String(l.resolved), ...timingCells(l.firstResponse), ...timingCells(l.resolution)]),
      ];
  }
}

export const reportCsv = (report: Report, table: ReportTable): string => formatCsv(reportRows(report, table));
