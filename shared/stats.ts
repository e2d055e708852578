import type { CsatFigures, Timing } from "./analytics";

/** Median: the middle value, or the mean of the two middle values. */
export function median(sorted: ArrayLike<number>): number | null {
  if (sorted.length === 0) return null;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Nearest-rank percentile: the smallest value with at least p% of the values at or below it. */
export function percentile(sorted: ArrayLike<number>, p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export function timing(values: number[]): Timing {
  // A typed array sorts numerically and natively: fast for a year of conversations.
  const sorted = Float64Array.from(values).sort();
  return { count: sorted.length, medianMs: median(sorted), p90Ms: percentile(sorted, 90) };
}

/** Responses, average stars, and the share of 4 and 5 stars. */
export function csatFigures(stars: number[]): CsatFigures {
  if (stars.length === 0) return { responses: 0, average: null, satisfiedShare: null };
  const sum = stars.reduce((a, b) => a + b, 0);
  return { responses: stars.length, average: sum / stars.length, satisfiedShare: stars.filter((s) => s >= 4).length / stars.length };
}
