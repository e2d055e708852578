import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { holdPlan, paceAfter, QUIET } from "../../worker/number-inbox/commit-hold";

/** The pace of deliveries and the hold it allows (worker/number-inbox/commit-hold.ts). */
describe("the pace of deliveries", () => {
  it("settles on a steady gap, whatever it is, and never reads negative or past 100 ms", () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 500, noNaN: true }), fc.double({ min: 0, max: 1e12, noNaN: true }), (gap, start) => {
        let pace = QUIET;
        for (let i = 0; i < 60; i++) {
          pace = paceAfter(pace, start + i * gap);
          expect(pace.meanGapMs).toBeGreaterThanOrEqual(0);
          expect(pace.meanGapMs).toBeLessThanOrEqual(100);
        }
        expect(pace.meanGapMs).toBeCloseTo(Math.min(gap, 100), 0);
      }),
    );
  });

  it("a clock that steps back reads as no gap, not a negative one", () => {
    const pace = paceAfter(paceAfter(paceAfter(QUIET, 1_000), 1_001), 990);
    expect(pace.meanGapMs).toBeGreaterThanOrEqual(0);
  });
});

describe("the hold", () => {
  it("holds only while deliveries come closer than the limit, never longer than it, and ends within one turn's size", () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 2_000, noNaN: true }), fc.integer({ min: 0, max: 10 }), fc.integer({ min: 1, max: 64 }), (gap, limit, maxGroup) => {
        const plan = holdPlan(gap, limit, maxGroup);
        expect(plan.holdMs).toBeGreaterThanOrEqual(0);
        expect(plan.holdMs).toBeLessThanOrEqual(limit);
        if (gap >= limit || limit === 0) expect(plan).toEqual({ holdMs: 0, releaseAt: 1 });
        else {
          expect(plan.holdMs).toBe(limit);
          expect(plan.releaseAt).toBeGreaterThanOrEqual(2);
          expect(plan.releaseAt).toBeLessThanOrEqual(Math.max(2, maxGroup));
        }
      }),
    );
  });

  it("expects as many as the pace brings within the limit", () => {
    expect(holdPlan(1.25, 4, 32)).toEqual({ holdMs: 4, releaseAt: 4 });
    expect(holdPlan(0.5, 4, 32)).toEqual({ holdMs: 4, releaseAt: 9 });
    expect(holdPlan(0.01, 4, 32)).toEqual({ holdMs: 4, releaseAt: 32 });
    expect(holdPlan(5, 4, 32)).toEqual({ holdMs: 0, releaseAt: 1 });
  });
});
