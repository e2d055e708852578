import { env, runInDurableObject } from "cloudflare:test";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { NumberReportData } from "../../shared/analytics";
import { SketchBuilder } from "../../worker/analytics/sketch";
import { numberInboxMigrations } from "../../worker/number-inbox/schema";
import { tagsOf } from "../../worker/number-inbox/tag-report";
import { unique } from "./helpers";
import { DAY, HistoryPlayer, mergeStep, ranges, sampleStep, conversationStep, SPAN, START, type Inner } from "./report-history";

/**
 * The report per tag reads 32-day blocks per tag (migration 28) for the whole blocks of a range. Tags belong to
 * customers and change after the fact: added, taken off, deleted from the workspace, carried over when two customers
 * merge; conversations move to another customer or to an earlier start. Whatever happens, the blocks must equal the
 * ones built from the customers' tags now, row for row (counts and each bin's smallest and largest value), and the
 * table must equal the one computed exactly from every tagged customer's conversations and samples. Random histories
 * go through the number's own statements for conversations and samples, and the statements contacts.ts runs on tags.
 */

const TAGS = ["vip", "refund", "wholesale"];

const step = fc.oneof(
  conversationStep,
  sampleStep,
  fc.record({ kind: fc.constant("tag" as const), contact: fc.nat(5), tag: fc.constantFrom(...TAGS) }),
  fc.record({ kind: fc.constant("untag" as const), contact: fc.nat(5), tag: fc.constantFrom(...TAGS) }),
  fc.record({ kind: fc.constant("deleteTag" as const), tag: fc.constantFrom(...TAGS) }),
  mergeStep,
  fc.record({ kind: fc.constant("history" as const), conversation: fc.nat(60), before: fc.nat(40 * DAY) }),
);

async function play(steps: (typeof step extends fc.Arbitrary<infer T> ? T : never)[]): Promise<string> {
  const name = unique("tag-blocks-");
  await runInDurableObject(env.NUMBER_INBOX.getByName(name), (instance, state) => {
    const sql = state.storage.sql;
    const history = new HistoryPlayer(sql, (instance as unknown as { parts: Inner }).parts.conversations);
    const { conversations, contacts, made } = history;
    for (const s of steps) {
      if (s.kind === "conversation" || s.kind === "sample") history.play(s);
      else if (s.kind === "tag") {
        // As Contacts.editTags and setTags add one.
        sql.exec("INSERT OR IGNORE INTO contact_tags (contact_id, tag_id, added_by, added_at) VALUES (?, ?, NULL, 0)", history.contact(s.contact), s.tag);
      } else if (s.kind === "untag") {
        sql.exec("DELETE FROM contact_tags WHERE contact_id = ? AND tag_id = ?", history.contact(s.contact), s.tag);
      } else if (s.kind === "deleteTag") {
        // Contacts.removeTag: the tag's blocks, then every customer's.
        sql.exec("DELETE FROM tag_blocks WHERE tag_id = ?", s.tag);
        sql.exec("DELETE FROM contact_tags WHERE tag_id = ? RETURNING contact_id", s.tag).toArray();
      } else if (s.kind === "history") {
        // An older message from the app's history moves its conversation's start earlier (Conversations.noteHistory).
        if (made.length === 0) continue;
        const id = made[s.conversation % made.length]!;
        const createdAt = sql.exec<{ created_at: number }>("SELECT created_at FROM conversations WHERE id = ?", id).one().created_at;
        conversations.noteHistory(id, createdAt - s.before, true, "…");
      } else if (s.from !== s.into && contacts.has(s.from)) {
        // As a BSUID merge does it: the customer's tags carried over (Contacts.absorb), the conversations moved.
        const from = contacts.get(s.from)!;
        const into = history.contact(s.into);
        sql.exec("DELETE FROM contacts WHERE id = ?", from);
        sql.exec("INSERT OR IGNORE INTO contact_tags (contact_id, tag_id, added_by, added_at) SELECT ?, tag_id, added_by, added_at FROM contact_tags WHERE contact_id = ?", into, from);
        sql.exec("DELETE FROM contact_tags WHERE contact_id = ?", from);
        conversations.absorbContact(from, into, START + SPAN + DAY);
        contacts.delete(s.from);
      }
    }
  });
  return name;
}

const B = 32 * DAY;
/** tag_blocks as migration 28 would build it from the customers' tags now. */
const REBUILT = `
  SELECT 'conversations' AS metric, c.created_at / ${B} AS block, t.tag_id, 0 AS bin, COUNT(*) AS count, 0 AS lo, 0 AS hi
    FROM contact_tags t JOIN conversations c ON c.contact_id = t.contact_id GROUP BY 2, 3
  UNION ALL SELECT 'resolution', s.at / ${B}, t.tag_id, 0, COUNT(*), 0, 0
    FROM contact_tags t JOIN conversations c ON c.contact_id = t.contact_id JOIN samples s ON s.conversation_id = c.id AND s.metric = 'resolution' GROUP BY 2, 3
  UNION ALL SELECT 'first_response', s.at / ${B}, t.tag_id, s.bin, COUNT(*), MIN(s.value), MAX(s.value)
    FROM contact_tags t JOIN conversations c ON c.contact_id = t.contact_id JOIN samples s ON s.conversation_id = c.id AND s.metric = 'first_response' GROUP BY 2, 3, 4
  UNION ALL SELECT 'first_response:business', s.at / ${B}, t.tag_id, s.business_bin, COUNT(*), MIN(COALESCE(s.business_value, s.value)), MAX(COALESCE(s.business_value, s.value))
    FROM contact_tags t JOIN conversations c ON c.contact_id = t.contact_id JOIN samples s ON s.conversation_id = c.id AND s.metric = 'first_response' GROUP BY 2, 3, 4
  ORDER BY 1, 2, 3, 4`;

/** The table computed from every tagged customer's conversations and samples. */
function exactTags(sql: SqlStorage, from: number, to: number, businessHours: boolean) {
  const table = new Map<string, { conversations: number; resolved: number; firstResponse: SketchBuilder }>();
  const row = (id: string) => {
    let r = table.get(id);
    if (!r) table.set(id, (r = { conversations: 0, resolved: 0, firstResponse: new SketchBuilder() }));
    return r;
  };
  for (const c of sql.exec<{ tag_id: string; created_at: number }>("SELECT t.tag_id, c.created_at FROM contact_tags t JOIN conversations c ON c.contact_id = t.contact_id")) {
    if (c.created_at >= from && c.created_at < to) row(c.tag_id).conversations++;
  }
  for (const s of sql.exec<{ tag_id: string; metric: string; at: number; value: number; business_value: number | null }>(
    "SELECT t.tag_id, s.metric, s.at, s.value, s.business_value FROM contact_tags t JOIN conversations c ON c.contact_id = t.contact_id JOIN samples s ON s.conversation_id = c.id",
  )) {
    if (s.at < from || s.at >= to) continue;
    if (s.metric === "resolution") row(s.tag_id).resolved++;
    else if (s.metric === "first_response") row(s.tag_id).firstResponse.addValue(businessHours ? (s.business_value ?? s.value) : s.value);
  }
  return table;
}

function expectSame(read: NumberReportData["tags"], exact: ReturnType<typeof exactTags>, where: string) {
  expect(Object.keys(read).sort(), where).toEqual([...exact.keys()].sort());
  for (const [id, want] of exact) {
    const got = read[id]!;
    expect([got.conversations, got.resolved], `${where} ${id}: conversations, resolved`).toEqual([want.conversations, want.resolved]);
    const sketch = new SketchBuilder().merge(got.firstResponse);
    expect(sketch.total === 0 ? null : sketch.data(), `${where} ${id}: first responses`).toEqual(want.firstResponse.total === 0 ? null : want.firstResponse.data());
  }
}

function expectBlocksTrue(sql: SqlStorage, asked: { from: number; length: number; businessHours: boolean }[], label: string) {
  expect(sql.exec("SELECT metric, block, tag_id, bin, count, lo, hi FROM tag_blocks ORDER BY 1, 2, 3, 4").toArray(), `${label}blocks`).toEqual(sql.exec(REBUILT).toArray());
  for (const r of asked) {
    const from = START + r.from;
    const to = from + r.length;
    const exact = exactTags(sql, from, to, r.businessHours);
    for (const plan of ["range", "customers"] as const) expectSame(tagsOf(sql, from, to, r.businessHours, 0, plan), exact, `${label}[${r.from}, +${r.length}) ${plan} business ${r.businessHours}`);
  }
}

describe("analytics: the report per tag from 32-day blocks", () => {
  it("equals the blocks and the table built from the customers' tags now, after tags come and go, merges and earlier starts", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 120, size: "max" }), ranges, async (steps, asked) => {
        const name = await play(steps);
        await runInDurableObject(env.NUMBER_INBOX.getByName(name), (_, state) => expectBlocksTrue(state.storage.sql, asked, ""));
      }),
      { numRuns: 40, endOnFailure: true },
    );
  });

  it("a tag taken off a customer leaves its bin the bounds of the values still tagged", async () => {
    await runInDurableObject(env.NUMBER_INBOX.getByName(unique("tag-bounds-")), (instance, state) => {
      const sql = state.storage.sql;
      const history = new HistoryPlayer(sql, (instance as unknown as { parts: Inner }).parts.conversations);
      // Three VIP customers answered in 9.90 s, 9.95 s and 10.00 s: one bin (9,827 to 10,025 ms), one block.
      const ids = [9_900, 9_950, 10_000].map((ms, slot) => {
        sql.exec("INSERT INTO contact_tags (contact_id, tag_id, added_by, added_at) VALUES (?, 'vip', NULL, 0)", history.contact(slot));
        history.answered(slot, ms);
        return history.contact(slot);
      });
      const vip = () => sql.exec("SELECT count, lo, hi FROM tag_blocks WHERE metric = 'first_response' AND tag_id = 'vip'").toArray();
      expect(vip()).toEqual([{ count: 3, lo: 9_900, hi: 10_000 }]);
      // The fastest and the slowest are not VIPs after all: the 9.95 s is left.
      sql.exec("DELETE FROM contact_tags WHERE tag_id = 'vip' AND contact_id IN (?, ?)", ids[0]!, ids[2]!);
      expect(vip()).toEqual([{ count: 1, lo: 9_950, hi: 9_950 }]);
      const table = tagsOf(sql, START - 40 * DAY, START + 40 * DAY, false, 0);
      expect(table.vip!.conversations).toBe(1);
      expect(new SketchBuilder().merge(table.vip!.firstResponse).timing()).toEqual({ count: 1, medianMs: 9_950, p90Ms: 9_950 });
    });
  });

  it("migration 28 builds the blocks from a number's stored tags, conversations and samples", async () => {
    const migration = numberInboxMigrations.find((m) => m.idMonotonicInc === 28)!;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 80, size: "max" }), ranges, async (steps, asked) => {
        const name = await play(steps);
        await runInDurableObject(env.NUMBER_INBOX.getByName(name), (_, state) => {
          const sql = state.storage.sql;
          sql.exec(`
            DROP TRIGGER tag_blocks_tag_added; DROP TRIGGER tag_blocks_tag_removed;
            DROP TRIGGER tag_blocks_conversation_moved; DROP TRIGGER tag_blocks_conversation_started;
            DROP TABLE tag_blocks;
          `);
          sql.exec(migration.sql!);
          expectBlocksTrue(sql, asked, "migrated ");
        });
      }),
      { numRuns: 10, endOnFailure: true },
    );
  });
});
