import { describe, expect, it } from "vitest";
import type { Conversation, Message } from "../../shared/inbox";
import {
  api,
  BASE,
  connectSocket,
  conversationsOf,
  createWorkspace,
  customerMessage,
  messagesOf,
  postWebhook,
  setStatus,
  statusesHeard,
  statusUpdate,
  tick,
} from "./helpers";
import { SELF } from "cloudflare:test";

import type { ErrorBody } from "../../shared/error-codes";

async function workspaceWithConversation() {
  const ws = await createWorkspace(2);
  const [a] = ws.agents as [(typeof ws.agents)[0]];
  const socket = await connectSocket(a.token, ws.phoneNumberId);
  await setStatus(a.token, "available");
  await postWebhook(customerMessage(ws.phoneNumberId, "8613812345678", "你好，我的订单还没到"));
  const [conversation] = await conversationsOf(a.token, ws.phoneNumberId);
  return { ws, a, b: ws.agents[1]!, socket, conversation: conversation! };
}

describe("sign-in and sessions", () => {
  it("refuses a wrong password and an unknown email with the same message", async () => {
    const ws = await createWorkspace(1);
    const wrong = await api<ErrorBody>("POST", "/sessions", { body: { email: ws.agents[0]!.email, password: "nope-nope" } });
    const unknown = await api<ErrorBody>("POST", "/sessions", { body: { email: "nobody@example.test", password: "nope-nope" } });
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    expect(wrong.body.error.message).toBe(unknown.body.error.message);
  });

  it("stops accepting a token once signed out", async () => {
    const ws = await createWorkspace(1);
    const token = ws.agents[0]!.token;
    expect((await api("GET", "/me", { token })).status).toBe(200);
    expect((await api("DELETE", "/sessions/current", { token })).status).toBe(200);
    expect((await api("GET", "/me", { token })).status).toBe(401);
  });

  it("refuses setup without the setup token", async () => {
    const response = await api<ErrorBody>("POST", "/setup", {
      token: "guess",
      body: { workspaceName: "x", admin: { name: "x", email: "x@example.test", password: "password-1" } },
    });
    expect(response.status).toBe(401);
    expect(response.body.error.message).toMatch(/SETUP_TOKEN/);
  });
});

describe("bad input gets a 4xx naming the problem", () => {
  it.each([
    ["POST", "/sessions", { email: "not-an-email", password: "x" }, /email/],
    ["POST", "/sessions", {}, /email.*password|password.*email/],
    ["PUT", "/me/status", { status: "busy" }, /status/],
    ["POST", "/people", { name: "", email: "a@b.test", password: "short", role: "king" }, /name.*password.*role|role/],
    ["POST", "/numbers", { phoneNumberId: "abc", displayName: "x", displayPhoneNumber: "+1 555" }, /phoneNumberId/],
    ["POST", "/socket-ticket", { phoneNumberId: "" }, /phoneNumberId/],
  ])("%s %s %j", async (method, path, body, pattern) => {
    const ws = await createWorkspace(0);
    const response = await api<ErrorBody>(method, path, { token: ws.adminToken, body });
    expect(response.status).toBe(400);
    expect(response.body.error.message).toMatch(pattern);
    // The coded form a client translates: the first field at fault, which the English sentence names too.
    expect(response.body.error.code).toBe("invalid_request");
    expect(response.body.error.message).toContain(`${response.body.error.params.field}:`);
  });

  it("names a body that is not JSON", async () => {
    const response = await api<ErrorBody>("POST", "/sessions", { rawBody: "{oops" });
    expect(response.status).toBe(400);
    expect(response.body.error.message).toMatch(/JSON/);
    expect(response.body.error).toMatchObject({ code: "invalid_json", params: {} });
  });

  it("gives every refusal a code a client can translate: its own, or its status's", async () => {
    const { ws, a, conversation, socket } = await workspaceWithConversation();
    const path = `/numbers/${ws.phoneNumberId}/conversations/${conversation.id}`;
    const other = await api<ErrorBody>("POST", "/sessions", { body: { email: "nobody@example.test", password: "password-1" } });
    expect(other.body.error).toMatchObject({ status: 401, code: "wrong_credentials", params: {} });
    const agentsOnly = await api<ErrorBody>("GET", "/people", { token: a.token });
    expect(agentsOnly.body.error).toMatchObject({ status: 403, code: "supervisors_only" });
    const noRoute = await api<ErrorBody>("GET", "/no-such-route", { token: a.token });
    expect(noRoute.body.error).toMatchObject({ status: 404, code: "not_found", params: {} });
    const snooze = await api<ErrorBody>("POST", `${path}/snooze`, { token: a.token, body: { until: Date.now() + 2 * 365 * 86_400_000 } });
    expect(snooze.body.error).toMatchObject({ status: 400, code: "invalid_request", params: { field: "until" } });
    socket.close();
  });

  it("names an empty reply, a reply without clientId, and a bad conversation id", async () => {
    const { ws, a, conversation, socket } = await workspaceWithConversation();
    const path = `/numbers/${ws.phoneNumberId}/conversations/${conversation.id}/messages`;
    const empty = await api<ErrorBody>("POST", path, { token: a.token, body: { type: "text", text: "  ", clientId: crypto.randomUUID() } });
    expect(empty.status).toBe(400);
    expect(empty.body.error.message).toMatch(/text/);
    const noClientId = await api<ErrorBody>("POST", path, { token: a.token, body: { type: "text", text: "hi" } });
    expect(noClientId.body.error.message).toMatch(/clientId/);
    const badId = await api<ErrorBody>("GET", `/numbers/${ws.phoneNumberId}/conversations/abc/messages`, { token: a.token });
    expect(badId.status).toBe(400);
    expect(badId.body.error.message).toMatch(/conversationId/);
    const missing = await api<ErrorBody>("GET", `/numbers/${ws.phoneNumberId}/conversations/999999/messages`, { token: a.token });
    expect(missing.status).toBe(404);
    socket.close();
  });

  it("refuses a socket without a valid ticket, and a ticket used twice", async () => {
    const ws = await createWorkspace(1);
    const url = `${BASE}/api/numbers/${ws.phoneNumberId}/socket`;
    expect((await SELF.fetch(`${url}?ticket=nope`, { headers: { upgrade: "websocket" } })).status).toBe(401);
    const { body } = await api<{ ticket: string }>("POST", "/socket-ticket", { token: ws.agents[0]!.token, body: { phoneNumberId: ws.phoneNumberId } });
    const first = await SELF.fetch(`${url}?ticket=${body.ticket}`, { headers: { upgrade: "websocket" } });
    expect(first.status).toBe(101);
    first.webSocket!.accept();
    first.webSocket!.close();
    expect((await SELF.fetch(`${url}?ticket=${body.ticket}`, { headers: { upgrade: "websocket" } })).status).toBe(401);
  });
});

describe("roles and membership", () => {
  it("refuses admin work to agents and every route to a missing token", async () => {
    const ws = await createWorkspace(1);
    const agent = ws.agents[0]!.token;
    const addPerson = await api<ErrorBody>("POST", "/people", {
      token: agent,
      body: { name: "X", email: "x@example.test", password: "password-1", role: "admin" },
    });
    expect(addPerson.status).toBe(403);
    expect((await api("POST", "/numbers", { token: agent, body: { phoneNumberId: "1", displayName: "x", displayPhoneNumber: "+1 555 1" } })).status).toBe(403);
    expect((await api("GET", `/numbers/${ws.phoneNumberId}/conversations?view=all`, { token: agent })).status).toBe(403);
    for (const [method, path] of [
      ["GET", "/me"],
      ["PUT", "/me/status"],
      ["POST", "/socket-ticket"],
      ["POST", "/people"],
      ["GET", `/numbers/${ws.phoneNumberId}/conversations`],
    ] as const) {
      expect((await api(method, path, method === "GET" ? {} : { body: {} })).status, `${method} ${path}`).toBe(401);
    }
  });

  it("keeps agents to their own numbers and their own conversations", async () => {
    const { ws, b, conversation, socket } = await workspaceWithConversation();
    const other = await createWorkspace(1);
    // Another company's number answers as one nobody connected: its existence is not theirs to learn.
    expect((await api("GET", `/numbers/${ws.phoneNumberId}/conversations`, { token: other.agents[0]!.token })).status).toBe(404);
    expect((await api("POST", "/socket-ticket", { token: other.agents[0]!.token, body: { phoneNumberId: ws.phoneNumberId } })).status).toBe(404);
    // B serves the number but the conversation is A's.
    const read = await api("GET", `/numbers/${ws.phoneNumberId}/conversations/${conversation.id}/messages`, { token: b.token });
    expect(read.status).toBe(403);
    const reply = await api("POST", `/numbers/${ws.phoneNumberId}/conversations/${conversation.id}/messages`, {
      token: b.token,
      body: { type: "text", text: "hi", clientId: crypto.randomUUID() },
    });
    expect(reply.status).toBe(403);
    socket.close();
  });
});

describe("replying", () => {
  it("sends through the Graph API once per clientId and follows the status webhooks to read", async () => {
    const { ws, a, conversation, socket } = await workspaceWithConversation();
    const path = `/numbers/${ws.phoneNumberId}/conversations/${conversation.id}/messages`;
    const clientId = crypto.randomUUID();
    const first = await api<Message>("POST", path, { token: a.token, body: { type: "text", text: "您好，马上为您查询", clientId } });
    expect(first.status).toBe(200);
    expect(first.body.status).toBe("accepted");
    const again = await api<Message>("POST", path, { token: a.token, body: { type: "text", text: "您好，马上为您查询", clientId } });
    expect(again.body.id).toBe(first.body.id);

    const outbound = (await messagesOf(a.token, ws.phoneNumberId, conversation.id)).filter((m) => m.direction === "out");
    expect(outbound).toHaveLength(1);

    // The wamid Meta returned lets status webhooks find the message; out of order, it stays read.
    const wamid = await (async () => {
      const { env, runInDurableObject } = await import("cloudflare:test");
      return runInDurableObject(env.NUMBER_INBOX.getByName(ws.phoneNumberId), (_, state) =>
        state.storage.sql.exec<{ wamid: string }>("SELECT wamid FROM messages WHERE id = ?", Number(first.body.id)).one().wamid,
      );
    })();
    expect(wamid).toMatch(/^wamid\./);
    for (const status of ["sent", "read", "delivered"]) {
      expect((await postWebhook(statusUpdate(ws.phoneNumberId, wamid, status, "8613812345678"))).status).toBe(200);
    }
    // Statuses travel the status lane (a queue): applied within its batch timeout, not before the webhook's answer.
    await expect
      .poll(async () => (await messagesOf(a.token, ws.phoneNumberId, conversation.id)).find((m) => m.direction === "out")?.status, { timeout: 3_000 })
      .toBe("read");
    await tick();
    expect(statusesHeard(socket.events, first.body.id)).toContain("read");
    socket.close();
  });

  it("opening a conversation clears its unread count", async () => {
    const { ws, a, conversation, socket } = await workspaceWithConversation();
    expect(conversation.unread).toBe(1);
    await messagesOf(a.token, ws.phoneNumberId, conversation.id);
    expect((await conversationsOf(a.token, ws.phoneNumberId))[0]?.unread).toBe(0);
    socket.close();
  });

  it("mark read without opening: the assignee's unread goes to 0, a colleague's read changes nothing", async () => {
    const { ws, a, conversation, socket } = await workspaceWithConversation();
    const path = `/numbers/${ws.phoneNumberId}/conversations/${conversation.id}/read`;
    const byAdmin = await api<Conversation>("POST", path, { token: ws.adminToken });
    expect(byAdmin.status).toBe(200);
    expect(byAdmin.body.unread).toBe(1);
    const byAssignee = await api<Conversation>("POST", path, { token: a.token });
    expect(byAssignee.body).toMatchObject({ id: conversation.id, unread: 0 });
    expect((await conversationsOf(a.token, ws.phoneNumberId))[0]?.unread).toBe(0);
    expect((await api("POST", `/numbers/${ws.phoneNumberId}/conversations/999999/read`, { token: a.token })).status).toBe(404);
    socket.close();
  });
});

describe("API description", () => {
  it("serves OpenAPI 3.1 generated from the route schemas", async () => {
    const { status, body } = await api<{ openapi: string; paths: Record<string, unknown> }>("GET", "/openapi.json");
    expect(status).toBe(200);
    expect(body.openapi).toBe("3.1.0");
    expect(Object.keys(body.paths)).toEqual(
      expect.arrayContaining(["/sessions", "/me/status", "/numbers/{phoneNumberId}/conversations/{conversationId}/messages"]),
    );
  });
});
