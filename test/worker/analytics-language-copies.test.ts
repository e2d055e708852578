import { env, runInDurableObject } from "cloudflare:test";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { NumberReportData } from "../../shared/analytics";
import { SketchBuilder } from "../../worker/analytics/sketch";
import { languagesOf, sampleEvent } from "../../worker/number-inbox/analytics";
import type { Conversations } from "../../worker/number-inbox/conversations";
import { numberInboxMigrations } from "../../worker/number-inbox/schema";
import { unique } from "./helpers";

/**
 * The report by language reads copies of the customer's language kept on their conversations and samples
 * (migration 22). Whatever happens to a customer after the fact (their language detected, changed or cleared,
 * their conversations moved to another customer in a merge), the table must equal the one computed exactly from
 * the customers' language now: every conversation and sample joined to its customer. Random histories go through
 * the number's own statements for creating conversations (all three ways) and recording samples.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const START = Date.UTC(2026, 2, 1);
const LANGUAGES = ["zh", "en", "zh-Hant", "ms"];

const step = fc.oneof(
  fc.record({ kind: fc.constant("conversation" as const), contact: fc.nat(5), how: fc.constantFrom("customer" as const, "business" as const, "app" as const), at: fc.nat(30 * DAY) }),
  fc.record({
    kind: fc.constant("sample" as const),
    conversation: fc.nat(60),
    metric: fc.constantFrom("first_response" as const, "resolution" as const, "csat" as const),
    value: fc.oneof(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 60_000 }), fc.integer({ min: 60_000, max: 6 * HOUR })),
    business: fc.option(fc.nat(100), { nil: null }),
    at: fc.nat(30 * DAY),
  }),
  fc.record({ kind: fc.constant("language" as const), contact: fc.nat(5), language: fc.option(fc.constantFrom(...LANGUAGES), { nil: null }) }),
  fc.record({ kind: fc.constant("merge" as const), from: fc.nat(5), into: fc.nat(5) }),
);
const ranges = fc.array(fc.record({ from: fc.integer({ min: -DAY, max: 30 * DAY }), length: fc.integer({ min: HOUR, max: 40 * DAY }), businessHours: fc.boolean() }), {
  minLength: 1,
  maxLength: 3,
});

/** The number's concerns as the shell holds them (compose.ts). */
type Inner = { conversations: Conversations };

/** Plays the steps on a fresh number; returns its name. */
async function play(steps: (typeof step extends fc.Arbitrary<infer T> ? T : never)[]): Promise<string> {
  const name = unique("languages-");
  await runInDurableObject(env.NUMBER_INBOX.getByName(name), (instance, state) => {
    const sql = state.storage.sql;
    const { conversations } = (instance as unknown as { parts: Inner }).parts;
    const contacts = new Map<number, number>();
    const contact = (slot: number) => {
      let id = contacts.get(slot);
      if (id === undefined) {
        id = sql.exec<{ id: number }>("INSERT INTO contacts (wa_key, wa_id, first_seen_at, last_seen_at) VALUES (?, ?, 0, 0) RETURNING id", unique("k"), unique("86")).one().id;
        contacts.set(slot, id);
      }
      return id;
    };
    const made: number[] = [];
    for (const s of steps) {
      if (s.kind === "conversation") {
        const at = START + s.at;
        const id = contact(s.contact);
        if (s.how === "customer") made.push(Number(conversations.create(id, at, { timestamp: at, preview: "你好" }).id));
        else if (s.how === "business") made.push(conversations.createOutbound(id, at));
        else made.push(conversations.createFromApp(id, at, at, "resolved"));
      } else if (s.kind === "sample") {
        if (made.length === 0) continue;
        const business = s.metric === "csat" || s.business === null ? null : Math.floor((s.value * s.business) / 100);
        sampleEvent(sql, s.metric, "agent-a", made[s.conversation % made.length]!, s.value, business, START + s.at);
      } else if (s.kind === "language") {
        // The statement Contacts.setLanguage runs; clearing is what a migration or a future path might do.
        sql.exec("UPDATE contacts SET language = ? WHERE id = ? AND language IS NOT ?", s.language, contact(s.contact), s.language);
      } else if (s.from !== s.into && contacts.has(s.from)) {
        // As a BSUID merge does it: the conversations move (Conversations.absorbContact), then the absorbed customer goes.
        const from = contacts.get(s.from)!;
        conversations.absorbContact(from, contact(s.into), START + 31 * DAY);
        sql.exec("DELETE FROM contacts WHERE id = ?", from);
        contacts.delete(s.from);
      }
    }
  });
  return name;
}

/** The table computed from the customers' language now, every row joined to its customer. */
function exactLanguages(sql: SqlStorage, from: number, to: number, businessHours: boolean) {
  const table = new Map<string, { conversations: number; resolved: number; firstResponse: SketchBuilder; resolution: SketchBuilder }>();
  const row = (code: string) => {
    let r = table.get(code);
    if (!r) table.set(code, (r = { conversations: 0, resolved: 0, firstResponse: new SketchBuilder(), resolution: new SketchBuilder() }));
    return r;
  };
  for (const c of sql.exec<{ language: string; created_at: number }>(
    "SELECT COALESCE(k.language, '') AS language, c.created_at FROM conversations c JOIN contacts k ON k.id = c.contact_id",
  )) {
    if (c.created_at >= from && c.created_at < to) row(c.language).conversations++;
  }
  for (const s of sql.exec<{ language: string; metric: string; at: number; value: number; business_value: number | null }>(
    "SELECT COALESCE(k.language, '') AS language, s.metric, s.at, s.value, s.business_value FROM samples s JOIN conversations c ON c.id = s.conversation_id JOIN contacts k ON k.id = c.contact_id",
  )) {
    if (s.at < from || s.at >= to || s.metric === "csat") continue;
    const value = businessHours ? (s.business_value ?? s.value) : s.value;
    if (s.metric === "resolution") {
      row(s.language).resolved++;
      row(s.language).resolution.addValue(value);
    } else row(s.language).firstResponse.addValue(value);
  }
  return table;
}

function expectSame(read: NumberReportData["languages"], exact: ReturnType<typeof exactLanguages>, where: string) {
  expect(Object.keys(read).sort(), where).toEqual([...exact.keys()].sort());
  for (const [code, want] of exact) {
    const got = read[code]!;
    expect([got.conversations, got.resolved], `${where} ${code || "(none)"}: conversations, resolved`).toEqual([want.conversations, want.resolved]);
    for (const metric of ["firstResponse", "resolution"] as const) {
      const sketch = new SketchBuilder().merge(got[metric]);
      expect(sketch.total, `${where} ${code}: ${metric} count`).toBe(want[metric].total);
      // Same bins, same counts, same smallest and largest value in each: the figures read from them are identical.
      expect(sketch.total === 0 ? null : sketch.data(), `${where} ${code}: ${metric} sketch`).toEqual(want[metric].total === 0 ? null : want[metric].data());
    }
  }
}

/** Every copy is its customer's language now, and each range asked for reads the exact table. */
function expectCopiesTrue(sql: SqlStorage, asked: { from: number; length: number; businessHours: boolean }[], label: string) {
  expect(sql.exec("SELECT COUNT(*) AS n FROM conversations c JOIN contacts k ON k.id = c.contact_id WHERE c.language IS NOT k.language").one().n).toBe(0);
  expect(sql.exec("SELECT COUNT(*) AS n FROM samples s JOIN conversations c ON c.id = s.conversation_id WHERE s.language IS NOT c.language").one().n).toBe(0);
  for (const r of asked) {
    const from = START + r.from;
    const to = from + r.length;
    expectSame(languagesOf(sql, from, to, r.businessHours), exactLanguages(sql, from, to, r.businessHours), `${label}[${r.from}, +${r.length}) business ${r.businessHours}`);
  }
}

describe("analytics: the report per language from the copies of the customer's language", () => {
  it("equals the table joined from the customers' language now, after detections, changes and merges", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 120, size: "max" }), ranges, async (steps, asked) => {
        const name = await play(steps);
        await runInDurableObject(env.NUMBER_INBOX.getByName(name), (_, state) => {
          expectCopiesTrue(state.storage.sql, asked, "");
        });
      }),
      { numRuns: 40, endOnFailure: true },
    );
  });

  it("a merge between two customers of the same language writes no more than moving the conversations does", async () => {
    await runInDurableObject(env.NUMBER_INBOX.getByName(unique("merge-writes-")), (instance, state) => {
      const sql = state.storage.sql;
      const { conversations } = (instance as unknown as { parts: Inner }).parts;
      const customer = (language: string) =>
        sql.exec<{ id: number }>("INSERT INTO contacts (wa_key, wa_id, first_seen_at, last_seen_at, language) VALUES (?, ?, 0, 0, ?) RETURNING id", unique("k"), unique("86"), language).one().id;
      const withConversations = (language: string) => {
        const id = customer(language);
        for (let i = 0; i < 5; i++) conversations.createFromApp(id, START + i * HOUR, START + i * HOUR, "resolved");
        return id;
      };
      // The statement Conversations.absorbContact moves them with, read for the rows it wrote (its triggers' and indexes' included).
      const move = (from: number, into: number) => {
        const cursor = sql.exec("UPDATE conversations SET contact_id = ? WHERE contact_id = ? RETURNING id", into, from);
        expect(cursor.toArray()).toHaveLength(5);
        return cursor.rowsWritten;
      };
      const trigger = sql.exec<{ sql: string }>("SELECT sql FROM sqlite_master WHERE name = 'conversations_contact_language'").one().sql;
      const withTrigger = move(withConversations("zh"), customer("zh"));
      sql.exec("DROP TRIGGER conversations_contact_language");
      const withoutTrigger = move(withConversations("zh"), customer("zh"));
      sql.exec(trigger);
      expect(withTrigger).toBe(withoutTrigger);
      // Between languages the copies follow, which costs writes of their own.
      const en = customer("en");
      expect(move(withConversations("zh"), en)).toBeGreaterThan(withoutTrigger);
      expect(sql.exec("SELECT COUNT(*) AS n FROM conversations WHERE contact_id = ? AND language = 'en'", en).one().n).toBe(5);
    });
  });

  it("migration 22 copies the languages of a number's stored customers onto their conversations and samples", async () => {
    const migration = numberInboxMigrations.find((m) => m.idMonotonicInc === 22)!;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 80, size: "max" }), ranges, async (steps, asked) => {
        const name = await play(steps);
        await runInDurableObject(env.NUMBER_INBOX.getByName(name), (_, state) => {
          const sql = state.storage.sql;
          // Back to the shape before it (no copies, the old indexes), keeping the rows; then migration 22 as the runner applies it.
          sql.exec(`
            DROP TRIGGER contacts_language_copies; DROP TRIGGER conversations_contact_language; DROP TRIGGER conversations_language_copies;
            DROP INDEX conversations_by_created; DROP INDEX samples_by_metric;
            ALTER TABLE conversations DROP COLUMN language; ALTER TABLE samples DROP COLUMN language;
            CREATE INDEX conversations_by_created ON conversations (created_at);
            CREATE INDEX samples_by_metric ON samples (metric, at);
          `);
          sql.exec(migration.sql!);
          expectCopiesTrue(sql, asked, "migrated ");
        });
      }),
      { numRuns: 10, endOnFailure: true },
    );
  });
});
