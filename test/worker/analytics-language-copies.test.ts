import { env, runInDurableObject } from "cloudflare:test";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { NumberReportData } from "../../shared/analytics";
import { SketchBuilder } from "../../worker/analytics/sketch";
import { languagesOf } from "../../worker/number-inbox/language-report";
import { numberInboxMigrations } from "../../worker/number-inbox/schema";
import { unique } from "./helpers";
import { conversationStep, DAY, HistoryPlayer, HOUR, mergeStep, ranges, sampleStep, SPAN, START, type Inner } from "./report-history";

/**
 * The report by language reads copies of the customer's language kept on their conversations and samples
 * (migration 22), and for whole 32-day blocks a rollup of them that triggers maintain (migration 27). Whatever
 * happens to a customer after the fact (their language detected, changed or cleared, their conversations moved to
 * another customer in a merge), the rollup must equal the one built from the copies, and the table must equal the
 * one computed exactly from the customers' language now: every conversation and sample joined to its customer.
 * Random histories go through the number's own statements for creating conversations (all three ways) and
 * recording samples.
 */

const LANGUAGES = ["zh", "en", "zh-Hant", "ms"];

const step = fc.oneof(
  conversationStep,
  sampleStep,
  fc.record({ kind: fc.constant("language" as const), contact: fc.nat(5), language: fc.option(fc.constantFrom(...LANGUAGES), { nil: null }) }),
  mergeStep,
);

/** Plays the steps on a fresh number; returns its name. */
async function play(steps: (typeof step extends fc.Arbitrary<infer T> ? T : never)[]): Promise<string> {
  const name = unique("languages-");
  await runInDurableObject(env.NUMBER_INBOX.getByName(name), (instance, state) => {
    const sql = state.storage.sql;
    const history = new HistoryPlayer(sql, (instance as unknown as { parts: Inner }).parts.conversations);
    for (const s of steps) {
      if (s.kind === "conversation" || s.kind === "sample") history.play(s);
      else if (s.kind === "language") {
        // The statement Contacts.setLanguage runs; clearing is what a migration or a future path might do.
        sql.exec("UPDATE contacts SET language = ? WHERE id = ? AND language IS NOT ?", s.language, history.contact(s.contact), s.language);
      } else if (s.from !== s.into && history.contacts.has(s.from)) {
        // As a BSUID merge does it: the conversations move (Conversations.absorbContact), then the absorbed customer goes.
        const from = history.contacts.get(s.from)!;
        history.conversations.absorbContact(from, history.contact(s.into), START + SPAN + DAY);
        sql.exec("DELETE FROM contacts WHERE id = ?", from);
        history.contacts.delete(s.from);
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

/** language_blocks as migration 27 would build it from the copies now: every row, with its count and bounds. */
const REBUILT_BLOCKS = `
  SELECT 'conversations' AS metric, COALESCE(language, '') AS language, created_at / ${32 * DAY} AS block, 0 AS bin, COUNT(*) AS count, 0 AS lo, 0 AS hi FROM conversations GROUP BY 2, 3
  UNION ALL SELECT metric, COALESCE(language, ''), at / ${32 * DAY}, bin, COUNT(*), MIN(value), MAX(value) FROM samples WHERE metric != 'csat' GROUP BY 1, 2, 3, 4
  UNION ALL SELECT metric || ':business', COALESCE(language, ''), at / ${32 * DAY}, business_bin, COUNT(*), MIN(COALESCE(business_value, value)), MAX(COALESCE(business_value, value))
    FROM samples WHERE metric != 'csat' GROUP BY 1, 2, 3, 4
  ORDER BY 1, 2, 3, 4`;

/** Every copy is its customer's language now, the rollup is the copies', and each range asked for reads the exact table. */
function expectCopiesTrue(sql: SqlStorage, asked: { from: number; length: number; businessHours: boolean }[], label: string) {
  expect(sql.exec("SELECT COUNT(*) AS n FROM conversations c JOIN contacts k ON k.id = c.contact_id WHERE c.language IS NOT k.language").one().n).toBe(0);
  expect(sql.exec("SELECT COUNT(*) AS n FROM samples s JOIN conversations c ON c.id = s.conversation_id WHERE s.language IS NOT c.language").one().n).toBe(0);
  expect(sql.exec("SELECT metric, language, block, bin, count, lo, hi FROM language_blocks ORDER BY 1, 2, 3, 4").toArray(), `${label}rollup`).toEqual(sql.exec(REBUILT_BLOCKS).toArray());
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

  it("a bin that loses its smallest or largest value to another language keeps the bounds of the values left", async () => {
    await runInDurableObject(env.NUMBER_INBOX.getByName(unique("bin-bounds-")), (instance, state) => {
      const sql = state.storage.sql;
      const history = new HistoryPlayer(sql, (instance as unknown as { parts: Inner }).parts.conversations);
      // Three customers never detected, answered in 9.90 s, 9.95 s and 10.00 s: one bin (9,827 to 10,025 ms), one block.
      [9_900, 9_950, 10_000].forEach((ms, slot) => history.answered(slot, ms));
      const ids = [0, 1, 2].map((slot) => history.contact(slot));
      const undetected = () =>
        sql.exec("SELECT count, lo, hi FROM language_blocks WHERE metric = 'first_response' AND language = ''").toArray();
      expect(undetected()).toEqual([{ count: 3, lo: 9_900, hi: 10_000 }]);
      // The fastest and the slowest turn out to write Chinese: what is left undetected is the 9.95 s alone.
      sql.exec("UPDATE contacts SET language = 'zh' WHERE id IN (?, ?)", ids[0]!, ids[2]!);
      expect(undetected()).toEqual([{ count: 1, lo: 9_950, hi: 9_950 }]);
      expect(sql.exec("SELECT count, lo, hi FROM language_blocks WHERE metric = 'first_response' AND language = 'zh'").toArray()).toEqual([{ count: 2, lo: 9_900, hi: 10_000 }]);
      const table = languagesOf(sql, START - 40 * DAY, START + 40 * DAY, false);
      expect(new SketchBuilder().merge(table[""]!.firstResponse).timing()).toEqual({ count: 1, medianMs: 9_950, p90Ms: 9_950 });
    });
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

  it("migrations 22 and 27 copy the languages of a number's stored customers onto their conversations and samples, and roll them up", async () => {
    const migration = numberInboxMigrations.find((m) => m.idMonotonicInc === 22)!;
    const rollupMigration = numberInboxMigrations.find((m) => m.idMonotonicInc === 27)!;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 80, size: "max" }), ranges, async (steps, asked) => {
        const name = await play(steps);
        await runInDurableObject(env.NUMBER_INBOX.getByName(name), (_, state) => {
          const sql = state.storage.sql;
          // Back to the shape before it (no copies, the old indexes), keeping the rows; then migration 22 as the runner applies it.
          sql.exec(`
            DROP TRIGGER language_blocks_conversation_moved; DROP TRIGGER language_blocks_sample_moved;
            DROP TABLE language_blocks;
            DROP TRIGGER contacts_language_copies; DROP TRIGGER conversations_contact_language; DROP TRIGGER conversations_language_copies;
            DROP INDEX conversations_by_created; DROP INDEX samples_by_metric;
            ALTER TABLE conversations DROP COLUMN language; ALTER TABLE samples DROP COLUMN language;
            CREATE INDEX conversations_by_created ON conversations (created_at);
            CREATE INDEX samples_by_metric ON samples (metric, at);
          `);
          sql.exec(migration.sql!);
          sql.exec(rollupMigration.sql!);
          expectCopiesTrue(sql, asked, "migrated ");
        });
      }),
      { numRuns: 10, endOnFailure: true },
    );
  });
});
