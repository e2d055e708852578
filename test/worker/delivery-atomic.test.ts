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
});
