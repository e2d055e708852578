/**
 * The time cells analytics are kept in, and how a range is cut into them. Counts are kept per UTC day with one
 * column per hour (so any hour-aligned range, and every local day of any whole-hour time zone, is answered from
 * it), and per agent also per block of 32 UTC days. Times and ratings are kept per UTC day and per block. A long
 * range reads whole blocks in its middle, whole days beside them and only at its two ends anything finer, so a
 * year costs about 12 blocks and at most 62 days whatever the traffic was.
 */

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
export const BLOCK_DAYS = 32;
export const BLOCK_MS = BLOCK_DAYS * DAY_MS;

/**
 * [from, to) cut at multiples of `size`: the whole cells inside [first, last), and what is left at either end
 * (each within one cell). Everything is in the same unit (hours, days, milliseconds).
 */
export function splitRange(from: number, to: number, size: number): { cells: [number, number]; head: [number, number] | null; tail: [number, number] | null } {
  if (to <= from) return { cells: [0, 0], head: null, tail: null };
  const first = Math.ceil(from / size);
  const last = Math.max(first, Math.floor(to / size));
  const headEnd = Math.min(to, first * size);
  const tailStart = Math.max(from, last * size);
  return {
    cells: [first, last],
    head: from < headEnd ? [from, headEnd] : null,
    tail: tailStart < to ? [tailStart, to] : null,
  };
}

/** Whole days [from, to) as whole blocks in the middle and the days left at either end. */
export function daysAndBlocks(fromDay: number, toDay: number): { blocks: [number, number]; days: [number, number][] } {
  const { cells, head, tail } = splitRange(fromDay, toDay, BLOCK_DAYS);
  return { blocks: cells, days: [head, tail].filter((d): d is [number, number] => d !== null) };
}

/** The hour columns of a day row (h0 … h23): the stored counts of each UTC hour. */
export const HOUR_COLUMNS = Array.from({ length: 24 }, (_, h) => `h${h}`);

/** SQL summing a day row's hours [fromHour, toHour) of the day (0 ≤ from < to ≤ 24); the names are our own. */
export function hoursSum(fromHour: number, toHour: number): string {
  return HOUR_COLUMNS.slice(fromHour, toHour).join(" + ") || "0";
}
