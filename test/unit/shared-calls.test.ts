import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SharedCalls, type OwnRequest } from "../../worker/webhook/shared-calls";

/**
 * Webhooks for one number that reach an isolate together share one call into its object
 * (worker/webhook/shared-calls.ts). Whatever the arrivals, call times, failures and requests that vanish mid-call,
 * every webhook is answered once with its own item's outcome; no call carries more than the group size; an item
 * goes into a second call only when the call carrying it never answered; and traffic slower than the hold limit
 * waits for nobody.
 */

/** A virtual clock: timers run in time order, and every promise reaction runs before the clock moves on. */
class VirtualTime {
  now = 0;
  private timers: { at: number; seq: number; run: () => void }[] = [];
  private seq = 0;
  at(at: number, run: () => void) {
    this.timers.push({ at, seq: this.seq++, run });
  }
  sleep = (ms: number) => new Promise<void>((wake) => this.at(this.now + ms, wake));
  async settle() {
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  }
  async runAll() {
    await this.settle();
    while (this.timers.length > 0) {
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.timers.shift()!;
      this.now = Math.max(this.now, next.at);
      next.run();
      await this.settle();
    }
  }
}

/** A call, the webhook whose request made it, and when it answered (`null`: its request was cancelled first). */
type Call = { items: number[]; taker: number; at: number; answersAt: number | null; fails: boolean };

function harness(opts: { holdLimitMs: number; maxGroup: number; fallbackMs: number; callMs: number[]; vanishes: boolean[]; failures: boolean[] }) {
  const time = new VirtualTime();
  const calls: Call[] = [];
  const shared = new SharedCalls<number, string>({ sleep: time.sleep, now: () => time.now, holdLimitMs: opts.holdLimitMs, pollMs: 1, maxGroup: opts.maxGroup, fallbackMs: opts.fallbackMs });
  const ownFor = (taker: number): OwnRequest<number, string> => ({
    call: (items) => {
      const n = calls.length;
      const vanishes = opts.vanishes[n % opts.vanishes.length]!;
      const fails = opts.failures[n % opts.failures.length]!;
      const ms = opts.callMs[n % opts.callMs.length]!;
      const call: Call = { items: [...items], taker, at: time.now, answersAt: vanishes ? null : time.now + ms, fails };
      calls.push(call);
      return new Promise((resolve, reject) => {
        if (vanishes) return; // the request that made it was cancelled: this call never answers
        time.at(time.now + ms, () => (fails ? reject(new Error(`call ${n} failed`)) : resolve(items.map((i) => `out-${i}`))));
      });
    },
    keepAlive: () => {},
  });
  return { time, calls, shared, ownFor };
}

const scenario = fc.record({
  // A burst first, so the pace is quick and later arrivals are held; then gaps from none to a fifth of a second.
  gapsMs: fc.array(fc.constantFrom(0, 0.3, 0.7, 1, 1.5, 3, 10, 200), { minLength: 1, maxLength: 40 }).map((gaps) => [...Array(16).fill(0.3), ...gaps]),
  holdLimitMs: fc.constantFrom(0, 2, 4),
  maxGroup: fc.integer({ min: 1, max: 6 }),
  callMs: fc.array(fc.constantFrom(0.2, 1, 3, 8), { minLength: 1, maxLength: 5 }),
  vanishes: fc.array(fc.boolean(), { minLength: 1, maxLength: 6 }).map((v) => [false, ...v]),
  failures: fc.array(fc.boolean(), { minLength: 1, maxLength: 6 }).map((v) => [false, ...v]),
});

describe("webhooks for one number share a call into its object", () => {
  it("answers every webhook once with its own outcome, never carries more than the group size, repeats only what a call lost", async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ gapsMs, holdLimitMs, maxGroup, callMs, vanishes, failures }) => {
        const fallbackMs = 60;
        const { time, calls, shared, ownFor } = harness({ holdLimitMs, maxGroup, fallbackMs, callMs, vanishes, failures });
        const answers = new Map<number, { value: string } | { error: string }>();
        const answeredTwice: number[] = [];
        let at = 0;
        gapsMs.forEach((gap, item) => {
          at += gap;
          time.at(at, () => {
            shared.submit("number", item, ownFor(item)).then(
              (value) => (answers.has(item) ? answeredTwice.push(item) : answers.set(item, { value })),
              (error: Error) => (answers.has(item) ? answeredTwice.push(item) : answers.set(item, { error: error.message })),
            );
          });
        });
        await time.runAll();

        expect(answeredTwice).toEqual([]);
        // A request cancelled mid-call is gone and hears nothing; every other webhook is answered.
        const cancelled = new Set(calls.filter((c) => c.answersAt === null).map((c) => c.taker));
        expect([...answers.keys()].sort((a, b) => a - b)).toEqual(gapsMs.map((_, i) => i).filter((i) => !cancelled.has(i)));
        for (const call of calls) expect(call.items.length).toBeLessThanOrEqual(maxGroup);
        for (const [item, answer] of answers) {
          if (cancelled.has(item)) continue;
          const carriers = calls.filter((c) => c.items.includes(item));
          // Carried once, or a second time alone after the first carrier never answered.
          expect(carriers.length === 1 || (carriers.length === 2 && carriers[0]!.answersAt === null && carriers[1]!.items.length === 1)).toBe(true);
          const last = carriers.at(-1)!;
          if (last.fails) expect(answer).toEqual({ error: expect.stringContaining("failed") });
          else expect(answer).toEqual({ value: `out-${item}` });
        }
      }),
      { numRuns: 300 },
    );
  });

  it("lets traffic slower than the hold limit go at once, one call each", async () => {
    const { time, calls, shared, ownFor } = harness({ holdLimitMs: 2, maxGroup: 32, fallbackMs: 1_000, callMs: [1], vanishes: [false], failures: [false] });
    const answeredAt: number[] = [];
    for (let i = 0; i < 20; i++) time.at(i * 5, () => void shared.submit("number", i, ownFor(i)).then(() => answeredAt.push(time.now)));
    await time.runAll();
    expect(calls.map((c) => c.items.length)).toEqual(Array(20).fill(1));
    // Each left at its arrival: answered a call's time later.
    expect(answeredAt).toEqual(Array.from({ length: 20 }, (_, i) => i * 5 + 1));
  });

  it("puts webhooks a fraction of a millisecond apart into shared calls, none waiting past the hold limit and one look", async () => {
    const { time, calls, shared, ownFor } = harness({ holdLimitMs: 2, maxGroup: 32, fallbackMs: 1_000, callMs: [1], vanishes: [false], failures: [false] });
    const waited: number[] = [];
    for (let i = 0; i < 400; i++) {
      const arrived = i * 0.5;
      time.at(arrived, () => void shared.submit("number", i, ownFor(i)).then(() => waited.push(time.now - arrived - 1)));
    }
    await time.runAll();
    expect(calls.reduce((n, c) => n + c.items.length, 0)).toBe(400);
    expect(calls.length).toBeLessThan(400 / 3);
    // The hold (2 ms), and at most one look (1 ms) after the call answered.
    expect(Math.max(...waited)).toBeLessThanOrEqual(3);
  });

  it("keeps numbers apart: a call carries one number's webhooks only", async () => {
    const time = new VirtualTime();
    const carried: { key: string; items: string[] }[] = [];
    const shared = new SharedCalls<string, string>({ sleep: time.sleep, now: () => time.now, holdLimitMs: 2, pollMs: 1, maxGroup: 32, fallbackMs: 1_000 });
    const ownFor = (key: string): OwnRequest<string, string> => ({
      call: (items) => {
        carried.push({ key, items: [...items] });
        return new Promise((resolve) => time.at(time.now + 1, () => resolve(items)));
      },
      keepAlive: () => {},
    });
    for (let i = 0; i < 60; i++) {
      const key = i % 2 === 0 ? "even" : "odd";
      time.at(i * 0.2, () => void shared.submit(key, `${key}-${i}`, ownFor(key)));
    }
    await time.runAll();
    for (const call of carried) expect(call.items.every((item) => item.startsWith(`${call.key}-`))).toBe(true);
    expect(carried.flatMap((c) => c.items)).toHaveLength(60);
  });
});
