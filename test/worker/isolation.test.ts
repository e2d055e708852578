import { env, runInDurableObject, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { Conversation } from "../../shared/inbox";
import type { Session } from "../../shared/people";
import { NumberInbox, type NumberConfig } from "../../worker/number-inbox/NumberInbox";
import type { Principal } from "../../worker/lib/result";
import { api, BASE, connectSocket, conversationOfCustomer, messagesChange, postWebhook, setStatus, tokenForNumber, unique, uniqueNumberId } from "./helpers";

/**
 * Tenant isolation (issue #24): two companies on one deployment, each with people of every role, a number with
 * conversations, contacts, media, tags, teams, canned responses, attributes and invitations. Company A calls every
 * route of the OpenAPI document, as each of its roles, with company B's ids (and the socket with B's tickets), and
 * nothing of B is ever returned or changed. The routes come from the document, so a route added tomorrow is called
 * tomorrow; a path parameter this file has no filler for, or a body it has never seen, fails the suite until someone
 * decides what the other company's id for it is.
 */

interface Member {
  id: string;
  token: string;
  email: string;
}

interface Company {
  label: string;
  /** Written into every name and text this company stores, so a leak anywhere is a substring away. */
  marker: string;
  workspaceId: string;
  phoneNumberId: string;
  wabaId: string;
  numberToken: string;
  admin: Member;
  supervisor: Member;
  agent: Member;
  agent2: Member;
  conversationId: string;
  contactId: string;
  mediaId: string;
  teamId: string;
  teamName: string;
  tagGroupId: string;
  tagId: string;
  cannedId: string;
  personalCannedId: string;
  attributeKey: string;
  inviteId: string;
  /** A webhook message no conversation could hold, in the number's unreadable deliveries. */
  deliveryId: string;
  /** The undo of a bulk action B's agent took (tagging its customer again). */
  undoId: string;
  close: () => void;
}

async function ok<T>(call: Promise<{ status: number; body: T }>, what: string): Promise<T> {
  const result = await call;
  if (result.status !== 200) throw new Error(`${what}: HTTP ${result.status} ${JSON.stringify(result.body)}`);
  return result.body;
}

async function member(adminToken: string, marker: string, role: string, key: string): Promise<Member> {
  const email = `${marker.toLowerCase()}-${key}@example.test`;
  const created = await ok(api<{ id: string }>("POST", "/people", { token: adminToken, body: { name: `${marker} ${key}`, email, password: "password-1", role } }), `adding ${key}`);
  const session = await ok(api<Session>("POST", "/sessions", { body: { email, password: "password-1" } }), `signing ${key} in`);
  return { id: created.id, token: session.token, email };
}

/** A company as a new user builds it: through the API, with something of every kind the API has ids for. */
async function company(label: string): Promise<Company> {
  const marker = `${label}secret${unique("").replace(/[^a-zA-Z0-9]/g, "")}`;
  const adminEmail = `${marker.toLowerCase()}-admin@example.test`;
  const setup = await SELF.fetch(`${BASE}/api/setup`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer test-setup-token" },
    body: JSON.stringify({ workspaceName: `${marker} 公司`, admin: { name: `${marker} admin`, email: adminEmail, password: "password-1" } }),
  });
  const { workspaceId } = (await setup.json()) as { workspaceId: string };
  const adminSession = await ok(api<Session>("POST", "/sessions", { body: { email: adminEmail, password: "password-1" } }), "admin sign-in");
  const admin = { id: adminSession.agent.id, token: adminSession.token, email: adminEmail };
  const supervisor = await member(admin.token, marker, "supervisor", "supervisor");
  const agent = await member(admin.token, marker, "agent", "agent");
  const agent2 = await member(admin.token, marker, "agent", "agent2");

  const phoneNumberId = uniqueNumberId();
  const wabaId = uniqueNumberId();
  const numberToken = await tokenForNumber(phoneNumberId, wabaId);
  await ok(
    api("POST", "/numbers", { token: admin.token, body: { phoneNumberId, wabaId, accessToken: numberToken, displayName: `${marker} number`, memberIds: [agent.id, agent2.id] } }),
    "connecting the number",
  );
  const socket = await connectSocket(agent.token, phoneNumberId);
  await setStatus(agent.token, "available");

  const teamName = `${marker} team`;
  const team = await ok(api<{ id: string }>("POST", "/teams", { token: admin.token, body: { name: teamName, memberIds: [agent2.id] } }), "team");
  const group = await ok(api<{ id: string }>("POST", "/tag-groups", { token: admin.token, body: { name: `${marker} group`, singleChoice: true } }), "tag group");
  const tag = await ok(api<{ id: string }>("POST", "/tags", { token: admin.token, body: { name: `${marker} tag`, color: "#c99a06", groupId: group.id } }), "tag");
  const attributeKey = `${label.toLowerCase()}key${unique("").replace(/[^a-z0-9]/g, "")}`.slice(0, 40);
  await ok(api("POST", "/attributes", { token: admin.token, body: { key: attributeKey, labelEn: `${marker} attribute`, labelZh: `${marker} 属性`, type: "text" } }), "attribute");
  const canned = await ok(
    api<{ id: string }>("POST", "/canned-responses", { token: admin.token, body: { shortcode: `c${label.toLowerCase()}`, title: `${marker} canned`, body: `${marker} canned body`, company: true } }),
    "canned",
  );
  const personal = await ok(
    api<{ id: string }>("POST", "/canned-responses", { token: agent.token, body: { shortcode: `p${label.toLowerCase()}`, title: `${marker} mine`, body: `${marker} personal body` } }),
    "personal canned",
  );
  const invite = await ok(api<{ id: string }>("POST", "/invites", { token: admin.token, body: { role: "agent", numberIds: [phoneNumberId], note: `${marker} invite` } }), "invite");

  const phone = `86${uniqueNumberId()}`;
  const mediaId = uniqueNumberId();
  const contacts = [{ profile: { name: `${marker} customer` }, wa_id: phone }];
  const at = String(Math.floor(Date.now() / 1000));
  expect((await postWebhook(messagesChange(phoneNumberId, { contacts, messages: [{ from: phone, id: unique("wamid.I"), timestamp: at, type: "text", text: { body: `${marker} message` } }] }))).status).toBe(200);
  expect(
    (await postWebhook(messagesChange(phoneNumberId, { contacts, messages: [{ from: phone, id: unique("wamid.I"), timestamp: at, type: "image", image: { id: mediaId, mime_type: "image/png", sha256: "x", caption: `${marker} photo` } }] })))
      .status,
  ).toBe(200);
  const conversation: Conversation = await conversationOfCustomer(admin.token, phoneNumberId, phone);
  const nobody = { id: unique("wamid.nobody."), timestamp: at, type: "text", text: { body: `${marker} from nobody` } };
  expect((await postWebhook(messagesChange(phoneNumberId, { messages: [nobody] }))).status).toBe(200);
  const unreadable = await ok(api<{ deliveries: { id: string }[] }>("GET", `/numbers/${phoneNumberId}/unreadable`, { token: admin.token }), "unreadable list");
  const path = `/numbers/${phoneNumberId}/conversations/${conversation.id}`;
  await ok(api("POST", `${path}/messages`, { token: agent.token, body: { type: "text", text: `${marker} reply`, clientId: crypto.randomUUID() } }), "reply");
  await ok(api("POST", `${path}/messages`, { token: agent.token, body: { type: "note", text: `${marker} note`, clientId: crypto.randomUUID() } }), "note");
  const contactPath = `/numbers/${phoneNumberId}/contacts/${conversation.contact.id}`;
  await ok(api("POST", `${contactPath}/tags`, { token: agent.token, body: { add: tag.id } }), "tagging");
  await ok(api("PUT", `${contactPath}/attributes/${attributeKey}`, { token: agent.token, body: { value: `${marker} value` } }), "attribute value");
  const bulk = await ok(
    api<{ undoId: string }>("POST", `/numbers/${phoneNumberId}/conversations/bulk`, { token: agent.token, body: { ids: [conversation.id], action: { kind: "tag", tagId: tag.id } } }),
    "bulk tag",
  );

  return {
    label,
    marker,
    workspaceId,
    phoneNumberId,
    wabaId,
    numberToken,
    admin,
    supervisor,
    agent,
    agent2,
    conversationId: conversation.id,
    contactId: conversation.contact.id,
    mediaId,
    teamId: team.id,
    teamName,
    tagGroupId: group.id,
    tagId: tag.id,
    cannedId: canned.id,
    personalCannedId: personal.id,
    attributeKey,
    inviteId: invite.id,
    undoId: bulk.undoId,
    deliveryId: unreadable.deliveries[0]!.id,
    close: () => socket.close(),
  };
}

/** Everything B has, read through B's own API; the volatile health figures left out. */
async function snapshot(b: Company): Promise<Record<string, unknown>> {
  const get = async (token: string, path: string) => {
    const response = await api("GET", path, { token });
    return { status: response.status, body: response.body };
  };
  const n = `/numbers/${b.phoneNumberId}`;
  const paths = [
    "/me",
    "/people",
    "/teams",
    "/catalog",
    "/canned-responses/library",
    "/invites",
    "/workspace/settings",
    "/audit?limit=500",
    "/events",
    "/tags/usage",
    `${n}/conversations?view=all`,
    `${n}/conversations?view=resolved`,
    `${n}/conversations/${b.conversationId}/messages`,
    `${n}/contacts/${b.contactId}`,
    `${n}/routing`,
    `${n}/automation`,
    `${n}/templates`,
    `${n}/unreadable`,
  ];
  const shot: Record<string, unknown> = {};
  for (const path of paths) shot[path] = await get(b.admin.token, path);
  const numbers = (await get(b.admin.token, "/numbers")) as { status: number; body: { numbers: Record<string, unknown>[] } };
  shot["/numbers"] = numbers.body.numbers.map(({ health: _, ...rest }) => rest);
  // What B's agent has of their own: the personal canned response, their conversations.
  shot["agent /catalog"] = await get(b.agent.token, "/catalog");
  shot["agent /conversations"] = await get(b.agent.token, `${n}/conversations?view=mine`);
  return shot;
}

type Ids = { self: Company; other: Company };

/** The other company's id for each kind of path parameter; a kind missing here fails the suite. */
const FILLERS: Record<string, (path: string, ids: Ids) => string> = {
  phoneNumberId: (_, { other }) => other.phoneNumberId,
  conversationId: (_, { other }) => other.conversationId,
  contactId: (_, { other }) => other.contactId,
  personId: (_, { other }) => other.agent.id,
  teamId: (_, { other }) => other.teamId,
  inviteId: (_, { other }) => other.inviteId,
  key: (_, { other }) => other.attributeKey,
  deliveryId: (_, { other }) => other.deliveryId,
  undoId: (_, { other }) => other.undoId,
  id: (path, { other }) => {
    if (path.startsWith("/tag-groups/")) return other.tagGroupId;
    if (path.startsWith("/tags/")) return other.tagId;
    if (path.startsWith("/canned-responses/")) return other.cannedId;
    throw new Error(`no filler for {id} in ${path}: say whose id it is`);
  },
  // The link is the credential: guessing one in the other company's workspace must find nothing.
  token: (_, { other }) => `${other.workspaceId}.${"G".repeat(43)}`,
};

/** Which kind of id a parameter of a path is, for the count: `{id}` is three kinds. */
function kindOf(param: string, path: string): string {
  if (param !== "id") return param;
  return path.startsWith("/tag-groups/") ? "tagGroupId" : path.startsWith("/tags/") ? "tagId" : "cannedId";
}

/** The self company's own id for a path parameter, for calls whose body carries the other's ids. */
const OWN: Record<string, (path: string, self: Company) => string> = {
  phoneNumberId: (_, self) => self.phoneNumberId,
  conversationId: (_, self) => self.conversationId,
  contactId: (_, self) => self.contactId,
  personId: (_, self) => self.agent.id,
  teamId: (_, self) => self.teamId,
  inviteId: (_, self) => self.inviteId,
  key: (_, self) => self.attributeKey,
  deliveryId: (_, self) => self.deliveryId,
  undoId: (_, self) => self.undoId,
  id: (path, self) => (path.startsWith("/tag-groups/") ? self.tagGroupId : path.startsWith("/tags/") ? self.tagId : self.cannedId),
  token: (_, self) => `${self.workspaceId}.${"G".repeat(43)}`,
};

/**
 * A valid body for every route that takes one, carrying the other company's ids wherever the body names an id.
 * A route with a body and no entry here fails the suite.
 */
const BODIES: Record<string, (ids: Ids) => unknown> = {
  "POST /sessions": ({ other }) => ({ email: other.admin.email, password: "not-their-password" }),
  "POST /setup": () => ({ workspaceName: "Mallory", admin: { name: "Mallory", email: `${unique("m")}@example.test`, password: "password-1" } }),
  "POST /setup/import": () => ({}),
  "POST /setup/import/begin": () => ({}),
  "POST /setup/import/rows": ({ other }) => ({ workspaceId: other.workspaceId, store: other.phoneNumberId, table: "messages", rows: [] }),
  "POST /setup/import/finish": () => ({}),
  "POST /setup/numbers": ({ self, other }) => ({ workspaceId: self.workspaceId, phoneNumberId: other.phoneNumberId, displayName: "mine", wabaId: other.wabaId }),
  "POST /setup/numbers/{phoneNumberId}/move": ({ self }) => ({ toWorkspaceId: self.workspaceId }),
  "POST /invites/{token}/accept": () => ({ name: "Mallory", email: `${unique("m")}@example.test`, password: "password-1" }),
  "PUT /me": () => ({ name: "A person" }),
  "PUT /me/status": () => ({ status: "away" }),
  "PUT /me/password": () => ({ currentPassword: "not-my-password", newPassword: "password-2" }),
  "POST /canned-responses": ({ other }) => ({ shortcode: "steal", title: "t", body: "b", company: true, teamIds: [other.teamId] }),
  "PUT /canned-responses/{id}": ({ other }) => ({ shortcode: "steal", title: "t", body: "b", company: true, teamIds: [other.teamId] }),
  "POST /socket-ticket": ({ other }) => ({ phoneNumberId: other.phoneNumberId }),
  "POST /numbers/{phoneNumberId}/contacts/{contactId}/tags": ({ other }) => ({ add: other.tagId }),
  "PUT /numbers/{phoneNumberId}/contacts/{contactId}/attributes/{key}": () => ({ value: "overwritten" }),
  "PUT /numbers/{phoneNumberId}/contacts/{contactId}/language": () => ({ language: "fr" }),
  "POST /numbers/{phoneNumberId}/conversations/{conversationId}/messages": () => ({ type: "text", text: "hello from elsewhere", clientId: crypto.randomUUID() }),
  "POST /numbers/{phoneNumberId}/conversations/{conversationId}/snooze": () => ({ until: null }),
  // Conversation ids are the number's own (the path names it), like the single actions' {conversationId}.
  // Contact ids are the number's own too (the path names it); the team is the other company's.
  "POST /numbers/{phoneNumberId}/conversations": ({ other }) => ({
    to: { contactId: other.contactId },
    template: { name: "follow_up", language: "zh_CN", body: ["x"] },
    assignTo: { teamId: other.teamId },
    clientId: crypto.randomUUID(),
  }),
  "POST /numbers/{phoneNumberId}/conversations/bulk": ({ other }) => ({ ids: [other.conversationId], action: { kind: "tag", tagId: other.tagId } }),
  "POST /numbers/{phoneNumberId}/conversations/{conversationId}/transfer": ({ other }) => ({ toAgentId: other.agent2.id, force: true, note: "mine now" }),
  "PUT /people/{personId}": () => ({ capacity: 1 }),
  "PUT /people/{personId}/status": () => ({ status: "away" }),
  "POST /invites": ({ other }) => ({ role: "agent", numberIds: [other.phoneNumberId] }),
  "POST /tag-groups": () => ({ name: `group ${unique("")}` }),
  "PUT /tag-groups/{id}": () => ({ name: "renamed" }),
  "POST /tags": ({ other }) => ({ name: `tag ${unique("")}`, groupId: other.tagGroupId }),
  "PUT /tags/{id}": ({ other }) => ({ name: `renamed ${unique("")}`, groupId: other.tagGroupId }),
  "POST /attributes": () => ({ key: unique("k").toLowerCase().slice(0, 30), labelEn: "x", labelZh: "x", type: "text" }),
  "PUT /attributes/{key}": () => ({ labelEn: "renamed", labelZh: "renamed", type: "text" }),
  "POST /canned-responses/import": ({ other }) => ({ csv: `shortcode,title,body,language,teams\nsteal,t,b,zh,${other.teamName}\n` }),
  "POST /teams": ({ other }) => ({ name: `team ${unique("")}`, memberIds: [other.agent.id] }),
  "PUT /teams/{teamId}": ({ other }) => ({ name: "renamed", memberIds: [other.agent.id] }),
  "PUT /numbers/{phoneNumberId}/routing": ({ other }) => ({ rotation: [{ type: "agent", id: other.agent.id }, { type: "team", id: other.teamId }] }),
  "PUT /numbers/{phoneNumberId}/automation": ({ other }) => ({ languageAttribute: `${other.attributeKey}x` }),
  "PUT /workspace/settings": () => ({ graceSeconds: 61 }),
  "POST /people": () => ({ name: "New", email: `${unique("n")}@example.test`, password: "password-1", role: "agent" }),
  // Even holding the other company's own access token, a number it owns is not to be had.
  "POST /numbers": ({ other }) => ({ phoneNumberId: other.phoneNumberId, wabaId: other.wabaId, accessToken: other.numberToken, displayName: "mine" }),
  "PUT /numbers/{phoneNumberId}": ({ other }) => ({ displayName: "mine", memberIds: [other.agent.id] }),
  "POST /numbers/{phoneNumberId}/release": ({ other }) => ({ confirm: other.phoneNumberId }),
};

/** Routes whose body names the other company's id: also called on the caller's own path, where only the body is foreign. */
const BODY_NAMES_IDS = new Set([
  "POST /canned-responses",
  "PUT /canned-responses/{id}",
  "POST /socket-ticket",
  "POST /numbers/{phoneNumberId}/contacts/{contactId}/tags",
  "POST /numbers/{phoneNumberId}/conversations/{conversationId}/transfer",
  "POST /invites",
  "POST /tags",
  "PUT /tags/{id}",
  "POST /teams",
  "PUT /teams/{teamId}",
  "PUT /numbers/{phoneNumberId}/routing",
  "POST /numbers",
  "PUT /numbers/{phoneNumberId}",
  "POST /setup/numbers",
]);

/** Query strings a route needs, naming the other company's ids where a query can. */
const QUERIES: Record<string, (ids: Ids) => string> = {
  "GET /numbers/{phoneNumberId}/search": ({ other }) => `q=${encodeURIComponent(other.marker)}`,
  "GET /numbers/{phoneNumberId}/conversations": () => "view=all",
  "GET /reports": ({ other }) => `from=${Date.now() - 86_400_000}&to=${Date.now() + 60_000}&phoneNumberId=${other.phoneNumberId}`,
  "GET /reports/export.csv": ({ other }) => `from=${Date.now() - 86_400_000}&to=${Date.now() + 60_000}&phoneNumberId=${other.phoneNumberId}`,
  "GET /audit": ({ other }) => `actorId=${other.admin.id}`,
  "GET /audit/export.csv": ({ other }) => `actorId=${other.admin.id}`,
};
/** Routes whose query names the other company's number: refused, not answered empty. */
const QUERY_NAMES_IDS = new Set(["GET /reports", "GET /reports/export.csv"]);

interface Operation {
  method: string;
  path: string;
  hasBody: boolean;
}

async function documentedRoutes(): Promise<Operation[]> {
  const doc = (await (await SELF.fetch(`${BASE}/api/openapi.json`)).json()) as { paths: Record<string, Record<string, { requestBody?: unknown }>> };
  return Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ method: method.toUpperCase(), path, hasBody: operation.requestBody !== undefined })),
  );
}

const paramsOf = (path: string) => [...path.matchAll(/\{([a-zA-Z]+)\}/g)].map((m) => m[1]!);

describe("tenant isolation: company A against company B", () => {
  let a: Company;
  let b: Company;
  beforeAll(async () => {
    b = await company("B");
    a = await company("A");
  });

  it("every documented route, as each of A's roles, with B's ids in the path, the body or the query: never a 2xx, nothing of B in any answer, B unchanged", async () => {
    const before = await snapshot(b);
    expect(JSON.stringify(before)).toContain(b.marker); // the snapshot holds B's real data
    const routes = await documentedRoutes();
    const ids: Ids = { self: a, other: b };
    const roles = { admin: a.admin.token, supervisor: a.supervisor.token, agent: a.agent.token };
    const kinds = new Set<string>();
    const covered = new Set<string>();
    let requests = 0;
    // Signing out ends what the other calls rely on: it goes last.
    const ordered = [...routes].sort((x, y) => Number(x.path === "/sessions/current") - Number(y.path === "/sessions/current"));
    for (const op of ordered) {
      const route = `${op.method} ${op.path}`;
      const params = paramsOf(op.path);
      for (const p of params) if (!FILLERS[p]) throw new Error(`${route}: no filler for the path parameter {${p}}; add the other company's id for it to FILLERS`);
      if (op.hasBody && !BODIES[route]) throw new Error(`${route}: takes a body this suite has never seen; add one to BODIES (with the other company's ids where it names any)`);
      const variants: { label: string; path: string; mustRefuse: boolean }[] = [];
      if (params.length > 0) {
        variants.push({ label: "B's ids in the path", path: params.reduce((path, p) => path.replace(`{${p}}`, encodeURIComponent(FILLERS[p]!(op.path, ids))), op.path), mustRefuse: true });
        for (const p of params) kinds.add(kindOf(p, op.path));
        covered.add(route);
      }
      if (BODY_NAMES_IDS.has(route) || QUERY_NAMES_IDS.has(route) || params.length === 0) {
        const own = params.reduce((path, p) => path.replace(`{${p}}`, encodeURIComponent(OWN[p]!(op.path, a))), op.path);
        const foreign = BODY_NAMES_IDS.has(route) || QUERY_NAMES_IDS.has(route);
        variants.push({ label: foreign ? "B's ids in the body or query" : "no ids", path: own, mustRefuse: foreign });
        if (foreign) covered.add(route);
      }
      for (const variant of variants) {
        for (const [role, token] of Object.entries(roles)) {
          const query = QUERIES[route]?.(ids);
          const response = await SELF.fetch(`${BASE}/api${variant.path}${query ? `?${query}` : ""}`, {
            method: op.method,
            headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
            body: op.method === "GET" || op.method === "DELETE" ? undefined : JSON.stringify(BODIES[route]?.(ids) ?? {}),
          });
          const text = await response.text();
          requests++;
          const label = `${role} ${route} (${variant.label}) → ${response.status} ${text.slice(0, 200)}`;
          // A refusal may quote what the caller sent (a team name it typed); anything else of B's is a leak.
          const sent = `${variant.path}?${query ?? ""} ${JSON.stringify(BODIES[route]?.(ids) ?? {})}`;
          if (!sent.includes(b.marker)) expect(text.includes(b.marker), `B's data in the answer: ${label}`).toBe(false);
          expect(text.includes(b.workspaceId), `B's workspace id in the answer: ${label}`).toBe(false);
          if (variant.mustRefuse) expect(response.status >= 400 && response.status < 500, `not refused: ${label}`).toBe(true);
        }
      }
    }
    const after = await snapshot(b);
    expect(after).toEqual(before);
    console.log(
      `tenant isolation: ${covered.size} of ${routes.length} documented routes called with B's ids (${kinds.size} kinds of path id: ${[...kinds].sort().join(", ")}; ` +
        `body and query ids in ${[...BODY_NAMES_IDS, ...QUERY_NAMES_IDS].length} routes) × 3 roles = ${requests} requests; B unchanged`,
    );
    expect(covered.size).toBeGreaterThanOrEqual(50);
    // The sweep ended by signing A's people out; the tests below act as them again.
    for (const person of [a.admin, a.supervisor, a.agent]) {
      person.token = (await ok(api<Session>("POST", "/sessions", { body: { email: person.email, password: "password-1" } }), "signing in again")).token;
    }
  });

  it("a bulk action's undo: B's undo id on A's own number finds nothing, and B's action stays done", async () => {
    const undo = await api<{ error: { code: string } }>("POST", `/numbers/${a.phoneNumberId}/conversations/bulk/${b.undoId}/undo`, { token: a.agent.token });
    expect(undo.status).toBe(404);
    expect(undo.body.error.code).toBe("undo_gone");
  });

  it("media: B's media id is not served to A, on B's number or on A's own", async () => {
    const onB = await SELF.fetch(`${BASE}/api/numbers/${b.phoneNumberId}/media/${b.mediaId}`, { headers: { authorization: `Bearer ${a.admin.token}` } });
    expect(onB.status).toBe(404);
    const onA = await SELF.fetch(`${BASE}/api/numbers/${a.phoneNumberId}/media/${b.mediaId}`, { headers: { authorization: `Bearer ${a.admin.token}` } });
    expect(onA.status).toBe(404);
    const form = new FormData();
    form.set("file", new File([new Uint8Array([1, 2, 3])], "x.pdf", { type: "application/pdf" }));
    const upload = await SELF.fetch(`${BASE}/api/numbers/${b.phoneNumberId}/media`, { method: "POST", headers: { authorization: `Bearer ${a.agent.token}` }, body: form });
    expect(upload.status).toBe(404);
    // B's own agent still gets it: the refusals above are about who asks.
    const own = await SELF.fetch(`${BASE}/api/numbers/${b.phoneNumberId}/media/${b.mediaId}`, { headers: { authorization: `Bearer ${b.agent.token}` } });
    expect(own.status).toBe(200);
  });

  it("the socket: no ticket for B's number, and no upgrade on it with A's ticket, a forged one, or B's ticket for another number", async () => {
    for (const token of [a.admin.token, a.supervisor.token, a.agent.token]) {
      const ticket = await api("POST", "/socket-ticket", { token, body: { phoneNumberId: b.phoneNumberId } });
      expect(ticket.status).toBe(404);
    }
    const upgrade = (number: string, ticket: string, watch = false) =>
      SELF.fetch(`${BASE}/api/numbers/${number}/socket?ticket=${encodeURIComponent(ticket)}${watch ? "&watch=1" : ""}`, { headers: { upgrade: "websocket" } });
    const aTicket = async (token: string) => (await api<{ ticket: string }>("POST", "/socket-ticket", { token, body: { phoneNumberId: a.phoneNumberId } })).body.ticket;
    const tries: [string, Promise<Response>][] = [
      ["A's agent's ticket (for A's number) on B's number", upgrade(b.phoneNumberId, await aTicket(a.agent.token))],
      ["A's supervisor watching B's floor with A's ticket", upgrade(b.phoneNumberId, await aTicket(a.supervisor.token), true)],
      ["a forged ticket in B's workspace", upgrade(b.phoneNumberId, `${b.workspaceId}.${"T".repeat(43)}`)],
      ["a forged ticket in A's workspace", upgrade(b.phoneNumberId, `${a.workspaceId}.${"T".repeat(43)}`)],
    ];
    // B's own ticket, presented for A's number: a ticket opens only the number it was issued for.
    const bTicket = (await api<{ ticket: string }>("POST", "/socket-ticket", { token: b.agent.token, body: { phoneNumberId: b.phoneNumberId } })).body.ticket;
    tries.push(["B's ticket on A's number", upgrade(a.phoneNumberId, bTicket)]);
    for (const [label, attempt] of tries) {
      const response = await attempt;
      response.webSocket?.accept();
      response.webSocket?.close(1000, "test done");
      expect({ label, status: response.status }).toEqual({ label, status: 401 });
    }
  });

  it("B's number's object refuses every call made for A, whatever route it came by: each RPC taking a principal, configure, release and the socket", async () => {
    const stub = env.NUMBER_INBOX.getByName(b.phoneNumberId);
    const asA: Principal = { workspaceId: a.workspaceId, personId: a.admin.id, name: "A admin", role: "admin" };
    // Every method whose first parameter is the caller: a new one must be listed here, so it cannot ship unguarded.
    // (The object's own helpers take the caller too; they run only inside a guarded call.)
    const helpers = new Set(["forOwner", "resolveFor", "snoozeFor"]);
    const withPrincipal = Object.getOwnPropertyNames(NumberInbox.prototype).filter((name) => {
      const member = Object.getOwnPropertyDescriptor(NumberInbox.prototype, name)?.value as unknown;
      return typeof member === "function" && !helpers.has(name) && /^(async\s+)?\w+\s*\(\s*viewer\b/.test(String(member));
    });
    const args: Record<string, unknown[]> = {
      listConversations: [{ view: "all" }],
      search: [b.marker],
      contactProfile: [b.contactId],
      changeTag: [b.contactId, { remove: b.tagId }],
      setAttribute: [b.contactId, b.attributeKey, "overwritten"],
      setContactLanguage: [b.contactId, "fr"],
      startConversation: [{ to: { contactId: b.contactId }, template: { name: "follow_up", language: "zh_CN", header: [], body: ["x"], quickReplies: [] }, assignTo: "me", clientId: crypto.randomUUID() }],
      counts: [],
      listMessages: [b.conversationId],
      send: [b.conversationId, { type: "text", text: "x", clientId: crypto.randomUUID() }],
      typing: [b.conversationId],
      resolve: [b.conversationId],
      reopen: [b.conversationId],
      snooze: [b.conversationId, null],
      claim: [b.conversationId],
      transfer: [b.conversationId, { toAgentId: b.agent2.id, force: true }],
      bulk: [{ ids: [b.conversationId], action: { kind: "resolve" } }],
      markRead: [b.conversationId],
      undoBulk: [b.undoId],
      agents: [],
      mediaVisible: [b.mediaId],
      templates: [true],
      events: [],
      review: [b.conversationId],
      unreadableDeliveries: [],
      unreadableDelivery: [b.deliveryId],
      dismissUnreadable: [b.deliveryId],
    };
    expect(withPrincipal.sort()).toEqual(Object.keys(args).sort());
    const before = await snapshot(b);
    for (const method of withPrincipal) {
      const answer = await (stub as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[method]!(asA, ...args[method]!);
      if (method === "mediaVisible") expect({ method, answer }).toEqual({ method, answer: false });
      else expect({ method, answer }).toEqual({ method, answer: { ok: false, status: 404, message: "this number is not connected in your workspace", code: "number_not_connected" } });
    }
    const config = await runInDurableObject(stub, (_, state) => JSON.parse(state.storage.sql.exec<{ value: string }>("SELECT value FROM settings WHERE key = 'config'").one().value) as NumberConfig);
    expect((await stub.configure({ ...config, workspaceId: a.workspaceId, members: [] })).ok).toBe(false);
    expect((await stub.configure({ ...config, workspaceId: a.workspaceId, members: [] }, { from: a.workspaceId })).ok).toBe(false);
    expect((await stub.release(a.workspaceId)).ok).toBe(false);
    const socket = await stub.fetch(new Request("https://inbox/socket", { headers: { upgrade: "websocket", "x-agent-id": a.agent.id, "x-agent-role": "agent", "x-workspace-id": a.workspaceId } }));
    expect(socket.status).toBe(404);
    expect(await snapshot(b)).toEqual(before);
  });

  it("webhooks still reach B by the number alone: B's next customer lands with B's agent", async () => {
    const phone = `86${uniqueNumberId()}`;
    expect((await postWebhook(messagesChange(b.phoneNumberId, { contacts: [{ profile: { name: "later" }, wa_id: phone }], messages: [{ from: phone, id: unique("wamid.L"), timestamp: String(Math.floor(Date.now() / 1000)), type: "text", text: { body: "still B" } }] }))).status).toBe(200);
    expect((await conversationOfCustomer(b.admin.token, b.phoneNumberId, phone)).assigneeId).toBe(b.agent.id);
    a.close();
    b.close();
  });
});
