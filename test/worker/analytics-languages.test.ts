import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Report } from "../../shared/analytics";
import type { Conversation } from "../../shared/inbox";
import { parseCsv } from "../../shared/csv";
import { api, BASE, connectSocket, createWorkspace, messagesChange, postWebhook, setStatus, unique, uniqueNumberId } from "./helpers";

const SECOND = 1000;

/**
 * The report broken down by customer language (the language an agent's device detected, PUT …/contacts/{id}/language):
 * a short scripted day on a stopped clock, every figure computed by hand.
 */
describe("analytics: the report per customer language", () => {
  it("counts conversations, resolutions and times per language, customers never detected apart, on screen and in the CSV", async () => {
    const ws = await createWorkspace(1);
    const agent = ws.agents[0]!;
    const numberInbox = env.NUMBER_INBOX.getByName(ws.phoneNumberId);
    let now = Math.floor(Date.now() / 1000) * 1000;
    const advance = async (ms: number) => numberInbox.setClockForTests((now += ms));
    await advance(0);
    const socket = await connectSocket(agent.token, ws.phoneNumberId);
    await setStatus(agent.token, "available");
    const start = now;

    async function customerWrites(phone: string, body: string): Promise<Conversation> {
      const payload = messagesChange(ws.phoneNumberId, {
        contacts: [{ profile: { name: `Customer ${phone.slice(-4)}` }, wa_id: phone }],
        messages: [{ from: phone, id: unique("wamid.L"), timestamp: String(Math.floor(now / 1000)), type: "text", text: { body } }],
      });
      expect((await postWebhook(payload)).status).toBe(200);
      const list = await api<{ conversations: Conversation[] }>("GET", `/numbers/${ws.phoneNumberId}/conversations?view=all`, { token: ws.adminToken });
      return list.body.conversations.find((c) => c.contact.waId === phone)!;
    }
    const setLanguage = async (c: Conversation, language: string) =>
      expect((await api("PUT", `/numbers/${ws.phoneNumberId}/contacts/${c.contact.id}/language`, { token: agent.token, body: { language } })).status).toBe(200);
    const reply = async (c: Conversation) =>
      expect((await api("POST", `/numbers/${ws.phoneNumberId}/conversations/${c.id}/messages`, { token: agent.token, body: { type: "text", text: "好的", clientId: crypto.randomUUID() } })).status).toBe(200);
    const resolve = async (c: Conversation) => expect((await api("POST", `/numbers/${ws.phoneNumberId}/conversations/${c.id}/resolve`, { token: agent.token })).status).toBe(200);

    // Two Chinese-speaking customers (one detected as zh-Hant, which is Chinese too but its own row), one English, one never detected.
    const zh1 = await customerWrites(`86${uniqueNumberId()}`, "你好");
    await setLanguage(zh1, "zh");
    await advance(10 * SECOND); // T+10
    await reply(zh1); // first response 10 s
    const zh2 = await customerWrites(`86${uniqueNumberId()}`, "請問");
    await setLanguage(zh2, "zh-Hant");
    const en = await customerWrites(`1${uniqueNumberId()}`, "hello");
    await setLanguage(en, "en");
    await advance(30 * SECOND); // T+40
    await reply(en); // first response 30 s
    await resolve(zh1); // resolution 40 s
    const zh3 = await customerWrites(`86${uniqueNumberId()}`, "在吗");
    await setLanguage(zh3, "zh");
    await customerWrites(`44${uniqueNumberId()}`, "…");
    await advance(50 * SECOND); // T+90
    await reply(zh3); // first response 50 s
    await resolve(en); // resolution 80 s
    const end = now;

    const qs = new URLSearchParams({ from: String(start - 60 * SECOND), to: String(end + 60 * SECOND), bucket: "hour" });
    const response = await api<Report>("GET", `/reports?${qs}`, { token: ws.adminToken });
    expect(response.status).toBe(200);
    const byLanguage = Object.fromEntries(response.body.languages.map((l) => [l.language, l]));
    expect(response.body.languages.map((l) => l.language)).toEqual(["zh", "en", "", "zh-Hant"]);
    expect(byLanguage.zh).toMatchObject({ conversations: 2, resolved: 1, firstResponse: { count: 2, medianMs: expect.any(Number) }, resolution: { count: 1 } });
    expect(byLanguage.en).toMatchObject({ conversations: 1, resolved: 1, firstResponse: { count: 1 }, resolution: { count: 1 } });
    expect(byLanguage["zh-Hant"]).toMatchObject({ conversations: 1, resolved: 0, firstResponse: { count: 0 } });
    expect(byLanguage[""]).toMatchObject({ conversations: 1, resolved: 0 });
    // The rows add up to the number's: every conversation has exactly one language row.
    expect(response.body.languages.reduce((sum, l) => sum + l.conversations, 0)).toBe(response.body.totals.conversations_new);

    const csv = await SELF.fetch(`${BASE}/api/reports/export.csv?${qs}&table=languages`, { headers: { authorization: `Bearer ${ws.adminToken}` } });
    const [header, ...rows] = parseCsv(await csv.text());
    expect(header).toEqual(["language", "conversations", "resolved", "first response median s", "first response p90 s", "resolution median s", "resolution p90 s"]);
    const row = (code: string) => Object.fromEntries(header!.map((h, i) => [h, rows.find((r) => r[0] === code)![i]]));
    expect(row("en")).toMatchObject({ conversations: "1", resolved: "1", "first response median s": "30", "resolution median s": "80" });
    expect(row("zh")).toMatchObject({ conversations: "2", resolved: "1", "resolution median s": "40" });
    // Two first responses, 10 s and 50 s: the sketch's median and p90 lie between them.
    expect(Number(row("zh")["first response median s"])).toBeGreaterThanOrEqual(10);
    expect(Number(row("zh")["first response p90 s"])).toBeLessThanOrEqual(50);
    expect(Number(row("zh")["first response p90 s"])).toBeGreaterThanOrEqual(Number(row("zh")["first response median s"]));
    expect(row("-")).toMatchObject({ conversations: "1", resolved: "0", "first response median s": "" });

    socket.close();
    await numberInbox.setClockForTests(null);
  });
});
