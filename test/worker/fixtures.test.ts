import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import expectedByFile from "../fixtures/whatsapp/expected.json";
import { api, createWorkspace, postWebhook, uniqueNumberId } from "./helpers";

/**
 * Every one of the 104 real webhook bodies in test/fixtures/whatsapp (see SOURCES.md), signed and posted.
 * expected.json lists, per file, what its payload carries (read off the payload itself): each message's
 * wamid, kind and sender, each status, each non-message field and value-level error.
 */
const fixtures = import.meta.glob<string>("../fixtures/whatsapp/*.json", { query: "?raw", import: "default", eager: true });

interface Expected {
  messages: { wamid: string; kind: string; waId: string | null; userId: string | null; name: string | null }[];
  statuses: { wamid: string; status: string }[];
  events: string[];
  valueErrors: number;
}

const cases = Object.entries(fixtures)
  .map(([path, raw]) => [path.split("/").pop()!, raw] as const)
  .filter(([file]) => file !== "expected.json");

describe("every real webhook fixture is accepted and stored meaningfully", () => {
  it("covers all 104 fixtures, none skipped", () => {
    expect(cases).toHaveLength(104);
    expect(Object.keys(expectedByFile).sort()).toEqual(cases.map(([file]) => file).sort());
  });

  it.each(cases)("%s", async (file, raw) => {
    const expected = (expectedByFile as Record<string, Expected>)[file]!;
    // Each fixture gets its own number and WABA so placeholder ids shared between files do not collide.
    const phoneNumberId = uniqueNumberId();
    const wabaId = uniqueNumberId();
    const payload = JSON.parse(raw) as { entry: { id: string; changes: { value?: { metadata?: { phone_number_id?: string } } }[] }[] };
    for (const entry of payload.entry) {
      entry.id = wabaId;
      for (const change of entry.changes) if (change.value?.metadata) change.value.metadata.phone_number_id = phoneNumberId;
    }
    const workspace = await createWorkspace(1, phoneNumberId, wabaId);

    const response = await postWebhook(JSON.stringify(payload));
    expect(response.status).toBe(200);

    const stored = await runInDurableObject(env.NUMBER_INBOX.getByName(phoneNumberId), (_, state) => {
      const sql = state.storage.sql;
      return {
        messages: sql
          .exec<{ wamid: string; kind: string; conversation_id: number; wa_id: string | null; user_id: string | null; name: string | null; raw: string }>(
            `SELECT m.wamid, m.kind, m.conversation_id, k.wa_id, k.user_id, k.name, m.raw FROM messages m
             JOIN conversations c ON c.id = m.conversation_id JOIN contacts k ON k.id = c.contact_id`,
          )
          .toArray(),
        valueErrors: sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM events WHERE kind = 'webhook_error'").one().n,
      };
    });

    const distinctWamids = new Set(expected.messages.map((m) => m.wamid));
    expect(stored.messages).toHaveLength(distinctWamids.size);
    for (const message of expected.messages) {
      const row = stored.messages.find((m) => m.wamid === message.wamid);
      expect(row, `message ${message.wamid}`).toBeDefined();
      expect(row!.kind).toBe(message.kind);
      // A user_changed_number notice moves its customer to the new number it names (system.wa_id).
      const moved = (JSON.parse(row!.raw) as { system?: { type?: string; wa_id?: string } }).system;
      const waId = moved?.type === "user_changed_number" && /^\d{5,20}$/.test(moved.wa_id ?? "") ? moved.wa_id : message.waId;
      expect({ waId: row!.wa_id, userId: row!.user_id }).toEqual({ waId, userId: message.userId });
      if (message.name) expect(row!.name).toBe(message.name);
      // Nothing Meta sent is lost: the raw message is kept beside what the inbox extracted.
      expect(JSON.parse(row!.raw)).toMatchObject({ id: message.wamid, type: expect.any(String) });
    }
    const contacts = new Set(expected.messages.map((m) => m.waId ?? m.userId));
    expect(new Set(stored.messages.map((m) => m.conversation_id)).size).toBe(contacts.size);

    // Statuses travel the status lane. These wamids were never sent by this inbox and no send is in flight, so the
    // number drops each on sight and counts it, writing nothing else.
    const inbox = env.NUMBER_INBOX.getByName(phoneNumberId);
    await expect.poll(async () => (await inbox.health()).statuses.dropped, { timeout: 3_000 }).toBe(expected.statuses.length);
    expect((await inbox.health()).statuses).toMatchObject({ applied: 0, kept: 0, held: 0 });
    expect(stored.valueErrors).toBe(expected.valueErrors);

    const { body } = await api<{ events: { field: string }[] }>("GET", "/events", { token: workspace.adminToken });
    expect(body.events.map((e) => e.field).sort()).toEqual([...expected.events].sort());
  });
});
