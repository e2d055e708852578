/**
 * Business hours in a named IANA time zone: a weekly schedule with several intervals a day, and dated exceptions
 * (holidays closed all day, or special hours). All zone arithmetic goes through the runtime's Intl, so daylight
 * saving follows the zone database; nothing here hard-codes an offset. Pure: the caller passes the clock.
 */

/** "HH:MM", 24-hour, local to the schedule's zone. An end at or before the start runs past midnight. */
export interface TimeInterval {
  start: string;
  end: string;
}

export interface SpecialDate {
  /** Local date, "YYYY-MM-DD". */
  date: string;
  name: string;
  /** Empty: closed all day. Otherwise these hours replace the weekday's. */
  intervals: TimeInterval[];
}

export interface BusinessHours {
  timeZone: string;
  /** Seven lists, Sunday first, as JavaScript numbers weekdays. */
  weekly: TimeInterval[][];
  specialDates: SpecialDate[];
}

export interface OpenSpan {
  start: number;
  end: number;
}

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      weekday: "short",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

/** The wall-clock reading of an instant in a zone. */
export function localParts(instant: number, timeZone: string) {
  const parts = Object.fromEntries(formatter(timeZone).formatToParts(new Date(instant)).map((p) => [p.type, p.value]));
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
    weekday: WEEKDAYS.indexOf(parts.weekday!),
  };
}

/** How far the zone's wall clock is ahead of UTC at this instant, in ms. */
function offsetAt(instant: number, timeZone: string): number {
  const p = localParts(instant, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/**
 * The instant a local date and time happens in the zone. A time skipped by a spring-forward change happens at
 * the same distance past the gap (02:30 → 03:30); a repeated time in autumn is its first occurrence.
 */
export function zonedInstant(date: string, time: string, timeZone: string): number {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  const [hh, mm] = time.split(":").map(Number) as [number, number];
  const wall = Date.UTC(y, m - 1, d, hh, mm);
  // The offsets in force half a day before and after cover any single change; a repeated hour takes the earlier.
  const before = wall - offsetAt(wall - 12 * 3600_000, timeZone);
  const candidates = [before, wall - offsetAt(wall + 12 * 3600_000, timeZone)];
  const exact = candidates.filter((c) => {
    const p = localParts(c, timeZone);
    return p.year === y && p.month === m && p.day === d && p.hour === hh && p.minute === mm;
  });
  // In a spring-forward gap neither reads back exactly; the offset from before the change puts it past the gap.
  return exact.length ? Math.min(...exact) : before;
}

export function localDate(instant: number, timeZone: string): string {
  const p = localParts(instant, timeZone);
  return `${p.year}-${String(p.month).padStart(2, "0")}-${String(p.day).padStart(2, "0")}`;
}

function addDays(date: string, days: number): string {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d) + days * DAY_MS).toISOString().slice(0, 10);
}

function weekdayOf(date: string): number {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

const minutes = (time: string) => {
  const [h, m] = time.split(":").map(Number) as [number, number];
  return h * 60 + m;
};

/** The intervals that start on a local date: a special date's, or the weekday's. */
export function intervalsOn(hours: BusinessHours, date: string): { intervals: TimeInterval[]; special: SpecialDate | null } {
  const special = hours.specialDates.find((s) => s.date === date) ?? null;
  return { intervals: special ? special.intervals : (hours.weekly[weekdayOf(date)] ?? []), special };
}

/** Open spans, as instants, of intervals starting on the local dates from `fromDate` for `days` days, merged. */
export function openSpans(hours: BusinessHours, fromDate: string, days: number): OpenSpan[] {
  const spans: OpenSpan[] = [];
  for (let i = 0; i < days; i++) {
    const date = addDays(fromDate, i);
    for (const interval of intervalsOn(hours, date).intervals) {
      const overnight = minutes(interval.end) <= minutes(interval.start);
      const start = zonedInstant(date, interval.start, hours.timeZone);
      const end = zonedInstant(overnight ? addDays(date, 1) : date, interval.end, hours.timeZone);
      if (end > start) spans.push({ start, end });
    }
  }
  spans.sort((a, b) => a.start - b.start);
  const merged: OpenSpan[] = [];
  for (const span of spans) {
    const last = merged.at(-1);
    if (last && span.start <= last.end) last.end = Math.max(last.end, span.end);
    else merged.push({ ...span });
  }
  return merged;
}

/** Spans around an instant: from the day before (an overnight interval may still run) onwards. */
function spansAround(hours: BusinessHours, now: number, days: number): OpenSpan[] {
  return openSpans(hours, addDays(localDate(now, hours.timeZone), -1), days + 1);
}

export function isOpen(hours: BusinessHours, now: number): boolean {
  return spansAround(hours, now, 1).some((s) => s.start <= now && now < s.end);
}

/** Open spans from the day before `now` over growing horizons, so the common case (back tomorrow) stays cheap. */
function spansAhead(hours: BusinessHours, now: number, enough: (spans: OpenSpan[]) => boolean): OpenSpan[] {
  let spans: OpenSpan[] = [];
  for (const days of [8, 32, 400]) {
    spans = spansAround(hours, now, days).filter((s) => s.end > now);
    if (enough(spans)) break;
  }
  return spans;
}

/** When the team is next open, searching about a year ahead; `now` itself when open now; null when never. */
export function nextOpening(hours: BusinessHours, now: number): number | null {
  const span = spansAhead(hours, now, (spans) => spans.length > 0)[0];
  return span ? Math.max(span.start, now) : null;
}

/** The next `count` openings and closings after `now`: the console's preview of a schedule. */
export function upcomingChanges(hours: BusinessHours, now: number, count: number): { at: number; opens: boolean }[] {
  const changes = spansAhead(hours, now, (spans) => spans.length * 2 >= count + 1).flatMap((s) => [
    ...(s.start > now ? [{ at: s.start, opens: true }] : []),
    { at: s.end, opens: false },
  ]);
  return changes.slice(0, count);
}

/**
 * How the away message says when the team is back, in the schedule's zone: "09:00 today", "09:00 tomorrow",
 * "Monday 09:00", or a date further out; in Chinese "今天 09:00", "明天 09:00", "周一 09:00", "10月8日 09:00".
 */
export function describeBackAt(at: number, now: number, timeZone: string, language: "zh" | "en"): string {
  const p = localParts(at, timeZone);
  const time = `${String(p.hour).padStart(2, "0")}:${String(p.minute).padStart(2, "0")}`;
  const days = Math.round((Date.parse(localDate(at, timeZone)) - Date.parse(localDate(now, timeZone))) / DAY_MS);
  const zhWeek = ["周日", "周一", "周二", "周三", "周四", "周五", "周六"];
  const enWeek = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
  const enMonth = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  if (language === "zh") {
    if (days === 0) return `今天 ${time}`;
    if (days === 1) return `明天 ${time}`;
    if (days < 7) return `${zhWeek[p.weekday]} ${time}`;
    return `${p.month}月${p.day}日 ${time}`;
  }
  if (days === 0) return `${time} today`;
  if (days === 1) return `${time} tomorrow`;
  if (days < 7) return `${enWeek[p.weekday]} ${time}`;
  return `${enMonth[p.month - 1]} ${p.day}, ${time}`;
}

/** How much of [from, to) the team was open: first response and resolution times in business hours. */
export function businessMsBetween(hours: BusinessHours, from: number, to: number): number {
  if (to <= from) return 0;
  const days = Math.ceil((to - from) / DAY_MS) + 2;
  return spansAround(hours, from, Math.min(days, 400)).reduce((sum, s) => sum + Math.max(0, Math.min(s.end, to) - Math.max(s.start, from)), 0);
}
