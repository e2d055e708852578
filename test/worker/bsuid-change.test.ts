import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { conversationsOf, createWorkspace, messagesChange, messagesOf, postWebhook, unique, uniqueNumberId } from "./helpers";

/**
 * A customer's business-scoped user id (BSUID) changes. Meta's changelog (WhatsApp Business Platform, Aug 11, 2026):
 * a `messages` change holding a system message, `system.type` "user_changed_user_id", with `system.previous_user_id`
 * beside the new `system.user_id`, no phone number and (as every system message) no contacts[]. Meta documents no
 * complete example body, so the body here is built from those named fields only.
 */

const now = () => String(Math.floor(Date.now() / 1000));

function bsuidCustomerWrites(phoneNumberId: string, userId: string, text: string) {
  return messagesChange(phoneNumberId, {
    contacts: [{ profile: { name: "Ana" }, user_id: userId }],
    messages: [{ from_user_id: userId, id: unique("wamid.B"), timestamp: now(), type: "text", text: { body: text } }],
  });
}

function userIdChanged(phoneNumberId: string, previous: string, current: string, id = unique("wamid.S")) {
  return messagesChange(phoneNumberId, {
    messages: [
      {
        id,
        timestamp: now(),
        type: "system",
        system: { body: `User Ana changed from ${previous} to ${current}`, user_id: current, previous_user_id: previous, type: "user_changed_user_id" },
      },
    ],
  });
}

async function contactsOf(phoneNumberId: string) {
  return runInDurableObject(env.NUMBER_INBOX.getByName(phoneNumberId), (_, state) =>
    state.storage.sql.exec<{ id: number; user_id: string | null; name: string | null }>("SELECT id, user_id, name FROM contacts ORDER BY id").toArray(),
  );
}

async function post(body: string) {
  expect((await postWebhook(body)).status).toBe(200);
}

describe("a customer's business-scoped user id changes (user_changed_user_id)", () => {
  it("the customer keeps their contact and conversation under the new id, and their next message lands there", async () => {
    const ws = await createWorkspace(0, uniqueNumberId());
    const [before, after] = [`US.${uniqueNumberId()}`, `US.${uniqueNumberId()}`];
    await post(bsuidCustomerWrites(ws.phoneNumberId, before, "Hola"));
    const change = userIdChanged(ws.phoneNumberId, before, after);
    await post(change);
    await post(change);
    await post(bsuidCustomerWrites(ws.phoneNumberId, after, "¿Siguen ahí?"));

    expect((await contactsOf(ws.phoneNumberId)).map((c) => c.user_id)).toEqual([after]);
    const conversations = await conversationsOf(ws.adminToken, ws.phoneNumberId, "all");
    expect(conversations).toHaveLength(1);
    const messages = await messagesOf(ws.adminToken, ws.phoneNumberId, conversations[0]!.id);
    expect(messages.filter((m) => m.direction === "in").map((m) => m.kind)).toEqual(["text", "system", "text"]);
  });

  it("a contact the new id already made (its message came first) is merged in: one customer, one live conversation", async () => {
    const ws = await createWorkspace(0, uniqueNumberId());
    const [before, after] = [`US.${uniqueNumberId()}`, `US.${uniqueNumberId()}`];
    await post(bsuidCustomerWrites(ws.phoneNumberId, before, "Hola"));
    await post(bsuidCustomerWrites(ws.phoneNumberId, after, "Soy yo, con otro id"));
    expect(await contactsOf(ws.phoneNumberId)).toHaveLength(2);

    await post(userIdChanged(ws.phoneNumberId, before, after));
    expect((await contactsOf(ws.phoneNumberId)).map((c) => c.user_id)).toEqual([after]);
    const live = await conversationsOf(ws.adminToken, ws.phoneNumberId, "all");
    expect(live).toHaveLength(1);
    const texts = (await messagesOf(ws.adminToken, ws.phoneNumberId, live[0]!.id)).filter((m) => m.kind === "text").map((m) => m.text);
    expect(texts).toEqual(["Hola", "Soy yo, con otro id"]);
  });
});
