import { env, runInDurableObject } from "cloudflare:test";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Message } from "../../shared/inbox";
import echoFixture from "../fixtures/whatsapp/coexistence/meta__smb_message_echoes.json?raw";
import historyFixture from "../fixtures/whatsapp/coexistence/meta__history.json?raw";
import contactFixture from "../fixtures/whatsapp/coexistence/meta__smb_app_state_sync.json?raw";
import {
  api,
  connectSocket,
  conversationOfCustomer,
  conversationsOf,
  createWorkspace,
  customerMessage,
  messagesChange,
  messagesOf,
  openConversation,
  GRAPH,
  postWebhook,
  sentTo,
  setStatus,
  tick,
  unique,
  uniqueNumberId,
} from "./helpers";

/**
 * A number used in the WhatsApp Business app and in this inbox at once (coexistence): Meta's documented bodies
 * (test/fixtures/whatsapp/coexistence, SOURCES.md) through the signed webhook.
 */

/** The customer every fixture names (Meta's example value, written "+16505551234" in the echo). */
const CUSTOMER = "16505551234";

type Fixture = { entry: { id: string; changes: { value: Record<string, unknown> & { metadata: { phone_number_id: string } } }[] }[] };

/** A fixture addressed to this test's number; `edit` may change its value (times, ids) before it is sent. */
function forNumber(raw: string, phoneNumberId: string, edit?: (value: Record<string, unknown>) => void): string {
  const payload = JSON.parse(raw) as Fixture;
  for (const entry of payload.entry) {
    for (const change of entry.changes) {
      change.value.metadata.phone_number_id = phoneNumberId;
      edit?.(change.value);
    }
  }
  return JSON.stringify(payload);
}

const seconds = (ms: number) => String(Math.floor(ms / 1000));

function echoBody(phoneNumberId: string, options: { to: string; id: string; at: number; text: string }): string {
  return forNumber(echoFixture, phoneNumberId, (value) => {
    const echo = (value.message_echoes as Record<string, unknown>[])[0]!;
    Object.assign(echo, { to: options.to, id: options.id, timestamp: seconds(options.at), text: { body: options.text } });
  });
}

function customerBody(phoneNumberId: string, from: string, options: { id: string; at: number; text: string }): string {
  return messagesChange(phoneNumberId, {
    contacts: [{ profile: { name: `Customer ${from}` }, wa_id: from }],
    messages: [{ from, id: options.id, timestamp: seconds(options.at), type: "text", text: { body: options.text } }],
  });
}

function historyBody(phoneNumberId: string, customer: string, messages: { id: string; at: number; text: string; fromBusiness: boolean }[]): string {
  return forNumber(historyFixture, phoneNumberId, (value) => {
    const chunk = (value.history as { threads: { id: string; messages: unknown[] }[] }[])[0]!;
    chunk.threads = [
      {
        id: customer,
        messages: messages.map((m) => ({
          from: m.fromBusiness ? "15550783881" : customer,
          ...(m.fromBusiness ? { to: customer } : {}),
          id: m.id,
          timestamp: seconds(m.at),
          type: "text",
          text: { body: m.text },
          history_context: { status: "READ" },
        })),
      },
    ];
  });
}

async function post(body: string): Promise<void> {
  const response = await postWebhook(body);
  expect(response.status).toBe(200);
}

/** What the number's own tables hold for a conversation: first-response samples, and every message's origin. */
async function stored(phoneNumberId: string, conversationId: string) {
  return runInDurableObject(env.NUMBER_INBOX.getByName(phoneNumberId), (_, state) => {
    const sql = state.storage.sql;
    return {
      firstResponses: sql
        .exec<{ agent_id: string; value: number }>("SELECT agent_id, value FROM samples WHERE metric = 'first_response' AND conversation_id = ?", Number(conversationId))
        .toArray(),
      events: sql.exec<{ kind: string; detail: string }>("SELECT kind, detail FROM events").toArray(),
    };
  });
}

const said = (messages: Message[]) => messages.filter((m) => m.direction === "in" || m.direction === "out");

describe("messages the business sends from the WhatsApp Business app (smb_message_echoes)", () => {
  it("an echo is the business's reply in the customer's conversation: outbound, marked, a first response, no notice and no reassignment", async () => {
    const ws = await createWorkspace(1, uniqueNumberId());
    const agent = ws.agents[0]!;
    await setStatus(agent.token, "available");
    const socket = await connectSocket(agent.token, ws.phoneNumberId);
    await post(customerBody(ws.phoneNumberId, CUSTOMER, { id: unique("wamid.C"), at: Date.now() - 60_000, text: "Is the Quest 3 in stock?" }));
    const before = await conversationOfCustomer(ws.adminToken, ws.phoneNumberId, CUSTOMER);
    expect(before.assigneeId).toBe(agent.id);
    expect(before.awaitingReplySince).not.toBeNull();
    await tick(100);
    const heard = socket.events.length;

    // Meta's example, sent a little after the customer wrote (the example's own time is in 2025).
    await post(forNumber(echoFixture, ws.phoneNumberId, (value) => ((value.message_echoes as { timestamp: string }[])[0]!.timestamp = seconds(Date.now()))));

    const after = await conversationOfCustomer(ws.adminToken, ws.phoneNumberId, CUSTOMER);
    expect(after.id).toBe(before.id);
    expect(after.assigneeId).toBe(agent.id);
    expect(after.awaitingReplySince).toBeNull();
    const echo = said(await messagesOf(ws.adminToken, ws.phoneNumberId, after.id)).at(-1)!;
    expect(echo).toMatchObject({
      direction: "out",
      origin: "business_app",
      authorId: null,
      status: "sent",
      wamid: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=",
      text: "Here's the info you requested! https://www.meta.com/quest/quest-3/",
    });
    const { firstResponses } = await stored(ws.phoneNumberId, after.id);
    expect(firstResponses).toHaveLength(1);
    expect(firstResponses[0]!.agent_id).toBe("");
    expect(firstResponses[0]!.value).toBeGreaterThanOrEqual(0);

    await tick(200);
    const pushed = socket.events.slice(heard);
    expect(pushed.some((e) => e.type === "message" && e.message.origin === "business_app")).toBe(true);
    expect(pushed.filter((e) => e.type === "notice")).toEqual([]);
    socket.close();
  });

  it("an echo to a customer with no conversation opens one that nobody is assigned and no queue holds", async () => {
    const ws = await createWorkspace(1, uniqueNumberId());
    const agent = ws.agents[0]!;
    await setStatus(agent.token, "available");
    const socket = await connectSocket(agent.token, ws.phoneNumberId);
    const customer = `86${uniqueNumberId()}`;
    await post(echoBody(ws.phoneNumberId, { to: `+${customer}`, id: unique("wamid.E"), at: Date.now(), text: "您的订单已发货" }));
    await tick(200);

    const conversation = await conversationOfCustomer(ws.adminToken, ws.phoneNumberId, customer);
    expect(conversation).toMatchObject({ status: "open", assigneeId: null, queuedAt: null });
    const messages = await messagesOf(ws.adminToken, ws.phoneNumberId, conversation.id);
    // Only the message: no "assigned" line, since nothing routed it.
    expect(messages.map((m) => [m.direction, m.origin])).toEqual([["out", "business_app"]]);
    expect(await conversationsOf(agent.token, ws.phoneNumberId, "mine")).toEqual([]);
    expect(socket.events.filter((e) => e.type === "notice")).toEqual([]);

    // The customer's answer is theirs to route as usual: it lands in the same conversation and is assigned.
    await post(customerMessage(ws.phoneNumberId, customer, "谢谢"));
    const answered = await conversationOfCustomer(ws.adminToken, ws.phoneNumberId, customer);
    expect(answered.id).toBe(conversation.id);
    expect(answered.assigneeId).toBe(agent.id);
    socket.close();
  });

  it("an echo of a message the inbox itself sent, or a redelivered echo, is stored once", async () => {
    const { ws, customer, conversation, send, socket } = await openConversation();
    const sent = await send({ type: "text", text: "您好，请问有什么可以帮您？" });
    expect(sent.status).toBe(200);
    let wamid: string | null = null;
    for (let i = 0; i < 50 && !wamid; i++) {
      wamid = (await messagesOf(ws.adminToken, ws.phoneNumberId, conversation.id)).find((m) => m.id === sent.body.id)?.wamid ?? null;
      if (!wamid) await tick(50);
    }
    expect(wamid).not.toBeNull();
    const count = said(await messagesOf(ws.adminToken, ws.phoneNumberId, conversation.id)).length;

    const echo = echoBody(ws.phoneNumberId, { to: customer, id: wamid!, at: Date.now(), text: "您好，请问有什么可以帮您？" });
    await post(echo);
    await post(echo);
    const messages = said(await messagesOf(ws.adminToken, ws.phoneNumberId, conversation.id));
    expect(messages).toHaveLength(count);
    expect(messages.filter((m) => m.wamid === wamid)).toEqual([expect.objectContaining({ id: sent.body.id, origin: null })]);

    const fresh = echoBody(ws.phoneNumberId, { to: customer, id: unique("wamid.E"), at: Date.now(), text: "稍等" });
    await post(fresh);
    await post(fresh);
    expect(said(await messagesOf(ws.adminToken, ws.phoneNumberId, conversation.id))).toHaveLength(count + 1);
    socket.close();
  });

  it("an echo that arrives while the inbox's own send waits for Meta's answer gives way to the inbox's message", async () => {
    const { ws, a, customer, conversation, send, socket } = await openConversation();
    const control = (action: "hold" | "release") => fetch(`${GRAPH}/${action}`, { method: "POST", body: JSON.stringify({ to: customer }) });
    await control("hold");
    const sending = send({ type: "text", text: "订单已经发出" });
    let wamid: string | undefined;
    await expect.poll(async () => (wamid = (await sentTo(customer)).sent.at(-1)?.wamid), { timeout: 3_000 }).toBeDefined();
    // Meta has the send, the object does not know its wamid yet, and an echo of it comes in.
    await post(echoBody(ws.phoneNumberId, { to: customer, id: wamid!, at: Date.now(), text: "订单已经发出" }));
    expect(said(await messagesOf(ws.adminToken, ws.phoneNumberId, conversation.id)).filter((m) => m.direction === "out")).toHaveLength(2);

    await control("release");
    const reply = await sending;
    expect(reply.status).toBe(200);
    const out = said(await messagesOf(ws.adminToken, ws.phoneNumberId, conversation.id)).filter((m) => m.direction === "out");
    expect(out).toEqual([expect.objectContaining({ id: reply.body.id, wamid, authorId: a.id, origin: null })]);
    socket.close();
  });
});

describe("the WhatsApp Business app's history (history)", () => {
  it("past messages of both sides are stored with their own times, in order, without notices, and a resolved conversation stays resolved", async () => {
    const ws = await createWorkspace(1, uniqueNumberId());
    const agent = ws.agents[0]!;
    const socket = await connectSocket(agent.token, ws.phoneNumberId);
    await setStatus(agent.token, "available");
    await post(customerMessage(ws.phoneNumberId, CUSTOMER, "Thanks, bye"));
    const conversation = await conversationOfCustomer(ws.adminToken, ws.phoneNumberId, CUSTOMER);
    expect(conversation.assigneeId).toBe(agent.id);
    expect((await api("POST", `/numbers/${ws.phoneNumberId}/conversations/${conversation.id}/resolve`, { token: agent.token })).status).toBe(200);
    await tick(200);
    const heard = socket.events.length;

    await post(forNumber(historyFixture, ws.phoneNumberId));
    await post(forNumber(historyFixture, ws.phoneNumberId));
    await tick(200);

    const resolved = await conversationsOf(ws.adminToken, ws.phoneNumberId, "resolved");
    expect(resolved.map((c) => [c.id, c.status])).toEqual([[conversation.id, "resolved"]]);
    expect(await conversationsOf(ws.adminToken, ws.phoneNumberId, "all")).toEqual([]);
    const messages = said(await messagesOf(ws.adminToken, ws.phoneNumberId, conversation.id));
    expect(messages.map((m) => [m.wamid, m.direction, m.origin, m.timestamp])).toEqual([
      ["wamid.HISTORY_IN_1", "in", "history", 1739230000_000],
      ["wamid.HISTORY_OUT_1", "out", "history", 1739230600_000],
      [expect.any(String), "in", null, expect.any(Number)],
    ]);
    expect(socket.events.slice(heard)).toEqual([]);
    const { firstResponses, events } = await stored(ws.phoneNumberId, conversation.id);
    expect(firstResponses).toEqual([]);
    expect(events.filter((e) => e.kind === "history_sync").map((e) => JSON.parse(e.detail))).toContainEqual({ phase: 0, chunk: 1, progress: 55, messages: 2 });
    socket.close();
  });

  it("history of a customer the inbox never met is a resolved conversation in nobody's work, begun anew by the customer's next message", async () => {
    const ws = await createWorkspace(1, uniqueNumberId());
    const agent = ws.agents[0]!;
    const socket = await connectSocket(agent.token, ws.phoneNumberId);
    await setStatus(agent.token, "available");
    await post(forNumber(historyFixture, ws.phoneNumberId));
    const past = await conversationOfCustomer(ws.adminToken, ws.phoneNumberId, CUSTOMER).catch(() => null);
    expect(past).toBeNull();
    const [resolved] = await conversationsOf(ws.adminToken, ws.phoneNumberId, "resolved");
    expect(resolved).toMatchObject({ status: "resolved", assigneeId: null, contact: { waId: CUSTOMER } });
    expect(await conversationsOf(ws.adminToken, ws.phoneNumberId, "unassigned")).toEqual([]);

    await post(customerMessage(ws.phoneNumberId, CUSTOMER, "Still holding that Quest for me?"));
    const live = await conversationOfCustomer(ws.adminToken, ws.phoneNumberId, CUSTOMER);
    expect(live).toMatchObject({ id: resolved!.id, status: "open", assigneeId: agent.id });
    socket.close();
  });
});

describe("the WhatsApp Business app's address book (smb_app_state_sync)", () => {
  it("names a customer as the business saved them, unless the customer's profile named them later; a removal deletes nothing", async () => {
    const ws = await createWorkspace(0, uniqueNumberId());
    const nameOf = async (phone: string) =>
      runInDurableObject(env.NUMBER_INBOX.getByName(ws.phoneNumberId), (_, state) =>
        state.storage.sql.exec<{ name: string | null }>("SELECT name FROM contacts WHERE wa_id = ?", phone).toArray()[0]?.name,
      );

    // Unknown until now: the contact is made with the saved name.
    await post(forNumber(contactFixture, ws.phoneNumberId));
    expect(await nameOf(CUSTOMER)).toBe("Pablo Morales");

    // The customer's profile (seen now) is newer than Meta's example entry (2025): a redelivered old entry leaves it.
    await post(customerMessage(ws.phoneNumberId, CUSTOMER, "Hola"));
    expect(await nameOf(CUSTOMER)).toBe(`Customer ${CUSTOMER}`);
    await post(forNumber(contactFixture, ws.phoneNumberId));
    expect(await nameOf(CUSTOMER)).toBe(`Customer ${CUSTOMER}`);

    // The business edits the entry afterwards: its name wins, and the open conversation's row shows it.
    const edit = (name: string, action: string) =>
      forNumber(contactFixture, ws.phoneNumberId, (value) => {
        const item = (value.state_sync as Record<string, unknown>[])[0]!;
        Object.assign(item, { action, contact: { full_name: name, first_name: name.split(" ")[0], phone_number: CUSTOMER }, metadata: { timestamp: seconds(Date.now() + 1000) } });
      });
    await post(edit("Pablo M. (VIP)", "add"));
    expect(await nameOf(CUSTOMER)).toBe("Pablo M. (VIP)");
    expect((await conversationOfCustomer(ws.adminToken, ws.phoneNumberId, CUSTOMER)).contact.name).toBe("Pablo M. (VIP)");

    await post(edit("Pablo M. (VIP)", "remove"));
    expect(await nameOf(CUSTOMER)).toBe("Pablo M. (VIP)");
    expect(said(await messagesOf(ws.adminToken, ws.phoneNumberId, (await conversationOfCustomer(ws.adminToken, ws.phoneNumberId, CUSTOMER)).id))).toHaveLength(1);
  });
});

describe("echo, history and the customer's own message in any order", () => {
  it("make one conversation, its messages in time order, none twice", async () => {
    const ws = await createWorkspace(1, uniqueNumberId());
    await setStatus(ws.agents[0]!.token, "available");
    const kinds = ["customer", "echo", "history"] as const;
    const arrival = fc.record({
      // The order the three deliveries arrive in, which of them Meta delivers twice, and when each was written.
      order: fc.shuffledSubarray([0, 1, 2], { minLength: 3, maxLength: 3 }),
      again: fc.array(fc.integer({ min: 0, max: 2 }), { maxLength: 2 }),
      offsets: fc.uniqueArray(fc.integer({ min: 1, max: 3_000 }), { minLength: 4, maxLength: 4 }),
    });
    await fc.assert(
      fc.asyncProperty(arrival, async ({ order, again, offsets }) => {
        const customer = `86${uniqueNumberId()}`;
        const base = Math.floor(Date.now() / 1000) * 1000 - 3_600_000;
        const at = offsets.map((s) => base + s * 1000);
        const bodies = [
          customerBody(ws.phoneNumberId, customer, { id: unique("wamid.C"), at: at[0]!, text: "在吗" }),
          echoBody(ws.phoneNumberId, { to: customer, id: unique("wamid.E"), at: at[1]!, text: "在的" }),
          historyBody(ws.phoneNumberId, customer, [
            { id: unique("wamid.HI"), at: at[2]!, text: "上次的订单", fromBusiness: false },
            { id: unique("wamid.HO"), at: at[3]!, text: "已发货", fromBusiness: true },
          ]),
        ];
        for (const i of [...order, ...again]) await post(bodies[i]!);

        const all = [...(await conversationsOf(ws.adminToken, ws.phoneNumberId, "all")), ...(await conversationsOf(ws.adminToken, ws.phoneNumberId, "resolved"))];
        const mine = all.filter((c) => c.contact.waId === customer);
        expect(mine.map((c) => c.id), `arrival ${order.map((i) => kinds[i]).join(", ")}`).toHaveLength(1);
        const messages = said(await messagesOf(ws.adminToken, ws.phoneNumberId, mine[0]!.id));
        expect(messages).toHaveLength(4);
        expect(new Set(messages.map((m) => m.wamid)).size).toBe(4);
        expect(messages.map((m) => m.timestamp)).toEqual([...at].sort((a, b) => a - b));
      }),
      { numRuns: 12, seed: 23 },
    );
  });
});
