import { describe, expect, it } from "vitest";
import type { Catalog, ContactProfile } from "../../shared/catalog";
import type { Conversation } from "../../shared/inbox";
import { api, connectSocket, conversationOfCustomer, createWorkspace, newCustomerWrites, setStatus, tick } from "./helpers";

type ErrorBody = { error: { message: string } };

async function setup() {
  const ws = await createWorkspace(2);
  const [a, b] = ws.agents as [(typeof ws.agents)[0], (typeof ws.agents)[0]];
  const admin = ws.adminToken;
  const tier = (await api<{ id: string }>("POST", "/tag-groups", { token: admin, body: { name: "客户等级 / Tier", singleChoice: true } })).body.id;
  const gold = (await api<{ id: string }>("POST", "/tags", { token: admin, body: { name: "黄金客户", color: "#c99a06", groupId: tier } })).body.id;
  const platinum = (await api<{ id: string }>("POST", "/tags", { token: admin, body: { name: "白金客户", groupId: tier } })).body.id;
  const urgent = (await api<{ id: string }>("POST", "/tags", { token: admin, body: { name: "高优先级" } })).body.id;
  await api("POST", "/attributes", { token: admin, body: { key: "备注", labelEn: "Note", labelZh: "备注", type: "text" } });
  await api("POST", "/attributes", { token: admin, body: { key: "orders", labelEn: "Orders", labelZh: "订单数", type: "number" } });
  await api("POST", "/attributes", { token: admin, body: { key: "since", labelEn: "Customer since", labelZh: "首次购买", type: "date" } });
  const sockets = [await connectSocket(a.token, ws.phoneNumberId), await connectSocket(b.token, ws.phoneNumberId)];
  await setStatus(a.token, "available");
  const phone = await newCustomerWrites(ws.phoneNumberId, "想问一下会员折扣");
  const conversation = await conversationOfCustomer(admin, ws.phoneNumberId, phone);
  const contactPath = `/numbers/${ws.phoneNumberId}/contacts/${conversation.contact.id}`;
  return { ws, a, b, gold, platinum, urgent, sockets, conversation, contactPath };
}

describe("the customer panel: tags and attributes", () => {
  it("tags with single-choice groups, live in colleagues' lists and in the tag filter", async () => {
    const { ws, a, gold, platinum, urgent, sockets, conversation, contactPath } = await setup();
    expect((await api<ContactProfile>("POST", `${contactPath}/tags`, { token: a.token, body: { add: gold } })).status).toBe(200);
    await api("POST", `${contactPath}/tags`, { token: a.token, body: { add: urgent } });
    const switched = await api<ContactProfile>("POST", `${contactPath}/tags`, { token: a.token, body: { add: platinum } });
    expect(switched.body.tags.map((t) => t.tagId).sort()).toEqual([platinum, urgent].sort());
    expect(switched.body.tags.find((t) => t.tagId === platinum)?.addedBy).toBe(a.id);
    await tick();
    // The admin (a colleague) watching the floor got the change live.
    const admin = await connectSocket(ws.adminToken, ws.phoneNumberId);
    await api("POST", `${contactPath}/tags`, { token: a.token, body: { remove: urgent } });
    await tick();
    const pushed = admin.events.filter((e) => e.type === "conversation" && e.conversation.id === conversation.id);
    expect(pushed.at(-1)).toMatchObject({ conversation: { tags: [platinum] } });
    const filtered = await api<{ conversations: Conversation[] }>("GET", `/numbers/${ws.phoneNumberId}/conversations?view=all&tag=${platinum}`, { token: ws.adminToken });
    expect(filtered.body.conversations.map((c) => c.id)).toEqual([conversation.id]);
    const none = await api<{ conversations: Conversation[] }>("GET", `/numbers/${ws.phoneNumberId}/conversations?view=all&tag=${gold}`, { token: ws.adminToken });
    expect(none.body.conversations).toHaveLength(0);
    sockets.forEach((s) => s.close());
    admin.close();
  });

  it("attributes are validated by type and saved with who and when", async () => {
    const { a, b, sockets, contactPath } = await setup();
    const note = await api<ContactProfile>("PUT", `${contactPath}/attributes/${encodeURIComponent("备注")}`, { token: a.token, body: { value: "老客户，偏好顺丰" } });
    expect(note.body.attributes).toContainEqual(expect.objectContaining({ key: "备注", value: "老客户，偏好顺丰", updatedBy: a.id }));
    const badNumber = await api<ErrorBody>("PUT", `${contactPath}/attributes/orders`, { token: a.token, body: { value: "many" } });
    expect(badNumber.status).toBe(400);
    expect(badNumber.body.error.message).toBe("orders: expected a number");
    const badDate = await api<ErrorBody>("PUT", `${contactPath}/attributes/since`, { token: a.token, body: { value: "2026-02-30" } });
    expect(badDate.body.error.message).toBe("since: expected a real calendar date");
    expect((await api("PUT", `${contactPath}/attributes/since`, { token: a.token, body: { value: "2024-11-11" } })).status).toBe(200);
    expect((await api("PUT", `${contactPath}/attributes/nope`, { token: a.token, body: { value: 1 } })).status).toBe(404);
    // B serves the number but not this customer.
    expect((await api("GET", contactPath, { token: b.token })).status).toBe(403);
    const profile = await api<ContactProfile>("GET", contactPath, { token: a.token });
    expect(profile.body.attributes.map((x) => x.key).sort()).toEqual(["since", "备注"].sort());
    expect(profile.body.conversations).toHaveLength(1);
    sockets.forEach((s) => s.close());
  });

  it("a change to the customer's details is pushed to whoever may open them, and to nobody else", async () => {
    const { ws, a, gold, sockets, conversation, contactPath } = await setup();
    const [holder, other] = sockets as [Awaited<ReturnType<typeof connectSocket>>, Awaited<ReturnType<typeof connectSocket>>];
    const supervisor = await connectSocket(ws.adminToken, ws.phoneNumberId);
    const changed = (s: { events: { type: string }[] }) => s.events.filter((e) => e.type === "contact_changed");
    const contactId = conversation.contact.id;

    // The admin edits a note while A, who holds the conversation, may have the customer open.
    const saved = await api<ContactProfile>("PUT", `${contactPath}/attributes/${encodeURIComponent("备注")}`, { token: ws.adminToken, body: { value: "已换货，勿再退款" } });
    // An admin need not be on the number's roster: the attribute keeps their name for the panels to show.
    const { body: me } = await api<{ agent: { id: string; name: string } }>("GET", "/me", { token: ws.adminToken });
    expect(saved.body.attributes).toContainEqual(expect.objectContaining({ key: "备注", updatedBy: me.agent.id, updatedByName: me.agent.name }));
    await api("POST", `${contactPath}/tags`, { token: a.token, body: { add: gold } });
    await tick();
    expect(changed(holder)).toEqual([
      { type: "contact_changed", contactId },
      { type: "contact_changed", contactId },
    ]);
    expect(changed(supervisor)).toHaveLength(2);
    // B serves the number but may not open this customer: nothing about them reaches B.
    expect(changed(other)).toHaveLength(0);

    // Pending is still A's: A still hears. A refused edit changes nothing and tells nobody.
    const snoozed = await api<Conversation>("POST", `/numbers/${ws.phoneNumberId}/conversations/${conversation.id}/snooze`, { token: a.token, body: {} });
    expect(snoozed.body).toMatchObject({ status: "pending", assigneeId: a.id });
    await api("PUT", `${contactPath}/attributes/orders`, { token: ws.adminToken, body: { value: 2 } });
    await api("PUT", `${contactPath}/attributes/orders`, { token: ws.adminToken, body: { value: "many" } });
    await tick();
    expect(changed(holder)).toHaveLength(3);
    expect(changed(other)).toHaveLength(0);
    sockets.forEach((s) => s.close());
    supervisor.close();
  });

  it("canned responses: the company library for all, personal ones only for their owner", async () => {
    const { ws, a, b, sockets } = await setup();
    await api("POST", "/canned-responses", { token: ws.adminToken, body: { shortcode: "return", title: "退换货", body: "收货后 [天数] 天内可退换", company: true } });
    const mine = await api<{ id: string }>("POST", "/canned-responses", { token: a.token, body: { shortcode: "hi", title: "Hi", body: "您好 {customer name}" } });
    expect(mine.status).toBe(200);
    expect((await api("POST", "/canned-responses", { token: a.token, body: { shortcode: "x", title: "x", body: "x", company: true } })).status).toBe(403);
    const catalogA = (await api<Catalog>("GET", "/catalog", { token: a.token })).body;
    const catalogB = (await api<Catalog>("GET", "/catalog", { token: b.token })).body;
    expect(catalogA.canned.map((c) => c.shortcode).sort()).toEqual(["hi", "return"]);
    expect(catalogB.canned.map((c) => c.shortcode)).toEqual(["return"]);
    expect((await api("DELETE", `/canned-responses/${mine.body.id}`, { token: b.token })).status).toBe(403);
    expect((await api("DELETE", `/canned-responses/${mine.body.id}`, { token: a.token })).status).toBe(200);
    const bad = await api<ErrorBody>("POST", "/canned-responses", { token: a.token, body: { shortcode: "a b", title: "t", body: "" } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/shortcode.*body|body.*shortcode/);
    sockets.forEach((s) => s.close());
  });
});
