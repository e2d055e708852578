import { SELF } from "cloudflare:test";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Conversation, SocketEvent } from "../../shared/inbox";
import type { NewConversationResult } from "../../shared/new-conversation";
import { checkPhone } from "../../shared/phone";
import { START_BURST, START_PER_MINUTE, takeStart, type Bucket } from "../../worker/number-inbox/start-rate";
import {
  api,
  BASE,
  connectSocket,
  conversationsOf,
  createTeam,
  createWorkspace,
  customerMessage,
  messagesOf,
  postWebhook,
  sentTo,
  setStatus,
  tick,
  uniqueNumberId,
} from "./helpers";

/**
 * Issue #23, "New conversation by template": an agent writes first to a customer with an approved template. Every
 * body the Graph stand-in receives is validated against Meta's OpenAPI file (`sentTo(...).rejected` lists refusals).
 */

type Refused = { error: { status: number; message: string; code?: string; params?: Record<string, string | number> } };

/** The simulator's approved order_update (zh_CN): one header variable and three body variables. */
const orderUpdate = (header = ["#1024"], body = ["林女士", "#1024", "明天"]) => ({ name: "order_update", language: "zh_CN", header, body });

const start = (token: string, phoneNumberId: string, body: Record<string, unknown>) =>
  api<NewConversationResult & Refused>("POST", `/numbers/${phoneNumberId}/conversations`, {
    token,
    body: { clientId: crypto.randomUUID(), template: orderUpdate(), ...body },
  });

/** A Chinese mobile number nobody used yet, as a person types it, and as WhatsApp writes it. */
function freshPhone(): { typed: string; waId: string } {
  const digits = `13${String(uniqueNumberId()).slice(-9)}`;
  return { typed: `+86 ${digits.slice(0, 3)}-${digits.slice(3, 7)} ${digits.slice(7)}`, waId: `86${digits}` };
}

async function readyAgents(count: number) {
  const ws = await createWorkspace(count);
  const sockets: Awaited<ReturnType<typeof connectSocket>>[] = [];
  for (const agent of ws.agents) {
    sockets.push(await connectSocket(agent.token, ws.phoneNumberId));
    await setStatus(agent.token, "available");
  }
  return { ws, sockets, close: () => sockets.forEach((s) => s.close()) };
}

describe("starting a conversation with a template", () => {
  it("creates it with the template as its first message, assigned to the starter, in her list at once; the customer's reply lands in it", async () => {
    const { ws, sockets, close } = await readyAgents(2);
    const [a] = ws.agents;
    const phone = freshPhone();

    const started = await start(a!.token, ws.phoneNumberId, { to: { phone: phone.typed } });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    expect(started.body.reused).toBe(false);
    expect(started.body.conversation).toMatchObject({ assigneeId: a!.id, status: "open", contact: { waId: phone.waId } });
    expect(started.body.message).toMatchObject({ direction: "out", kind: "template", text: "订单 #1024\n您好 林女士，您的订单 #1024 已发货，预计 明天 送达。" });

    // Her list has it, and her panel heard of it without asking.
    expect((await conversationsOf(a!.token, ws.phoneNumberId)).map((c) => c.id)).toEqual([started.body.conversation.id]);
    await tick(50);
    const pushed = sockets[0]!.events.filter((e: SocketEvent) => e.type === "conversation") as Extract<SocketEvent, { type: "conversation" }>[];
    expect(pushed.some((e) => e.conversation.id === started.body.conversation.id && e.conversation.assigneeId === a!.id)).toBe(true);

    // Meta received one template body addressed to the phone, valid against its schema.
    const record = await sentTo(phone.waId);
    expect(record.rejected).toEqual([]);
    expect(record.sent.map((s) => s.body)).toEqual([
      expect.objectContaining({ to: phone.waId, type: "template", template: expect.objectContaining({ name: "order_update", language: { code: "zh_CN" } }) }),
    ]);

    // The customer answers: the same conversation, still hers.
    expect((await postWebhook(customerMessage(ws.phoneNumberId, phone.waId, "好的，谢谢"))).status).toBe(200);
    const all = (await conversationsOf(ws.adminToken, ws.phoneNumberId, "all")).filter((c) => c.contact.waId === phone.waId);
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ id: started.body.conversation.id, assigneeId: a!.id });
    // (Webhook timestamps are whole seconds, so the reply may sort before the template within the same second.)
    const history = (await messagesOf(a!.token, ws.phoneNumberId, all[0]!.id)).filter((m) => m.direction !== "activity");
    expect(history.map((m) => [m.direction, m.kind]).sort()).toEqual([
      ["in", "text"],
      ["out", "template"],
    ]);
    close();
  });

  it("for a team: routed to an Available member of it; agents start only for their own teams, supervisors for any", async () => {
    const { ws, close } = await readyAgents(2);
    const [a, b] = ws.agents;
    const afterSales = await createTeam(ws.adminToken, "售后", [b!.id]);

    const bySupervisor = await start(ws.adminToken, ws.phoneNumberId, { to: { phone: freshPhone().typed }, assignTo: { teamId: afterSales } });
    expect(bySupervisor.status, JSON.stringify(bySupervisor.body)).toBe(200);
    expect(bySupervisor.body.conversation.assigneeId).toBe(b!.id);
    expect((await conversationsOf(b!.token, ws.phoneNumberId)).map((c) => c.id)).toContain(bySupervisor.body.conversation.id);

    const byOutsider = await start(a!.token, ws.phoneNumberId, { to: { phone: freshPhone().typed }, assignTo: { teamId: afterSales } });
    expect(byOutsider.status).toBe(403);
    expect(byOutsider.body.error.code).toBe("not_team_member");

    const byMember = await start(b!.token, ws.phoneNumberId, { to: { phone: freshPhone().typed }, assignTo: { teamId: afterSales } });
    expect(byMember.status).toBe(200);
    // The admin is on no roster: "me" is refused, with the way out.
    const forMe = await start(ws.adminToken, ws.phoneNumberId, { to: { phone: freshPhone().typed } });
    expect(forMe.status).toBe(403);
    expect(forMe.body.error).toMatchObject({ code: "not_member", message: expect.stringMatching(/team/) });
    close();
  });

  it("a customer with an open conversation gets the template in it, not a second conversation", async () => {
    const { ws, close } = await readyAgents(1);
    const [a] = ws.agents;
    const phone = freshPhone();
    await postWebhook(customerMessage(ws.phoneNumberId, phone.waId, "在吗？"));
    const [existing] = await conversationsOf(a!.token, ws.phoneNumberId);
    expect(existing!.assigneeId).toBe(a!.id);

    const byContact = await start(a!.token, ws.phoneNumberId, { to: { contactId: existing!.contact.id } });
    expect(byContact.status, JSON.stringify(byContact.body)).toBe(200);
    expect(byContact.body).toMatchObject({ reused: true, conversation: { id: existing!.id } });
    const byPhone = await start(a!.token, ws.phoneNumberId, { to: { phone: phone.typed }, template: { name: "follow_up", language: "zh_CN", body: ["林女士"] } });
    expect(byPhone.body).toMatchObject({ reused: true, conversation: { id: existing!.id } });

    expect((await conversationsOf(ws.adminToken, ws.phoneNumberId, "all")).filter((c) => c.contact.waId === phone.waId)).toHaveLength(1);
    expect((await sentTo(phone.waId)).sent.map((s) => (s.body.template as { name: string }).name)).toEqual(["order_update", "follow_up"]);
    close();
  });

  it("refuses clearly: a bad phone (400), unknown or unapproved templates and missing variables (422), a disconnected number (409)", async () => {
    const { ws, close } = await readyAgents(1);
    const [a] = ws.agents;

    const badPhone = await start(a!.token, ws.phoneNumberId, { to: { phone: "0138 0013 8000" } });
    expect(badPhone.status).toBe(400);
    expect(badPhone.body.error.message).toMatch(/^to\.phone: .*country code/);
    const both = await start(a!.token, ws.phoneNumberId, { to: { phone: freshPhone().typed, contactId: "1" } });
    expect(both.status).toBe(400);
    expect(both.body.error.message).toMatch(/exactly one of phone or contactId/);

    const rejected = await start(a!.token, ws.phoneNumberId, { to: { phone: freshPhone().typed }, template: { name: "spring_sale", language: "zh_CN" } });
    expect(rejected.status).toBe(422);
    expect(rejected.body.error).toMatchObject({ code: "template_not_approved", params: { name: "spring_sale", status: "REJECTED" } });
    const unknown = await start(a!.token, ws.phoneNumberId, { to: { phone: freshPhone().typed }, template: { name: "no_such", language: "en_US" } });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.code).toBe("template_unknown");
    const missing = await start(a!.token, ws.phoneNumberId, { to: { phone: freshPhone().typed }, template: orderUpdate(["#1024"], ["林女士"]) });
    expect(missing.status).toBe(422);
    expect(missing.body.error).toMatchObject({ code: "template_variables", message: expect.stringMatching(/3 body variables; got 1 and 1|1 header and 3 body/) });

    // Nothing was created or sent by any of those.
    expect(await conversationsOf(ws.adminToken, ws.phoneNumberId, "all")).toEqual([]);

    expect((await api("POST", `/numbers/${ws.phoneNumberId}/disconnect`, { token: ws.adminToken })).status).toBe(200);
    // Agents lose the number with it; a supervisor still reads it, and is told why nothing can start.
    const disconnected = await start(ws.adminToken, ws.phoneNumberId, { to: { phone: freshPhone().typed } });
    expect(disconnected.status).toBe(409);
    expect(disconnected.body.error).toMatchObject({ code: "number_disconnected", message: expect.stringMatching(/disconnected/) });
    close();
  });

  it(`rate-limits each agent: ${START_BURST} starts, then 429 with Retry-After; a colleague is not held back`, async () => {
    const { ws, close } = await readyAgents(2);
    const [a, b] = ws.agents;
    const phone = freshPhone();
    for (let i = 0; i < START_BURST; i++) {
      const ok = await start(a!.token, ws.phoneNumberId, { to: { phone: phone.typed } });
      expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    }
    const response = await SELF.fetch(`${BASE}/api/numbers/${ws.phoneNumberId}/conversations`, {
      method: "POST",
      headers: { authorization: `Bearer ${a!.token}`, "content-type": "application/json" },
      body: JSON.stringify({ clientId: crypto.randomUUID(), to: { phone: freshPhone().typed }, template: orderUpdate() }),
    });
    expect(response.status).toBe(429);
    const retryAfter = Number(response.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(((await response.json()) as Refused).error).toMatchObject({ code: "start_rate_limited", params: { retryAfterSeconds: retryAfter } });

    expect((await start(b!.token, ws.phoneNumberId, { to: { phone: freshPhone().typed } })).status).toBe(200);
    close();
  });

  it("the same clientId twice starts one conversation", async () => {
    const { ws, close } = await readyAgents(1);
    const [a] = ws.agents;
    const phone = freshPhone();
    const clientId = crypto.randomUUID();
    const first = await start(a!.token, ws.phoneNumberId, { to: { phone: phone.typed }, clientId });
    const again = await start(a!.token, ws.phoneNumberId, { to: { phone: phone.typed }, clientId });
    expect(again.body.conversation.id).toBe(first.body.conversation.id);
    expect(again.body.message.id).toBe(first.body.message.id);
    expect((await sentTo(phone.waId)).sent).toHaveLength(1);
    close();
  });
});

/** Phone numbers as people type them: separators, "+" or "00" or nothing, stray leading zeros, codes no country has. */
const typedPhone = fc
  .record({
    prefix: fc.constantFrom("+", "00", "", "0", "+0", "+ "),
    code: fc.constantFrom("86", "1", "44", "852", "7", "971", "28", "999", "80", "42", "0"),
    national: fc.stringMatching(/^\d{1,14}$/),
    separators: fc.array(fc.constantFrom(" ", "-", ".", "(", ")", ""), { minLength: 14, maxLength: 14 }),
  })
  .map(({ prefix, code, national, separators }) => `${prefix}${code}${[...national].map((d, i) => `${separators[i]}${d}`).join("")}`);

describe("the phone check", () => {
  it("is blind to how a valid number is typed: spaces, dashes, dots, brackets, + or 00 give the same WhatsApp id", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[1-9]\d{7,9}$/), fc.array(fc.constantFrom(" ", "-", ".", " - "), { minLength: 10, maxLength: 10 }), fc.boolean(), (national, seps, plus) => {
        const waId = `86${national}`;
        const typed = `${plus ? "+" : "00"}86 ${[...national].map((d, i) => `${seps[i]}${d}`).join("")}`;
        expect(checkPhone(typed)).toEqual({ ok: true, waId, countryCode: "86" });
      }),
      { seed: 23 },
    );
  });

  it("refuses what names no country: a national 0…, +0…, unassigned codes; North America needs ten digits", () => {
    expect(checkPhone("013800138000")).toEqual({ ok: false, problem: "country_code_missing" });
    expect(checkPhone("+0 138 0013 8000")).toEqual({ ok: false, problem: "country_code_unknown" });
    expect(checkPhone("+999 1234 5678")).toEqual({ ok: false, problem: "country_code_unknown" });
    expect(checkPhone("+28 1234 5678")).toEqual({ ok: false, problem: "country_code_unknown" });
    expect(checkPhone("+1 415 555 012")).toEqual({ ok: false, problem: "too_short" });
    expect(checkPhone("+1 (415) 555-0123")).toEqual({ ok: true, waId: "14155550123", countryCode: "1" });
    expect(checkPhone("+44 (0)20 7946 0958")).toEqual({ ok: true, waId: "442079460958", countryCode: "44" });
    expect(checkPhone("+86 138 0013 8000 1234 5")).toEqual({ ok: false, problem: "too_long" });
    expect(checkPhone("+86 138x0013")).toEqual({ ok: false, problem: "characters" });
  });

  it("the route agrees with the shared check on every typed number: 400 naming to.phone exactly when it refuses", async () => {
    // Several agents, so the property's starts do not meet the rate limit of one.
    const ws = await createWorkspace(4);
    let n = 0;
    const seen = { refused: 0, started: 0 };
    await fc.assert(
      fc.asyncProperty(typedPhone, async (typed) => {
        const agent = ws.agents[n++ % ws.agents.length]!;
        const checked = checkPhone(typed);
        const answer = await start(agent.token, ws.phoneNumberId, { to: { phone: typed } });
        seen[checked.ok ? "started" : "refused"]++;
        if (!checked.ok) {
          expect(answer.status).toBe(400);
          expect(answer.body.error.message).toMatch(/^to\.phone: /);
        } else {
          expect([200, 429]).toContain(answer.status);
          if (answer.status === 200) expect((answer.body.conversation as Conversation).contact.waId).toBe(checked.waId);
        }
      }),
      { seed: 23, numRuns: 40 },
    );
    // Both sides of the check were reached.
    expect(seen.refused).toBeGreaterThan(5);
    expect(seen.started).toBeGreaterThan(5);
  });
});

describe("the start rate limit (start-rate.ts)", () => {
  it("lets at most a burst plus a minute's worth through in any minute, and a refusal names the very instant the next start passes", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20_000 }), { minLength: 1, maxLength: 200 }), (gaps) => {
        let bucket: Bucket | null = null;
        let now = 0;
        const accepted: number[] = [];
        for (const gap of gaps) {
          now += gap;
          const decision = takeStart(bucket, now);
          if (decision.ok) {
            bucket = decision.bucket;
            accepted.push(now);
            continue;
          }
          expect(decision.retryAfterMs).toBeGreaterThan(0);
          expect(takeStart(bucket, now + decision.retryAfterMs).ok).toBe(true);
          if (decision.retryAfterMs > 2) expect(takeStart(bucket, now + decision.retryAfterMs - 2).ok).toBe(false);
        }
        for (const start of accepted) {
          expect(accepted.filter((at) => at >= start && at < start + 60_000).length).toBeLessThanOrEqual(START_BURST + START_PER_MINUTE);
        }
        // After a quiet minute the whole burst is there again.
        let rested: Bucket | null = bucket;
        for (let i = 0; i < START_BURST; i++) {
          const decision = takeStart(rested, now + 60_000);
          expect(decision.ok).toBe(true);
          if (decision.ok) rested = decision.bucket;
        }
      }),
      { seed: 23 },
    );
  });
});
