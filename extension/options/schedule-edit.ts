import { localParts, type TimeInterval } from "../../shared/business-hours";
import type { Locale } from "../lib/locale";

/**
 * Pure edits and wording for the business-hours editor. The data stays as the schema keeps it (seven days,
 * Sunday first, the JavaScript weekday numbers); only the screen shows Monday first.
 */

/** The weekday numbers in the order the table shows them. */
export const WEEK_ON_SCREEN = [1, 2, 3, 4, 5, 6, 0] as const;
export type Weekday = (typeof WEEK_ON_SCREEN)[number];

/** The zones most teams here work in; the schedule's own zone is offered too when it is another. */
export const COMMON_ZONES = [
  "Asia/Shanghai",
  "Asia/Hong_Kong",
  "Asia/Singapore",
  "Asia/Tokyo",
  "Europe/London",
  "Europe/Berlin",
  "America/New_York",
  "America/Los_Angeles",
  "UTC",
];

export function zoneChoices(current: string): string[] {
  return COMMON_ZONES.includes(current) ? COMMON_ZONES : [current, ...COMMON_ZONES];
}

const toMinutes = (time: string) => {
  const [h, m] = time.split(":").map(Number) as [number, number];
  return h * 60 + m;
};
const toTime = (minutes: number) => {
  const m = ((minutes % 1440) + 1440) % 1440;
  return `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
};

/** An end at or before the start closes on the next day (22:00–02:00; 09:00–09:00 is a whole day). */
export function runsPastMidnight(interval: TimeInterval): boolean {
  return toMinutes(interval.end) <= toMinutes(interval.start);
}

/** The interval "Add interval" proposes: 09:00–18:00 on a closed day, else an hour after the last one, for four hours. */
export function nextInterval(intervals: readonly TimeInterval[]): TimeInterval {
  const last = intervals.at(-1);
  if (!last) return { start: "09:00", end: "18:00" };
  const start = toMinutes(last.end) + 60;
  return { start: toTime(start), end: toTime(start + 240) };
}

/** Tuesday to Friday get copies of Monday's intervals; the weekend is left as it is. */
export function copyMondayToWeekdays(weekly: readonly TimeInterval[][]): TimeInterval[][] {
  const monday = weekly[1] ?? [];
  return weekly.map((day, weekday) => (weekday >= 2 && weekday <= 5 ? monday.map((i) => ({ ...i })) : day));
}

export function replaceAt<T>(list: readonly T[], index: number, item: T): T[] {
  return list.map((old, i) => (i === index ? item : old));
}

export function removeAt<T>(list: readonly T[], index: number): T[] {
  return list.filter((_, i) => i !== index);
}

/** Today's date in the schedule's zone, "YYYY-MM-DD" as a date input gives it. */
export function todayIn(now: number, timeZone: string): string {
  const p = localParts(now, timeZone);
  return `${p.year}-${String(p.month).padStart(2, "0")}-${String(p.day).padStart(2, "0")}`;
}

const EN_WEEK = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const ZH_WEEK = ["周日", "周一", "周二", "周三", "周四", "周五", "周六"];
const EN_MONTH = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/**
 * An instant as the schedule's own wall clock reads it, whatever zone the viewer's computer is in: "Mon, Oct 5,
 * 09:00" or "10月5日 周一 09:00". The year is shown only when it is not the current one there.
 */
export function formatInZone(at: number, timeZone: string, locale: Locale, now = at): string {
  const p = localParts(at, timeZone);
  const time = `${String(p.hour).padStart(2, "0")}:${String(p.minute).padStart(2, "0")}`;
  const otherYear = p.year !== localParts(now, timeZone).year;
  if (locale === "zh") return `${otherYear ? `${p.year}年` : ""}${p.month}月${p.day}日 ${ZH_WEEK[p.weekday]} ${time}`;
  return `${EN_WEEK[p.weekday]}, ${EN_MONTH[p.month - 1]} ${p.day}${otherYear ? `, ${p.year}` : ""}, ${time}`;
}
