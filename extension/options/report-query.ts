import { localDate, zonedInstant } from "../../shared/business-hours";
import type { ReportParams } from "../lib/console-api";

/**
 * What the reports page asks for, kept in its address (#reports?range=last30&tab=agents) so a reload, a shared
 * link or "Back to the report" from a conversation's review opens the same report. Ranges are whole days on the
 * workspace's clock, the last one up to now.
 */
export const RANGE_PRESETS = ["today", "last7", "last30", "last365", "custom"] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number];
export const REPORT_TABS = ["overview", "agents", "teams", "numbers", "tags", "languages", "notable"] as const;
export type ReportTab = (typeof REPORT_TABS)[number];

export interface ReportForm {
  range: RangePreset;
  /** yyyy-mm-dd on the workspace's clock; only for a custom range, the last day included. */
  from: string;
  to: string;
  bucket: "hour" | "day";
  businessHours: boolean;
  /** Empty: every number. */
  phoneNumberId: string;
}

export const DEFAULT_FORM: ReportForm = { range: "last7", from: "", to: "", bucket: "day", businessHours: false, phoneNumberId: "" };

const DAY_MS = 86_400_000;
/** The server's limits: a report covers at most a year (366 days), hourly buckets at most 31 days. */
export const MAX_RANGE_MS = 366 * DAY_MS;
export const MAX_HOURLY_MS = 31 * DAY_MS;
const PRESET_DAYS: Record<Exclude<RangePreset, "custom">, number> = { today: 1, last7: 7, last30: 30, last365: 365 };

export type RangeError = "missingDates" | "toBeforeFrom" | "tooLong";

function addDays(date: string, days: number): string {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d) + days * DAY_MS).toISOString().slice(0, 10);
}

const isDate = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s);

/** The range as instants: from midnight of its first day to now (a preset) or to the midnight after its last day. */
export function rangeOf(form: ReportForm, now: number, timeZone: string): { from: number; to: number } | { error: RangeError } {
  if (form.range !== "custom") {
    const first = addDays(localDate(now, timeZone), -(PRESET_DAYS[form.range] - 1));
    return { from: zonedInstant(first, "00:00", timeZone), to: now };
  }
  if (!isDate(form.from) || !isDate(form.to)) return { error: "missingDates" };
  const from = zonedInstant(form.from, "00:00", timeZone);
  const to = zonedInstant(addDays(form.to, 1), "00:00", timeZone);
  if (to <= from) return { error: "toBeforeFrom" };
  if (to - from > MAX_RANGE_MS) return { error: "tooLong" };
  return { from, to };
}

/** Hourly buckets only fit ranges of up to 31 days; a longer range is counted by day whatever was picked. */
export function hourlyAllowed(range: { from: number; to: number }): boolean {
  return range.to - range.from <= MAX_HOURLY_MS;
}

/** The query for GET /reports, or why there is none. */
export function reportParams(form: ReportForm, now: number, timeZone: string): ReportParams | { error: RangeError } {
  const range = rangeOf(form, now, timeZone);
  if ("error" in range) return range;
  return {
    ...range,
    bucket: form.bucket === "hour" && hourlyAllowed(range) ? "hour" : "day",
    businessHours: form.businessHours,
    ...(form.phoneNumberId ? { phoneNumberId: form.phoneNumberId } : {}),
  };
}

/**
 * Picking a range: today reads best by the hour, longer ranges by the day. Custom dates start as the last 7 days
 * (`today` is the workspace's date now), so the report never stands empty while the dates are picked.
 */
export function withRange(form: ReportForm, range: RangePreset, today: string): ReportForm {
  if (range !== "custom") return { ...form, range, from: "", to: "", bucket: range === "today" ? "hour" : "day" };
  return { ...form, range, from: form.from || addDays(today, -6), to: form.to || today };
}

/** The report's address: only what differs from the defaults, so the plain #reports is the default report. */
export function reportHash(form: ReportForm, tab: ReportTab): string {
  const params = new URLSearchParams();
  if (form.range !== DEFAULT_FORM.range) params.set("range", form.range);
  if (form.range === "custom") {
    params.set("from", form.from);
    params.set("to", form.to);
  }
  if (form.bucket !== DEFAULT_FORM.bucket) params.set("bucket", form.bucket);
  if (form.businessHours) params.set("businessHours", "true");
  if (form.phoneNumberId) params.set("number", form.phoneNumberId);
  if (tab !== "overview") params.set("tab", tab);
  const query = params.toString();
  return query ? `#reports?${query}` : "#reports";
}

const oneOf = <T extends string>(choices: readonly T[], value: string | null, fallback: T): T => (choices.find((c) => c === value) ?? fallback);

/** The report an address asks for; anything missing or unknown is the default. */
export function parseReportHash(hash: string): { form: ReportForm; tab: ReportTab } {
  const query = hash.includes("?") ? hash.slice(hash.indexOf("?") + 1) : "";
  const params = new URLSearchParams(query);
  const range = oneOf(RANGE_PRESETS, params.get("range"), DEFAULT_FORM.range);
  return {
    form: {
      range,
      from: range === "custom" ? (params.get("from") ?? "") : "",
      to: range === "custom" ? (params.get("to") ?? "") : "",
      bucket: oneOf(["hour", "day"] as const, params.get("bucket"), range === "today" ? "hour" : DEFAULT_FORM.bucket),
      businessHours: params.get("businessHours") === "true",
      phoneNumberId: params.get("number") ?? "",
    },
    tab: oneOf(REPORT_TABS, params.get("tab"), "overview"),
  };
}

let lastReport = "#reports";

/** The report last shown, for the review's "Back to the report" (the address of the review itself names no report). */
export function rememberReport(hash: string): void {
  lastReport = hash;
}
export function lastReportHash(): string {
  return lastReport;
}
