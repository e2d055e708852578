import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { GroupCommit } from "../../worker/number-inbox/group-commit";

/**
 * Webhook deliveries that arrive together share a turn of the number's object, and so one commit
 * (worker/number-inbox/group-commit.ts). A turn first runs its items under one transaction and, if one fails, undoes
 * it and runs each alone. Whatever the arrivals, failures and group size, what is kept is every item that did not
 * fail, once, in the order submitted; each caller hears the outcome of its own item once, and only after its turn's
 * follow-up ran.
 */

type Item = { id: number; fails: boolean };

/**
 * A scripted run: items arrive in waves, each in calls of up to `perCall` items (one call counts as one arrival for the
 * pace); between waves the deferred turns run (each wave may land mid-turn).
 */
const scenario = fc.record({
  waves: fc.array(fc.array(fc.boolean(), { minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 8 }),
  maxGroup: fc.integer({ min: 1, max: 6 }),
  afterwardsFailsOnTurn: fc.option(fc.integer({ min: 0, max: 10 }), { nil: null }),
  turnsBetweenWaves: fc.integer({ min: 0, max: 3 }),
  // Arrivals a fraction of a millisecond to seconds apart, so some turns are held for company and some released early.
  holdLimitMs: fc.constantFrom(0, 2, 4),
  gapsMs: fc.array(fc.constantFrom(0, 0.3, 1, 1.5, 3, 10, 2_000), { minLength: 1, maxLength: 16 }),
  perCall: fc.integer({ min: 1, max: 4 }),
});

describe("deliveries that arrive together share a commit", () => {
  it("keeps every item that did not fail once, answers each with its own outcome, never more than the group size per turn", async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ waves, maxGroup, afterwardsFailsOnTurn, turnsBetweenWaves, holdLimitMs, gapsMs, perCall }) => {
        const deferred: (() => void)[] = [];
        let clock = 0;
        let arrivals = 0;
        const ran: number[][] = [];
        const followedUp: number[][] = [];
        const followUpOfTurn = new Map<number, number>();
        const answered: { id: number; outcome: string; turnsFollowedUp: number }[] = [];
        // What the store keeps: a transaction undone takes its items back out.
        const kept: number[] = [];
        const sharedTries: { turn: number; undone: boolean }[] = [];
        let turn = -1;
        const group = new GroupCommit<Item, number>({
          run: (item) => {
            if (turn < 0 || ran[turn] === undefined) throw new Error("an item ran outside a turn");
            ran[turn]!.push(item.id);
            if (item.fails) throw new Error(`item ${item.id} failed`);
            kept.push(item.id);
            return item.id;
          },
          together: (work) => {
            const mark = kept.length;
            try {
              const out = work();
              sharedTries.push({ turn, undone: false });
              return out;
            } catch {
              kept.length = mark;
              sharedTries.push({ turn, undone: true });
              return null;
            }
          },
          afterwards: async (done) => {
            const during = turn;
            followedUp.push(done);
            followUpOfTurn.set(during, followedUp.length);
            await Promise.resolve();
            if (during === afterwardsFailsOnTurn) throw new Error("the follow-up failed");
          },
          defer: (next, afterMs) => {
            // No turn waits longer than the limit for company.
            expect(afterMs).toBeGreaterThanOrEqual(0);
            expect(afterMs).toBeLessThanOrEqual(holdLimitMs);
            deferred.push(next);
          },
          maxGroup,
          holdLimitMs,
          now: () => (clock += gapsMs[arrivals++ % gapsMs.length]!),
        });
        const runTurns = async (limit: number) => {
          for (let i = 0; i < limit && deferred.length > 0; i++) {
            turn++;
            ran[turn] = [];
            deferred.shift()!();
            // The turn's follow-up and its answers settle before the next event.
            for (let j = 0; j < 5; j++) await Promise.resolve();
          }
        };
        const items: Item[] = [];
        const answers: Promise<void>[] = [];
        for (const wave of waves) {
          // A wave comes in calls of up to `perCall` items each (one POST's batch, or several that shared a call).
          for (let start = 0; start < wave.length; start += perCall) {
            const base = items.length;
            const call = wave.slice(start, start + perCall).map((fails, k) => ({ id: base + k, fails }));
            items.push(...call);
            group.submitAll(call).forEach((promise, k) => {
              const item = call[k]!;
              answers.push(
                promise.then(
                  (out) => void answered.push({ id: item.id, outcome: `ok ${out}`, turnsFollowedUp: followedUp.length }),
                  (error: Error) => void answered.push({ id: item.id, outcome: error.message, turnsFollowedUp: followedUp.length }),
                ),
              );
            });
          }
          await runTurns(turnsBetweenWaves);
        }
        await runTurns(Number.POSITIVE_INFINITY);
        await Promise.all(answers);

        // What was kept is every item that did not fail, once each, in the order submitted.
        expect(kept).toEqual(items.filter((i) => !i.fails).map((i) => i.id));
        // Each turn held at most `maxGroup` items; an item ran twice only in a turn whose shared try was undone.
        const itemsOf = ran.map((ids) => [...new Set(ids)]);
        for (const ids of itemsOf) expect(ids.length).toBeLessThanOrEqual(maxGroup);
        expect(itemsOf.flat()).toEqual(items.map((i) => i.id));
        ran.forEach((ids, t) => {
          const undone = sharedTries.some((s) => s.turn === t && s.undone);
          expect(ids.length).toBe(undone ? itemsOf[t]!.length + ids.indexOf(ids.find((id) => items[id]!.fails)!) + 1 : itemsOf[t]!.length);
          // Turns of two or more items tried them together first, and undid that try only when one failed.
          if (itemsOf[t]!.length > 1) expect(sharedTries.filter((s) => s.turn === t)).toEqual([{ turn: t, undone: itemsOf[t]!.some((id) => items[id]!.fails) }]);
        });
        expect(deferred).toEqual([]);
        // Each caller heard once, its own item's outcome (or the follow-up's failure, for its whole turn).
        expect(answered.map((a) => a.id).sort((a, b) => a - b)).toEqual(items.map((i) => i.id));
        const turnOf = new Map(itemsOf.flatMap((ids, t) => ids.map((id) => [id, t] as const)));
        for (const a of answered) {
          const item = items[a.id]!;
          const t = turnOf.get(a.id)!;
          const turnHadSuccess = itemsOf[t]!.some((id) => !items[id]!.fails);
          const expected = turnHadSuccess && t === afterwardsFailsOnTurn ? "the follow-up failed" : item.fails ? `item ${item.id} failed` : `ok ${item.id}`;
          expect(a.outcome).toBe(expected);
        }
        // The follow-up ran once per turn that stored something, with exactly what that turn stored, before any answer.
        expect(followedUp).toEqual(itemsOf.map((ids) => ids.filter((id) => !items[id]!.fails)).filter((done) => done.length > 0));
        for (const a of answered) {
          const followUp = followUpOfTurn.get(turnOf.get(a.id)!);
          if (followUp !== undefined) expect(a.turnsFollowedUp).toBeGreaterThanOrEqual(followUp);
        }
      }),
      { numRuns: 300, seed: 20_261_205 },
    );
  });
});

/**
 * The group commit on a virtual clock: timers fire at their instant, deliveries arrive at a steady pace, and each
 * turn is one commit. What a user of the number would notice is how long each delivery waited for its turn.
 */
async function arrivalsAt(times: number[], holdLimitMs: number) {
  let now = 0;
  const timers: { at: number; run: () => void }[] = [];
  const turns: number[][] = [];
  const waits: number[] = [];
  const group = new GroupCommit<number, number>({
    run: (id) => {
      turns.at(-1)!.push(id);
      return id;
    },
    together: (work) => work(),
    afterwards: () => {},
    defer: (next, afterMs) => {
      timers.push({ at: now + afterMs, run: next });
    },
    maxGroup: 32,
    holdLimitMs,
    now: () => now,
  });
  const fireUntil = async (until: number) => {
    for (;;) {
      timers.sort((a, b) => a.at - b.at);
      const due = timers[0];
      if (!due || due.at > until) break;
      timers.shift();
      now = Math.max(now, due.at);
      turns.push([]);
      due.run();
      if (turns.at(-1)!.length === 0) turns.pop();
      for (let j = 0; j < 5; j++) await Promise.resolve();
    }
    now = until;
  };
  const answers: Promise<void>[] = [];
  for (const [i, at] of times.entries()) {
    await fireUntil(at);
    const sent = now;
    answers.push(group.submitAll([i])[0]!.then(() => void (waits[i] = now - sent)));
  }
  await fireUntil(Number.MAX_SAFE_INTEGER);
  await Promise.all(answers);
  return { turns, waits };
}

const steadyArrivals = (gapMs: number, count: number, holdLimitMs: number) =>
  arrivalsAt(Array.from({ length: count }, (_, i) => i * gapMs), holdLimitMs);

describe("deliveries a millisecond or two apart wait a moment to share a commit", () => {
  it("groups a steady 800 a second into commits of several, each waiting at most the limit", async () => {
    const { turns, waits } = await steadyArrivals(1.25, 400, 4);
    expect(turns.flat()).toEqual(Array.from({ length: 400 }, (_, i) => i));
    expect(turns.length).toBeLessThan(400 / 2.5);
    expect(Math.max(...waits)).toBeLessThanOrEqual(4);
  });

  it("never holds deliveries that come further apart than the limit: each runs on the next turn, alone", async () => {
    const { turns, waits } = await steadyArrivals(5, 100, 4);
    expect(turns).toHaveLength(100);
    expect(Math.max(...waits)).toBe(0);
  });

  it("ends a hold as soon as the deliveries the pace promises are there, not at the limit", async () => {
    // A steady 1.25 ms pace (holds expect four), then twenty deliveries 0.1 ms apart: each turn fills long before 4 ms.
    const steady = Array.from({ length: 60 }, (_, i) => i * 1.25);
    const fast = Array.from({ length: 20 }, (_, i) => 80 + i * 0.1);
    const { waits, turns } = await arrivalsAt([...steady, ...fast], 4);
    expect(turns.flat()).toEqual(Array.from({ length: 80 }, (_, i) => i));
    // Only the last turn, which nobody else comes to fill, waits out the limit.
    const last = new Set(turns.at(-1));
    const released = waits.slice(60).filter((_, i) => !last.has(60 + i));
    expect(released.length).toBeGreaterThan(10);
    expect(Math.max(...released)).toBeLessThan(2);
  });

  it("never holds when the limit is 0, however fast they come", async () => {
    const { waits } = await steadyArrivals(0.5, 200, 0);
    expect(Math.max(...waits)).toBe(0);
  });
});
