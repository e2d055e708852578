import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { AuditEntry } from "../../shared/audit";
import type { CannedImportResult, CannedResponse, Catalog } from "../../shared/catalog";
import type { Floor } from "../../shared/floor";
import type { Message, SocketEvent } from "../../shared/inbox";
import type { NumberDetail } from "../../shared/numbers";
import type { Invite, InvitePreview, Person, Session } from "../../shared/people";
import { readFrame } from "../../shared/socket-frame";
import {
  api,
  BASE,
  connectSocket,
  conversationOfCustomer,
  createWorkspace,
  newCustomerWrites,
  setStatus,
  tick,
  unique,
  uniqueNumberId,
  type TestWorkspace,
} from "./helpers";
import { SELF } from "cloudflare:test";

const GRAPH = "http://graph.test/simulator/graph";

/** A workspace with a supervisor besides the admin and agents. */
async function withSupervisor(agentCount = 2): Promise<TestWorkspace & { supervisor: { id: string; token: string } }> {
  const ws = await createWorkspace(agentCount);
  const email = `sup-${unique("")}@example.test`;
  const created = await api<{ id: string }>("POST", "/people", { token: ws.adminToken, body: { name: "Sup", email, password: "password-1", role: "supervisor" } });
  const token = (await api<Session>("POST", "/sessions", { body: { email, password: "password-1" } })).body.token;
  return { ...ws, supervisor: { id: created.body.id, token } };
}

type Route = { method: string; path: (ws: TestWorkspace & { supervisor: { id: string } }) => string; body?: (ws: TestWorkspace) => unknown; adminOnly?: boolean };

/** Every settings route of the console. Bodies are valid, so a refusal can only come from the role check. */
const settingsRoutes: Route[] = [
  { method: "GET", path: () => "/people" },
  { method: "PUT", path: (ws) => `/people/${ws.agents[0]!.id}`, body: () => ({ capacity: 3 }) },
  { method: "PUT", path: (ws) => `/people/${ws.agents[0]!.id}`, body: () => ({ role: "supervisor" }), adminOnly: true },
  { method: "PUT", path: (ws) => `/people/${ws.agents[0]!.id}/status`, body: () => ({ status: "away" }) },
  { method: "POST", path: (ws) => `/people/${ws.agents[1]!.id}/password-reset` },
  { method: "POST", path: (ws) => `/people/${ws.agents[1]!.id}/reactivate` },
  { method: "POST", path: () => "/invites", body: () => ({ role: "agent" }) },
  { method: "POST", path: () => "/invites", body: () => ({ role: "admin" }), adminOnly: true },
  { method: "GET", path: () => "/invites" },
  { method: "POST", path: () => "/people", body: () => ({ name: "X", email: `x-${unique("")}@example.test`, password: "password-1", role: "agent" }), adminOnly: true },
  { method: "GET", path: () => "/numbers" },
  { method: "POST", path: () => "/numbers", body: () => ({ phoneNumberId: uniqueNumberId(), displayName: "Other" }), adminOnly: true },
  { method: "PUT", path: (ws) => `/numbers/${ws.phoneNumberId}`, body: () => ({ displayName: "Renamed" }), adminOnly: true },
  { method: "POST", path: (ws) => `/numbers/${ws.phoneNumberId}/check` },
  { method: "GET", path: (ws) => `/numbers/${ws.phoneNumberId}/webhook-setup`, adminOnly: true },
  { method: "PUT", path: (ws) => `/numbers/${ws.phoneNumberId}/routing`, body: (ws) => ({ rotation: ws.agents.map((a) => ({ type: "agent", id: a.id })) }) },
  { method: "PUT", path: () => "/workspace/settings", body: () => ({ graceSeconds: 30 }) },
  { method: "POST", path: () => "/teams", body: () => ({ name: "售前" }) },
  { method: "POST", path: () => "/tag-groups", body: () => ({ name: "客户类型", singleChoice: true }) },
  { method: "POST", path: () => "/tags", body: () => ({ name: `VIP-${unique("")}`, color: "#c0392b" }) },
  { method: "GET", path: () => "/tags/usage" },
  { method: "POST", path: () => "/attributes", body: () => ({ key: `k${unique("").slice(0, 8)}`, labelEn: "Order", labelZh: "订单", type: "text" }) },
  { method: "POST", path: () => "/canned-responses", body: () => ({ shortcode: "hi", title: "Hi", body: "你好", company: true }) },
  { method: "GET", path: () => "/canned-responses/library" },
  { method: "GET", path: () => "/canned-responses/export.csv" },
  { method: "POST", path: () => "/canned-responses/import", body: () => ({ csv: "shortcode,title,body\nhi,Hi,你好\n" }) },
  { method: "GET", path: () => "/floor" },
  { method: "GET", path: () => "/audit" },
  { method: "GET", path: () => "/audit/export.csv" },
  { method: "POST", path: (ws) => `/numbers/${ws.phoneNumberId}/disconnect`, adminOnly: true },
];

async function call(route: Route, ws: TestWorkspace & { supervisor: { id: string } }, token: string) {
  const response = await SELF.fetch(`${BASE}/api${route.path(ws)}`, {
    method: route.method,
    headers: { authorization: `Bearer ${token}`, ...(route.body ? { "content-type": "application/json" } : {}) },
    body: route.body ? JSON.stringify(route.body(ws)) : undefined,
  });
  const text = await response.text();
  return { status: response.status, text };
}

describe("the console's role matrix", () => {
  it("an agent is refused every settings route with 403 and a sentence", async () => {
    const ws = await withSupervisor();
    for (const route of settingsRoutes) {
      const result = await call(route, ws, ws.agents[0]!.token);
      expect({ route: `${route.method} ${route.path(ws)}`, status: result.status }).toEqual({ route: `${route.method} ${route.path(ws)}`, status: 403 });
      expect(JSON.parse(result.text).error.message).toMatch(/role|only/);
    }
  });

  it("a supervisor does supervisor work and is refused admin-only work", async () => {
    const ws = await withSupervisor();
    for (const route of settingsRoutes) {
      const result = await call(route, ws, ws.supervisor.token);
      const label = `${route.method} ${route.path(ws)}`;
      if (route.adminOnly) expect({ label, status: result.status }).toEqual({ label, status: 403 });
      else expect({ label, status: result.status, text: result.text.slice(0, 200) }).toMatchObject({ label, status: 200 });
    }
  });

  it("an admin of another workspace reaches nothing of this one", async () => {
    const ws = await withSupervisor();
    const stranger = await createWorkspace(0);
    const targeted = settingsRoutes.filter((r) => /people\/|numbers\//.test(r.path(ws)));
    expect(targeted.length).toBeGreaterThan(8);
    for (const route of targeted) {
      const result = await call(route, ws, stranger.adminToken);
      const label = `${route.method} ${route.path(ws)}`;
      expect({ label, refused: result.status === 403 || result.status === 404 }).toEqual({ label, refused: true });
    }
    // And their own lists show nothing of ours.
    const people = await api<{ people: Person[] }>("GET", "/people", { token: stranger.adminToken });
    expect(people.body.people.map((p) => p.id)).not.toContain(ws.agents[0]!.id);
  });
});

describe("deactivating a person", () => {
  it("revokes their token and closes their socket at once, and routes their conversations with the reason", async () => {
    const ws = await withSupervisor(2);
    const [lina, wang] = ws.agents as [TestWorkspace["agents"][0], TestWorkspace["agents"][0]];
    const linaSocket = await connectSocket(lina.token, ws.phoneNumberId);
    await setStatus(lina.token, "available");
    const phone = await newCustomerWrites(ws.phoneNumberId, "我的订单在哪");
    expect((await conversationOfCustomer(ws.adminToken, ws.phoneNumberId, phone)).assigneeId).toBe(lina.id);
    const wangSocket = await connectSocket(wang.token, ws.phoneNumberId);
    await setStatus(wang.token, "available");
    let closed = false;
    linaSocket.ws.addEventListener("close", () => (closed = true));
    const openSockets = async () => (await env.NUMBER_INBOX.getByName(ws.phoneNumberId).health()).openSockets;
    expect(await openSockets()).toBe(2);

    const result = await api<Person>("POST", `/people/${lina.id}/deactivate`, { token: ws.supervisor.token });
    expect(result.status).toBe(200);
    expect(result.body.active).toBe(false);
    await tick(50);

    expect(linaSocket.events.some((e) => e.type === "revoked")).toBe(true);
    expect(closed).toBe(true);
    // The object lets go of the revoked socket; it does not linger in its list.
    expect(await openSockets()).toBe(1);
    expect((await api("GET", "/me", { token: lina.token })).status).toBe(401);
    const signIn = await api<{ error: { message: string } }>("POST", "/sessions", { body: { email: lina.email, password: "password-1" } });
    expect(signIn.status).toBe(401);
    expect(signIn.body.error.message).toMatch(/deactivated/);
    const conversation = await conversationOfCustomer(ws.adminToken, ws.phoneNumberId, phone);
    expect(conversation.assigneeId).toBe(wang.id);
    expect(conversation.assignmentReason).toMatch(/agent deactivated/);
    expect(wangSocket.events.some((e) => e.type === "notice" && e.kind === "assigned")).toBe(true);

    const audit = await api<{ entries: AuditEntry[] }>("GET", "/audit?action=person.deactivate", { token: ws.adminToken });
    expect(audit.body.entries).toHaveLength(1);
    expect(audit.body.entries[0]).toMatchObject({ actorName: "Sup", target: `person:${lina.id}` });
    wangSocket.close();
    await tick(50);
    expect(await openSockets()).toBe(0);
  });

  it("a supervisor cannot deactivate an admin or change roles; nobody removes the last admin", async () => {
    const ws = await withSupervisor(1);
    const people = await api<{ people: Person[] }>("GET", "/people", { token: ws.adminToken });
    const admin = people.body.people.find((p) => p.role === "admin")!;
    expect((await api("POST", `/people/${admin.id}/deactivate`, { token: ws.supervisor.token })).status).toBe(403);
    expect((await api("PUT", `/people/${admin.id}`, { token: ws.adminToken, body: { role: "agent" } })).status).toBe(409);
    expect((await api("PUT", `/people/${ws.agents[0]!.id}`, { token: ws.supervisor.token, body: { role: "supervisor" } })).status).toBe(403);
  });
});

describe("invitations and resets", () => {
  it("an invitation link is single use, creates the account with its role and numbers, and the new agent signs in", async () => {
    const ws = await withSupervisor(0);
    const created = await api<Invite>("POST", "/invites", { token: ws.supervisor.token, body: { role: "agent", numberIds: [ws.phoneNumberId], capacity: 4, note: "Zhang Min" } });
    expect(created.status).toBe(200);
    const url = created.body.url!;
    expect(url).toMatch(/^https:\/\/inbox\.test\/invite\/w/);
    const token = url.split("/invite/")[1]!;
    // The link is stored hashed: the list shows the invitation, never the link.
    const listed = await api<{ invites: Invite[] }>("GET", "/invites", { token: ws.adminToken });
    expect(listed.body.invites.map((i) => i.id)).toEqual([created.body.id]);
    expect(JSON.stringify(listed.body)).not.toContain(token);

    const page = await SELF.fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("<form");
    const preview = await api<InvitePreview>("GET", `/invites/${token}`);
    expect(preview.body).toMatchObject({ kind: "invite", role: "agent", workspaceName: "Test shop" });

    const email = `zhang-${unique("")}@example.test`;
    const accepted = await api("POST", `/invites/${token}/accept`, { body: { name: "张敏", email, password: "zhangmin-1" } });
    expect(accepted.status).toBe(200);
    const again = await api<{ error: { message: string } }>("POST", `/invites/${token}/accept`, { body: { name: "X", email: `y-${email}`, password: "zhangmin-1" } });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/used/);

    const session = await api<Session>("POST", "/sessions", { body: { email, password: "zhangmin-1" } });
    expect(session.status).toBe(200);
    expect(session.body.agent.role).toBe("agent");
    expect(session.body.numbers.map((n) => n.phoneNumberId)).toEqual([ws.phoneNumberId]);
    const person = (await api<{ people: Person[] }>("GET", "/people", { token: ws.adminToken })).body.people.find((p) => p.email === email)!;
    expect(person.capacity).toBe(4);
  });

  it("a reset link sets a new password and ends the old sessions", async () => {
    const ws = await withSupervisor(1);
    const agent = ws.agents[0]!;
    const reset = await api<Invite>("POST", `/people/${agent.id}/password-reset`, { token: ws.supervisor.token });
    const token = reset.body.url!.split("/invite/")[1]!;
    expect((await api<InvitePreview>("GET", `/invites/${token}`)).body).toMatchObject({ kind: "reset", email: agent.email });
    expect((await api("POST", `/invites/${token}/accept`, { body: { password: "brand-new-1" } })).status).toBe(200);
    expect((await api("GET", "/me", { token: agent.token })).status).toBe(401);
    expect((await api("POST", "/sessions", { body: { email: agent.email, password: "password-1" } })).status).toBe(401);
    expect((await api("POST", "/sessions", { body: { email: agent.email, password: "brand-new-1" } })).status).toBe(200);
  });

  it("sign-in is throttled after five wrong passwords, even for the right one", async () => {
    const ws = await createWorkspace(1);
    const email = ws.agents[0]!.email;
    for (let i = 0; i < 5; i++) expect((await api("POST", "/sessions", { body: { email, password: `wrong-${i}` } })).status).toBe(401);
    const locked = await api<{ error: { message: string } }>("POST", "/sessions", { body: { email, password: "password-1" } });
    expect(locked.status).toBe(429);
    expect(locked.body.error.message).toMatch(/too many/);
  });
});

describe("sessions", () => {
  it("expire after the workspace's number of days without use, and a shorter setting applies to open sessions at once", async () => {
    const ws = await createWorkspace(1);
    const agent = ws.agents[0]!;
    const workspaceId = ws.adminToken.split(".")[0]!;
    const expiries = () =>
      runInDurableObject(env.WORKSPACE.getByName(workspaceId), (_, state) =>
        state.storage.sql.exec<{ expires_at: number }>("SELECT expires_at FROM sessions").toArray().map((r) => r.expires_at),
      );
    for (const at of await expiries()) expect(at).toBeGreaterThan(Date.now() + 29 * 86_400_000);
    expect((await api("PUT", "/workspace/settings", { token: ws.adminToken, body: { sessionDays: 1 } })).status).toBe(200);
    for (const at of await expiries()) expect(at).toBeLessThanOrEqual(Date.now() + 86_400_000);
    const bad = await api<{ error: { message: string } }>("PUT", "/workspace/settings", { token: ws.adminToken, body: { sessionDays: 0 } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/sessionDays is at least 1/);
    // A day without use: the token stops working.
    await runInDurableObject(env.WORKSPACE.getByName(workspaceId), (_, state) => state.storage.sql.exec("UPDATE sessions SET expires_at = ?", Date.now() - 1));
    expect((await api("GET", "/me", { token: agent.token })).status).toBe(401);
  });
});

describe("sign-in throttling per address", () => {
  it("an address that fails 30 times in 15 minutes is refused for a while, whatever the account; other addresses are not", async () => {
    const ws = await createWorkspace(1);
    const from = (address: string, body: unknown) =>
      SELF.fetch(`${BASE}/api/sessions`, { method: "POST", headers: { "content-type": "application/json", "cf-connecting-ip": address }, body: JSON.stringify(body) });
    for (let i = 0; i < 30; i++) {
      // Spread over many accounts (most unknown), as a password-spraying attack would.
      expect((await from("203.0.113.7", { email: `guess${i}@example.test`, password: "123456" })).status).toBe(401);
    }
    const blocked = await from("203.0.113.7", { email: ws.agents[0]!.email, password: "password-1" });
    expect(blocked.status).toBe(429);
    expect(((await blocked.json()) as { error: { message: string } }).error.message).toMatch(/too many failed sign-ins from your network/);
    expect((await from("198.51.100.20", { email: ws.agents[0]!.email, password: "password-1" })).status).toBe(200);
  });
});

describe("numbers", () => {
  it("a number's own access token is checked with Meta, stored sealed, used for sending, and never returned", async () => {
    const ws = await createWorkspace(1);
    const token = `EAAG${unique("tok")}ZZsecretTokenForThisNumberOnly`;
    const refused = await api<{ error: { message: string } }>("PUT", `/numbers/${ws.phoneNumberId}`, { token: ws.adminToken, body: { accessToken: token } });
    expect(refused.status).toBe(422);
    expect(refused.body.error.message).toMatch(/Meta refused this access token/);
    await fetch(`${GRAPH}/tokens`, { method: "POST", body: JSON.stringify({ token }) });

    const saved = await api<NumberDetail>("PUT", `/numbers/${ws.phoneNumberId}`, { token: ws.adminToken, body: { accessToken: token } });
    expect(saved.status).toBe(200);
    expect(saved.body.hasOwnToken).toBe(true);
    expect(saved.body.health).toMatchObject({ tokenValid: true, qualityRating: "GREEN" });
    expect(saved.body.displayPhoneNumber).toMatch(/^\+1 555-/);

    // Sealed at rest: the Workspace's row holds no plaintext token.
    const workspaceId = ws.adminToken.split(".")[0]!;
    const stored = await runInDurableObject(env.WORKSPACE.getByName(workspaceId), (_, state) =>
      state.storage.sql.exec("SELECT access_token_sealed FROM numbers").toArray().map((r) => String(r.access_token_sealed)),
    );
    expect(stored.join()).not.toContain(token);
    expect(stored[0]).toMatch(/^v1\./);

    const agent = ws.agents[0]!;
    const socket = await connectSocket(agent.token, ws.phoneNumberId);
    await setStatus(agent.token, "available");
    const phone = await newCustomerWrites(ws.phoneNumberId);
    const conversation = await conversationOfCustomer(ws.adminToken, ws.phoneNumberId, phone);
    const sent = await api<Message>("POST", `/numbers/${ws.phoneNumberId}/conversations/${conversation.id}/messages`, {
      token: agent.token,
      body: { type: "text", text: "您好", clientId: crypto.randomUUID() },
    });
    expect(sent.status).toBe(200);
    await tick(100);
    const graph = (await (await fetch(`${GRAPH}/sent?to=${phone}`)).json()) as { sent: { tokenTail: string }[] };
    expect(graph.sent.map((s) => s.tokenTail)).toEqual([token.slice(-4)]);

    const everything = [
      JSON.stringify((await api("GET", "/numbers", { token: ws.adminToken })).body),
      JSON.stringify((await api("POST", `/numbers/${ws.phoneNumberId}/check`, { token: ws.adminToken })).body),
      JSON.stringify((await api("GET", "/audit", { token: ws.adminToken })).body),
      await (await SELF.fetch(`${BASE}/api/audit/export.csv`, { headers: { authorization: `Bearer ${ws.adminToken}` } })).text(),
      JSON.stringify((await api("GET", "/me", { token: agent.token })).body),
      JSON.stringify((await api("GET", "/floor", { token: ws.adminToken })).body),
      JSON.stringify(socket.events),
    ].join("\n");
    expect(everything).not.toContain(token);
    expect(everything).toContain("(replaced)");
    socket.close();
  });

  it("shows the webhook setup and health; a disconnected number sends nothing and keeps its history for supervisors", async () => {
    const ws = await createWorkspace(1);
    const agent = ws.agents[0]!;
    await setStatus(agent.token, "available");
    const socket = await connectSocket(agent.token, ws.phoneNumberId);
    const phone = await newCustomerWrites(ws.phoneNumberId, "在吗");
    const setup = await api<{ callbackUrl: string; verifyToken: string }>("GET", `/numbers/${ws.phoneNumberId}/webhook-setup`, { token: ws.adminToken });
    expect(setup.body).toEqual({ callbackUrl: `${BASE}/webhooks/whatsapp`, verifyToken: "test-verify-token" });
    const before = (await api<{ numbers: NumberDetail[] }>("GET", "/numbers", { token: ws.adminToken })).body.numbers[0]!;
    expect(before.health.lastWebhookAt).toBeGreaterThan(Date.now() - 60_000);
    expect(before.connected).toBe(true);

    const disconnected = await api<NumberDetail>("POST", `/numbers/${ws.phoneNumberId}/disconnect`, { token: ws.adminToken });
    expect(disconnected.body.connected).toBe(false);
    const conversation = await conversationOfCustomer(ws.adminToken, ws.phoneNumberId, phone);
    const send = await api<{ error: { message: string } }>("POST", `/numbers/${ws.phoneNumberId}/conversations/${conversation.id}/messages`, {
      token: ws.adminToken,
      body: { type: "text", text: "还在", clientId: crypto.randomUUID() },
    });
    expect(send.status).toBe(409);
    expect(send.body.error.message).toMatch(/disconnected/);
    expect((await api("GET", "/me", { token: agent.token })).body).toMatchObject({ numbers: [] });
    expect((await api("POST", "/socket-ticket", { token: agent.token, body: { phoneNumberId: ws.phoneNumberId } })).status).toBe(403);
    expect((await api<{ messages: Message[] }>("GET", `/numbers/${ws.phoneNumberId}/conversations/${conversation.id}/messages`, { token: ws.adminToken })).body.messages.length).toBeGreaterThan(0);
    socket.close();
  });
});

describe("catalog management", () => {
  it("renaming a tag shows everywhere; deleting says how many carry it and takes it off them", async () => {
    const ws = await withSupervisor(1);
    const tag = await api<{ id: string }>("POST", "/tags", { token: ws.supervisor.token, body: { name: "VIP", color: "#c0392b" } });
    const agent = ws.agents[0]!;
    await setStatus(agent.token, "available");
    const phone = await newCustomerWrites(ws.phoneNumberId);
    const conversation = await conversationOfCustomer(ws.adminToken, ws.phoneNumberId, phone);
    await api("POST", `/numbers/${ws.phoneNumberId}/contacts/${conversation.contact.id}/tags`, { token: agent.token, body: { add: tag.body.id } });

    await api("PUT", `/tags/${tag.body.id}`, { token: ws.supervisor.token, body: { name: "大客户" } });
    const catalog = (await api<Catalog>("GET", "/catalog", { token: agent.token })).body;
    expect(catalog.tags.find((t) => t.id === tag.body.id)).toMatchObject({ name: "大客户", color: "#c0392b" });
    const usage = await api<{ usage: Record<string, { contacts: number; conversations: number }> }>("GET", "/tags/usage", { token: ws.supervisor.token });
    expect(usage.body.usage[tag.body.id]).toEqual({ contacts: 1, conversations: 1 });

    const deleted = await api<{ removedFrom: number }>("DELETE", `/tags/${tag.body.id}`, { token: ws.supervisor.token });
    expect(deleted.body.removedFrom).toBe(1);
    expect((await conversationOfCustomer(ws.adminToken, ws.phoneNumberId, phone)).tags).toEqual([]);
    const audit = (await api<{ entries: AuditEntry[] }>("GET", "/audit?action=tag", { token: ws.adminToken })).body.entries.map((e) => e.action);
    expect(audit).toEqual(["tag.delete", "tag.rename", "tag.create"]);
  });

  it("imports canned responses from CSV, reporting the bad row and importing the rest; export gives the same rows back", async () => {
    const ws = await withSupervisor(1);
    const team = await api<{ id: string }>("POST", "/teams", { token: ws.supervisor.token, body: { name: "售后", memberIds: [] } });
    const csv = [
      "shortcode,title,body,language,teams",
      'refund,退款说明,"您好 {{customer.name}}，退款将在 3-5 个工作日内原路退回。",zh,售后',
      "bad code!,坏行,这一行的快捷码不合法,zh,",
      'hours,Opening hours,"We answer 09:00-18:00, Monday to Friday.",en,',
    ].join("\r\n");
    const result = await api<CannedImportResult>("POST", "/canned-responses/import", { token: ws.supervisor.token, body: { csv } });
    expect(result.status).toBe(200);
    expect(result.body.imported).toBe(2);
    expect(result.body.errors).toHaveLength(1);
    expect(result.body.errors[0]!.row).toBe(3);
    expect(result.body.errors[0]!.message).toMatch(/shortcode/);

    const library = (await api<{ canned: CannedResponse[] }>("GET", "/canned-responses/library", { token: ws.supervisor.token })).body.canned;
    expect(library.find((c) => c.shortcode === "refund")?.teamIds).toEqual([team.body.id]);
    // Limited to 售后: an agent outside the team does not see it; the open one they do.
    const agentCatalog = (await api<Catalog>("GET", "/catalog", { token: ws.agents[0]!.token })).body.canned.map((c) => c.shortcode);
    expect(agentCatalog).toEqual(["hours"]);

    const exported = await (await SELF.fetch(`${BASE}/api/canned-responses/export.csv`, { headers: { authorization: `Bearer ${ws.supervisor.token}` } })).text();
    const again = await api<CannedImportResult>("POST", "/canned-responses/import", { token: ws.supervisor.token, body: { csv: exported } });
    expect(again.body).toEqual({ imported: 0, updated: 2, errors: [] });
  });
});

describe("floor", () => {
  it("shows every agent's status, time in status, presence and load, and each number's queue; a supervisor assigns from it", async () => {
    const ws = await withSupervisor(2);
    const [a, b] = ws.agents as [TestWorkspace["agents"][0], TestWorkspace["agents"][0]];
    const supSocket = await connectSocket(ws.supervisor.token, ws.phoneNumberId);
    const phone = await newCustomerWrites(ws.phoneNumberId, "有人吗");
    let floor = (await api<Floor>("GET", "/floor", { token: ws.supervisor.token })).body;
    expect(floor.queues[0]!.waiting.map((w) => w.contactName)).toEqual([`Customer ${phone}`]);
    expect(floor.agents.find((x) => x.id === a.id)).toMatchObject({ status: "away", connected: false, load: 0 });

    const socket = await connectSocket(a.token, ws.phoneNumberId);
    await setStatus(a.token, "available");
    await tick(50);
    floor = (await api<Floor>("GET", "/floor", { token: ws.supervisor.token })).body;
    expect(floor.queues[0]!.waiting).toEqual([]);
    expect(floor.agents.find((x) => x.id === a.id)).toMatchObject({ status: "available", connected: true, load: 1 });
    expect(floor.agents.find((x) => x.id === a.id)!.statusSince).toBeGreaterThan(Date.now() - 10_000);
    const pushed = supSocket.events.filter((e): e is Extract<SocketEvent, { type: "agent_status" }> => e.type === "agent_status" && e.agentId === a.id);
    expect(pushed.at(-1)).toMatchObject({ status: "available", connected: true, load: 1 });

    // The supervisor sends a forgotten agent Away, and it is in the audit log.
    await api("PUT", `/people/${a.id}/status`, { token: ws.supervisor.token, body: { status: "away" } });
    const audit = (await api<{ entries: AuditEntry[] }>("GET", `/audit?actorId=${ws.supervisor.id}`, { token: ws.adminToken })).body.entries;
    expect(audit[0]).toMatchObject({ action: "person.status", oldValue: "available", newValue: "away" });

    const second = await newCustomerWrites(ws.phoneNumberId, "等很久了");
    const queued = await conversationOfCustomer(ws.adminToken, ws.phoneNumberId, second);
    expect(queued.assigneeId).toBeNull();
    const assigned = await api("POST", `/numbers/${ws.phoneNumberId}/conversations/${queued.id}/transfer`, { token: ws.supervisor.token, body: { toAgentId: b.id, force: true } });
    expect(assigned.status).toBe(200);
    expect((await conversationOfCustomer(ws.adminToken, ws.phoneNumberId, second)).assigneeId).toBe(b.id);
    socket.close();
    supSocket.close();
  });

  it("watching the floor does not make a supervisor present for routing; working in the panel does", async () => {
    const ws = await createWorkspace(0);
    const me = await api<{ agent: { id: string } }>("GET", "/me", { token: ws.adminToken });
    await api("PUT", `/numbers/${ws.phoneNumberId}`, { token: ws.adminToken, body: { memberIds: [me.body.agent.id] } });
    await setStatus(ws.adminToken, "available");
    const ticket = (await api<{ ticket: string }>("POST", "/socket-ticket", { token: ws.adminToken, body: { phoneNumberId: ws.phoneNumberId } })).body.ticket;
    const watch = await SELF.fetch(`${BASE}/api/numbers/${ws.phoneNumberId}/socket?ticket=${encodeURIComponent(ticket)}&watch=1`, { headers: { upgrade: "websocket" } });
    const watcher = watch.webSocket!;
    const seen: SocketEvent[] = [];
    watcher.accept();
    watcher.addEventListener("message", (m) => seen.push(...readFrame(String(m.data))));

    const phone = await newCustomerWrites(ws.phoneNumberId, "有人吗");
    expect((await conversationOfCustomer(ws.adminToken, ws.phoneNumberId, phone)).assigneeId).toBeNull();
    await tick(30);
    expect(seen.some((e) => e.type === "conversation" && e.conversation.contact.waId === phone)).toBe(true);

    const panel = await connectSocket(ws.adminToken, ws.phoneNumberId);
    await tick(30);
    expect((await conversationOfCustomer(ws.adminToken, ws.phoneNumberId, phone)).assigneeId).toBe(me.body.agent.id);
    panel.close();
    watcher.close();
  });
});
