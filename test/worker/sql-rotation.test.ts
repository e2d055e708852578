import { env, runInDurableObject } from "cloudflare:test";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { arrayRotation, isRoutable, type RotationMember } from "../../worker/number-inbox/routing";
import { SqlRotation } from "../../worker/number-inbox/sql-rotation";

const ids = ["a", "b", "c", "d", "e", "f", "g"];
const memberArb = fc.record({
  id: fc.constantFrom(...ids),
  available: fc.boolean(),
  present: fc.boolean(),
  load: fc.nat({ max: 4 }),
  capacity: fc.option(fc.integer({ min: 1, max: 4 }), { nil: null }),
  inRotation: fc.boolean(),
});

describe("the indexed rotation answers exactly as the reference", () => {
  it("next routable, least loaded and member lookups agree with arrayRotation on random rotations", async () => {
    await runInDurableObject(env.NUMBER_INBOX.getByName("sql-rotation-equivalence"), async (_, state) => {
      const sql = state.storage.sql;
      fc.assert(
        fc.property(
          fc.uniqueArray(memberArb, { selector: (m) => m.id, maxLength: 7 }),
          fc.option(fc.constantFrom(...ids, "gone"), { nil: null }),
          fc.subarray(ids),
          (members, after, exclude) => {
            sql.exec("DELETE FROM members");
            members.forEach((m, position) =>
              sql.exec(
                `INSERT INTO members (id, name, role, status, position, capacity, in_rotation, present, load, routable)
                 VALUES (?, ?, 'agent', ?, ?, ?, ?, ?, ?, ?)`,
                m.id,
                m.id,
                m.available ? "available" : "away",
                position,
                m.capacity,
                m.inRotation ? 1 : 0,
                m.present ? 1 : 0,
                m.load,
                isRoutable(m) ? 1 : 0,
              ),
            );
            const rotation: RotationMember[] = members.filter((m) => m.inRotation).map(({ inRotation: _, ...m }) => m);
            const reference = arrayRotation(rotation);
            const indexed = new SqlRotation(sql);
            expect(indexed.nextRoutable(after, exclude)).toBe(reference.nextRoutable(after, exclude));
            expect(indexed.leastLoaded(exclude)).toBe(reference.leastLoaded(exclude));
            for (const id of ids) expect(indexed.member(id)).toEqual(reference.member(id));
          },
        ),
        { numRuns: 500 },
      );
    });
  });
});
