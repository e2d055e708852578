import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { conversationSchema, messageListSchema } from "../../shared/inbox";
import { CURSOR_PATTERN } from "../../worker/number-inbox/conversation-views";
import { NumberInbox } from "../../worker/number-inbox/NumberInbox";
import { Workspace } from "../../worker/workspace/Workspace";
import type { Principal } from "../../worker/lib/result";
import fixture from "../fixtures/storage/release-87d4b91.json";
import { numberInboxMigrations } from "../../worker/number-inbox/schema";
import { workspaceMigrations } from "../../worker/workspace/schema";
import { noCoexistence } from "../../worker/webhook/split";

const LATEST_NUMBER_MIGRATION = numberInboxMigrations[numberInboxMigrations.length - 1]!.idMonotonicInc;
const LATEST_WORKSPACE_MIGRATION = workspaceMigrations[workspaceMigrations.length - 1]!.idMonotonicInc;

/**
 * The storage of a workspace and a number exactly as the previous release (commit 87d4b91) wrote it, dumped by
 * that release's own code (test/fixtures/storage/SOURCES.md), is put back into fresh objects; the current code
 * then starts on it and must upgrade it in place without losing a row.
 */
interface Dump {
  schema: { name: string; type: string; sql: string }[];
  columns: Record<string, string[]>;
  rows: Record<string, unknown[][]>;
  lastMigration: number;
}

async function restore(state: DurableObjectState, dump: Dump): Promise<void> {
  const sql = state.storage.sql;
  const current = sql.exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'").toArray();
  for (const { name } of current) sql.exec(`DROP TABLE IF EXISTS "${name}"`);
  // The full-text index's own tables come back with its CREATE VIRTUAL TABLE.
  for (const entry of dump.schema) if (!/^messages_fts_/.test(entry.name)) sql.exec(entry.sql);
  for (const [table, rows] of Object.entries(dump.rows)) {
    const columns = dump.columns[table]!;
    for (const row of rows) sql.exec(`INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`, ...(row as SqlStorageValue[]));
  }
  if (dump.schema.some((e) => e.name === "messages_fts")) sql.exec("INSERT INTO messages_fts (messages_fts) VALUES ('rebuild')");
  await state.storage.put("__sql_migrations_lastID", dump.lastMigration);
}

/** Starts the current code on the restored storage and waits for its migrations to finish. */
async function upgrade<T>(state: DurableObjectState, start: () => T, expectedLast: number): Promise<T> {
  const instance = start();
  for (let i = 0; i < 100 && (await state.storage.get("__sql_migrations_lastID")) !== expectedLast; i++) await new Promise((r) => setTimeout(r, 10));
  expect(await state.storage.get("__sql_migrations_lastID")).toBe(expectedLast);
  return instance;
}

/**
 * Every row the old release wrote is still there, column for column. One column moves by design: starting up
 * after a restart, a number counts members whose sockets did not survive as just disconnected (the grace period).
 */
const CHANGED_ON_START: Record<string, string[]> = { members: ["disconnected_at"] };
/** Rows a migration adds, by their key (first column): the search index's watermark, at the newest message (all indexed). */
const ADDED_ON_UPGRADE: Record<string, string[]> = { settings: ["search_indexed_through"] };

function expectRowsKept(state: DurableObjectState, dump: Dump): void {
  for (const [table, rows] of Object.entries(dump.rows)) {
    const columns = dump.columns[table]!;
    const kept = columns.map((c, i) => [c, i] as const).filter(([c]) => !CHANGED_ON_START[table]?.includes(c));
    const now = [...state.storage.sql.exec(`SELECT ${kept.map(([c]) => `"${c}"`).join(", ")} FROM "${table}" ORDER BY rowid`).raw()].filter(
      (row) => !ADDED_ON_UPGRADE[table]?.includes(String(row[0])),
    );
    const before = rows.map((row) => kept.map(([, i]) => row[i]));
    expect({ table, rows: now }).toEqual({ table, rows: before });
  }
}

const ids = fixture.ids as { phoneNumberId: string; workspaceId: string; agents: string[]; conversations: string[] };

describe("storage written by the previous release", () => {
  it("a number's database upgrades in place: every row kept, search, routing state and reports work on it", async () => {
    const dump = fixture.number as unknown as Dump;
    expect(dump.lastMigration).toBe(9);
    await runInDurableObject(env.NUMBER_INBOX.getByName(`migrated-${ids.phoneNumberId}`), async (_, state) => {
      await restore(state, dump);
      const inbox = await upgrade(state, () => new NumberInbox(state, env), LATEST_NUMBER_MIGRATION);
      expectRowsKept(state, dump);
      // Every message the old release wrote was indexed as it was stored: the batch starts after the newest.
      const watermark = state.storage.sql.exec<{ value: string }>("SELECT value FROM settings WHERE key = 'search_indexed_through'").one().value;
      expect(Number(watermark)).toBe(state.storage.sql.exec<{ top: number }>("SELECT max(id) AS top FROM messages").one().top);
      const admin: Principal = { workspaceId: ids.workspaceId, personId: "someone", name: "Auditor", role: "admin" };
      const messages = await inbox.listMessages(admin, ids.conversations[0]!);
      expect(messages.ok && messages.value.map((m) => m.text)).toContain("请问保温杯有现货吗？");
      const found = await inbox.search(admin, "保温杯");
      expect(found.ok && found.value.length).toBe(1);
      // New columns arrive with their defaults; new tables are empty and usable.
      const conversation = state.storage.sql.exec<{ csat_sent_at: number | null; frt_pending_since: number | null }>("SELECT csat_sent_at, frt_pending_since FROM conversations LIMIT 1").one();
      expect(conversation).toEqual({ csat_sent_at: null, frt_pending_since: null });
      const report = await inbox.reportData(0, Date.now() + 1, [0]);
      expect(report.series).toEqual([]);
    });
  });

  it("identities and times stored before the edge checked them: made-up keys no longer collide, times come within reason, every list pages", async () => {
    const dump = fixture.number as unknown as Dump;
    await runInDurableObject(env.NUMBER_INBOX.getByName(`migrated-odd-${ids.phoneNumberId}`), async (_, state) => {
      await restore(state, dump);
      // What the previous release could store from a signed webhook: an empty phone, a BSUID-only customer under the
      // made-up key "user:…", and times of 1e24 ms, Infinity and a fraction.
      const sql = state.storage.sql;
      const now = Date.now();
      sql.exec("INSERT INTO contacts (id, wa_key, wa_id, name, first_seen_at, last_seen_at) VALUES (90, '', '', 'Empty', ?, ?)", now, now);
      sql.exec("INSERT INTO contacts (id, wa_key, wa_id, user_id, name, first_seen_at, last_seen_at) VALUES (91, 'user:US.Q', NULL, 'US.Q', 'BSUID', ?, ?)", now, now);
      for (const [id, contact, at] of [[90, 90, 1e24], [91, 91, Infinity], [92, 91, 1_700_000_000_000.5]] as const) {
        sql.exec("INSERT INTO conversations (id, contact_id, status, created_at, last_message_at, last_inbound_at) VALUES (?, ?, 'open', ?, ?, ?)", id, contact, now, at, at);
        sql.exec("INSERT INTO messages (conversation_id, direction, kind, text, content, timestamp) VALUES (?, 'in', 'text', 'old', '{}', ?)", id, at);
      }
      const inbox = await upgrade(state, () => new NumberInbox(state, env), LATEST_NUMBER_MIGRATION);
      const admin: Principal = { workspaceId: ids.workspaceId, personId: "someone", name: "Auditor", role: "admin" };
      const seen: string[] = [];
      for (const view of ["all", "resolved"] as const) {
        let cursor: string | undefined;
        do {
          const page = await inbox.listConversations(admin, { view, limit: 1, cursor });
          expect(page.ok).toBe(true);
          if (!page.ok) return;
          for (const c of page.value.conversations) seen.push(conversationSchema.parse(c).id);
          cursor = page.value.nextCursor ?? undefined;
          if (cursor) expect(cursor).toMatch(CURSOR_PATTERN);
        } while (cursor && seen.length < 20);
      }
      expect(seen.sort()).toEqual(["1", "2", "3", "90", "91", "92"]);
      for (const id of ["90", "91", "92"]) {
        const messages = await inbox.listMessages(admin, id);
        expect(messages.ok && messageListSchema.parse({ messages: messages.value }).messages[0]!.timestamp).toBe(id === "92" ? 1_700_000_000_000 : now);
      }
      expect(sql.exec("SELECT wa_id FROM contacts WHERE id = 90").one().wa_id).toBeNull();

      // A customer whose phone is literally "user:US.Q" is someone else than the BSUID-only customer US.Q.
      const message = { from: "user:US.Q", id: "wamid.lookalike", timestamp: String(Math.floor(now / 1000)), type: "text", text: { body: "hello" } };
      const [result] = await inbox.ingest([{ phoneNumberId: ids.phoneNumberId, displayPhoneNumber: null, messages: [{ message, contacts: [] }], errors: [], unreadable: [], coexistence: noCoexistence() }]);
      expect(result).toMatchObject({ connected: true, stored: 1 });
      expect(sql.exec("SELECT c.wa_id, c.user_id FROM messages m JOIN conversations v ON v.id = m.conversation_id JOIN contacts c ON c.id = v.contact_id WHERE m.wamid = 'wamid.lookalike'").one()).toEqual({ wa_id: "user:US.Q", user_id: null });
    });
  });

  it("early statuses an older release kept for ever go on upgrade, counted as expired; the bounded store works on the new table", async () => {
    const dump = fixture.number as unknown as Dump;
    await runInDurableObject(env.NUMBER_INBOX.getByName(`migrated-early-${ids.phoneNumberId}`), async (_, state) => {
      await restore(state, dump);
      const sql = state.storage.sql;
      // What the previous release kept for any unknown wamid, with nothing ever removing it.
      for (let i = 0; i < 3; i++) sql.exec("INSERT INTO early_statuses (wamid, status) VALUES (?, 'delivered')", `wamid.campaign.${i}`);
      const inbox = await upgrade(state, () => new NumberInbox(state, env), LATEST_NUMBER_MIGRATION);
      expect(sql.exec("SELECT COUNT(*) AS n FROM early_statuses").one().n).toBe(0);
      expect((await inbox.health()).statuses).toMatchObject({ expired: 3, held: 0 });
      // With no send in flight, a status for an unknown wamid is dropped on sight and the table stays empty.
      const applied = await inbox.applyStatuses([{ id: "wamid.campaign.9", status: "read", at: Math.floor(Date.now() / 1000), to: "8613700000000", code: null, title: null }], Date.now());
      expect(applied).toMatchObject({ connected: true, kept: 0, dropped: 1 });
      expect((await inbox.health()).statuses).toMatchObject({ dropped: 1, held: 0 });
    });
  });

  it("a workspace's database upgrades in place: people, teams, rules, catalog and sessions kept, new settings defaulted", async () => {
    const dump = fixture.workspace as unknown as Dump;
    expect(dump.lastMigration).toBe(4);
    await runInDurableObject(env.WORKSPACE.getByName(`migrated-${ids.workspaceId}`), async (_, state) => {
      await restore(state, dump);
      const workspace = await upgrade(state, () => new Workspace(state, env), LATEST_WORKSPACE_MIGRATION);
      expectRowsKept(state, dump);
      const admin: Principal = { workspaceId: ids.workspaceId, personId: "someone", name: "Auditor", role: "admin" };
      const people = await workspace.listPeople(admin);
      expect(people.ok && people.value.map((p) => [p.role, p.active])).toEqual([
        ["admin", true],
        ["agent", true],
        ["agent", true],
      ]);
      const catalog = await workspace.catalog(admin);
      expect(catalog.tags.map((t) => t.name)).toEqual(["黄金客户"]);
      expect(catalog.canned.map((c) => [c.shortcode, c.teamIds])).toEqual([["thanks", []]]);
      // A team from before wait targets gets the default one.
      expect((await workspace.listTeams()).map((t) => [t.name, t.supervisorIds, t.waitTargetMinutes])).toEqual([["售前", [], 5]]);
      expect(await workspace.workspaceSettings()).toMatchObject({ timeZone: "Asia/Shanghai", sessionDays: 30 });
    });
  });
});
