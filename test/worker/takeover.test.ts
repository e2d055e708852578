import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { NumberDetail } from "../../shared/numbers";
import { api, BASE, connectSocket, conversationOfCustomer, createWorkspace, newCustomerWrites, setStatus } from "./helpers";

/**
 * Issue #24 as a new user found it: company A's admin connects the phone number id company B has connected,
 * without any access token, and from then on reads B's conversations and listens on B's socket.
 */
describe("one company cannot take over another company's number", () => {
  // Soft assertions: a failure lists every way A reached into B, not only the first.
  it("connecting a number another company owns is refused, names nobody, and leaves the owner's inbox its own", async () => {
    const b = await createWorkspace(1);
    const bSocket = await connectSocket(b.agents[0]!.token, b.phoneNumberId);
    await setStatus(b.agents[0]!.token, "available");
    const phone = await newCustomerWrites(b.phoneNumberId, "B 公司的客户");
    const conversation = await conversationOfCustomer(b.adminToken, b.phoneNumberId, phone);
    const a = await createWorkspace(1);

    const takeover = await api<{ error?: { message: string } }>("POST", "/numbers", {
      token: a.adminToken,
      body: { phoneNumberId: b.phoneNumberId, displayName: "Mine now", displayPhoneNumber: "+1 555 0100", memberIds: [a.agents[0]!.id] },
    });
    expect.soft(takeover.status, "A connects B's number").toBe(409);
    // The refusal names neither the other company nor its id.
    const bWorkspaceId = b.adminToken.split(".")[0]!;
    expect.soft(JSON.stringify(takeover.body), "the refusal names B's id").not.toContain(bWorkspaceId);
    expect.soft(JSON.stringify(takeover.body), "the refusal names B").not.toContain("Test shop");

    // A sees nothing of B's number: not in its list, not its conversations or messages, no socket ticket.
    const aNumbers = (await api<{ numbers: NumberDetail[] }>("GET", "/numbers", { token: a.adminToken })).body.numbers;
    expect.soft(aNumbers.map((n) => n.phoneNumberId), "A's number list").not.toContain(b.phoneNumberId);
    expect.soft((await api("GET", `/numbers/${b.phoneNumberId}/conversations?view=all`, { token: a.adminToken })).status, "A lists B's conversations").toBe(404);
    expect.soft((await api("GET", `/numbers/${b.phoneNumberId}/conversations/${conversation.id}/messages`, { token: a.adminToken })).status, "A reads B's messages").toBe(404);
    const ticket = await api<{ ticket?: string }>("POST", "/socket-ticket", { token: a.agents[0]!.token, body: { phoneNumberId: b.phoneNumberId } });
    expect.soft(ticket.status, "A's agent gets a ticket for B's socket").toBe(404);
    const upgrade = await SELF.fetch(`${BASE}/api/numbers/${b.phoneNumberId}/socket?ticket=${encodeURIComponent(ticket.body.ticket ?? "none")}`, {
      headers: { upgrade: "websocket" },
    });
    expect.soft(upgrade.status, "A's agent opens B's live socket").toBe(401);
    upgrade.webSocket?.accept();
    upgrade.webSocket?.close(1000, "test done");

    // B keeps its number: new customers still reach B's agent.
    const later = await newCustomerWrites(b.phoneNumberId, "still B");
    expect.soft((await conversationOfCustomer(b.adminToken, b.phoneNumberId, later)).assigneeId, "B's next customer goes to B's agent").toBe(b.agents[0]!.id);
    bSocket.close();
  });
});
