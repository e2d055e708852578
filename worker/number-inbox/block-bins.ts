import type { Bins } from "../analytics/sketch";

/**
 * The whole blocks [first, last) of a rollup kept per block and key (`language_blocks` per customer language,
 * `tag_blocks` per tag): per metric and key, its bins summed over the blocks, each bin's smallest and largest value
 * carried. A count kept without values ('conversations', a tag's 'resolution') is the one bin 0.
 */
export function blockBins(
  sql: SqlStorage,
  table: "language_blocks" | "tag_blocks",
  key: "language" | "tag_id",
  metrics: string[],
  [first, last]: [number, number],
): Map<string, Map<string, Bins>> {
  const byMetric = new Map<string, Map<string, Bins>>();
  for (const [metric, k, bin, n, lo, hi] of sql
    .exec(
      `SELECT metric, ${key}, bin, SUM(count), MIN(lo), MAX(hi) FROM ${table}
       WHERE metric IN (${metrics.map(() => "?").join(", ")}) AND block >= ? AND block < ? GROUP BY metric, ${key}, bin`,
      ...metrics,
      first,
      last,
    )
    .raw()) {
    let byKey = byMetric.get(metric as string);
    if (!byKey) byMetric.set(metric as string, (byKey = new Map()));
    let bins = byKey.get(k as string);
    if (!bins) byKey.set(k as string, (bins = []));
    bins.push([bin as number, n as number, lo as number, hi as number]);
  }
  return byMetric;
}

/** A count kept as bin 0: its number. */
export function countOf(bins: Bins): number {
  return bins.reduce((sum, b) => sum + b[1], 0);
}
