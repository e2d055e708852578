import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Message, Template } from "../../shared/inbox";
import {
  api,
  connectSocket,
  conversationsOf,
  createWorkspace,
  customerMessage,
  messagesChange,
  messagesOf,
  openConversation,
  postWebhook,
  sentTo,
  setStatus,
  tick,
  uniqueNumberId,
} from "./helpers";

const GRAPH = "http://graph.test/simulator/graph";

async function failNext(to: string, failure: { code: number; count?: number; httpStatus?: number; network?: boolean; title?: string }) {
  await fetch(`${GRAPH}/failures`, { method: "POST", body: JSON.stringify({ ...failure, to }) });
}

async function waitForStatus(token: string, phoneNumberId: string, conversationId: string, messageId: string, status: string) {
  for (let i = 0; i < 100; i++) {
    const message = (await messagesOf(token, phoneNumberId, conversationId)).find((m) => m.id === messageId);
    if (message?.status === status) return message;
    await tick(50);
  }
  throw new Error(`message ${messageId} never reached ${status}`);
}

describe("outbox: Graph API failures are retried safely", () => {
  it("a send answered 130429 then 200 reaches Meta exactly once", async () => {
    const { ws, a, customer, conversation, send, socket } = await openConversation();
    await failNext(customer, { code: 130429 });
    const first = await send({ type: "text", text: "稍等，我帮您查一下" });
    expect(first.status).toBe(200);
    expect(first.body.status).toBe("pending");
    const delivered = await waitForStatus(a.token, ws.phoneNumberId, conversation.id, first.body.id, "accepted");
    expect(delivered.wamid).toMatch(/^wamid\./);
    const { sent } = await sentTo(customer);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.wamid).toBe(delivered.wamid);
    socket.close();
  });

  it("retries network errors and 5xx, and keeps replies in order per conversation", async () => {
    const { ws, a, customer, conversation, send, socket } = await openConversation();
    await failNext(customer, { code: 0, network: true });
    await failNext(customer, { code: 1, httpStatus: 500, title: "Internal error" });
    const first = await send({ type: "text", text: "第一条" });
    const second = await send({ type: "text", text: "第二条" });
    expect(second.body.status).toBe("pending");
    await waitForStatus(a.token, ws.phoneNumberId, conversation.id, second.body.id, "accepted");
    const { sent } = await sentTo(customer);
    expect(sent.map((m) => (m.body.text as { body: string }).body)).toEqual(["第一条", "第二条"]);
    expect(first.body.id).not.toBe(second.body.id);
    socket.close();
  });

  it("131047 fails the message with 'window closed, send a template'", async () => {
    const { ws, a, customer, conversation, send, socket } = await openConversation();
    await failNext(customer, { code: 131047, title: "Re-engagement message" });
    const result = await send({ type: "text", text: "还在吗？" });
    expect(result.body.status).toBe("failed");
    expect(result.body.error).toEqual({ code: 131047, title: "window closed, send a template" });
    const [stored] = (await messagesOf(a.token, ws.phoneNumberId, conversation.id)).filter((m) => m.direction === "out");
    expect(stored?.error?.code).toBe(131047);
    expect((await sentTo(customer)).sent).toHaveLength(0);
    socket.close();
  });

  it("131026 and other permanent codes fail at once with Meta's reason", async () => {
    const { customer, send, socket } = await openConversation();
    await failNext(customer, { code: 131026, title: "Message undeliverable" });
    const result = await send({ type: "text", text: "hello" });
    expect(result.body.status).toBe("failed");
    expect(result.body.error?.code).toBe(131026);
    expect(result.body.error?.title).toMatch(/undeliverable/);
    socket.close();
  });

  it("190 holds the queue, tells admins, and sends once the token works again", async () => {
    const { ws, a, customer, conversation, send, socket } = await openConversation();
    const admin = await connectSocket(ws.adminToken, ws.phoneNumberId);
    await failNext(customer, { code: 190, count: 5, title: "Error validating access token" });
    const result = await send({ type: "text", text: "您的退款已处理" });
    expect(result.body.status).toBe("pending");
    await tick();
    expect(admin.events).toContainEqual(expect.objectContaining({ type: "number_health", tokenValid: false }));
    const stub = env.NUMBER_INBOX.getByName(ws.phoneNumberId);
    expect(await stub.health()).toMatchObject({ tokenValid: false, outboxLength: 1 });

    // The token is fixed (here: the simulator stops refusing); the next alarm sends it, once.
    await fetch(`${GRAPH}/failures`, { method: "DELETE" });
    await runInDurableObject(stub, (_, state) => state.storage.sql.exec("UPDATE outbox SET next_attempt_at = 0"));
    await runDurableObjectAlarm(stub);
    await waitForStatus(a.token, ws.phoneNumberId, conversation.id, result.body.id, "accepted");
    expect((await sentTo(customer)).sent).toHaveLength(1);
    expect(await stub.health()).toMatchObject({ tokenValid: true, outboxLength: 0 });
    socket.close();
    admin.close();
  });
});

describe("the 24-hour customer service window and templates", () => {
  it("refuses free-form messages outside the window and offers the template path", async () => {
    const { ws, send, socket, customer } = await openConversation();
    await runInDurableObject(env.NUMBER_INBOX.getByName(ws.phoneNumberId), (_, state) =>
      state.storage.sql.exec("UPDATE conversations SET last_inbound_at = ?", Date.now() - 25 * 3600_000),
    );
    const [conversation] = await conversationsOf(ws.agents[0]!.token, ws.phoneNumberId);
    expect(conversation!.windowClosesAt).toBeLessThan(Date.now());
    const refused = await send({ type: "text", text: "在吗？" });
    expect(refused.status).toBe(422);
    expect(refused.body.error.message).toMatch(/24-hour.*template/);
    expect((await sentTo(customer)).sent).toHaveLength(0);
    socket.close();
  });

  it("syncs templates from the WABA and sends one with variables as Meta documents", async () => {
    const { ws, a, send, socket, customer } = await openConversation(uniqueNumberId());
    const list = await api<{ templates: Template[] }>("GET", `/numbers/${ws.phoneNumberId}/templates?refresh=true`, { token: a.token });
    expect(list.status).toBe(200);
    const orderUpdate = list.body.templates.find((t) => t.name === "order_update");
    expect(orderUpdate).toMatchObject({ language: "zh_CN", headerVariables: 1, bodyVariables: 3, quickReplies: ["查看物流", "联系客服"] });
    expect(list.body.templates.some((t) => t.status !== "APPROVED")).toBe(false);

    const wrongCount = await send({ type: "template", name: "order_update", language: "zh_CN", header: ["#1024"], body: ["赵先生"] });
    expect(wrongCount.status).toBe(400);
    expect(wrongCount.body.error.message).toMatch(/3 body variables/);

    const result = await send({
      type: "template",
      name: "order_update",
      language: "zh_CN",
      header: ["#1024"],
      body: ["赵先生", "#1024", "明天"],
      quickReplies: [{ index: 0, payload: "track-1024" }],
    });
    expect(result.status).toBe(200);
    expect(result.body.text).toBe("订单 #1024\n您好 赵先生，您的订单 #1024 已发货，预计 明天 送达。");
    const { sent } = await sentTo(customer);
    expect(sent[0]!.body).toEqual({
      messaging_product: "whatsapp",
      recipient_type: "individual",
      to: customer,
      type: "template",
      template: {
        name: "order_update",
        language: { code: "zh_CN" },
        components: [
          { type: "header", parameters: [{ type: "text", text: "#1024" }] },
          { type: "body", parameters: [{ type: "text", text: "赵先生" }, { type: "text", text: "#1024" }, { type: "text", text: "明天" }] },
          { type: "button", sub_type: "quick_reply", index: "0", parameters: [{ type: "payload", payload: "track-1024" }] },
        ],
      },
    });
    socket.close();
  });
});

describe("outbound kinds", () => {
  it("quotes, reacts, sends media by link, and marks read when the agent opens the conversation", async () => {
    const { ws, a, send, socket, customer, conversation } = await openConversation();
    const [inbound] = await messagesOf(a.token, ws.phoneNumberId, conversation.id);
    await tick(50);
    expect((await sentTo(customer)).statusCalls).toContainEqual({ messaging_product: "whatsapp", status: "read", message_id: inbound!.wamid });

    await send({ type: "text", text: "可以的，请看这里 https://acme.test/returns", replyToId: inbound!.id });
    await send({ type: "reaction", targetId: inbound!.id, emoji: "👍" });
    await send({ type: "media", mediaKind: "document", link: "https://acme.test/return-form.pdf", filename: "退货单.pdf", caption: "退货单" });
    const bodies = (await sentTo(customer)).sent.map((m) => m.body);
    expect(bodies[0]).toMatchObject({ context: { message_id: inbound!.wamid }, text: { preview_url: true } });
    expect(bodies[1]).toMatchObject({ type: "reaction", reaction: { message_id: inbound!.wamid, emoji: "👍" } });
    expect(bodies[2]).toMatchObject({
      type: "document",
      document: { link: "https://acme.test/return-form.pdf", filename: "退货单.pdf", caption: "退货单" },
    });

    const typing = await api("POST", `/numbers/${ws.phoneNumberId}/conversations/${conversation.id}/typing`, { token: a.token });
    expect(typing.status).toBe(200);
    expect((await sentTo(customer)).statusCalls).toContainEqual(
      expect.objectContaining({ message_id: inbound!.wamid, typing_indicator: { type: "text" } }),
    );
    socket.close();
  });

  it("refuses a media message with both or neither of mediaId and link", async () => {
    const { send, socket } = await openConversation();
    const neither = await send({ type: "media", mediaKind: "image" });
    expect(neither.status).toBe(400);
    expect(neither.body.error.message).toMatch(/mediaId.*link/);
    socket.close();
  });
});

describe("media goes through the worker; the token never leaves it", () => {
  it("streams an inbound image to an agent who can see it, and uploads a file to send", async () => {
    const { ws, a, socket, conversation } = await openConversation();
    await postWebhook(
      messagesChange(ws.phoneNumberId, {
        contacts: [{ wa_id: conversation.contact.waId, profile: { name: "x" } }],
        messages: [
          {
            from: conversation.contact.waId,
            id: `wamid.IMG${uniqueNumberId()}`,
            timestamp: String(Math.floor(Date.now() / 1000)),
            type: "image",
            image: { id: "778899", mime_type: "image/png", sha256: "x", caption: "破损的包装" },
          },
        ],
      }),
    );
    const media = await import("cloudflare:test").then(({ SELF }) =>
      SELF.fetch(`https://inbox.test/api/numbers/${ws.phoneNumberId}/media/778899`, { headers: { authorization: `Bearer ${a.token}` } }),
    );
    expect(media.status).toBe(200);
    expect(media.headers.get("content-type")).toBe("image/svg+xml");
    expect(await media.text()).toContain("media 778899");
    expect(JSON.stringify(Object.fromEntries(media.headers))).not.toContain("test-access-token");

    const { SELF } = await import("cloudflare:test");
    const unknown = await SELF.fetch(`https://inbox.test/api/numbers/${ws.phoneNumberId}/media/123`, { headers: { authorization: `Bearer ${a.token}` } });
    expect(unknown.status).toBe(404);

    const form = new FormData();
    form.set("file", new File([new Uint8Array([37, 80, 68, 70])], "invoice.pdf", { type: "application/pdf" }));
    const upload = await SELF.fetch(`https://inbox.test/api/numbers/${ws.phoneNumberId}/media`, {
      method: "POST",
      headers: { authorization: `Bearer ${a.token}` },
      body: form,
    });
    expect(upload.status).toBe(200);
    const { mediaId } = (await upload.json()) as { mediaId: string };
    expect(mediaId).toMatch(/^\d+$/);
    socket.close();
  });
});
