import { describe, expect, it } from "vitest";
import {
  connectSocket,
  conversationsOf,
  createWorkspace,
  customerMessage,
  postWebhook,
  setStatus,
  tick,
} from "./helpers";

async function customersWrite(phoneNumberId: string, count: number, prefix: string) {
  for (let i = 0; i < count; i++) {
    const response = await postWebhook(customerMessage(phoneNumberId, `${prefix}${String(i).padStart(3, "0")}`, `hello ${i}`));
    expect(response.status).toBe(200);
  }
}

/** Assignees in the order the conversations were created. */
async function assigneesInOrder(adminToken: string, phoneNumberId: string) {
  const all = await conversationsOf(adminToken, phoneNumberId, "all");
  return all.sort((a, b) => Number(a.id) - Number(b.id)).map((c) => c.assigneeId);
}

describe("round robin among Available and connected agents", () => {
  it("gives six new conversations to A, B, A, B, A, B", async () => {
    const ws = await createWorkspace(2);
    const [a, b] = ws.agents as [(typeof ws.agents)[0], (typeof ws.agents)[0]];
    const sockets = [await connectSocket(a.token, ws.phoneNumberId), await connectSocket(b.token, ws.phoneNumberId)];
    await setStatus(a.token, "available");
    await setStatus(b.token, "available");
    await customersWrite(ws.phoneNumberId, 6, "86130000");
    expect(await assigneesInOrder(ws.adminToken, ws.phoneNumberId)).toEqual([a.id, b.id, a.id, b.id, a.id, b.id]);
    // Each agent's socket was told about their own conversations, live.
    await tick();
    const pushedToA = new Set(sockets[0]!.events.flatMap((e) => (e.type === "conversation" && e.conversation.assigneeId === a.id ? [e.conversation.id] : [])));
    expect(pushedToA.size).toBe(3);
    expect((await conversationsOf(a.token, ws.phoneNumberId)).length).toBe(3);
    sockets.forEach((s) => s.close());
  });

  it("gives everything to A while B is Away", async () => {
    const ws = await createWorkspace(2);
    const [a, b] = ws.agents as [(typeof ws.agents)[0], (typeof ws.agents)[0]];
    const sockets = [await connectSocket(a.token, ws.phoneNumberId), await connectSocket(b.token, ws.phoneNumberId)];
    await setStatus(a.token, "available");
    await customersWrite(ws.phoneNumberId, 4, "86131000");
    expect(await assigneesInOrder(ws.adminToken, ws.phoneNumberId)).toEqual([a.id, a.id, a.id, a.id]);
    sockets.forEach((s) => s.close());
  });

  it("skips an Available agent whose side panel is not connected", async () => {
    const ws = await createWorkspace(2);
    const [a, b] = ws.agents as [(typeof ws.agents)[0], (typeof ws.agents)[0]];
    const socket = await connectSocket(b.token, ws.phoneNumberId);
    await setStatus(a.token, "available");
    await setStatus(b.token, "available");
    await customersWrite(ws.phoneNumberId, 3, "86132000");
    expect(await assigneesInOrder(ws.adminToken, ws.phoneNumberId)).toEqual([b.id, b.id, b.id]);
    socket.close();
  });

  it("queues while both are Away and hands everything to whoever becomes Available first", async () => {
    const ws = await createWorkspace(2);
    const [a, b] = ws.agents as [(typeof ws.agents)[0], (typeof ws.agents)[0]];
    const sockets = [await connectSocket(a.token, ws.phoneNumberId), await connectSocket(b.token, ws.phoneNumberId)];
    await customersWrite(ws.phoneNumberId, 5, "86133000");
    expect(await assigneesInOrder(ws.adminToken, ws.phoneNumberId)).toEqual([null, null, null, null, null]);
    await setStatus(b.token, "available");
    expect(await assigneesInOrder(ws.adminToken, ws.phoneNumberId)).toEqual([b.id, b.id, b.id, b.id, b.id]);
    const reasons = (await conversationsOf(b.token, ws.phoneNumberId)).map((c) => c.assignmentReason);
    expect(reasons.every((r) => r?.startsWith("queued"))).toBe(true);
    // A later Available agent gets only new work, in turn.
    await setStatus(a.token, "available");
    await customersWrite(ws.phoneNumberId, 2, "86133500");
    expect((await assigneesInOrder(ws.adminToken, ws.phoneNumberId)).slice(5)).toEqual([a.id, b.id]);
    sockets.forEach((s) => s.close());
  });

  it("keeps a customer's follow-up messages in their one open conversation", async () => {
    const ws = await createWorkspace(1);
    const [a] = ws.agents as [(typeof ws.agents)[0]];
    const socket = await connectSocket(a.token, ws.phoneNumberId);
    await setStatus(a.token, "available");
    for (const text of ["hi", "are you there?", "order 123"]) {
      await postWebhook(customerMessage(ws.phoneNumberId, "8613900000000", text));
    }
    const mine = await conversationsOf(a.token, ws.phoneNumberId);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ unread: 3, lastMessagePreview: "order 123" });
    socket.close();
  });

  it("starts a fresh sign-in Away, so nobody receives work before they choose to", async () => {
    const ws = await createWorkspace(1);
    const [a] = ws.agents as [(typeof ws.agents)[0]];
    const socket = await connectSocket(a.token, ws.phoneNumberId);
    await postWebhook(customerMessage(ws.phoneNumberId, "8613911111111", "hello"));
    expect(await assigneesInOrder(ws.adminToken, ws.phoneNumberId)).toEqual([null]);
    socket.close();
  });
});
