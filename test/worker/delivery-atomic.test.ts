import { describe, expect, it } from "vitest";
import { connectSocket, conversationsOf, createWorkspace, customerMessage, numberSql, postWebhook, setStatus, tick, uniqueNumberId } from "./helpers";

/**
 * A customer message and what routing and automation decide on it are one transaction: a delivery is stored and
 * assigned together, or not at all. Meta retries a POST that answered 500, so a half-done delivery would leave its
 * retry a duplicate and the conversation never assigned.
 */


describe("one delivery, one transaction", () => {
  it("when routing fails after the message is stored, the POST answers 500, nothing of it is kept or pushed, and Meta's retry stores and assigns it once", async () => {
    const ws = await createWorkspace(1, uniqueNumberId());
    const agent = ws.agents[0]!;
    const socket = await connectSocket(agent.token, ws.phoneNumberId);
    await setStatus(agent.token, "available");
    await tick(50);
    const heard = socket.events.length;
    // Routing picks the agent, then its history row is refused, as a fault of ours in routing would be.
    await numberSql(ws.phoneNumberId, "CREATE TRIGGER refuse_assignment BEFORE INSERT ON assignments BEGIN SELECT RAISE(ABORT, 'routing is failing'); END");
    const customer = `86${uniqueNumberId()}`;
    const body = customerMessage(ws.phoneNumberId, customer, "你好，我的订单还没到");
    expect((await postWebhook(body)).status).toBe(500);
    expect(await numberSql(ws.phoneNumberId, "SELECT id FROM messages")).toEqual([]);
    expect(await numberSql(ws.phoneNumberId, "SELECT id FROM contacts")).toEqual([]);
    expect(await numberSql(ws.phoneNumberId, "SELECT id FROM conversations")).toEqual([]);
    await tick(50);
    expect(socket.events.slice(heard).filter((e) => e.type === "conversation" || e.type === "message" || e.type === "notice")).toEqual([]);

    await numberSql(ws.phoneNumberId, "DROP TRIGGER refuse_assignment");
    expect((await postWebhook(body)).status).toBe(200);
    const [conversation, ...others] = await conversationsOf(agent.token, ws.phoneNumberId);
    expect(others).toEqual([]);
    expect(conversation).toMatchObject({ assigneeId: agent.id, lastMessagePreview: "你好，我的订单还没到" });
    expect(await numberSql(ws.phoneNumberId, "SELECT agent_id FROM assignments")).toEqual([{ agent_id: agent.id }]);
    await tick(50);
    const notices = socket.events.slice(heard).filter((e) => e.type === "notice");
    expect(notices).toHaveLength(1);
    socket.close();
  });

  it("POSTs that arrive together share a commit, yet each is its own transaction: the one whose routing fails keeps nothing, the others are stored and assigned once", async () => {
    const ws = await createWorkspace(3, uniqueNumberId());
    const sockets = await Promise.all(ws.agents.map((a) => connectSocket(a.token, ws.phoneNumberId)));
    for (const agent of ws.agents) await setStatus(agent.token, "available");
    await tick(50);
    const customers = Array.from({ length: 12 }, () => `86${uniqueNumberId()}`);
    const doomed = customers[5]!;
    await numberSql(
      ws.phoneNumberId,
      `CREATE TRIGGER refuse_one BEFORE INSERT ON assignments
       WHEN (SELECT c.wa_id FROM conversations v JOIN contacts c ON c.id = v.contact_id WHERE v.id = NEW.conversation_id) = '${doomed}'
       BEGIN SELECT RAISE(ABORT, 'routing is failing'); END`,
    );
    const bodies = customers.map((c) => customerMessage(ws.phoneNumberId, c, `订单 ${c.slice(-4)} 什么时候到？`));
    const answers = await Promise.all(bodies.map((b) => postWebhook(b).then((r) => r.status)));
    expect(answers).toEqual(customers.map((c) => (c === doomed ? 500 : 200)));
    const stored = await numberSql<{ wa_id: string; assignee_id: string | null; n: number }>(
      ws.phoneNumberId,
      "SELECT c.wa_id, v.assignee_id, (SELECT COUNT(*) FROM messages m WHERE m.conversation_id = v.id AND m.direction = 'in') AS n FROM conversations v JOIN contacts c ON c.id = v.contact_id ORDER BY v.id",
    );
    const kept = customers.filter((c) => c !== doomed);
    expect(stored.map((r) => r.wa_id).sort()).toEqual([...kept].sort());
    expect(stored.filter((r) => r.n !== 1 || !ws.agents.some((a) => a.id === r.assignee_id))).toEqual([]);
    expect(await numberSql(ws.phoneNumberId, "SELECT id FROM contacts WHERE wa_id = '" + doomed + "'")).toEqual([]);
    const assigned = await numberSql<{ conversation_id: number }>(ws.phoneNumberId, "SELECT conversation_id FROM assignments");
    expect(new Set(assigned.map((a) => a.conversation_id)).size).toBe(assigned.length);
    expect(assigned).toHaveLength(kept.length);
    // Each assignee heard its own conversations, and nobody heard of the one that was undone.
    await tick(100);
    const heard = sockets.flatMap((s) => s.events.flatMap((e) => (e.type === "conversation" ? [e.conversation.contact.waId] : [])));
    expect(new Set(heard)).toEqual(new Set(kept));
    // One assignment notice for each kept conversation: nothing pushed by a try that was undone is heard.
    const notices = sockets.flatMap((s) => s.events.flatMap((e) => (e.type === "notice" && e.kind === "assigned" ? [e.conversationId] : [])));
    expect(notices).toHaveLength(kept.length);
    expect(new Set(notices).size).toBe(kept.length);
    // Each agent's load is what it holds, after a try that was undone and tried again.
    expect(await numberSql(ws.phoneNumberId, "SELECT id, load FROM members ORDER BY id")).toEqual(
      await numberSql(ws.phoneNumberId, "SELECT m.id, (SELECT COUNT(*) FROM conversations v WHERE v.assignee_id = m.id AND v.status = 'open') AS load FROM members m ORDER BY m.id"),
    );

    await numberSql(ws.phoneNumberId, "DROP TRIGGER refuse_one");
    expect((await postWebhook(bodies[5]!)).status).toBe(200);
    expect(await numberSql(ws.phoneNumberId, "SELECT id FROM conversations")).toHaveLength(customers.length);
    for (const socket of sockets) socket.close();
  });
});
