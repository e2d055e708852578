import { describe, expect, it } from "vitest";
import type { Conversation } from "../../shared/inbox";
import type { Team } from "../../shared/routing";
import { api, connectSocket, conversationOfCustomer, createTeam, createWorkspace, customerMessage, newCustomerWrites, postWebhook, setStatus } from "./helpers";

/** The team's wait target travels with each conversation, so the panel's badge and notification use it (issue #22). */
describe("a team's wait target", () => {
  it("is set per team (default 5), sent with its conversations beside since when the customer waits for a reply", async () => {
    const ws = await createWorkspace(1);
    const a = ws.agents[0]!;
    const socket = await connectSocket(a.token, ws.phoneNumberId);
    await setStatus(a.token, "available");
    const phone = await newCustomerWrites(ws.phoneNumberId, "还在吗？");
    const before = await conversationOfCustomer(ws.adminToken, ws.phoneNumberId, phone);
    expect(before).toMatchObject({ assigneeId: a.id, waitTargetMinutes: 5 });
    expect(before.awaitingReplySince).toEqual(expect.any(Number));

    const team = await createTeam(ws.adminToken, "售后", [a.id]);
    const bad = await api<{ error: { message: string } }>("PUT", `/teams/${team}`, { token: ws.adminToken, body: { name: "售后", memberIds: [a.id], waitTargetMinutes: 0 } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain("waitTargetMinutes");
    const saved = await api<Team>("PUT", `/teams/${team}`, { token: ws.adminToken, body: { name: "售后", memberIds: [a.id], waitTargetMinutes: 2 } });
    expect(saved.body.waitTargetMinutes).toBe(2);
    const now = await conversationOfCustomer(ws.adminToken, ws.phoneNumberId, phone);
    expect(now).toMatchObject({ waitTargetMinutes: 2, awaitingReplySince: before.awaitingReplySince });

    // Answered: nobody waits any more; the customer's next message starts a new wait.
    await api("POST", `/numbers/${ws.phoneNumberId}/conversations/${now.id}/messages`, { token: a.token, body: { type: "text", text: "在的", clientId: crypto.randomUUID() } });
    expect((await conversationOfCustomer(ws.adminToken, ws.phoneNumberId, phone)).awaitingReplySince).toBeNull();
    await postWebhook(customerMessage(ws.phoneNumberId, phone, "好的，订单号 5521"));
    const again = (await api<{ conversations: Conversation[] }>("GET", `/numbers/${ws.phoneNumberId}/conversations`, { token: a.token })).body.conversations[0]!;
    expect(again.awaitingReplySince).toBeGreaterThan(before.awaitingReplySince!);
    socket.close();
  });
});
