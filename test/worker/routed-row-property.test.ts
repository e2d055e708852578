import { env, runInDurableObject } from "cloudflare:test";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { NumberInbox } from "../../worker/number-inbox/NumberInbox";
import type { Row } from "../../worker/number-inbox/rows";
import { api, connectSocket, createWorkspace, customerMessage, postWebhook, sign, setStatus } from "./helpers";

/**
 * Routing hands a conversation to an agent without reading anything back: the row it pushes to the panels is the
 * row it decided on with what the assignment wrote (assignment.ts, `assign`), and the agents' loads move by one
 * (roster.ts, `moveOne`) instead of being counted again. Whatever mix of new customers, returning ones, resolves,
 * snoozes and transfers comes, each pushed row must equal the row read back at that moment, and every member's load
 * and routability must equal what counting their open conversations gives.
 */

const propertyEnv = env as unknown as { FUZZ_SEED?: string };
const SEED = propertyEnv.FUZZ_SEED && Number.isSafeInteger(Number(propertyEnv.FUZZ_SEED)) ? Number(propertyEnv.FUZZ_SEED) : 20_261_206;

type Internals = {
  pushes: { conversation: (id: number, alsoTo?: string[], toQueueWatchers?: boolean, row?: Row) => unknown };
  conversations: { row: (id: number) => Row };
};

const step = fc.oneof(
  fc.record({ kind: fc.constant("new" as const), customers: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ kind: fc.constant("returning" as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant("resolve" as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant("snooze" as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant("transfer" as const), pick: fc.nat(), to: fc.nat() }),
  fc.record({ kind: fc.constant("status" as const), agent: fc.nat(), status: fc.constantFrom("available", "away") }),
);

describe("a routed conversation, as pushed", () => {
  it("equals the row read back, and every load equals the count, through any sequence of changes", async () => {
    const ws = await createWorkspace(3);
    const [a, b, c] = ws.agents as [(typeof ws.agents)[0], (typeof ws.agents)[0], (typeof ws.agents)[0]];
    // One agent with a capacity, so a load that moves by one also has to flip whether they can take more.
    expect((await api("PUT", `/people/${b.id}`, { token: ws.adminToken, body: { capacity: 2 } })).status).toBe(200);
    const sockets = [];
    for (const agent of [a, b, c]) {
      sockets.push(await connectSocket(agent.token, ws.phoneNumberId));
      await setStatus(agent.token, "available");
    }
    const phones: string[] = [];
    let customer = 0;
    const compared = { fromRow: 0 };
    const mismatches: { pushed: Row; readBack: Row }[] = [];
    const stub = env.NUMBER_INBOX.getByName(ws.phoneNumberId);
    const inside = await runInDurableObject(stub, async (instance: NumberInbox) => (instance as unknown as { parts: Internals }).parts);
    const push = inside.pushes.conversation.bind(inside.pushes);
    inside.pushes.conversation = (id, alsoTo, toQueueWatchers, row) => {
      if (row) {
        compared.fromRow++;
        // Kept, not thrown: a throw here would fail the step inside the object instead of naming the difference.
        const readBack = inside.conversations.row(id);
        if (JSON.stringify(row, Object.keys(readBack).sort()) !== JSON.stringify(readBack, Object.keys(readBack).sort()) || Object.keys(row).length !== Object.keys(readBack).length) {
          mismatches.push({ pushed: row, readBack });
        }
      }
      return push(id, alsoTo, toQueueWatchers, row);
    };
    const conversationIds = async () =>
      runInDurableObject(stub, async (_i, state) => state.storage.sql.exec<{ id: number }>("SELECT id FROM conversations ORDER BY id").toArray().map((r) => String(r.id)));
    const write = async (phone: string) => {
      const body = customerMessage(ws.phoneNumberId, phone, "你好，还在吗？");
      expect((await postWebhook(body, await sign(body))).status).toBe(200);
    };
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 8 }), async (steps) => {
          for (const s of steps) {
            if (s.kind === "new") {
              for (let i = 0; i < s.customers; i++) {
                const phone = `8613700${String(++customer).padStart(6, "0")}`;
                phones.push(phone);
                await write(phone);
              }
            } else if (s.kind === "returning" && phones.length > 0) {
              await write(phones[s.pick % phones.length]!);
            } else if (s.kind === "status") {
              await setStatus([a, b, c][s.agent % 3]!.token, s.status as "available" | "away");
            } else if (s.kind !== "returning") {
              const ids = await conversationIds();
              if (ids.length === 0) continue;
              const id = ids[s.pick % ids.length]!;
              const base = `/numbers/${ws.phoneNumberId}/conversations/${id}`;
              // Refusals (already resolved, not transferable now) are fine: what must hold is the state afterwards.
              if (s.kind === "resolve") await api("POST", `${base}/resolve`, { token: ws.adminToken });
              else if (s.kind === "snooze") await api("POST", `${base}/snooze`, { token: ws.adminToken, body: { until: Date.now() + 3_600_000 } });
              else await api("POST", `${base}/transfer`, { token: ws.adminToken, body: { toAgentId: [a, b, c][s.to % 3]!.id, force: true } });
            }
            const drift = await runInDurableObject(stub, async (_i, state) =>
              state.storage.sql
                .exec(
                  `SELECT m.id, m.load, m.routable, counted.n AS counted,
                     CASE WHEN m.status = 'available' AND m.present = 1 AND (m.capacity IS NULL OR counted.n < m.capacity) THEN 1 ELSE 0 END AS should_route
                   FROM members m, (SELECT mm.id AS id, (SELECT COUNT(*) FROM conversations c WHERE c.assignee_id = mm.id AND c.status = 'open') AS n FROM members mm) counted
                   WHERE counted.id = m.id AND (m.load != counted.n OR m.routable != should_route)`,
                )
                .toArray(),
            );
            expect(drift).toEqual([]);
            expect(mismatches).toEqual([]);
          }
        }),
        { numRuns: 25, seed: SEED },
      );
    } finally {
      inside.pushes.conversation = push;
      for (const s of sockets) s.close();
    }
    // The rows routing pushed were compared, not only the ones read back.
    expect(compared.fromRow).toBeGreaterThan(20);
  });
});
