import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { GroupCommit } from "../../worker/number-inbox/group-commit";

/**
 * Webhook deliveries that arrive together share a turn of the number's object, and so one commit
 * (worker/number-inbox/group-commit.ts). Whatever the arrivals, failures and group size, each caller must hear the
 * outcome of its own item once, in the order submitted, and only after its turn's follow-up ran.
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
  it("answers each item once with its own outcome, in order, never more than the group size per turn", async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ waves, maxGroup, afterwardsFailsOnTurn, turnsBetweenWaves }) => {
        const deferred: (() => void)[] = [];
        const ran: number[][] = [];
        const followedUp: number[][] = [];
        const followUpOfTurn = new Map<number, number>();
        const answered: { id: number; outcome: string; turnsFollowedUp: number }[] = [];
        let turn = -1;
        const group = new GroupCommit<Item, number>({
          run: (item) => {
            if (turn < 0 || ran[turn] === undefined) throw new Error("an item ran outside a turn");
            ran[turn]!.push(item.id);
            if (item.fails) throw new Error(`item ${item.id} failed`);
            return item.id;
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

        // Every item ran exactly once, in the order submitted, at most `maxGroup` per turn.
        expect(ran.flat()).toEqual(items.map((i) => i.id));
        for (const ids of ran) expect(ids.length).toBeLessThanOrEqual(maxGroup);
        expect(deferred).toEqual([]);
        // Each caller heard once, its own item's outcome (or the follow-up's failure, for its whole turn).
        expect(answered.map((a) => a.id).sort((a, b) => a - b)).toEqual(items.map((i) => i.id));
        const turnOf = new Map(ran.flatMap((ids, t) => ids.map((id) => [id, t] as const)));
        for (const a of answered) {
          const item = items[a.id]!;
          const t = turnOf.get(a.id)!;
          const turnHadSuccess = ran[t]!.some((id) => !items[id]!.fails);
          const expected = turnHadSuccess && t === afterwardsFailsOnTurn ? "the follow-up failed" : item.fails ? `item ${item.id} failed` : `ok ${item.id}`;
          expect(a.outcome).toBe(expected);
        }
        // The follow-up ran once per turn that stored something, with exactly what that turn stored, before any answer.
        expect(followedUp).toEqual(ran.map((ids) => ids.filter((id) => !items[id]!.fails)).filter((done) => done.length > 0));
        for (const a of answered) {
          const followUp = followUpOfTurn.get(turnOf.get(a.id)!);
          if (followUp !== undefined) expect(a.turnsFollowedUp).toBeGreaterThanOrEqual(followUp);
        }
      }),
      { numRuns: 300, seed: 20_261_205 },
    );
  });
});
