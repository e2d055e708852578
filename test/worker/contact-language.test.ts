import { describe, expect, it } from "vitest";
import type { ContactProfile } from "../../shared/catalog";
import { api, connectSocket, conversationsOf, createWorkspace, newCustomerWrites, setStatus, type ErrorBody } from "./helpers";

/** The customer's language, detected on an agent's device and stored on the contact (issue #23). */
describe("PUT /numbers/{id}/contacts/{contactId}/language", () => {
  it("stores the detected language on the contact, shown on its conversations and profile; a malformed tag is refused and changes nothing", async () => {
    const ws = await createWorkspace(1);
    const a = ws.agents[0]!;
    const socket = await connectSocket(a.token, ws.phoneNumberId);
    await setStatus(a.token, "available");
    await newCustomerWrites(ws.phoneNumberId, "Hola, ¿envían a Madrid?");
    const [conversation] = await conversationsOf(a.token, ws.phoneNumberId);
    expect(conversation!.contact.language).toBeNull();
    const path = `/numbers/${ws.phoneNumberId}/contacts/${conversation!.contact.id}/language`;

    const stored = await api<ContactProfile>("PUT", path, { token: a.token, body: { language: "es" } });
    expect(stored.status).toBe(200);
    expect(stored.body.language).toBe("es");
    expect((await conversationsOf(a.token, ws.phoneNumberId))[0]!.contact.language).toBe("es");

    const bad = await api<ErrorBody>("PUT", path, { token: a.token, body: { language: "Spanish; DROP TABLE" } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/BCP 47/);
    const profile = await api<ContactProfile>("GET", `/numbers/${ws.phoneNumberId}/contacts/${conversation!.contact.id}`, { token: a.token });
    expect(profile.body.language).toBe("es");

    const missing = await api<ErrorBody>("PUT", `/numbers/${ws.phoneNumberId}/contacts/999999/language`, { token: ws.adminToken, body: { language: "es" } });
    expect(missing.status).toBe(404);
    socket.close();
  });

  it("supervisors filter the conversation list by language; a primary tag finds its variants", async () => {
    const ws = await createWorkspace(1);
    const spanish = await newCustomerWrites(ws.phoneNumberId, "Hola");
    const taiwan = await newCustomerWrites(ws.phoneNumberId, "您好");
    await newCustomerWrites(ws.phoneNumberId, "no language known");
    const all = await conversationsOf(ws.adminToken, ws.phoneNumberId, "all");
    const contactOf = (phone: string) => all.find((c) => c.contact.waId === phone)!.contact.id;
    for (const [phone, language] of [[spanish, "es"], [taiwan, "zh-Hant"]] as const) {
      const put = await api("PUT", `/numbers/${ws.phoneNumberId}/contacts/${contactOf(phone)}/language`, { token: ws.adminToken, body: { language } });
      expect(put.status).toBe(200);
    }
    const filtered = async (language: string) =>
      (await api<{ conversations: { contact: { waId: string | null } }[] } & ErrorBody>("GET", `/numbers/${ws.phoneNumberId}/conversations?view=all&language=${encodeURIComponent(language)}`, { token: ws.adminToken }));
    expect((await filtered("es")).body.conversations.map((c) => c.contact.waId)).toEqual([spanish]);
    expect((await filtered("zh")).body.conversations.map((c) => c.contact.waId)).toEqual([taiwan]);
    expect((await filtered("fr")).body.conversations).toEqual([]);
    const bad = await filtered("'; --");
    expect(bad.status).toBe(400);
  });
});
