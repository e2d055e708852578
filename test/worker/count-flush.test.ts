import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type { Board } from "../../shared/analytics";
import { COUNT_FLUSH_MS } from "../../worker/number-inbox/board";
import { countEvent, countEvents, type CountEntry } from "../../worker/number-inbox/analytics";
import { api, createWorkspace, customerMessage, postWebhook, setStatus, tick, unique } from "./helpers";

const storedCount = (phoneNumberId: string, metric: string) =>
  runInDurableObject(env.NUMBER_INBOX.getByName(phoneNumberId), (_, state) =>
    state.storage.sql.exec<{ n: number | null }>("SELECT SUM(total) AS n FROM rollup_days WHERE metric = ? AND agent_id = '*'", metric).one().n ?? 0,
  );

describe("analytics counts written a tick after the message", () => {
  it("reach storage within a second with nobody reading, and a board read right after a burst counts every new conversation", async () => {
    const ws = await createWorkspace(2);
    await setStatus(ws.agents[0]!.token, "available");
    for (let i = 0; i < 5; i++) expect((await postWebhook(customerMessage(ws.phoneNumberId, `86139000${String(i).padStart(5, "0")}`, "你好"))).status).toBe(200);
    // A read flushes first: the board counts all five at once.
    const board = await api<Board>("GET", "/board", { token: ws.adminToken });
    expect(board.status).toBe(200);
    expect(board.body.numbers.find((n) => n.phoneNumberId === ws.phoneNumberId)?.today.new).toBe(5);

    // Nobody reads: the timer writes them.
    for (let i = 5; i < 8; i++) expect((await postWebhook(customerMessage(ws.phoneNumberId, `86139000${String(i).padStart(5, "0")}`, "在吗"))).status).toBe(200);
    await tick(COUNT_FLUSH_MS + 300);
    expect(await storedCount(ws.phoneNumberId, "messages_in")).toBe(8);
    expect(await storedCount(ws.phoneNumberId, "conversations_new")).toBe(8);
  });
});

describe("countEvents", () => {
  it("writes the same rollups as counting each event alone, for any events", async () => {
    const metric = fc.constantFrom<CountEntry[0]>("messages_in", "messages_out", "conversations_new", "assigned:round_robin", "assigned:transfer");
    const agent = fc.constantFrom(null, "a1", "a2", "a3");
    // Within about a year and a half, so days and 32-day blocks repeat and differ.
    const at = fc.integer({ min: 1_750_000_000_000, max: 1_750_000_000_000 + 500 * 86_400_000 });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(metric, agent, at), { maxLength: 60 }), async (entries) => {
        const dump = (sql: SqlStorage) => ({
          days: [...sql.exec("SELECT * FROM rollup_days ORDER BY metric, agent_id, day").raw()],
          blocks: [...sql.exec("SELECT * FROM rollup_blocks ORDER BY metric, agent_id, block").raw()],
        });
        const one = await runInDurableObject(env.NUMBER_INBOX.getByName(unique("count-one-")), (_, state) => {
          for (const [m, a, t] of entries) countEvent(state.storage.sql, m, a, t);
          return dump(state.storage.sql);
        });
        const together = await runInDurableObject(env.NUMBER_INBOX.getByName(unique("count-all-")), (_, state) => {
          countEvents(state.storage.sql, entries as CountEntry[]);
          return dump(state.storage.sql);
        });
        expect(together).toEqual(one);
      }),
      { numRuns: 25 },
    );
  });
});
