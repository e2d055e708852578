import { describe, expect, it } from "vitest";
import type { Message } from "../../shared/inbox";
import { mentionedMembers } from "../../worker/number-inbox/mentions";
import { api, connectSocket, conversationOfCustomer, createWorkspace, messagesOf, newCustomerWrites, setStatus, tick } from "./helpers";

describe("private notes with @mentions", () => {
  it("are never sent to WhatsApp, tell the colleague mentioned even while Away, and let them open the conversation", async () => {
    const ws = await createWorkspace(3);
    const [a, b, c] = ws.agents as unknown as [{ id: string; token: string }, { id: string; token: string }, { id: string; token: string }];
    const sockets = [await connectSocket(a.token, ws.phoneNumberId), await connectSocket(b.token, ws.phoneNumberId)];
    await setStatus(a.token, "available");
    const phone = await newCustomerWrites(ws.phoneNumberId, "发票抬头写错了");
    const conversation = await conversationOfCustomer(ws.adminToken, ws.phoneNumberId, phone);
    expect((await api("GET", `/numbers/${ws.phoneNumberId}/conversations/${conversation.id}/messages`, { token: b.token })).status).toBe(403);

    const note = await api<Message>("POST", `/numbers/${ws.phoneNumberId}/conversations/${conversation.id}/messages`, {
      token: a.token,
      body: { type: "note", text: "@Agent B 你熟悉开票流程，帮忙看一下？", clientId: crypto.randomUUID() },
    });
    expect(note.status).toBe(200);
    expect(note.body).toMatchObject({ direction: "note", status: null, wamid: null });
    await tick();
    // B is Away (a fresh sign-in) and still hears of it: a mention is for them by name.
    expect(sockets[1]!.events).toContainEqual(expect.objectContaining({ type: "notice", kind: "mention", conversationId: conversation.id }));
    const seenByB = await messagesOf(b.token, ws.phoneNumberId, conversation.id);
    expect(seenByB.map((m) => m.direction)).toContain("note");
    expect((await api("GET", `/numbers/${ws.phoneNumberId}/conversations/${conversation.id}/messages`, { token: c.token })).status).toBe(403);
    const sent = (await (await fetch(`http://graph.test/simulator/graph/sent?to=${phone}`)).json()) as { sent: unknown[] };
    expect(sent.sent).toHaveLength(0);
    sockets.forEach((s) => s.close());
  });

  it("finds mentions by member name, longest first", () => {
    const members = [
      { id: "1", name: "李娜" },
      { id: "2", name: "李娜娜" },
      { id: "3", name: "Chen Wei" },
    ];
    expect(mentionedMembers("@李娜娜 和 @Chen Wei 看一下", members).sort()).toEqual(["2", "3"]);
    expect(mentionedMembers("李娜 no at sign", members)).toEqual([]);
  });
});
