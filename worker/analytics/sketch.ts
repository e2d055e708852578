import type { CsatFigures, SketchData, Timing } from "../../shared/analytics";

/**
 * A mergeable histogram of times (milliseconds) and ratings (stars), in the manner of DDSketch: each value is
 * counted in a bin whose upper end is at most γ = (1 + α) / (1 − α) times its lower end, so any value of the bin
 * stands for any other within a relative error α. Bins have integer bounds, so SQLite and JavaScript agree on them
 * without floating point; the smallest values (0 to 49: every rating, and times under 50 ms) have a bin of their
 * own and are exact; merging is adding counts bin by bin (SUM in SQLite, a loop here).
 *
 * Each bin also keeps the smallest and largest value it holds. A bin holding one distinct value therefore reports
 * it exactly, which keeps small reports exact; otherwise a rank inside a bin is estimated between those two values,
 * never outside them, which only tightens the error. Stated bound: a median or 90th percentile read from a sketch is
 * within ALPHA (1 %) of the exact one computed from the values themselves (nearest rank; a median of an even count
 * is the mean of the two middle estimates, each within 1 %). Counts, CSAT averages and shares are exact.
 *
 * The bounds are part of the stored format (rows of sketch_days, sketch_blocks and samples.bin): changing ALPHA
 * means a migration that rebuilds them from the samples.
 */
export const ALPHA = 0.01;

/**
 * Inclusive upper bound of each bin: bin 0 holds 0, bin k holds (BIN_UPPER[k − 1], BIN_UPPER[k]]. Each bin [a, b]
 * is as wide as (b − a) / (b + a) ≤ α allows, i.e. b ≤ a·(1 + α)/(1 − α) = 101a/99, worked out in integers so no
 * rounding widens a bin: the harmonic mean of its ends is within α of all of it.
 */
export const BIN_UPPER: readonly number[] = (() => {
  const upper = [0];
  for (let a = 1n; a <= BigInt(Number.MAX_SAFE_INTEGER); a = BigInt(upper.at(-1)!) + 1n) {
    const b = (a * 101n) / 99n;
    upper.push(Number(b > BigInt(Number.MAX_SAFE_INTEGER) ? BigInt(Number.MAX_SAFE_INTEGER) : b));
  }
  return upper;
})();
export const BIN_COUNT = BIN_UPPER.length;

/** The bin of a value: the first whose upper bound is at or above it (negative values count as 0). */
export function binOf(value: number): number {
  let lo = 0;
  let hi = BIN_COUNT - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (BIN_UPPER[mid]! >= value) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** A sketch being added to: per-bin arrays, allocated on the first value, so merging many sketches is a tight loop. */
export class SketchBuilder {
  private counts: Float64Array | null = null;
  private lo: Float64Array | null = null;
  private hi: Float64Array | null = null;
  /** The occupied bins lie in [first, last]. */
  private first = BIN_COUNT;
  private last = -1;
  total = 0;

  add(bin: number, count: number, lo: number, hi: number): void {
    if (!this.counts) {
      this.counts = new Float64Array(BIN_COUNT);
      this.lo = new Float64Array(BIN_COUNT).fill(Number.POSITIVE_INFINITY);
      this.hi = new Float64Array(BIN_COUNT).fill(Number.NEGATIVE_INFINITY);
    }
    this.counts[bin]! += count;
    if (lo < this.lo![bin]!) this.lo![bin] = lo;
    if (hi > this.hi![bin]!) this.hi![bin] = hi;
    if (bin < this.first) this.first = bin;
    if (bin > this.last) this.last = bin;
    this.total += count;
  }

  addValue(value: number): void {
    this.add(binOf(value), 1, value, value);
  }

  merge(sketch: SketchData | SketchBuilder | undefined): this {
    if (!sketch) return this;
    if (sketch instanceof SketchBuilder) {
      for (let b = sketch.first; b <= sketch.last; b++) if (sketch.counts![b]! > 0) this.add(b, sketch.counts![b]!, sketch.lo![b]!, sketch.hi![b]!);
    } else {
      for (let i = 0; i < sketch.bins.length; i++) this.add(sketch.bins[i]!, sketch.counts[i]!, sketch.lo[i]!, sketch.hi[i]!);
    }
    return this;
  }

  /** The occupied bins as the compact columns numbers hand over. */
  data(): SketchData {
    const rows: [number, number, number, number][] = [];
    for (let b = this.first; b <= this.last; b++) if (this.counts![b]! > 0) rows.push([b, this.counts![b]!, this.lo![b]!, this.hi![b]!]);
    return sketchData(rows);
  }

  /**
   * The values of the given ranks (1-based, ascending), in one pass: a bin's first and last ranks are its smallest
   * and largest values, exactly; a rank between them is the harmonic mean of the two, within α of any value
   * between them.
   */
  valuesAtRanks(ranks: number[]): number[] {
    const values: number[] = [];
    let seen = 0;
    let next = 0;
    for (let b = this.first; b <= this.last && next < ranks.length; b++) {
      const n = this.counts![b]!;
      if (n === 0) continue;
      const lo = this.lo![b]!;
      const hi = this.hi![b]!;
      for (; next < ranks.length && ranks[next]! <= seen + n; next++) {
        const rank = ranks[next]!;
        values.push(rank === seen + 1 || lo === hi ? lo : rank === seen + n ? hi : (2 * lo * hi) / (lo + hi));
      }
      seen += n;
    }
    if (next < ranks.length) throw new RangeError(`rank ${ranks[next]} of ${this.total}`);
    return values;
  }

  /** The same figures shared/stats.ts computes from the values: median, nearest-rank 90th percentile. */
  timing(): Timing {
    const n = this.total;
    if (n === 0) return { count: 0, medianMs: null, p90Ms: null };
    const mid = Math.floor(n / 2);
    // Ascending: the 90th percentile's rank is never below the median's.
    const [low, high, p90] = this.valuesAtRanks([n % 2 ? mid + 1 : mid, mid + 1, Math.max(1, Math.ceil(0.9 * n))]) as [number, number, number];
    return { count: n, medianMs: n % 2 ? high : (low + high) / 2, p90Ms: p90 };
  }

  /** Ratings are small integers, each in a bin of its own: the average and the share of 4 and 5 stars are exact. */
  csat(): CsatFigures {
    const n = this.total;
    if (n === 0) return { responses: 0, average: null, satisfiedShare: null };
    let sum = 0;
    let satisfied = 0;
    for (let b = this.first; b <= this.last; b++) {
      const count = this.counts![b]!;
      if (count === 0) continue;
      const lo = this.lo![b]!;
      const hi = this.hi![b]!;
      sum += count * (lo === hi ? lo : (lo + hi) / 2);
      if (lo >= 4) satisfied += count;
    }
    return { responses: n, average: sum / n, satisfiedShare: satisfied / n };
  }
}

/** Compact columns of a sketch's occupied bins, ascending, as they cross between objects. */
export function sketchData(rows: Iterable<[bin: number, count: number, lo: number, hi: number]>): SketchData {
  const list = [...rows].sort((a, b) => a[0] - b[0]);
  return {
    bins: Uint16Array.from(list, (r) => r[0]),
    counts: Float64Array.from(list, (r) => r[1]),
    lo: Float64Array.from(list, (r) => r[2]),
    hi: Float64Array.from(list, (r) => r[3]),
  };
}

export type Bins = [bin: number, count: number, lo: number, hi: number][];

/** The same bin from several sources: counts add, the smallest and largest values carry over. */
export function mergeBins(parts: Bins[]): Bins {
  const byBin = new Map<number, [number, number, number, number]>();
  for (const part of parts) {
    for (const t of part) {
      const seen = byBin.get(t[0]);
      byBin.set(t[0], seen ? [t[0], seen[1] + t[1], Math.min(seen[2], t[2]), Math.max(seen[3], t[3])] : t);
    }
  }
  return [...byBin.values()];
}
