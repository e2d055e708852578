import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { csatFigures, timing } from "../../shared/stats";
import { ALPHA, BIN_COUNT, BIN_UPPER, binOf, sketchData, SketchBuilder } from "../../worker/analytics/sketch";
import { daysAndBlocks, splitRange } from "../../worker/analytics/time-cells";

/** |estimate − exact| ≤ α·exact, with room for floating point. */
function within(estimate: number | null, exact: number | null): boolean {
  if (estimate === null || exact === null) return estimate === exact;
  return Math.abs(estimate - exact) <= ALPHA * Math.abs(exact) + 1e-9;
}

/** Times as reports see them: mostly seconds to hours, some sub-second, a few days, many repeats. */
const times = fc.array(
  fc.oneof(
    fc.integer({ min: 0, max: 1_000 }),
    fc.integer({ min: 1_000, max: 3_600_000 }),
    fc.integer({ min: 3_600_000, max: 30 * 86_400_000 }),
    fc.constantFrom(0, 1, 49, 50, 51, 20_000, 90_000),
  ),
  { minLength: 1, maxLength: 400 },
);

/** The values dealt into `parts` sketches (as hours, agents and numbers would hold them), then merged. */
function mergedOf(values: number[], parts: number, seed: number): SketchBuilder {
  const builders = Array.from({ length: parts }, () => new SketchBuilder());
  values.forEach((v, i) => builders[(i * 7 + seed) % parts]!.addValue(v));
  // Half travel as the compact columns numbers hand over, half merge as builders.
  const merged = new SketchBuilder();
  builders.forEach((b, i) => merged.merge(i % 2 ? b : b.data()));
  return merged;
}

describe("sketch bins", () => {
  it("every bin's ends are within the stated error (1 %) of each other, and the smallest values have bins of their own", () => {
    expect(BIN_UPPER[0]).toBe(0);
    for (let k = 1; k < BIN_COUNT; k++) {
      const a = BIN_UPPER[k - 1]! + 1;
      const b = BIN_UPPER[k]!;
      expect(b).toBeGreaterThanOrEqual(a);
      // (b − a) / (b + a) ≤ α = 1/100, in integers so rounding cannot hide a bin that is too wide.
      expect((BigInt(b) - BigInt(a)) * 100n <= BigInt(b) + BigInt(a), `bin ${k}: [${a}, ${b}]`).toBe(true);
    }
    for (let v = 0; v < 50; v++) expect(BIN_UPPER[binOf(v)]).toBe(v);
    expect(BIN_UPPER.at(-1)).toBe(Number.MAX_SAFE_INTEGER);
  });

  it("a value falls in the bin whose bounds hold it", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (v) => {
        const k = binOf(v);
        expect(BIN_UPPER[k]).toBeGreaterThanOrEqual(v);
        if (k > 0) expect(BIN_UPPER[k - 1]).toBeLessThan(v);
      }),
    );
  });
});

describe("merged sketches against the exact figures", () => {
  it("median and 90th percentile within 1 % of the exact ones, counts exact, however the values were split", () => {
    fc.assert(
      fc.property(times, fc.integer({ min: 1, max: 12 }), fc.nat(100), (values, parts, seed) => {
        const estimate = mergedOf(values, parts, seed).timing();
        const exact = timing(values);
        expect(estimate.count).toBe(exact.count);
        expect(within(estimate.medianMs, exact.medianMs), `median ${estimate.medianMs} vs ${exact.medianMs}`).toBe(true);
        expect(within(estimate.p90Ms, exact.p90Ms), `p90 ${estimate.p90Ms} vs ${exact.p90Ms}`).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("exact while the values lie at least 2 % apart (each alone in its bin), as in a small report", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 300 }), { minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 5 }), (steps, parts) => {
        // Spread apart geometrically so no two share a bin.
        const values = steps.map((s) => Math.round(1000 * 1.03 ** s));
        expect(mergedOf(values, parts, 0).timing()).toEqual(timing(values));
      }),
    );
  });

  it("ratings: responses, average and share of 4–5 stars are exact", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 5 }), { maxLength: 300 }), fc.integer({ min: 1, max: 8 }), (stars, parts) => {
        const merged = mergedOf(stars, parts, 3).csat();
        const exact = csatFigures(stars);
        expect(merged.responses).toBe(exact.responses);
        expect(merged.average === null ? null : merged.average.toFixed(12)).toBe(exact.average === null ? null : exact.average.toFixed(12));
        expect(merged.satisfiedShare).toBe(exact.satisfiedShare);
      }),
    );
  });

  it("an empty sketch has no figures", () => {
    expect(new SketchBuilder().timing()).toEqual({ count: 0, medianMs: null, p90Ms: null });
    expect(new SketchBuilder().merge(sketchData([])).csat()).toEqual({ responses: 0, average: null, satisfiedShare: null });
  });
});

describe("cutting a range into cells", () => {
  it("the whole cells and the two ends cover the range exactly once", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 1, max: 40 }), (a, b, size) => {
        const [from, to] = a <= b ? [a, b] : [b, a];
        const { cells, head, tail } = splitRange(from, to, size);
        const covered: [number, number][] = [...(head ? [head] : []), ...(cells[0] < cells[1] ? [[cells[0] * size, cells[1] * size] as [number, number]] : []), ...(tail ? [tail] : [])];
        expect(covered.reduce((sum, [x, y]) => sum + (y - x), 0)).toBe(to - from);
        covered.forEach(([x, y], i) => {
          expect(x).toBeLessThan(y);
          if (i > 0) expect(x).toBe(covered[i - 1]![1]);
        });
        if (covered.length > 0) expect([covered[0]![0], covered.at(-1)![1]]).toEqual([from, to]);
        // Each end lies within one cell.
        for (const end of [head, tail]) if (end) expect(Math.floor(end[0] / size)).toBe(Math.floor((end[1] - 1) / size));
      }),
    );
  });

  it("whole days become whole 32-day blocks and at most 31 days at either end", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2_000 }), fc.integer({ min: 0, max: 400 }), (from, length) => {
        const { blocks, days } = daysAndBlocks(from, from + length);
        const total = (blocks[1] - blocks[0]) * 32 + days.reduce((sum, [x, y]) => sum + (y - x), 0);
        expect(total).toBe(length);
        for (const [x, y] of days) expect(y - x).toBeLessThanOrEqual(31);
      }),
    );
  });
});
