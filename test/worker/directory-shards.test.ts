import { env, runInDurableObject } from "cloudflare:test";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { email as emailSchema } from "../../shared/people";
import { directoryFor } from "../../worker/directory/client";
import { adoptLegacyRows, type HandoverPart } from "../../worker/directory/legacy-handover";
import { DESIGNATED_SHARD, DIRECTORY_SHARDS, emailKey, parseShardName, shardIndexOf, shardName } from "../../worker/directory/shard";
import { unique, uniqueNumberId } from "./helpers";

/**
 * The sharded directory (issue #21). Most tests use a directory of their own (`base`): its 16 shards and legacy object
 * are fresh, so what each shard holds can be counted exactly. The app's own is `directoryFor(env)`.
 */
const freshBase = () => `test${unique("")}x`;

const rowsIn = (base: string, index: number, sql: string) =>
  runInDurableObject(env.DIRECTORY.getByName(shardName(index, base)), (_, state) => state.storage.sql.exec<Record<string, string>>(sql).toArray());

/** A string with each character's case flipped where `flips` says so, and whitespace around it: what a person types. */
function typedVariant(text: string, flips: boolean[], pad: string): string {
  const chars = [...text].map((c, i) => (flips[i % Math.max(flips.length, 1)] ? c.toUpperCase() : c));
  return `${pad}${chars.join("")}${pad}`;
}

const localPart = fc.string({ unit: "grapheme", minLength: 1, maxLength: 16 }).filter((s) => !s.includes("@"));
const numberId = fc.stringMatching(/^[1-9][0-9]{5,15}$/);

describe("which shard holds a key", () => {
  it("is stable and the same for every way a person may type the same email (case, unicode, surrounding whitespace)", () => {
    fc.assert(
      fc.property(localPart, fc.domain(), fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }), fc.constantFrom("", " ", "\t", "  "), (local, domain, flips, pad) => {
        const address = `${local}@${domain}`;
        const typed = typedVariant(address, flips, pad);
        const index = shardIndexOf("email", address);
        expect(index).toBeGreaterThanOrEqual(0);
        expect(index).toBeLessThan(DIRECTORY_SHARDS);
        expect(shardIndexOf("email", address)).toBe(index);
        // Where the app takes the two for one account, they are one key in one shard (a few unicode letters, e.g. İ,
        // do not lower-case back to themselves: the app keeps those apart, and so may the shards).
        if (emailKey(typed) === emailKey(address)) expect(shardIndexOf("email", typed)).toBe(index);
        // What the sign-up schema stores (it lower-cases) is routed like what was typed.
        const parsed = emailSchema.safeParse(typed.trim());
        if (parsed.success) expect(shardIndexOf("email", parsed.data)).toBe(shardIndexOf("email", typed));
      }),
      { numRuns: 300 },
    );
  });

  it("names shards so an object knows which it is, and the legacy name is none", () => {
    expect(parseShardName(shardName(7))).toEqual({ base: "directory", index: 7 });
    expect(parseShardName("directory")).toBeNull();
    expect(parseShardName(`directory-${DIRECTORY_SHARDS}`)).toBeNull();
  });
});

describe("claims across shards: exactly one company wins a key", () => {
  it("two companies claiming the same email at once, typed differently: one wins, and both spellings find the winner", async () => {
    const directory = directoryFor(env);
    await fc.assert(
      fc.asyncProperty(localPart, fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }), fc.constantFrom("", " "), async (local, flips, pad) => {
        const address = `${unique("e")}${local}@example.test`;
        const typed = typedVariant(address, flips, pad);
        fc.pre(emailKey(typed) === emailKey(address));
        const [a, b] = [unique("wa"), unique("wb")];
        const [wonA, wonB] = await Promise.all([directory.claimEmail(address, a), directory.claimEmail(typed, b)]);
        expect([wonA, wonB].filter(Boolean)).toHaveLength(1);
        const winner = wonA ? a : b;
        expect(await directory.workspaceOf(address)).toBe(winner);
        expect(await directory.workspaceOf(typed)).toBe(winner);
      }),
      { numRuns: 40 },
    );
  });

  it("two companies claiming the same number at once: one owns it, the other is told who does", async () => {
    const directory = directoryFor(env);
    await fc.assert(
      fc.asyncProperty(numberId, async (id) => {
        const number = `${uniqueNumberId()}${id}`;
        const [a, b] = [unique("wa"), unique("wb")];
        const [byA, byB] = await Promise.all([directory.claimNumber(number, null, a), directory.claimNumber(number, null, b)]);
        expect(byA.owner).toBe(byB.owner);
        expect([a, b]).toContain(byA.owner);
        expect(await directory.ownerOfNumber(number)).toBe(byA.owner);
      }),
      { numRuns: 40 },
    );
  });

  it("imports of overlapping numbers and accounts, all or none across shards: never both, and a loser keeps nothing", async () => {
    const directory = directoryFor(env);
    const batch = fc.uniqueArray(numberId, { minLength: 4, maxLength: 12 }).chain((ids) =>
      fc.record({ ids: fc.constant(ids), split: fc.integer({ min: 1, max: ids.length - 1 }), overlap: fc.integer({ min: 1, max: ids.length - 1 }) }),
    );
    await fc.assert(
      fc.asyncProperty(batch, fc.boolean(), async ({ ids, split, overlap }, asEmails) => {
        const run = uniqueNumberId();
        const keys = ids.map((id) => (asEmails ? `${run}.${id}@Shop.test` : `${run}${id}`));
        // A takes the first `split` keys and B the rest, each reaching `overlap` keys into the other's.
        const mine = { a: keys.slice(0, Math.min(keys.length, split + overlap)), b: keys.slice(Math.max(0, split - overlap)) };
        const [a, b] = [unique("wa"), unique("wb")];
        const claim = (list: string[], workspaceId: string) =>
          asEmails ? directory.claimEmailsFor(list, workspaceId) : directory.claimNumbersFor(list.map((phoneNumberId) => ({ phoneNumberId, wabaId: null })), workspaceId);
        const ownerOf = (key: string) => (asEmails ? directory.workspaceOf(key) : directory.ownerOfNumber(key));
        const [resultA, resultB] = await Promise.all([claim(mine.a, a), claim(mine.b, b)]);
        const succeeded = [resultA.taken.length === 0, resultB.taken.length === 0];
        expect(succeeded.every(Boolean)).toBe(false);
        for (const [workspaceId, list, ok, result] of [[a, mine.a, succeeded[0], resultA], [b, mine.b, succeeded[1], resultB]] as const) {
          const owners = await Promise.all(list.map(ownerOf));
          if (ok) expect(owners.every((o) => o === workspaceId)).toBe(true);
          else {
            expect(result.claimed).toEqual([]);
            expect(owners.filter((o) => o === workspaceId)).toEqual([]);
          }
        }
      }),
      { numRuns: 30 },
    );
  });
});

describe("keys are spread over the shards", () => {
  it("accounts, numbers and WABAs each land in many shards, every row in the shard its key hashes to; counters are summed", async () => {
    const base = freshBase();
    const directory = directoryFor(env, base);
    const emails = Array.from({ length: 160 }, (_, i) => `agent${i}.${unique("")}@shop.test`);
    const numbers = Array.from({ length: 160 }, () => uniqueNumberId());
    expect((await directory.claimEmailsFor(emails, "w1")).claimed).toHaveLength(160);
    expect((await directory.claimNumbersFor(numbers.map((phoneNumberId) => ({ phoneNumberId, wabaId: `waba${phoneNumberId}` })), "w1")).claimed).toHaveLength(160);
    const unknownWabas = Array.from({ length: 40 }, () => `unknown${uniqueNumberId()}`);
    for (const waba of unknownWabas) expect(await directory.workspaceForChange(null, waba)).toBeNull();

    for (const [table, key, kind] of [["accounts", "email", "email"], ["numbers", "phone_number_id", "number"], ["waba_numbers", "waba_id", "waba"], ["counters", "name", null]] as const) {
      const perShard = await Promise.all(Array.from({ length: DIRECTORY_SHARDS }, (_, i) => rowsIn(base, i, `SELECT * FROM ${table}`)));
      if (kind) {
        expect(perShard.flat()).toHaveLength(160);
        expect(perShard.filter((rows) => rows.length > 0).length).toBeGreaterThanOrEqual(12);
        expect(Math.max(...perShard.map((rows) => rows.length))).toBeLessThanOrEqual(30);
        perShard.forEach((rows, i) => rows.forEach((row) => expect(shardIndexOf(kind, row[key]!)).toBe(i)));
      } else {
        // Each unknown WABA was counted by its own shard: several hold a part, and the reader's sum is all of them.
        expect(perShard.filter((rows) => rows.length > 0).length).toBeGreaterThan(1);
        expect(await directory.unroutedChanges()).toBe(40);
      }
    }
    // The legacy object is only read: nothing was written to it.
    const legacy = await runInDurableObject(env.DIRECTORY.getByName(base), (_, state) => state.storage.sql.exec("SELECT (SELECT count(*) FROM accounts) + (SELECT count(*) FROM numbers) AS n").one().n);
    expect(legacy).toBe(0);
  });

  it("an account-level change by WABA follows its number's owner through claim, move and release", async () => {
    const directory = directoryFor(env, freshBase());
    const [number, waba, otherWaba] = [uniqueNumberId(), `waba${uniqueNumberId()}`, `waba${uniqueNumberId()}`];
    expect((await directory.claimNumber(number, waba, "wa")).owner).toBe("wa");
    expect(await directory.workspaceForChange(null, waba)).toBe("wa");
    expect(await directory.workspaceForChange(number, otherWaba)).toBe("wa");
    expect(await directory.moveNumber(number, "wb", "wc", null)).toBe(false);
    expect(await directory.moveNumber(number, "wa", "wb", null)).toBe(true);
    expect(await directory.workspaceForChange(null, waba)).toBe("wb");
    // A stale release by the old owner changes nothing; the owner's own does.
    await directory.releaseNumbers([number], "wa");
    expect(await directory.workspaceForChange(null, waba)).toBe("wb");
    await directory.releaseNumbers([number], "wb");
    expect(await directory.ownerOfNumber(number)).toBeNull();
    expect(await directory.workspaceForChange(null, waba)).toBeNull();
    expect(await directory.unroutedChanges()).toBe(1);
  });
});

describe("single-company deployments: one workspace, checked in one designated shard", () => {
  it("the first workspace's admin is claimed; another workspace is refused; a setup whose email was taken leaves no trace", async () => {
    const base = freshBase();
    const directory = directoryFor(env, base);
    const taken = `taken-${unique("")}@shop.test`;
    expect(await directory.claimEmail(taken, "w-elsewhere")).toBe(true);
    // The email is refused, and the workspace it would have created is not counted as existing.
    expect(await directory.claimFirstAdmin(taken, "w1", true)).toBe("email_taken");
    expect(await directory.claimFirstAdmin(`admin-${unique("")}@shop.test`, "w2", true)).toBe("claimed");
    expect(await directory.claimFirstAdmin(`other-${unique("")}@shop.test`, "w3", true)).toBe("single_company");
    expect(await directory.claimEmailsFor([`import-${unique("")}@shop.test`], "w4", true)).toEqual({ taken: [], claimed: [], singleCompany: true });
    // The fact lives in the designated shard alone: no other shard is asked or holds it.
    const perShard = await Promise.all(Array.from({ length: DIRECTORY_SHARDS }, (_, i) => rowsIn(base, i, "SELECT workspace_id FROM workspaces")));
    expect(perShard[DESIGNATED_SHARD]).toEqual([{ workspace_id: "w2" }]);
    expect(perShard.filter((_, i) => i !== DESIGNATED_SHARD).flat()).toEqual([]);
    // A setup that failed after its claim gives the deployment back.
    await directory.releaseFirstAdmin("whoever@shop.test", "w2");
    expect(await directory.claimFirstAdmin(`next-${unique("")}@shop.test`, "w5", true)).toBe("claimed");
  });

  it("two setups at once on a fresh single-company deployment: exactly one is claimed", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constant(null), async () => {
        const directory = directoryFor(env, freshBase());
        const results = await Promise.all(["w1", "w2"].map((w) => directory.claimFirstAdmin(`${w}-${unique("")}@shop.test`, w, true)));
        expect(results.sort()).toEqual(["claimed", "single_company"]);
      }),
      { numRuns: 5 },
    );
  });
});

describe("a deployment from before the shards", () => {
  it("keeps every account, number, WABA route, lockout and count written to the single object, read through the shards", async () => {
    const base = freshBase();
    // Written the way the old single object was: through its own name.
    const legacy = env.DIRECTORY.getByName(base);
    const emails = Array.from({ length: 40 }, (_, i) => `person${i}.${unique("")}@shop.test`);
    const numbers = Array.from({ length: 40 }, () => uniqueNumberId());
    for (const [i, address] of emails.entries()) expect(await legacy.claimEmail(address, i < 20 ? "wa" : "wb")).toBe(true);
    for (const [i, number] of numbers.entries()) await legacy.claimNumber(number, i % 2 === 0 ? `waba-${number}` : null, i < 20 ? "wa" : "wb");
    for (let i = 0; i < 30; i++) await legacy.signInFailed("203.0.113.9");
    await legacy.workspaceOfWaba("waba-nobody-has");
    await legacy.workspaceOfWaba("waba-nobody-has");

    const directory = directoryFor(env, base);
    for (const [i, address] of emails.entries()) expect(await directory.workspaceOf(address)).toBe(i < 20 ? "wa" : "wb");
    for (const [i, number] of numbers.entries()) {
      expect(await directory.ownerOfNumber(number)).toBe(i < 20 ? "wa" : "wb");
      if (i % 2 === 0) expect(await directory.workspaceForChange(null, `waba-${number}`)).toBe(i < 20 ? "wa" : "wb");
    }
    expect(await directory.addressLocked("203.0.113.9")).toBeGreaterThan(0);
    expect(await directory.addressLocked("203.0.113.10")).toBe(0);
    expect(await directory.unroutedChanges()).toBe(2);
    // Ownership carries over: another company cannot take a migrated number or email, and the deployment has workspaces.
    expect((await directory.claimNumber(numbers[0]!, null, "wc")).owner).toBe("wa");
    expect(await directory.claimEmail(emails[0]!.toUpperCase(), "wc")).toBe(false);
    expect(await directory.claimFirstAdmin(`new-${unique("")}@shop.test`, "wc", true)).toBe("single_company");

    // Adopting again (a shard that stopped half-way starts over) adds nothing and loses nothing.
    const countAll = async () => (await Promise.all(Array.from({ length: DIRECTORY_SHARDS }, (_, i) => rowsIn(base, i, "SELECT (SELECT count(*) FROM accounts) AS a, (SELECT count(*) FROM numbers) AS n, (SELECT count(*) FROM waba_numbers) AS w, (SELECT coalesce(sum(value), 0) FROM counters) AS c")))).map((r) => r[0]);
    const before = await countAll();
    expect(before.reduce((sum, r) => sum + Number(r!.a), 0)).toBe(40);
    expect(before.reduce((sum, r) => sum + Number(r!.n), 0)).toBe(40);
    for (let i = 0; i < DIRECTORY_SHARDS; i++) {
      await runInDurableObject(env.DIRECTORY.getByName(shardName(i, base)), async (_, state) => {
        state.storage.sql.exec("DELETE FROM handover");
        // A stub of the legacy object made inside the shard, as the shard's own constructor makes it.
        const fromShard = env.DIRECTORY.getByName(base);
        await adoptLegacyRows(state.storage.sql, state.storage, (part: HandoverPart, after: string) => fromShard.handOverPage(i, part, after));
      });
    }
    expect(await countAll()).toEqual(before);
  });
});
