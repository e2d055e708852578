import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Conversation } from "../../shared/inbox";
import { api, connectSocket, conversationOfCustomer, createWorkspace, customerMessage, newCustomerWrites, postWebhook, setStatus, tick } from "./helpers";

describe("mark pending (snooze)", () => {
  it("until the customer's next message: off the agent's load meanwhile, back with the same agent when they write", async () => {
    const ws = await createWorkspace(1);
    const a = ws.agents[0]!;
    const socket = await connectSocket(a.token, ws.phoneNumberId);
    await setStatus(a.token, "available");
    await api("PUT", `/people/${a.id}`, { token: ws.adminToken, body: { capacity: 1 } });
    const phone = await newCustomerWrites(ws.phoneNumberId, "我先去找一下订单号");
    const conversation = await conversationOfCustomer(ws.adminToken, ws.phoneNumberId, phone);
    const waiting = await newCustomerWrites(ws.phoneNumberId, "在吗？"); // queued: A is at capacity
    expect((await conversationOfCustomer(ws.adminToken, ws.phoneNumberId, waiting)).assigneeId).toBeNull();

    const snoozed = await api<Conversation>("POST", `/numbers/${ws.phoneNumberId}/conversations/${conversation.id}/snooze`, { token: a.token, body: {} });
    expect(snoozed.body).toMatchObject({ status: "pending", snoozedUntil: null, assigneeId: a.id });
    // Pending frees capacity: the queue moved at once.
    expect((await conversationOfCustomer(ws.adminToken, ws.phoneNumberId, waiting)).assigneeId).toBe(a.id);
    const mine = await api<{ conversations: Conversation[] }>("GET", `/numbers/${ws.phoneNumberId}/conversations`, { token: a.token });
    expect(mine.body.conversations.map((c) => c.status).sort()).toEqual(["open", "pending"]);

    await postWebhook(customerMessage(ws.phoneNumberId, phone, "订单号是 #5521"));
    expect(await conversationOfCustomer(ws.adminToken, ws.phoneNumberId, phone)).toMatchObject({ id: conversation.id, status: "open", assigneeId: a.id });
    socket.close();
  });

  it("until a time: the alarm wakes it and tells its agent", async () => {
    const ws = await createWorkspace(1);
    const a = ws.agents[0]!;
    const socket = await connectSocket(a.token, ws.phoneNumberId);
    await setStatus(a.token, "available");
    const conversation = await conversationOfCustomer(ws.adminToken, ws.phoneNumberId, await newCustomerWrites(ws.phoneNumberId));
    const path = `/numbers/${ws.phoneNumberId}/conversations/${conversation.id}/snooze`;
    expect((await api("POST", path, { token: a.token, body: { until: Date.now() - 1 } })).status).toBe(400);
    const until = Date.now() + 3600_000;
    expect((await api<Conversation>("POST", path, { token: a.token, body: { until } })).body.snoozedUntil).toBe(until);
    const stub = env.NUMBER_INBOX.getByName(ws.phoneNumberId);
    await runInDurableObject(stub, (_, state) => state.storage.sql.exec("UPDATE conversations SET snoozed_until = ? WHERE id = ?", Date.now() - 1, Number(conversation.id)));
    await runDurableObjectAlarm(stub);
    const woken = (await api<{ conversations: Conversation[] }>("GET", `/numbers/${ws.phoneNumberId}/conversations`, { token: a.token })).body.conversations[0]!;
    expect(woken).toMatchObject({ status: "open", snoozedUntil: null });
    await tick();
    expect(socket.events).toContainEqual(expect.objectContaining({ type: "notice", kind: "assigned", text: expect.stringContaining("snooze ended") }));
    socket.close();
  });
});
