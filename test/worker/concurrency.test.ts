import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { connectSocket, createWorkspace, customerMessage, postWebhook, setStatus } from "./helpers";

describe("concurrency", () => {
  it("1,000 new conversations delivered concurrently to one number with 10 Available agents: each assigned once, 100 ± 1 each", async () => {
    const ws = await createWorkspace(10);
    const sockets: Awaited<ReturnType<typeof connectSocket>>[] = [];
    for (const agent of ws.agents) {
      sockets.push(await connectSocket(agent.token, ws.phoneNumberId));
      await setStatus(agent.token, "available");
    }
    const bodies = Array.from({ length: 1000 }, (_, i) => customerMessage(ws.phoneNumberId, `8615${String(i).padStart(9, "0")}`, `订单问题 ${i}`));
    const statuses = await Promise.all(bodies.map(async (body) => (await postWebhook(body)).status));
    expect(statuses.every((s) => s === 200)).toBe(true);

    const { conversations, assignments, perAgent } = await runInDurableObject(env.NUMBER_INBOX.getByName(ws.phoneNumberId), (_, state) => {
      const sql = state.storage.sql;
      return {
        conversations: sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM conversations WHERE assignee_id IS NOT NULL").one().n,
        assignments: sql.exec<{ n: number; d: number }>("SELECT COUNT(*) AS n, COUNT(DISTINCT conversation_id) AS d FROM assignments").one(),
        perAgent: sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM conversations GROUP BY assignee_id").toArray().map((r) => r.n),
      };
    });
    expect(conversations).toBe(1000);
    expect(assignments).toEqual({ n: 1000, d: 1000 });
    expect(perAgent).toHaveLength(10);
    for (const n of perAgent) expect(Math.abs(n - 100)).toBeLessThanOrEqual(1);

    // Each agent's panel hears of each of its conversations, once.
    const notices = () => sockets.flatMap((s) => s.events.flatMap((e) => (e.type === "notice" && e.kind === "assigned" ? [e.conversationId] : [])));
    for (let i = 0; i < 100 && notices().length < 1000; i++) await new Promise((r) => setTimeout(r, 50));
    expect(notices()).toHaveLength(1000);
    expect(new Set(notices()).size).toBe(1000);
    sockets.forEach((s) => s.close());
  });
});
