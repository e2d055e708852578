import { env, runInDurableObject, SELF } from "cloudflare:test";
import type { Conversation, DeliveryStatus, Message, SocketEvent } from "../../shared/inbox";
import type { NumberDetail } from "../../shared/numbers";
import type { AgentStatus, Session } from "../../shared/people";
import { readFrame } from "../../shared/socket-frame";

export const APP_SECRET = "test-app-secret";
export const BASE = "https://inbox.test";

let counter = 0;
/** Unique per call, so tests sharing a runtime never share a workspace or a number. */
export function unique(prefix: string): string {
  counter++;
  return `${prefix}${Date.now().toString(36)}${counter}${Math.random().toString(36).slice(2, 6)}`;
}

export function uniqueNumberId(): string {
  return String(Math.floor(1e12 + Math.random() * 8e12));
}

export async function sign(body: string, secret = APP_SECRET): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(body)));
  return `sha256=${[...mac].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}

export async function postWebhook(body: string, signature?: string | null): Promise<Response> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  const sig = signature === undefined ? await sign(body) : signature;
  if (sig !== null) headers["x-hub-signature-256"] = sig;
  return SELF.fetch(`${BASE}/webhooks/whatsapp`, { method: "POST", headers, body });
}

export async function api<T = unknown>(
  method: string,
  path: string,
  options: { token?: string; body?: unknown; rawBody?: string } = {},
): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined || options.rawBody !== undefined) headers["content-type"] = "application/json";
  const response = await SELF.fetch(`${BASE}/api${path}`, {
    method,
    headers,
    body: options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
  });
  return { status: response.status, body: (await response.json()) as T };
}

export interface TestWorkspace {
  adminToken: string;
  phoneNumberId: string;
  agents: { id: string; token: string; email: string }[];
}

/** A workspace with an admin, `agentCount` agents in rotation order, and one connected number. */
export async function createWorkspace(agentCount: number, phoneNumberId = uniqueNumberId(), wabaId?: string): Promise<TestWorkspace> {
  const suffix = unique("");
  const adminEmail = `admin-${suffix}@example.test`;
  const setup = await SELF.fetch(`${BASE}/api/setup`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer test-setup-token" },
    body: JSON.stringify({ workspaceName: "Test shop", admin: { name: "Admin", email: adminEmail, password: "password-1" } }),
  });
  if (setup.status !== 200) throw new Error(`setup failed: ${await setup.text()}`);
  const adminToken = (await api<Session>("POST", "/sessions", { body: { email: adminEmail, password: "password-1" } })).body.token;
  const agents: TestWorkspace["agents"] = [];
  for (let i = 0; i < agentCount; i++) {
    const email = `agent${i}-${suffix}@example.test`;
    const created = await api<{ id: string }>("POST", "/people", {
      token: adminToken,
      body: { name: `Agent ${String.fromCharCode(65 + i)}`, email, password: "password-1", role: "agent" },
    });
    agents.push({ id: created.body.id, token: "", email });
  }
  const connected = await connectNumber(adminToken, phoneNumberId, { wabaId, memberIds: agents.map((a) => a.id) });
  if (connected.status !== 200) throw new Error(`connect failed: ${JSON.stringify(connected.body)}`);
  for (const agent of agents) {
    agent.token = (await api<Session>("POST", "/sessions", { body: { email: agent.email, password: "password-1" } })).body.token;
  }
  return { adminToken, phoneNumberId, agents };
}

export const GRAPH_CONTROL = "http://graph.test/simulator/graph";

/**
 * An access token Meta (the simulator) answers for this number and WhatsApp Business Account only, as a company's own
 * system user has: what an admin pastes to connect a number on a multi-company deployment.
 */
export async function tokenForNumber(phoneNumberId: string, wabaId: string): Promise<string> {
  const response = await fetch(`${GRAPH_CONTROL}/tokens`, { method: "POST", body: JSON.stringify({ phoneNumberId, wabaId }) });
  return ((await response.json()) as { token: string }).token;
}

/** An admin connects a number the way a company must here: with the number's WABA and a token Meta accepts for both. */
export async function connectNumber(adminToken: string, phoneNumberId: string, options: { wabaId?: string; memberIds?: string[]; displayName?: string } = {}) {
  const wabaId = options.wabaId ?? uniqueNumberId();
  const accessToken = await tokenForNumber(phoneNumberId, wabaId);
  return api<NumberDetail & { error?: { message: string } }>("POST", "/numbers", {
    token: adminToken,
    body: { phoneNumberId, wabaId, accessToken, displayName: options.displayName ?? "Shop", memberIds: options.memberIds ?? [] },
  });
}

export async function setStatus(token: string, status: AgentStatus): Promise<void> {
  const result = await api("PUT", "/me/status", { token, body: { status } });
  if (result.status !== 200) throw new Error(`status change failed: ${JSON.stringify(result.body)}`);
}

/** Opens an agent's live socket the way the side panel does: ticket first, then the upgrade. */
export async function connectSocket(token: string, phoneNumberId: string) {
  const { body } = await api<{ ticket: string }>("POST", "/socket-ticket", { token, body: { phoneNumberId } });
  const response = await SELF.fetch(`${BASE}/api/numbers/${phoneNumberId}/socket?ticket=${encodeURIComponent(body.ticket)}`, {
    headers: { upgrade: "websocket" },
  });
  const ws = response.webSocket;
  if (!ws) throw new Error(`socket refused: HTTP ${response.status}`);
  const events: SocketEvent[] = [];
  /** The frames as they arrived: each may carry several events (shared/socket-frame.ts). */
  const frames: string[] = [];
  ws.accept();
  ws.addEventListener("message", (m) => {
    if (m.data !== "pong") frames.push(String(m.data));
    events.push(...readFrame(String(m.data)));
  });
  return { ws, events, frames, close: () => ws.close(1000, "test done") };
}

/** A webhook body carrying one `messages` change for this number, as Meta sends it. */
export function messagesChange(phoneNumberId: string, value: Record<string, unknown>) {
  return JSON.stringify({
    object: "whatsapp_business_account",
    entry: [
      {
        id: "WABA",
        changes: [
          {
            field: "messages",
            value: { messaging_product: "whatsapp", metadata: { display_phone_number: "15550100", phone_number_id: phoneNumberId }, ...value },
          },
        ],
      },
    ],
  });
}

/** A customer text message as Meta sends it. */
export function customerMessage(phoneNumberId: string, from: string, text: string, wamid = unique("wamid.T")) {
  return messagesChange(phoneNumberId, {
    contacts: [{ profile: { name: `Customer ${from}` }, wa_id: from }],
    messages: [{ from, id: wamid, timestamp: String(Math.floor(Date.now() / 1000)), type: "text", text: { body: text } }],
  });
}

export function statusUpdate(phoneNumberId: string, wamid: string, status: string, recipient: string) {
  return messagesChange(phoneNumberId, {
    statuses: [{ id: wamid, status, timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: recipient }],
  });
}

export async function conversationsOf(token: string, phoneNumberId: string, view: "mine" | "unassigned" | "all" | "resolved" = "mine") {
  return (await api<{ conversations: Conversation[] }>("GET", `/numbers/${phoneNumberId}/conversations?view=${view}`, { token })).body
    .conversations;
}

export async function messagesOf(token: string, phoneNumberId: string, conversationId: string) {
  return (await api<{ messages: Message[] }>("GET", `/numbers/${phoneNumberId}/conversations/${conversationId}/messages`, { token }))
    .body.messages;
}

export const tick = (ms = 20) => new Promise((r) => setTimeout(r, ms));

export async function setRouting(token: string, phoneNumberId: string, settings: Record<string, unknown>) {
  const result = await api<Record<string, unknown>>("PUT", `/numbers/${phoneNumberId}/routing`, { token, body: settings });
  if (result.status !== 200) throw new Error(`routing change failed: ${JSON.stringify(result.body)}`);
  return result.body;
}

export async function createTeam(token: string, name: string, memberIds: string[]) {
  const result = await api<{ id: string }>("POST", "/teams", { token, body: { name, memberIds } });
  if (result.status !== 200) throw new Error(`team failed: ${JSON.stringify(result.body)}`);
  return result.body.id;
}

/** A customer with a fresh phone number writes one message; returns the phone. */
export async function newCustomerWrites(phoneNumberId: string, text = "你好") {
  const phone = `86${uniqueNumberId()}`;
  const response = await postWebhook(customerMessage(phoneNumberId, phone, text));
  if (response.status !== 200) throw new Error(`webhook failed: ${response.status}`);
  return phone;
}

export async function conversationOfCustomer(adminToken: string, phoneNumberId: string, phone: string) {
  const all = await conversationsOf(adminToken, phoneNumberId, "all");
  const found = all.find((c) => c.contact.waId === phone);
  if (!found) throw new Error(`no conversation for ${phone}`);
  return found;
}

import type { ErrorBody } from "../../shared/error-codes";
export type { ErrorBody };

/** A customer with a fresh phone has written; agent A is connected, Available and assigned. */
export async function openConversation(wabaId?: string) {
  const customer = `86${uniqueNumberId()}`;
  const ws = await createWorkspace(1, uniqueNumberId(), wabaId);
  const a = ws.agents[0]!;
  const socket = await connectSocket(a.token, ws.phoneNumberId);
  await setStatus(a.token, "available");
  await postWebhook(customerMessage(ws.phoneNumberId, customer, "你好，想咨询一下退货"));
  const [conversation] = await conversationsOf(a.token, ws.phoneNumberId);
  const path = `/numbers/${ws.phoneNumberId}/conversations/${conversation!.id}/messages`;
  const send = (body: Record<string, unknown>) =>
    api<Message & ErrorBody>("POST", path, { token: a.token, body: { clientId: crypto.randomUUID(), ...body } });
  return { ws, a, socket, customer, conversation: conversation!, path, send };
}

/** The Graph stand-in (simulator/graph.ts behind vitest.config.ts's outboundService) and its control API. */
export const GRAPH = "http://graph.test/simulator/graph";

export interface GraphRecord {
  /** Bodies the stand-in accepted (valid against Meta's schema) and answered with a wamid. */
  sent: { wamid: string; to: string; body: Record<string, unknown> }[];
  /** Mark-as-read and typing-indicator bodies. */
  statusCalls: Record<string, unknown>[];
  /** Bodies Meta's schema refused, with the validator's sentence. */
  rejected: { body: Record<string, unknown>; problem: string }[];
}

/** What the stand-in received for one recipient. */
export async function sentTo(to: string): Promise<GraphRecord> {
  const response = await fetch(`${GRAPH}/sent?to=${to}`);
  return (await response.json()) as GraphRecord;
}

/** Uploads a file through the worker, as the side panel's 📎 does; returns the media id Meta gave. */
export async function uploadThroughWorker(token: string, phoneNumberId: string, file: File): Promise<string> {
  const form = new FormData();
  form.set("file", file);
  const response = await SELF.fetch(`${BASE}/api/numbers/${phoneNumberId}/media`, { method: "POST", headers: { authorization: `Bearer ${token}` }, body: form });
  const json = (await response.json()) as { mediaId?: string };
  if (response.status !== 200 || !json.mediaId) throw new Error(`upload failed: HTTP ${response.status} ${JSON.stringify(json)}`);
  return json.mediaId;
}

/** Rows of a query run inside the number's object, on its own SQLite (to look at storage, or to make it fail). */
export async function numberSql<T>(phoneNumberId: string, query: string): Promise<T[]> {
  return runInDurableObject(env.NUMBER_INBOX.getByName(phoneNumberId), (_, state) => state.storage.sql.exec(query).toArray() as T[]);
}

/** Every status a socket heard for this message: a status batch's `ticks` events, and whole messages (a send's own result). */
export function statusesHeard(events: SocketEvent[], messageId: string): (DeliveryStatus | null)[] {
  return events.flatMap((e) =>
    e.type === "message" && e.message.id === messageId
      ? [e.message.status]
      : e.type === "ticks"
        ? e.ticks.filter((t) => t.messageId === messageId).map((t) => t.status)
        : [],
  );
}
