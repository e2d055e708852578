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

/** A scripted run: items arrive in waves; between waves the deferred turns run (each wave may land mid-turn). */
const scenario = fc.record({
  waves: fc.array(fc.array(fc.boolean(), { minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 8 }),
  maxGroup: fc.integer({ min: 1, max: 6 }),
  afterwardsFailsOnTurn: fc.option(fc.integer({ min: 0, max: 10 }), { nil: null }),
  turnsBetweenWaves: fc.integer({ min: 0, max: 3 }),
});

describe("deliveries that arrive together share a commit", () => {
  it("keeps every item that did not fail once, answers each with its own outcome, never more than the group size per turn", async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ waves, maxGroup, afterwardsFailsOnTurn, turnsBetweenWaves }) => {
        const deferred: (() => void)[] = [];
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
          defer: (next) => deferred.push(next),
          maxGroup,
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
          for (const fails of wave) {
            const item = { id: items.length, fails };
            items.push(item);
            answers.push(
              group.submit(item).then(
                (out) => void answered.push({ id: item.id, outcome: `ok ${out}`, turnsFollowedUp: followedUp.length }),
                (error: Error) => void answered.push({ id: item.id, outcome: error.message, turnsFollowedUp: followedUp.length }),
              ),
            );
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
