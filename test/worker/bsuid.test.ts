import { env, runInDurableObject } from "cloudflare:test";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Conversation, Message, SearchResult, Template } from "../../shared/inbox";
import { languagesOf } from "../../worker/number-inbox/language-report";
import { recipientOf } from "../../worker/number-inbox/recipient";
import {
  api,
  connectSocket,
  conversationsOf,
  createWorkspace,
  messagesChange,
  postWebhook,
  sentTo,
  setStatus,
  unique,
  uniqueNumberId,
  type ErrorBody,
} from "./helpers";

/**
 * Customers who chose a WhatsApp username and reach us by business-scoped user id (BSUID) only (issue #23): they
 * are one contact however their ids arrive, shown by name, then username, then phone, found by username, and
 * every message to them goes to the identifier Meta accepts (`to` for a phone, `recipient` for a BSUID), in a
 * body the Graph stand-in validated against Meta's schema (with relaxation 6, simulator/meta-openapi/README.md).
 */

type Json = Record<string, unknown>;
/**
 * Which ids a message shows, its username, and a language an agent's device detects after it on the contact that
 * holds the phone or the BSUID (either half, not only the one just written to).
 */
type Shape = { phone: boolean; bsuid: boolean; username: string | null; language: string | null; detectOn?: "phone" | "bsuid" };

function bsuid(): string {
  return `US.${uniqueNumberId()}${Math.floor(Math.random() * 1e6)}`;
}

function inbound(phoneNumberId: string, ids: { phone?: string; userId?: string; username?: string | null; name?: string }, text: string) {
  const contact: Json = { profile: { ...(ids.name ? { name: ids.name } : {}), ...(ids.username ? { username: ids.username } : {}) } };
  if (ids.phone) contact.wa_id = ids.phone;
  if (ids.userId) contact.user_id = ids.userId;
  const message: Json = { id: unique("wamid.B"), timestamp: String(Math.floor(Date.now() / 1000)), type: "text", text: { body: text } };
  if (ids.phone) message.from = ids.phone;
  if (ids.userId) message.from_user_id = ids.userId;
  return postWebhook(messagesChange(phoneNumberId, { contacts: [contact], messages: [message] }));
}

async function contactRows(phoneNumberId: string) {
  return runInDurableObject(env.NUMBER_INBOX.getByName(phoneNumberId), (_, state) =>
    state.storage.sql.exec("SELECT id, wa_id, user_id, username, language FROM contacts ORDER BY id").toArray(),
  );
}

async function readyAgent() {
  const ws = await createWorkspace(1);
  const a = ws.agents[0]!;
  const socket = await connectSocket(a.token, ws.phoneNumberId);
  await setStatus(a.token, "available");
  return { ws, a, socket };
}

const send = (token: string, phoneNumberId: string, conversationId: string, body: Json) =>
  api<Message & ErrorBody>("POST", `/numbers/${phoneNumberId}/conversations/${conversationId}/messages`, {
    token,
    body: { clientId: crypto.randomUUID(), ...body },
  });

describe("a customer known by a business-scoped user id only", () => {
  it("webhook → assigned → the reply, a reaction and a template reach Meta addressed to the BSUID, in conformant bodies", async () => {
    const { ws, a, socket } = await readyAgent();
    const userId = bsuid();
    expect((await inbound(ws.phoneNumberId, { userId, username: "lin.tea" }, "还有货吗？")).status).toBe(200);

    const [conversation] = await conversationsOf(a.token, ws.phoneNumberId);
    expect(conversation?.assigneeId).toBe(a.id);
    expect(conversation!.contact).toMatchObject({ waId: null, userId, username: "lin.tea", name: null });

    const reply = await send(a.token, ws.phoneNumberId, conversation!.id, { type: "text", text: "有的，今天下单明天发货" });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    const [customerMessage] = (await api<{ messages: Message[] }>("GET", `/numbers/${ws.phoneNumberId}/conversations/${conversation!.id}/messages`, { token: a.token })).body.messages;
    const reaction = await send(a.token, ws.phoneNumberId, conversation!.id, { type: "reaction", targetId: customerMessage!.id, emoji: "👍" });
    expect(reaction.status, JSON.stringify(reaction.body)).toBe(200);
    expect((await api<{ templates: Template[] }>("GET", `/numbers/${ws.phoneNumberId}/templates?refresh=true`, { token: a.token })).status).toBe(200);
    const template = await send(a.token, ws.phoneNumberId, conversation!.id, {
      type: "template",
      name: "order_update",
      language: "zh_CN",
      header: ["#1024"],
      body: ["林", "#1024", "明天"],
    });
    expect(template.status, JSON.stringify(template.body)).toBe(200);

    const record = await sentTo(userId);
    expect(record.rejected).toEqual([]);
    expect(record.sent.map((s) => s.body.type)).toEqual(["text", "reaction", "template"]);
    for (const { body } of record.sent) {
      expect(body.recipient).toBe(userId);
      expect(body).not.toHaveProperty("to");
    }
    socket.close();
  });

  it("a phone number appearing later links the same contact: one conversation, and replies then go to the phone", async () => {
    const { ws, a, socket } = await readyAgent();
    const userId = bsuid();
    const phone = `86${uniqueNumberId()}`;
    await inbound(ws.phoneNumberId, { userId, username: "wang.fang" }, "first, by username");
    await inbound(ws.phoneNumberId, { userId, phone, username: "wang.fang", name: "王芳" }, "then with a phone");
    await inbound(ws.phoneNumberId, { userId, username: "wang.fang" }, "and by username again");

    expect(await contactRows(ws.phoneNumberId)).toEqual([expect.objectContaining({ wa_id: phone, user_id: userId, username: "wang.fang" })]);
    const conversations = await conversationsOf(ws.adminToken, ws.phoneNumberId, "all");
    expect(conversations).toHaveLength(1);
    expect(conversations[0]!.contact).toMatchObject({ name: "王芳", waId: phone, userId });

    expect((await send(a.token, ws.phoneNumberId, conversations[0]!.id, { type: "text", text: "收到" })).status).toBe(200);
    const { sent } = await sentTo(phone);
    expect(sent.map((s) => s.body.to)).toEqual([phone]);
    expect(sent[0]!.body).not.toHaveProperty("recipient");
    socket.close();
  });

  it("a phone-only contact and a BSUID-only one meeting in one payload merge: one contact, one live conversation with every message", async () => {
    const { ws, a, socket } = await readyAgent();
    const userId = bsuid();
    const phone = `86${uniqueNumberId()}`;
    await inbound(ws.phoneNumberId, { phone, name: "Chen" }, "from the phone");
    await inbound(ws.phoneNumberId, { userId, username: "chen.w" }, "from the username");
    expect(await contactRows(ws.phoneNumberId)).toHaveLength(2);
    await inbound(ws.phoneNumberId, { phone, userId, username: "chen.w", name: "Chen" }, "both at last");

    expect(await contactRows(ws.phoneNumberId)).toEqual([expect.objectContaining({ wa_id: phone, user_id: userId, username: "chen.w" })]);
    const live = (await conversationsOf(ws.adminToken, ws.phoneNumberId, "all")).filter((c) => c.status !== "resolved");
    expect(live).toHaveLength(1);
    const history = (await api<{ messages: Message[] }>("GET", `/numbers/${ws.phoneNumberId}/conversations/${live[0]!.id}/messages`, { token: ws.adminToken })).body.messages;
    expect(history.filter((m) => m.direction === "in").map((m) => m.text)).toEqual(["from the phone", "from the username", "both at last"]);
    expect((await send(a.token, ws.phoneNumberId, live[0]!.id, { type: "text", text: "您好" })).status).toBe(200);
    expect((await sentTo(phone)).sent.map((s) => s.body.to)).toEqual([phone]);
    socket.close();
  });

  it("a language detected on either half before they merge stays the customer's, and their conversations count under it", async () => {
    const { ws, socket } = await readyAgent();
    const userId = bsuid();
    const phone = `86${uniqueNumberId()}`;
    await inbound(ws.phoneNumberId, { phone, name: "Marta" }, "hola, desde el teléfono");
    await inbound(ws.phoneNumberId, { userId, username: "marta.g" }, "hola, desde el usuario");
    const idOf = (column: "wa_id" | "user_id", value: string) =>
      runInDurableObject(env.NUMBER_INBOX.getByName(ws.phoneNumberId), (_, state) => state.storage.sql.exec<{ id: number }>(`SELECT id FROM contacts WHERE ${column} = ?`, value).one().id);
    // Detected on the username half only (the panel opened that conversation first).
    const path = `/numbers/${ws.phoneNumberId}/contacts/${await idOf("user_id", userId)}/language`;
    expect((await api("PUT", path, { token: ws.adminToken, body: { language: "es" } })).status).toBe(200);
    await inbound(ws.phoneNumberId, { phone, userId, username: "marta.g", name: "Marta" }, "las dos a la vez");

    const merged = await runInDurableObject(env.NUMBER_INBOX.getByName(ws.phoneNumberId), (_, state) => {
      const sql = state.storage.sql;
      return {
        contacts: sql.exec("SELECT language FROM contacts").toArray(),
        conversations: sql.exec("SELECT language FROM conversations").toArray(),
        table: languagesOf(sql, 0, Date.now() + 60_000, false),
      };
    });
    expect(merged.contacts).toEqual([{ language: "es" }]);
    expect(merged.conversations.length).toBeGreaterThan(0);
    expect(merged.conversations.every((c) => c.language === "es")).toBe(true);
    expect(Object.keys(merged.table)).toEqual(["es"]);
    expect(merged.table.es!.conversations).toBe(merged.conversations.length);
    socket.close();
  });

  it("two halves with a language each merge to the one detected last, whichever half wrote last", async () => {
    const { ws, socket } = await readyAgent();
    const contactIdOf = (column: "wa_id" | "user_id", value: string) =>
      runInDurableObject(env.NUMBER_INBOX.getByName(ws.phoneNumberId), (_, state) => state.storage.sql.exec<{ id: number }>(`SELECT id FROM contacts WHERE ${column} = ?`, value).one().id);
    const detect = async (column: "wa_id" | "user_id", value: string, language: string) =>
      expect((await api("PUT", `/numbers/${ws.phoneNumberId}/contacts/${await contactIdOf(column, value)}/language`, { token: ws.adminToken, body: { language } })).status).toBe(200);
    // Both halves write first (the username half last), then each gets a language, in both orders.
    for (const [first, last] of [["wa_id", "user_id"], ["user_id", "wa_id"]] as const) {
      const phone = `86${uniqueNumberId()}`;
      const userId = bsuid();
      const ids = { wa_id: phone, user_id: userId };
      await inbound(ws.phoneNumberId, { phone, name: "Amélie" }, "bonjour, depuis le téléphone");
      await inbound(ws.phoneNumberId, { userId, username: "amelie" }, "bonjour, depuis le pseudo");
      await detect(first, ids[first], "es");
      await detect(last, ids[last], "fr");
      await inbound(ws.phoneNumberId, { phone, userId, username: "amelie", name: "Amélie" }, "les deux à la fois");
      const languages = await runInDurableObject(env.NUMBER_INBOX.getByName(ws.phoneNumberId), (_, state) =>
        state.storage.sql.exec<{ language: string | null }>("SELECT language FROM contacts WHERE wa_id = ? OR user_id = ?", phone, userId).toArray(),
      );
      expect(languages).toEqual([{ language: "fr" }]);
    }
    socket.close();
  });

  it("a customer who changes number (Meta's user_changed_number notice) stays one contact, and replies go to the new number", async () => {
    const { ws, a, socket } = await readyAgent();
    const [oldPhone, newPhone] = [`86${uniqueNumberId()}`, `86${uniqueNumberId()}`];
    await inbound(ws.phoneNumberId, { phone: oldPhone, name: "Zhao" }, "hello");
    // As in Meta's System messages webhook reference (and pywa's tests/data/updates/system.json "phone_number_change").
    const notice = {
      from: oldPhone,
      id: unique("wamid.S"),
      timestamp: String(Math.floor(Date.now() / 1000)),
      type: "system",
      system: { body: `User Zhao changed from ${oldPhone} to ${newPhone}`, wa_id: newPhone, type: "user_changed_number" },
    };
    expect((await postWebhook(messagesChange(ws.phoneNumberId, { messages: [notice] }))).status).toBe(200);
    expect(await contactRows(ws.phoneNumberId)).toEqual([expect.objectContaining({ wa_id: newPhone })]);
    const [conversation] = await conversationsOf(a.token, ws.phoneNumberId);
    expect((await send(a.token, ws.phoneNumberId, conversation!.id, { type: "text", text: "noted" })).status).toBe(200);
    expect((await sentTo(newPhone)).sent.map((s) => s.body.to)).toEqual([newPhone]);
    expect((await sentTo(oldPhone)).sent).toEqual([]);
    socket.close();
  });

  it("search finds the customer by username, with or without the @", async () => {
    const { ws, a, socket } = await readyAgent();
    await inbound(ws.phoneNumberId, { userId: bsuid(), username: "teapot_lover" }, "hello");
    await inbound(ws.phoneNumberId, { phone: `86${uniqueNumberId()}`, name: "Someone else" }, "hi");
    for (const q of ["teapot", "@Teapot_Lover"]) {
      const found = await api<{ results: SearchResult[] }>("GET", `/numbers/${ws.phoneNumberId}/search?q=${encodeURIComponent(q)}`, { token: a.token });
      expect(found.status).toBe(200);
      expect(found.body.results.map((r) => r.conversation.contact.username)).toEqual(["teapot_lover"]);
    }
    socket.close();
  });
});

describe("who a message is addressed to (pure)", () => {
  it("the phone when there is one, else the BSUID; authentication templates need a phone", () => {
    expect(recipientOf({ wa_id: "8613800138000", user_id: "CN.1" })).toEqual({ ok: true, recipient: { phone: "8613800138000" } });
    expect(recipientOf({ wa_id: null, user_id: "CN.1" })).toEqual({ ok: true, recipient: { userId: "CN.1" } });
    expect(recipientOf({ wa_id: null, user_id: "CN.1" }, { templateCategory: "AUTHENTICATION" })).toMatchObject({ ok: false, why: expect.stringMatching(/phone/) });
    expect(recipientOf({ wa_id: "86138", user_id: null }, { templateCategory: "AUTHENTICATION" })).toMatchObject({ ok: true });
    expect(recipientOf({ wa_id: null, user_id: null })).toMatchObject({ ok: false });
  });
});

describe("identity shapes (property)", () => {
  /**
   * One customer with a phone, a BSUID and a username that changes, writing several times. Each message shows
   * some of the ids. Until a message carries both, phone-only and BSUID-only messages may make two contacts (nothing
   * tells they are one person); so every generated order ends with one carrying both when it ever showed each alone.
   * Whatever the order: one contact, one live conversation holding every message, and a reply reaches Meta
   * addressed to the phone when one was ever seen, else to the BSUID, in a valid body.
   */
  const shapes = fc
    .array(
      fc.record({
        phone: fc.boolean(),
        bsuid: fc.boolean(),
        username: fc.option(fc.constantFrom("mei", "mei.li", "mei_2026"), { nil: null }),
        language: fc.option(fc.constantFrom("zh", "es", "fr"), { nil: null }),
        detectOn: fc.constantFrom("phone" as const, "bsuid" as const),
      }),
      { minLength: 1, maxLength: 5 },
    )
    .map((list) => list.map((s): Shape => (s.phone || s.bsuid ? s : { ...s, bsuid: true })))
    .map((list) => {
      const split = list.some((s) => s.phone && !s.bsuid) && list.some((s) => s.bsuid && !s.phone);
      return split ? [...list, { phone: true, bsuid: true, username: null, language: null }] : list;
    });

  it("two halves merge to the username the latest payload carried, even when the other half wrote since without one", async () => {
    const { ws, socket } = await readyAgent();
    const phone = `86${uniqueNumberId()}`;
    const userId = bsuid();
    // The counterexample the property below found: @mei on the BSUID half, then @mei.li on the phone half, then the
    // BSUID half again without a username, then a message carrying both ids.
    for (const [i, from] of [
      { userId, username: "mei" },
      { phone, username: "mei.li" },
      { userId, username: null },
      { phone, userId, username: null },
    ].entries()) {
      expect((await inbound(ws.phoneNumberId, from, `m${i}`)).status).toBe(200);
    }
    const contacts = await contactRows(ws.phoneNumberId);
    expect(contacts).toHaveLength(1);
    expect(contacts[0]!.username).toBe("mei.li");
    socket.close();
  });

  it("a customer is one contact and every send has a valid recipient", async () => {
    await fc.assert(
      fc.asyncProperty(shapes, async (list) => {
        const { ws, a, socket } = await readyAgent();
        const phone = `86${uniqueNumberId()}`;
        const userId = bsuid();
        let detectedLast: string | null = null;
        for (const [i, s] of list.entries()) {
          const response = await inbound(ws.phoneNumberId, { phone: s.phone ? phone : undefined, userId: s.bsuid ? userId : undefined, username: s.username }, `m${i}`);
          expect(response.status).toBe(200);
          const holder = (await contactRows(ws.phoneNumberId)).find((c) => (s.detectOn === "phone" ? c.wa_id === phone : c.user_id === userId));
          if (s.language && holder) {
            const path = `/numbers/${ws.phoneNumberId}/contacts/${holder.id}/language`;
            expect((await api("PUT", path, { token: ws.adminToken, body: { language: s.language } })).status).toBe(200);
            detectedLast = s.language;
          }
        }
        const contacts = await contactRows(ws.phoneNumberId);
        expect(contacts).toHaveLength(1);
        const lastUsername = [...list].reverse().find((s) => s.username !== null)?.username ?? null;
        if (lastUsername) expect(contacts[0]!.username).toBe(lastUsername);
        // The language detected last, on whichever half it was then.
        expect(contacts[0]!.language).toBe(detectedLast);
        const conversations: Conversation[] = (await conversationsOf(ws.adminToken, ws.phoneNumberId, "all")).filter((c) => c.status !== "resolved");
        expect(conversations).toHaveLength(1);
        const history = (await api<{ messages: Message[] }>("GET", `/numbers/${ws.phoneNumberId}/conversations/${conversations[0]!.id}/messages`, { token: ws.adminToken })).body.messages;
        expect(history.filter((m) => m.direction === "in").map((m) => m.text)).toEqual(list.map((_, i) => `m${i}`));

        const reply = await send(a.token, ws.phoneNumberId, conversations[0]!.id, { type: "text", text: "好的" });
        expect(reply.status, JSON.stringify(reply.body)).toBe(200);
        const everPhone = list.some((s) => s.phone);
        const record = await sentTo(everPhone ? phone : userId);
        expect(record.rejected).toEqual([]);
        expect(record.sent).toHaveLength(1);
        expect(record.sent[0]!.body).toMatchObject(everPhone ? { to: phone } : { recipient: userId });
        socket.close();
      }),
      { numRuns: 40 },
    );
  });
});
