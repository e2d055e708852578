import { env, runInDurableObject } from "cloudflare:test";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ConversationSort, ConversationView } from "../../worker/number-inbox/conversation-views";
import type { NumberInbox } from "../../worker/number-inbox/NumberInbox";
import type { ListRequest, Views } from "../../worker/number-inbox/views";
import type { Principal } from "../../worker/lib/result";
import { createWorkspace } from "./helpers";

/**
 * A view's pages are read one status at a time and merged (conversations.ts `page`), so an index hands each status
 * over in order instead of the object sorting the whole view. Whatever the conversations (statuses, assignees, equal
 * and missing sort values), the view, the sort, the filters and the page size, walking every page must give exactly
 * the conversations the view holds, each once, in the view's order: the order a plain sort of all of them gives.
 */

const propertyEnv = env as unknown as { FUZZ_SEED?: string };
const SEED = propertyEnv.FUZZ_SEED && Number.isSafeInteger(Number(propertyEnv.FUZZ_SEED)) ? Number(propertyEnv.FUZZ_SEED) : 20_261_207;
const NEVER_WAITED = 9007199254740991;

// Few distinct times, so equal sort values (decided by the id) are common; null where a column may be empty.
const time = fc.integer({ min: 1, max: 6 }).map((t) => 1_800_000_000_000 + t * 1000);
const conversation = fc.record({
  status: fc.constantFrom("open", "pending", "resolved"),
  assignee: fc.constantFrom("me", "other", null),
  lastMessageAt: time,
  queuedAt: fc.option(time),
  awaitingSince: fc.option(time),
  unread: fc.constantFrom(0, 0, 2),
});
type Seeded = typeof conversation extends fc.Arbitrary<infer T> ? T : never;

const request = fc.record({
  view: fc.constantFrom<ConversationView>("mine", "unassigned", "all", "resolved"),
  sort: fc.constantFrom<ConversationSort | undefined>(undefined, "newest", "waiting"),
  supervisor: fc.boolean(),
  status: fc.constantFrom<"open" | "pending" | undefined>(undefined, undefined, "open", "pending"),
  unreadOnly: fc.boolean(),
  limit: fc.integer({ min: 1, max: 7 }),
});
type Asked = typeof request extends fc.Arbitrary<infer T> ? T : never;

/** What the view holds, in its order, from the rows as seeded: the specification, written without SQL. */
function expected(rows: (Seeded & { id: number })[], asked: Asked): number[] {
  const mine = (r: Seeded) => r.assignee === "me";
  const holds = (r: Seeded & { id: number }): boolean => {
    if (asked.status && r.status !== asked.status) return false;
    if (asked.unreadOnly && r.unread === 0) return false;
    switch (asked.view) {
      case "mine":
        return mine(r) && r.status !== "resolved";
      case "unassigned":
        return r.assignee === null && r.status === "open";
      case "all":
        return r.status !== "resolved";
      case "resolved":
        return r.status === "resolved" && (asked.supervisor || mine(r));
    }
  };
  const waiting = asked.view !== "resolved" && (asked.sort ?? (asked.view === "unassigned" ? "waiting" : "newest")) === "waiting";
  const key = (r: Seeded) => (waiting ? (r.queuedAt ?? r.awaitingSince ?? NEVER_WAITED) : r.lastMessageAt);
  const sign = waiting ? 1 : -1;
  return rows
    .filter(holds)
    .sort((a, b) => sign * (key(a) - key(b) || a.id - b.id))
    .map((r) => r.id);
}

describe("a view's pages, read a status at a time", () => {
  it("walk to every conversation the view holds, once each, in the view's order", async () => {
    const ws = await createWorkspace(2);
    const me = ws.agents[0]!.id;
    const other = ws.agents[1]!.id;
    const stub = env.NUMBER_INBOX.getByName(ws.phoneNumberId);
    await runInDurableObject(stub, async (instance: NumberInbox, state) => {
      const sql = state.storage.sql;
      const views = (instance as unknown as { parts: { views: Views } }).parts.views;
      let contact = 0;
      await fc.assert(
        fc.property(fc.array(conversation, { maxLength: 40 }), request, (seeded, asked) => {
          sql.exec("DELETE FROM conversations");
          const rows = seeded.map((r) => {
            contact++;
            sql.exec("INSERT INTO contacts (wa_key, wa_id, name, first_seen_at, last_seen_at) VALUES (?, ?, 'Seed', 0, 0)", `pp${contact}`, `pp${contact}`);
            const contactId = sql.exec<{ id: number }>("SELECT last_insert_rowid() AS id").one().id;
            sql.exec(
              `INSERT INTO conversations (contact_id, status, assignee_id, created_at, last_message_at, queued_at, awaiting_reply_since, unread, last_preview)
               VALUES (?, ?, ?, 0, ?, ?, ?, ?, '')`,
              contactId,
              r.status,
              r.assignee === "me" ? me : r.assignee === "other" ? other : null,
              r.lastMessageAt,
              r.queuedAt,
              r.awaitingSince,
              r.unread,
            );
            return { ...r, id: sql.exec<{ id: number }>("SELECT last_insert_rowid() AS id").one().id };
          });
          const viewer: Principal = { workspaceId: "w-pages", personId: me, name: "Lina", role: asked.supervisor ? "supervisor" : "agent" };
          const ask: ListRequest = {
            view: asked.view,
            ...(asked.sort ? { sort: asked.sort } : {}),
            ...(asked.status ? { status: asked.status } : {}),
            ...(asked.unreadOnly ? { unread: "true" as const } : {}),
            limit: asked.limit,
          };
          const walked: number[] = [];
          let cursor: string | undefined;
          for (let pages = 0; pages <= rows.length + 1; pages++) {
            const page = views.list(viewer, { ...ask, ...(cursor ? { cursor } : {}) });
            if (!page.ok) {
              // Only agents are refused, and only where the number hides the view from them.
              expect(asked.supervisor).toBe(false);
              return;
            }
            expect(page.value.conversations.length).toBeLessThanOrEqual(asked.limit);
            walked.push(...page.value.conversations.map((c) => Number(c.id)));
            if (!page.value.nextCursor) break;
            cursor = page.value.nextCursor;
          }
          expect(walked).toEqual(expected(rows, asked));
        }),
        { seed: SEED, numRuns: 150 },
      );
    });
  });
});
