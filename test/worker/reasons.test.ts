import { describe, expect, it } from "vitest";
import type { Conversation, Message } from "../../shared/inbox";
import { api, connectSocket, conversationOfCustomer, createWorkspace, messagesOf, newCustomerWrites, setStatus } from "./helpers";

/** Reasons travel as codes with parameters (the panel says them in its reader's language), the English beside them. */
describe("reasons as codes", () => {
  it("an assignment, a transfer and a snooze: each activity line and the conversation carry a code, people by id", async () => {
    const ws = await createWorkspace(2);
    const [a, b] = ws.agents as [(typeof ws.agents)[0], (typeof ws.agents)[0]];
    const sockets = [await connectSocket(a.token, ws.phoneNumberId), await connectSocket(b.token, ws.phoneNumberId)];
    await setStatus(a.token, "available");
    await setStatus(b.token, "available");
    const conversation = await conversationOfCustomer(ws.adminToken, ws.phoneNumberId, await newCustomerWrites(ws.phoneNumberId, "在吗"));
    expect(conversation).toMatchObject({ assignmentReason: "round robin", assignmentReasonCode: { code: "round_robin", params: {} } });

    const path = `/numbers/${ws.phoneNumberId}/conversations/${conversation.id}`;
    const moved = await api<Conversation>("POST", `${path}/transfer`, { token: conversation.assigneeId === a.id ? a.token : b.token, body: { toAgentId: conversation.assigneeId === a.id ? b.id : a.id } });
    expect(moved.body.assignmentReasonCode).toEqual({ code: "transfer", params: { byId: conversation.assigneeId } });
    expect(moved.body.assignmentReason).toMatch(/^transfer by Agent [AB]$/);
    const holder = moved.body.assigneeId === a.id ? a : b;
    await api("POST", `${path}/snooze`, { token: holder.token, body: {} });

    const lines = ((await messagesOf(ws.adminToken, ws.phoneNumberId, conversation.id)) as Message[]).filter((m) => m.direction === "activity").map((m) => m.content.activity);
    expect(lines.map((l) => [l?.kind, l?.reasonCode])).toEqual([
      ["assigned", { code: "round_robin", params: {} }],
      ["transferred", { code: "transfer", params: { byId: conversation.assigneeId } }],
      ["snoozed", { code: "until_reply", params: {} }],
    ]);
    expect(lines.map((l) => l?.reason)).toEqual(["round robin", moved.body.assignmentReason, "until the customer writes"]);
    // The notification's body comes as a code too, with the names it mentions (the browser's background has no roster).
    const receiver = sockets[moved.body.assigneeId === a.id ? 0 : 1]!;
    expect(receiver.events).toContainEqual(
      expect.objectContaining({
        type: "notice",
        kind: "transferred_in",
        body: { code: "assigned", params: expect.objectContaining({ cause: "transfer", byId: conversation.assigneeId, byName: expect.stringMatching(/^Agent [AB]$/), customer: expect.any(String) }) },
      }),
    );
    for (const s of sockets) s.close();
  });
  it("a transfer by an admin who is not on the number: the line names them, so the panel need not know them", async () => {
    const ws = await createWorkspace(2);
    const [a, b] = ws.agents as [(typeof ws.agents)[0], (typeof ws.agents)[0]];
    const socket = await connectSocket(a.token, ws.phoneNumberId);
    await setStatus(a.token, "available");
    const conversation = await conversationOfCustomer(ws.adminToken, ws.phoneNumberId, await newCustomerWrites(ws.phoneNumberId, "在吗"));
    const me = { body: (await api<{ agent: { id: string; name: string } }>("GET", "/me", { token: ws.adminToken })).body.agent };
    const path = `/numbers/${ws.phoneNumberId}/conversations/${conversation.id}`;
    await api("POST", `${path}/transfer`, { token: ws.adminToken, body: { toAgentId: b.id, force: true } });
    await api("POST", `${path}/resolve`, { token: ws.adminToken });
    const lines = ((await messagesOf(ws.adminToken, ws.phoneNumberId, conversation.id)) as Message[]).filter((m) => m.direction === "activity").map((m) => m.content.activity);
    const transfer = lines.find((l) => l?.kind === "transferred")!;
    expect(transfer).toMatchObject({ actorId: me.body.id, names: { [me.body.id]: "Admin" }, reasonCode: { code: "transfer", params: { byId: me.body.id } } });
    // Its English names them too, where it once said "someone".
    expect(transfer.reason).toBe("transfer by Admin");
    expect(lines.find((l) => l?.kind === "resolved")).toMatchObject({ actorId: me.body.id, names: { [me.body.id]: "Admin" } });
    // A line by someone on the number carries no name: the panel knows them.
    expect(lines.find((l) => l?.kind === "assigned")?.names).toBeUndefined();
    socket.close();
  });
});
