import { env, runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Message } from "../../shared/inbox";
import { api, connectSocket, conversationsOf, createWorkspace, customerMessage, messagesOf, postWebhook, setStatus, uniqueNumberId } from "./helpers";

const GRAPH = "http://graph.test/simulator/graph";

describe("Graph API outage", () => {
  it("replies written during an outage of dropped connections, 500s and 130429s wait as pending, then each goes out once, in order per conversation", async () => {
    const attemptsBefore = ((await (await fetch(`${GRAPH}/sent`)).json()) as { attempts: number }).attempts;
    const ws = await createWorkspace(1);
    const a = ws.agents[0]!;
    const inbox = env.NUMBER_INBOX.getByName(ws.phoneNumberId);
    const socket = await connectSocket(a.token, ws.phoneNumberId);
    await setStatus(a.token, "available");
    const customers = [`86${uniqueNumberId()}`, `86${uniqueNumberId()}`, `86${uniqueNumberId()}`];
    for (const c of customers) {
      await postWebhook(customerMessage(ws.phoneNumberId, c, "在吗？"));
      // The outage: every send to this customer fails six times, in three different ways, before Meta answers again.
      for (const failure of [{ code: 0, network: true }, { code: 1, httpStatus: 500 }, { code: 130429 }]) {
        await fetch(`${GRAPH}/failures`, { method: "POST", body: JSON.stringify({ ...failure, count: 2, to: c }) });
      }
    }
    const conversations = await conversationsOf(a.token, ws.phoneNumberId);
    const written: Record<string, string[]> = {};
    for (const conversation of conversations) {
      const phone = conversation.contact.waId!;
      written[phone] = [];
      for (let i = 1; i <= 4; i++) {
        const text = `第 ${i} 条回复`;
        const sent = await api<Message>("POST", `/numbers/${ws.phoneNumberId}/conversations/${conversation.id}/messages`, {
          token: a.token,
          body: { type: "text", text, clientId: crypto.randomUUID() },
        });
        expect(sent.status).toBe(200);
        written[phone]!.push(text);
      }
    }
    // While Meta refuses, the agent sees them pending.
    const during = (await messagesOf(a.token, ws.phoneNumberId, conversations[0]!.id)).filter((m) => m.direction === "out");
    expect(during.some((m) => m.status === "pending")).toBe(true);

    // Time passes on the number's clock and its alarm retries, until every reply is out (bounded).
    let clock = Date.now();
    for (let round = 0; round < 40; round++) {
      const outbox = (await inbox.health()).outboxLength;
      if (outbox === 0) break;
      clock += 90_000;
      await inbox.setClockForTests(clock);
      await runDurableObjectAlarm(inbox);
    }
    await inbox.setClockForTests(null);
    expect((await inbox.health()).outboxLength).toBe(0);

    const log = (await (await fetch(`${GRAPH}/sent`)).json()) as { attempts: number; sent: { to: string; body: { text?: { body: string } } }[] };
    // At least the 18 refused attempts and the 12 accepted ones reached Meta (other tests may add their own).
    expect(log.attempts - attemptsBefore).toBeGreaterThanOrEqual(30);
    for (const phone of customers) {
      const delivered = log.sent.filter((m) => m.to === phone).map((m) => m.body.text?.body);
      expect({ phone, delivered }).toEqual({ phone, delivered: written[phone] });
    }
    for (const conversation of conversations) {
      const out = (await messagesOf(a.token, ws.phoneNumberId, conversation.id)).filter((m) => m.direction === "out");
      expect(out.map((m) => m.status === "accepted" || m.status === "sent" || m.status === "delivered")).toEqual([true, true, true, true]);
    }
    socket.close();
  });
});
