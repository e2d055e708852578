import { describe, expect, it } from "vitest";
import { conversationListSchema, messageListSchema, type Conversation, type Message } from "../../shared/inbox";
import {
  api,
  connectSocket,
  createWorkspace,
  messagesChange,
  messagesOf,
  numberSql,
  postWebhook,
  setStatus,
  unique,
  uniqueNumberId,
  type TestWorkspace,
} from "./helpers";

/**
 * Webhooks with a valid signature and content that Meta's format allows, another app on the same WhatsApp Business
 * Account produces, or a bug at Meta's side might send (issue #19). Whatever one message carries, the POST is
 * acknowledged, every ordinary message in it is stored once and routed, and the odd one is visible: in its
 * customer's conversation when the sender can be known, otherwise in the number's unreadable deliveries.
 */

const nowSeconds = () => Math.floor(Date.now() / 1000);
const WHATSAPP_LAUNCH_MS = Date.UTC(2009, 0, 1);
const FUTURE_SLACK_MS = 5 * 60_000;

type Json = Record<string, unknown>;

function text(from: string | undefined, body: string, extra: Json = {}): Json {
  return { ...(from === undefined ? {} : { from }), id: unique("wamid.odd"), timestamp: String(nowSeconds()), type: "text", text: { body }, ...extra };
}

/** Ten customers with fresh phone numbers, one text each. */
function ordinary(count = 10): { contacts: Json[]; messages: Json[] } {
  const contacts: Json[] = [];
  const messages: Json[] = [];
  for (let i = 0; i < count; i++) {
    const phone = `86${uniqueNumberId()}`;
    contacts.push({ profile: { name: `Ordinary ${i}` }, wa_id: phone });
    messages.push(text(phone, `ordinary message ${i} ${unique("")}`));
  }
  return { contacts, messages };
}

interface Unreadable {
  id: string;
  receivedAt: number;
  reason: string;
  detail: string;
  wamid: string | null;
  raw: string;
}

async function unreadable(ws: TestWorkspace): Promise<Unreadable[]> {
  const result = await api<{ deliveries: Unreadable[] }>("GET", `/numbers/${ws.phoneNumberId}/unreadable`, { token: ws.adminToken });
  expect(result.status, JSON.stringify(result.body)).toBe(200);
  return result.body.deliveries;
}

/** Every conversation of the number, paged to the end through the API's own cursor, one row per page. */
async function allConversations(ws: TestWorkspace, view: "all" | "resolved" = "all"): Promise<Conversation[]> {
  const out: Conversation[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 500; page++) {
    const query: string = `view=${view}&limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
    const result = await api<unknown>("GET", `/numbers/${ws.phoneNumberId}/conversations?${query}`, { token: ws.adminToken });
    expect(result.status, `page ${page} (cursor ${cursor}): ${JSON.stringify(result.body)}`).toBe(200);
    const parsed = conversationListSchema.parse(result.body);
    out.push(...parsed.conversations);
    cursor = parsed.nextCursor;
    if (!cursor) return out;
  }
  throw new Error("the list did not end");
}

async function messagesIn(ws: TestWorkspace, conversationId: string): Promise<Message[]> {
  const result = await api<unknown>("GET", `/numbers/${ws.phoneNumberId}/conversations/${conversationId}/messages`, { token: ws.adminToken });
  expect(result.status).toBe(200);
  return messageListSchema.parse(result.body).messages;
}

/** Where each wamid ended up: the conversation's id, "unreadable", or undefined when it is nowhere. */
async function whereAre(ws: TestWorkspace, wamids: string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (const conversation of await allConversations(ws)) {
    for (const message of await messagesIn(ws, conversation.id)) if (message.wamid) found.set(message.wamid, conversation.id);
  }
  for (const delivery of await unreadable(ws)) for (const wamid of wamids) if (delivery.raw.includes(wamid) && !found.has(wamid)) found.set(wamid, "unreadable");
  return found;
}


describe("one odd message never sinks the POST", () => {
  it("two messages with an empty sender identity: 200, the ordinary ones stored, the empty ones listed as unreadable", async () => {
    const ws = await createWorkspace(1);
    const good = ordinary(3);
    const empty1 = text("", "who am I?");
    const empty2 = text("", "nobody either");
    const body = messagesChange(ws.phoneNumberId, { contacts: [...good.contacts, { profile: { name: "" }, wa_id: "", user_id: "" }], messages: [empty1, ...good.messages, empty2] });
    const response = await postWebhook(body);
    expect(response.status).toBe(200);
    const where = await whereAre(ws, [empty1.id as string, empty2.id as string, ...good.messages.map((m) => m.id as string)]);
    for (const m of good.messages) expect(where.get(m.id as string), `ordinary ${m.id}`).toMatch(/^\d+$/);
    expect(where.get(empty1.id as string)).toBe("unreadable");
    expect(where.get(empty2.id as string)).toBe("unreadable");
    const listed = await unreadable(ws);
    expect(listed.map((d) => d.reason)).toEqual(["no_sender", "no_sender"]);
    // Meta redelivers the same POST: nothing is stored twice.
    expect((await postWebhook(body)).status).toBe(200);
    expect(await unreadable(ws)).toHaveLength(2);
    expect((await numberSql<{ n: number }>(ws.phoneNumberId, "SELECT COUNT(*) AS n FROM messages WHERE direction = 'in'"))[0]!.n).toBe(3);
  });

  it("identities that look like the keys the worker once made up (user:…, unknown:…) are customers like any other", async () => {
    const ws = await createWorkspace(1);
    const bsuidOnly = { id: unique("wamid.b"), timestamp: String(nowSeconds()), type: "text", text: { body: "BSUID only" } };
    const noIdentity = { id: unique("wamid.n"), timestamp: String(nowSeconds()), type: "text", text: { body: "no identity at all" } };
    expect((await postWebhook(messagesChange(ws.phoneNumberId, { contacts: [{ profile: { name: "B" }, user_id: "abc" }], messages: [bsuidOnly] }))).status).toBe(200);
    expect((await postWebhook(messagesChange(ws.phoneNumberId, { messages: [noIdentity] }))).status).toBe(200);
    const lookalikes = [`user:abc`, `unknown:${noIdentity.id}`, "user:", "unknown:"];
    const sent = lookalikes.map((id) => text(id, `I am ${id}`));
    const response = await postWebhook(messagesChange(ws.phoneNumberId, { contacts: lookalikes.map((id) => ({ profile: { name: id }, wa_id: id })), messages: sent }));
    expect(response.status).toBe(200);
    const conversations = await allConversations(ws);
    for (const id of lookalikes) expect(conversations.filter((c) => c.contact.waId === id), id).toHaveLength(1);
    // The BSUID-only customer stays themselves: one conversation, their own message only.
    const bsuid = conversations.filter((c) => c.contact.name === "B");
    expect(bsuid).toHaveLength(1);
    expect((await messagesIn(ws, bsuid[0]!.id)).map((m) => m.text)).toEqual(["BSUID only"]);
  });

  it("wa_id and user_id disagreeing across messages: one contact, decided the same way every time, and logged", async () => {
    const ws = await createWorkspace(1);
    const phone = `86${uniqueNumberId()}`;
    const post = (contact: Json, body: string) => postWebhook(messagesChange(ws.phoneNumberId, { contacts: [{ profile: { name: "Flip" }, ...contact }], messages: [text(contact.wa_id as string | undefined, body)] }));
    expect((await post({ wa_id: phone, user_id: "US.A" }, "first: X with A")).status).toBe(200);
    expect((await post({ wa_id: phone, user_id: "US.B" }, "second: X with B")).status).toBe(200);
    expect((await post({ wa_id: `86${uniqueNumberId()}`, user_id: "US.A" }, "third: Y with A")).status).toBe(200);
    const conversations = await allConversations(ws);
    expect(conversations).toHaveLength(1);
    expect(conversations[0]!.contact.waId).toBe(phone);
    expect((await messagesIn(ws, conversations[0]!.id)).map((m) => m.text)).toEqual(["first: X with A", "second: X with B", "third: Y with A"]);
    const contacts = await numberSql<{ wa_id: string; user_id: string }>(ws.phoneNumberId, "SELECT wa_id, user_id FROM contacts");
    expect(contacts).toEqual([{ wa_id: phone, user_id: "US.A" }]);
    const conflicts = await numberSql<{ kind: string }>(ws.phoneNumberId, "SELECT kind FROM events WHERE kind = 'identity_conflict'");
    expect(conflicts).toHaveLength(2);
  });

  it("a phone-only customer and a BSUID-only one are linked when a payload carries both, never split", async () => {
    const ws = await createWorkspace(1);
    const phone = `86${uniqueNumberId()}`;
    const send = (contact: Json, from: string | undefined, body: string) =>
      postWebhook(messagesChange(ws.phoneNumberId, { contacts: [{ profile: { name: "Linked" }, ...contact }], messages: [text(from, body)] }));
    expect((await send({ wa_id: phone }, phone, "phone only")).status).toBe(200);
    expect((await send({ wa_id: phone, user_id: "US.LINK" }, phone, "both")).status).toBe(200);
    expect((await send({ user_id: "US.LINK" }, undefined, "BSUID only")).status).toBe(200);
    const conversations = await allConversations(ws);
    expect(conversations).toHaveLength(1);
    expect((await messagesIn(ws, conversations[0]!.id)).map((m) => m.text)).toEqual(["phone only", "both", "BSUID only"]);
  });
});

describe("times within reason", () => {
  const classes: [string, unknown][] = [
    ["far in the future (2100)", "4102444800"],
    ["huge, beyond what a double holds exactly", 1e21],
    ["huge as a string", "100000000000000000000000"],
    ["negative", -5],
    ["zero", 0],
    ["before WhatsApp existed (1999)", "915148800"],
    ["not a number", "soon"],
    ["an object", { seconds: 1 }],
    ["in milliseconds", String(Date.now())],
  ];

  it.each(classes)("a timestamp %s is replaced by the time received; the raw JSON keeps the original", async (_, timestamp) => {
    const ws = await createWorkspace(1);
    const phone = `86${uniqueNumberId()}`;
    const before = Date.now();
    const message = text(phone, "odd time", { timestamp });
    expect((await postWebhook(messagesChange(ws.phoneNumberId, { contacts: [{ wa_id: phone }], messages: [message] }))).status).toBe(200);
    const after = Date.now();
    const [conversation] = await allConversations(ws);
    const [stored] = await messagesIn(ws, conversation!.id);
    expect(stored!.timestamp).toBeGreaterThanOrEqual(before);
    expect(stored!.timestamp).toBeLessThanOrEqual(after);
    expect(conversation!.lastMessageAt).toBe(stored!.timestamp);
    const [row] = await numberSql<{ raw: string }>(ws.phoneNumberId, "SELECT raw FROM messages WHERE direction = 'in'");
    expect(JSON.parse(row!.raw).timestamp).toEqual(timestamp);
  });

  it.each([
    ["fractional seconds", 1_700_000_000.75, 1_700_000_000_000],
    ["a string of digits", "1700000000", 1_700_000_000_000],
    ["a number", 1_700_000_000, 1_700_000_000_000],
  ])("a timestamp given as %s is read as the whole second it names", async (_, timestamp, expected) => {
    const ws = await createWorkspace(1);
    const phone = `86${uniqueNumberId()}`;
    expect((await postWebhook(messagesChange(ws.phoneNumberId, { contacts: [{ wa_id: phone }], messages: [text(phone, "a while ago", { timestamp })] }))).status).toBe(200);
    const [conversation] = await allConversations(ws);
    expect((await messagesIn(ws, conversation!.id))[0]!.timestamp).toBe(expected);
  });

  it("a conversation dated in the future does not sit on top of the list; every page's cursor is accepted", async () => {
    const ws = await createWorkspace(1);
    const odd = [4102444800, 1e21, -1, 1_700_000_000.5, "1e400"].map((timestamp) => {
      const phone = `86${uniqueNumberId()}`;
      return { contact: { wa_id: phone }, message: text(phone, `time ${timestamp}`, { timestamp }) };
    });
    expect((await postWebhook(messagesChange(ws.phoneNumberId, { contacts: odd.map((o) => o.contact), messages: odd.map((o) => o.message) }))).status).toBe(200);
    const later = `86${uniqueNumberId()}`;
    await new Promise((r) => setTimeout(r, 5));
    expect((await postWebhook(messagesChange(ws.phoneNumberId, { contacts: [{ wa_id: later }], messages: [text(later, "written last")] }))).status).toBe(200);
    const conversations = await allConversations(ws);
    expect(conversations).toHaveLength(6);
    expect(conversations[0]!.contact.waId).toBe(later);
    for (const c of conversations) {
      expect(c.lastMessageAt).toBeGreaterThanOrEqual(WHATSAPP_LAUNCH_MS);
      expect(c.lastMessageAt).toBeLessThanOrEqual(Date.now() + FUTURE_SLACK_MS);
      expect(Number.isInteger(c.lastMessageAt)).toBe(true);
    }
  });

  it("a message without a timestamp is a customer message received now, not an account event", async () => {
    const ws = await createWorkspace(1);
    const phone = `86${uniqueNumberId()}`;
    const { timestamp: _, ...message } = text(phone, "no timestamp here");
    const before = Date.now();
    expect((await postWebhook(messagesChange(ws.phoneNumberId, { contacts: [{ wa_id: phone, profile: { name: "Timeless" } }], messages: [message] }))).status).toBe(200);
    const [conversation] = await allConversations(ws);
    expect(conversation?.contact.waId).toBe(phone);
    const [stored] = await messagesIn(ws, conversation!.id);
    expect(stored).toMatchObject({ text: "no timestamp here", direction: "in" });
    expect(stored!.timestamp).toBeGreaterThanOrEqual(before);
    const events = await api<{ events: { field: string }[] }>("GET", "/events", { token: ws.adminToken });
    expect(events.body.events).toEqual([]);
  });
});

describe("a POST mixing one message of each odd class with ten ordinary ones", () => {
  it("answers 200, stores and routes the ten, and shows each odd one in its conversation or the unreadable list", async () => {
    const ws = await createWorkspace(1);
    const agent = ws.agents[0]!;
    const socket = await connectSocket(agent.token, ws.phoneNumberId);
    await setStatus(agent.token, "available");
    const good = ordinary(10);
    const phone = () => `86${uniqueNumberId()}`;
    const id = () => unique("wamid.odd");
    const duplicated = text(phone(), "sent twice in one POST");
    const p1 = phone();
    const p2 = phone();
    const odd: Record<string, Json | unknown> = {
      "empty identity": text("", "empty"),
      "lookalike of an internal key": text("user:US.X", "lookalike"),
      "no timestamp": (({ timestamp: _, ...m }) => m)(text(phone(), "no time")),
      "far-future timestamp": text(phone(), "future", { timestamp: "4102444800" }),
      "huge timestamp": text(phone(), "huge", { timestamp: 1e21 }),
      "negative timestamp": text(phone(), "negative", { timestamp: -1 }),
      "fractional timestamp": text(phone(), "fraction", { timestamp: 1_700_000_000.5 }),
      "string timestamp": text(phone(), "string", { timestamp: "nope" }),
      "non-object text": { from: phone(), id: id(), timestamp: String(nowSeconds()), type: "text", text: "just a string" },
      "deeply nested text": { from: phone(), id: id(), timestamp: String(nowSeconds()), type: "text", text: { body: { body: { body: ["x"] } } } },
      "huge text": text(phone(), "长".repeat(300_000)),
      "lone surrogate and NUL": text(phone(), "a\ud800b\u0000c"),
      "a type Meta adds later": { from: phone(), id: id(), timestamp: String(nowSeconds()), type: "hologram", hologram: { depth: 3 } },
      "no type": { from: phone(), id: id(), timestamp: String(nowSeconds()), text: { body: "typeless" } },
      "interactive of wrong types": { from: phone(), id: id(), timestamp: String(nowSeconds()), type: "interactive", interactive: { type: 7, button_reply: "x" }, context: { id: 12, forwarded: "yes" } },
      "location of wrong types": { from: phone(), id: id(), timestamp: String(nowSeconds()), type: "location", location: { latitude: "north", longitude: null } },
      "order of wrong types": { from: phone(), id: id(), timestamp: String(nowSeconds()), type: "order", order: { product_items: [{ quantity: "many", item_price: "1e400" }] } },
      "errors of wrong types": { from: phone(), id: id(), timestamp: String(nowSeconds()), type: "unsupported", errors: [{ code: "131051" }, "oops"] },
      "from differing from contacts": text(p1, "from one, contact another"),
      "wa_id and user_id disagreeing": text(p2, "disagreeing", { from_user_id: "US.OTHER" }),
      "not an object": "a message that is a string",
      "no id": { from: phone(), timestamp: String(nowSeconds()), type: "text", text: { body: "no id" } },
      "duplicated wamid": duplicated,
    };
    const oddMessages = Object.values(odd);
    const body = messagesChange(ws.phoneNumberId, {
      contacts: [...good.contacts, { wa_id: `86${uniqueNumberId()}`, profile: { name: "not the sender" } }, { wa_id: p2, user_id: "US.MINE" }, { wa_id: 12345 }],
      messages: [...oddMessages.slice(0, 8), ...good.messages.slice(0, 5), ...oddMessages.slice(8), duplicated, ...good.messages.slice(5)],
    });
    const response = await postWebhook(body);
    expect(response.status).toBe(200);

    // The ten ordinary messages: each stored once, each in its own conversation, each assigned to the Available agent.
    const conversations = await allConversations(ws);
    for (const m of good.messages) {
      const conversation = conversations.find((c) => c.contact.waId === m.from);
      expect(conversation, `ordinary ${m.from}`).toBeDefined();
      expect(conversation!.assigneeId).toBe(agent.id);
      const messages = await messagesOf(agent.token, ws.phoneNumberId, conversation!.id);
      expect(messages.filter((x) => x.direction === "in").map((x) => x.text)).toEqual([(m.text as { body: string }).body]);
    }

    // Each odd one is somewhere a person can see it.
    const wamids = Object.entries(odd).flatMap(([name, m]) => (m && typeof m === "object" && typeof (m as Json).id === "string" ? [[name, (m as Json).id as string] as const] : []));
    const where = await whereAre(ws, wamids.map(([, w]) => w));
    for (const [name, wamid] of wamids) expect(where.get(wamid), name).toBeDefined();
    const listed = await unreadable(ws);
    expect(listed.some((d) => d.raw.includes("a message that is a string")), "not an object").toBe(true);
    // A message without an id is still its sender's: it is in their conversation, once.
    const noId = odd["no id"] as Json;
    const noIdConversation = conversations.find((c) => c.contact.waId === noId.from)!;
    expect((await messagesIn(ws, noIdConversation.id)).filter((m) => m.direction === "in").map((m) => [m.text, m.wamid])).toEqual([["no id", null]]);
    expect((await numberSql<{ n: number }>(ws.phoneNumberId, `SELECT COUNT(*) AS n FROM messages WHERE wamid = '${duplicated.id as string}'`))[0]!.n).toBe(1);

    // Meta redelivers the whole POST: nothing new is stored or listed, the message without an id included.
    const count = async () => (await numberSql<{ n: number }>(ws.phoneNumberId, "SELECT (SELECT COUNT(*) FROM messages) + (SELECT COUNT(*) FROM unreadable_deliveries) AS n"))[0]!.n;
    const before = await count();
    expect((await postWebhook(body)).status).toBe(200);
    expect(await count()).toBe(before);
    socket.close();
  }, 60_000);
});
