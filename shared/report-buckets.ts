import { localDate, localParts, zonedInstant } from "./business-hours";

/**
 * The buckets of a report on the workspace's clock: each local day (23 or 25 hours on a daylight-saving day) or
 * each hour, as instants. The number objects count by UTC hour; an hour belongs to the bucket its start falls in.
 */
export function bucketStarts(from: number, to: number, bucket: "hour" | "day", timeZone: string): number[] {
  const starts: number[] = [];
  if (bucket === "hour") {
    // Hours are whole in every zone with whole-hour offsets; start at the hour containing `from`.
    for (let t = Math.floor(from / 3600_000) * 3600_000; t < to; t += 3600_000) starts.push(t);
    return starts;
  }
  let date = localDate(from, timeZone);
  for (let guard = 0; guard < 400; guard++) {
    const start = zonedInstant(date, "00:00", timeZone);
    if (start >= to) break;
    starts.push(start);
    const [y, m, d] = date.split("-").map(Number) as [number, number, number];
    date = new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
  }
  return starts;
}

/** "11-25" for a day, "11-25 14:00" for an hour, on the workspace's clock. */
export function bucketLabel(start: number, bucket: "hour" | "day", timeZone: string): string {
  const p = localParts(start, timeZone);
  const day = `${String(p.month).padStart(2, "0")}-${String(p.day).padStart(2, "0")}`;
  return bucket === "day" ? day : `${day} ${String(p.hour).padStart(2, "0")}:00`;
}

/** Index of the bucket an instant falls in (the last start at or before it), or -1 before the first. */
export function bucketIndex(starts: number[], at: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (starts[mid]! <= at) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}
