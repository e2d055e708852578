import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, connectNumber, connectSocket, createWorkspace, customerMessage, postWebhook, setStatus, uniqueNumberId } from "./helpers";

/** A seeded shuffle, so a failure can be replayed. */
function shuffle<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe("redelivery storm", () => {
  it("1,000 distinct messages each delivered 3 times, concurrently and shuffled, across 5 numbers: 1,000 stored, each routed once, no agent told twice", async () => {
    const ws = await createWorkspace(10);
    const numbers = [ws.phoneNumberId, uniqueNumberId(), uniqueNumberId(), uniqueNumberId(), uniqueNumberId()];
    for (const id of numbers.slice(1)) {
      const connected = await connectNumber(ws.adminToken, id, { displayName: `Shop ${id.slice(-3)}`, memberIds: ws.agents.map((a) => a.id) });
      expect(connected.status).toBe(200);
    }
    const sockets: Awaited<ReturnType<typeof connectSocket>>[] = [];
    for (const agent of ws.agents) {
      for (const id of numbers) sockets.push(await connectSocket(agent.token, id));
      await setStatus(agent.token, "available");
    }
    const messages = Array.from({ length: 1000 }, (_, i) => customerMessage(numbers[i % 5]!, `8613${String(i).padStart(9, "0")}`, `第 ${i} 位客户：在吗？`, `wamid.STORM${i}`));
    const deliveries = shuffle([...messages, ...messages, ...messages], 20261125);
    const statuses = await Promise.all(deliveries.map(async (body) => (await postWebhook(body)).status));
    expect(statuses.filter((s) => s !== 200)).toEqual([]);

    let stored = 0;
    for (const id of numbers) {
      const counts = await runInDurableObject(env.NUMBER_INBOX.getByName(id), (_, state) => {
        const sql = state.storage.sql;
        return {
          messages: sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM messages WHERE direction = 'in'").one().n,
          conversations: sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM conversations").one().n,
          assignments: sql.exec<{ n: number; d: number }>("SELECT COUNT(*) AS n, COUNT(DISTINCT conversation_id) AS d FROM assignments").one(),
        };
      });
      expect(counts).toEqual({ messages: 200, conversations: 200, assignments: { n: 200, d: 200 } });
      stored += counts.messages;
    }
    expect(stored).toBe(1000);
    // The benchmark reads this line (reliability.storm_*).
    console.log(`RELIABILITY ${JSON.stringify({ storm_messages: 1000, storm_deliveries: deliveries.length, storm_stored: stored })}`);

    // Every conversation announced to its agent once: 1,000 notices, no pair of number and conversation twice.
    const notices = () => sockets.flatMap((s) => s.events.flatMap((e) => (e.type === "notice" && e.kind === "assigned" ? [`${e.phoneNumberId}:${e.conversationId}`] : [])));
    for (let i = 0; i < 100 && notices().length < 1000; i++) await new Promise((r) => setTimeout(r, 50));
    expect(notices()).toHaveLength(1000);
    expect(new Set(notices()).size).toBe(1000);
    sockets.forEach((s) => s.close());
  });
});
