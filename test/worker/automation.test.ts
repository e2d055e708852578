import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { AutomationSettings } from "../../shared/automation";
import type { Conversation, Message } from "../../shared/inbox";
import {
  api,
  connectSocket,
  createWorkspace,
  customerMessage,
  messagesChange,
  messagesOf,
  postWebhook,
  setStatus,
  tick,
  unique,
  uniqueNumberId,
  type TestWorkspace,
} from "./helpers";

const GRAPH = "http://graph.test/simulator/graph";
type Sent = { wamid: string; body: Record<string, unknown> };

async function sentTo(to: string): Promise<Sent[]> {
  return ((await (await fetch(`${GRAPH}/sent?to=${to}`)).json()) as { sent: Sent[] }).sent;
}

const textOf = (s: Sent) => (s.body.text as { body?: string } | undefined)?.body ?? (s.body.interactive as { body?: { text?: string } } | undefined)?.body?.text;

const open24h: AutomationSettings["businessHours"] = {
  timeZone: "Asia/Shanghai",
  weekly: Array.from({ length: 7 }, () => [{ start: "00:00", end: "00:00" }]),
  specialDates: [],
};
const alwaysClosed: AutomationSettings["businessHours"] = { timeZone: "Asia/Shanghai", weekly: Array.from({ length: 7 }, () => []), specialDates: [] };

async function automate(ws: TestWorkspace, settings: Record<string, unknown>) {
  const result = await api<AutomationSettings>("PUT", `/numbers/${ws.phoneNumberId}/automation`, { token: ws.adminToken, body: settings });
  if (result.status !== 200) throw new Error(`automation failed: ${JSON.stringify(result.body)}`);
  return result.body;
}

/** Runs the number's alarm until nothing is due now (the outbox sends, then automation acts). */
async function runAlarm(ws: TestWorkspace) {
  const stub = env.NUMBER_INBOX.getByName(ws.phoneNumberId);
  await runDurableObjectAlarm(stub);
  await tick(30);
}

/** Open or resolved: the "all" view lists open and pending conversations, "resolved" the rest. */
async function conversationOf(ws: TestWorkspace, phone: string): Promise<Conversation> {
  for (const view of ["all", "resolved"] as const) {
    const list = await api<{ conversations: Conversation[] }>("GET", `/numbers/${ws.phoneNumberId}/conversations?view=${view}`, { token: ws.adminToken });
    const found = list.body.conversations.find((c) => c.contact.waId === phone);
    if (found) return found;
  }
  throw new Error(`no conversation for ${phone}`);
}

async function shiftConversation(ws: TestWorkspace, conversationId: string, columns: Record<string, number>) {
  const stub = env.NUMBER_INBOX.getByName(ws.phoneNumberId);
  await runInDurableObject(stub, (_, state) => {
    for (const [column, value] of Object.entries(columns)) state.storage.sql.exec(`UPDATE conversations SET ${column} = ? WHERE id = ?`, value, Number(conversationId));
  });
}

describe("welcome and away messages", () => {
  it("a new customer's message delivered three times gets one welcome, in the customer's language", async () => {
    const ws = await createWorkspace(1);
    await automate(ws, {
      businessHours: open24h,
      welcome: { enabled: true, afterDays: null, text: { zh: "您好 {customer name}，欢迎联系 {number name}！", en: "Hi {customer name}, welcome to {number name}!" } },
    });
    const phone = `86${uniqueNumberId()}`;
    const body = customerMessage(ws.phoneNumberId, phone, "你好");
    const deliveries = await Promise.all([postWebhook(body), postWebhook(body), postWebhook(body)]);
    expect(deliveries.map((d) => d.status)).toEqual([200, 200, 200]);
    await runAlarm(ws);
    const sent = await sentTo(phone);
    expect(sent.map(textOf)).toEqual([`您好 Customer ${phone}，欢迎联系 Shop！`]);
    // A second message from the same customer is no first message.
    await postWebhook(customerMessage(ws.phoneNumberId, phone, "在吗"));
    await runAlarm(ws);
    expect(await sentTo(phone)).toHaveLength(1);
    const conversation = await conversationOf(ws, phone);
    const log = await messagesOf(ws.adminToken, ws.phoneNumberId, conversation.id);
    expect(log.filter((m) => m.direction === "out").map((m) => m.content.automation)).toEqual(["welcome"]);
  });

  it("outside business hours the away message says when the team is back, once per conversation in its interval", async () => {
    const ws = await createWorkspace(1);
    const a = ws.agents[0]!;
    const socket = await connectSocket(a.token, ws.phoneNumberId);
    await setStatus(a.token, "available");
    const tomorrow = new Date(Date.now() + 86_400_000).toLocaleDateString("en-CA", { timeZone: "Asia/Shanghai" });
    const todayShanghai = new Date().toLocaleDateString("en-CA", { timeZone: "Asia/Shanghai" });
    await automate(ws, {
      // Closed today (a holiday), open tomorrow 09:00–18:00 whatever weekday it is.
      businessHours: {
        timeZone: "Asia/Shanghai",
        weekly: Array.from({ length: 7 }, () => []),
        specialDates: [
          { date: todayShanghai, name: "公司年会", intervals: [] },
          { date: tomorrow, name: "值班", intervals: [{ start: "09:00", end: "18:00" }] },
        ],
      },
      defaultLanguage: "en",
      away: { enabled: true, whenNoAgentAvailable: true, everyHours: 12, text: { zh: "我们将于{back at}回复您。", en: "We are away and will reply {back at}." } },
    });
    const phone = `86${uniqueNumberId()}`;
    await postWebhook(customerMessage(ws.phoneNumberId, phone, "hello?"));
    await postWebhook(customerMessage(ws.phoneNumberId, phone, "anyone there?"));
    await runAlarm(ws);
    const sent = await sentTo(phone);
    expect(sent.map(textOf)).toEqual(["We are away and will reply from 09:00 tomorrow."]);
    socket.close();
  });

  it("inside business hours with nobody Available the away message says an agent will reply when free", async () => {
    const ws = await createWorkspace(1);
    await automate(ws, { businessHours: open24h, away: { enabled: true, whenNoAgentAvailable: true, everyHours: 12, text: { zh: "您好，我们将于{back at}回复您。", en: "x" } } });
    const phone = `86${uniqueNumberId()}`;
    await postWebhook(customerMessage(ws.phoneNumberId, phone, "在吗"));
    await runAlarm(ws);
    expect((await sentTo(phone)).map(textOf)).toEqual(["您好，我们将于客服空闲后马上回复您。"]);
  });
});

describe("queue updates", () => {
  it("tells each waiting customer their position and an estimate, then waits its interval", async () => {
    const ws = await createWorkspace(1);
    await automate(ws, {
      businessHours: open24h,
      queueUpdate: { enabled: true, afterMinutes: 5, everyMinutes: 10, text: { zh: "您排在第 {position} 位，预计等待 {wait}。", en: "x" } },
    });
    const phones = [`86${uniqueNumberId()}`, `86${uniqueNumberId()}`, `86${uniqueNumberId()}`];
    for (const [i, phone] of phones.entries()) {
      await postWebhook(customerMessage(ws.phoneNumberId, phone, `第 ${i + 1} 位`));
      const c = await conversationOf(ws, phone);
      // Waited 6, 7 and 8 minutes... in order of arrival: the first has waited longest.
      await shiftConversation(ws, c.id, { queued_at: Date.now() - (8 - i) * 60_000 });
    }
    await runAlarm(ws);
    for (const [i, phone] of phones.entries()) {
      expect((await sentTo(phone)).map(textOf)).toEqual([`您排在第 ${i + 1} 位，预计等待 几分钟。`]);
    }
    await runAlarm(ws);
    expect(await sentTo(phones[0]!)).toHaveLength(1);
  });
});

describe("no-reply nudge", () => {
  it("tells the agent, not the customer, before the no-reply reassignment takes the conversation", async () => {
    const ws = await createWorkspace(1);
    const a = ws.agents[0]!;
    await api("PUT", `/numbers/${ws.phoneNumberId}/routing`, { token: ws.adminToken, body: { rotation: [{ type: "agent", id: a.id }], noReplyMinutes: 5 } });
    await automate(ws, { businessHours: open24h, noReplyNudge: { enabled: true, beforeMinutes: 2 } });
    const socket = await connectSocket(a.token, ws.phoneNumberId);
    await setStatus(a.token, "available");
    const phone = `86${uniqueNumberId()}`;
    await postWebhook(customerMessage(ws.phoneNumberId, phone, "请问发票怎么开？"));
    const c = await conversationOf(ws, phone);
    // Waiting 2 minutes: nothing yet. Waiting 3: the nudge, once.
    await shiftConversation(ws, c.id, { awaiting_reply_since: Date.now() - 2 * 60_000 });
    await runAlarm(ws);
    expect(socket.events.some((e) => e.type === "notice" && e.kind === "no_reply_nudge")).toBe(false);
    await shiftConversation(ws, c.id, { awaiting_reply_since: Date.now() - 3 * 60_000 - 1_000 });
    await runAlarm(ws);
    await runAlarm(ws);
    const nudges = socket.events.filter((e) => e.type === "notice" && e.kind === "no_reply_nudge");
    expect(nudges).toHaveLength(1);
    expect(nudges[0]).toMatchObject({ text: expect.stringContaining("goes to a colleague in 2 min") });
    expect(await sentTo(phone)).toEqual([]);
    socket.close();
  });
});

describe("auto-resolve", () => {
  it("resolves a conversation whose customer went silent after the agent's answer, via the alarm, never an unassigned one", async () => {
    const ws = await createWorkspace(1);
    const a = ws.agents[0]!;
    await automate(ws, {
      businessHours: open24h,
      autoResolve: { enabled: true, afterMinutes: 30, closingText: { zh: "本次会话已结束，欢迎随时联系我们。", en: "x" } },
    });
    const socket = await connectSocket(a.token, ws.phoneNumberId);
    await setStatus(a.token, "available");
    const phone = `86${uniqueNumberId()}`;
    await postWebhook(customerMessage(ws.phoneNumberId, phone, "我的订单到了吗"));
    const c = await conversationOf(ws, phone);
    await api("POST", `/numbers/${ws.phoneNumberId}/conversations/${c.id}/messages`, { token: a.token, body: { type: "text", text: "已经发货了", clientId: crypto.randomUUID() } });
    await setStatus(a.token, "away");
    const queuedPhone = `86${uniqueNumberId()}`;
    await postWebhook(customerMessage(ws.phoneNumberId, queuedPhone, "没人吗"));
    const queued = await conversationOf(ws, queuedPhone);
    expect(queued.assigneeId).toBeNull();

    // 29 minutes of silence: not yet.
    await shiftConversation(ws, c.id, { last_inbound_at: Date.now() - 29 * 60_000 });
    await runAlarm(ws);
    expect((await conversationOf(ws, phone)).status).toBe("open");

    await shiftConversation(ws, c.id, { last_inbound_at: Date.now() - 31 * 60_000 });
    await shiftConversation(ws, queued.id, { last_inbound_at: Date.now() - 31 * 60_000 });
    await runAlarm(ws);
    const resolved = await conversationOf(ws, phone);
    expect(resolved).toMatchObject({ status: "resolved", resolveReason: "inactive" });
    expect((await sentTo(phone)).map(textOf)).toContain("本次会话已结束，欢迎随时联系我们。");
    const log = await messagesOf(ws.adminToken, ws.phoneNumberId, c.id);
    expect(log.find((m) => m.content.activity?.kind === "resolved")?.text).toMatch(/inactive: the customer was silent for 30 min/);
    expect(log.find((m) => m.content.activity?.kind === "resolved")?.content.activity?.reasonCode).toEqual({ code: "inactive", params: { minutes: 30 } });
    expect((await conversationOf(ws, queuedPhone)).status).toBe("open");
    socket.close();
  });
});

describe("satisfaction survey", () => {
  it("sent on resolve; a tap on 4 ★ is stored and credited; the follow-up comment too; the conversation stays resolved", async () => {
    const ws = await createWorkspace(1);
    const a = ws.agents[0]!;
    await automate(ws, { businessHours: open24h, csat: { enabled: true, question: { zh: "请为本次服务打分", en: "Rate us" }, thanks: { zh: "谢谢您的评价！", en: "Thanks!" } } });
    const socket = await connectSocket(a.token, ws.phoneNumberId);
    await setStatus(a.token, "available");
    const phone = `86${uniqueNumberId()}`;
    await postWebhook(customerMessage(ws.phoneNumberId, phone, "退货怎么办"));
    const c = await conversationOf(ws, phone);
    await api("POST", `/numbers/${ws.phoneNumberId}/conversations/${c.id}/resolve`, { token: a.token });
    await runAlarm(ws);

    const survey = (await sentTo(phone)).find((s) => s.body.type === "interactive")!;
    expect(survey).toBeDefined();
    const rows = (survey.body.interactive as { action: { sections: { rows: { id: string; title: string }[] }[] } }).action.sections[0]!.rows;
    expect(rows.map((r) => r.title)).toEqual(["★★★★★", "★★★★", "★★★", "★★", "★"]);
    const four = rows.find((r) => r.title === "★★★★")!;

    const tap = messagesChange(ws.phoneNumberId, {
      contacts: [{ profile: { name: `Customer ${phone}` }, wa_id: phone }],
      messages: [{ from: phone, id: unique("wamid.R"), timestamp: String(Math.floor(Date.now() / 1000)), type: "interactive", interactive: { type: "list_reply", list_reply: { id: four.id, title: four.title } } }],
    });
    await postWebhook(tap);
    await postWebhook(tap); // Meta redelivers: still one rating, one thank-you
    await postWebhook(customerMessage(ws.phoneNumberId, phone, "客服很耐心，就是物流慢了点"));
    await runAlarm(ws);

    const after = await conversationOf(ws, phone);
    expect(after.status).toBe("resolved");
    expect(after.assigneeId).toBe(a.id);
    expect(after.csat).toMatchObject({ stars: 4, agentId: a.id, comment: "客服很耐心，就是物流慢了点" });
    expect((await sentTo(phone)).filter((s) => textOf(s) === "谢谢您的评价！")).toHaveLength(1);
    const unassigned = await api<{ conversations: Conversation[] }>("GET", `/numbers/${ws.phoneNumberId}/conversations?view=unassigned`, { token: ws.adminToken });
    expect(unassigned.body.conversations).toEqual([]);
    const log = await messagesOf(ws.adminToken, ws.phoneNumberId, c.id);
    expect(log.find((m) => m.content.activity?.kind === "rated")?.text).toBe("★★★★ 4/5");
    expect(log.find((m) => m.content.activity?.kind === "rated")?.content.activity?.reasonCode).toEqual({ code: "rating", params: { stars: 4 } });

    // Later than ten minutes, the customer's message is a new request again: it reopens.
    await shiftConversation(ws, c.id, { csat_rated_at: Date.now() - 11 * 60_000 });
    await postWebhook(customerMessage(ws.phoneNumberId, phone, "还有一个问题"));
    expect((await conversationOf(ws, phone)).status).toBe("open");
    socket.close();
  });

  it("with the 24-hour window closed nothing is sent, and the skip is in the conversation's log", async () => {
    const ws = await createWorkspace(1);
    const a = ws.agents[0]!;
    await automate(ws, { businessHours: open24h, csat: { enabled: true, question: { zh: "请打分", en: "Rate" }, thanks: { zh: "谢谢", en: "Thanks" } } });
    await setStatus(a.token, "available");
    const socket = await connectSocket(a.token, ws.phoneNumberId);
    const phone = `86${uniqueNumberId()}`;
    await postWebhook(customerMessage(ws.phoneNumberId, phone, "你好"));
    const c = await conversationOf(ws, phone);
    await shiftConversation(ws, c.id, { last_inbound_at: Date.now() - 25 * 3600_000 });
    await api("POST", `/numbers/${ws.phoneNumberId}/conversations/${c.id}/resolve`, { token: a.token });
    await runAlarm(ws);
    expect(await sentTo(phone)).toEqual([]);
    const log: Message[] = await messagesOf(ws.adminToken, ws.phoneNumberId, c.id);
    expect(log.find((m) => m.kind === "automation_skipped")?.text).toBe("Satisfaction survey not sent: the 24-hour window is closed");
    expect(log.find((m) => m.kind === "automation_skipped")?.content.activity?.reasonCode).toEqual({ code: "not_sent", params: { automation: "csat", problem: "window_closed" } });
    expect((await conversationOf(ws, phone)).csat).toBeNull();
    socket.close();
  });
});

describe("automation settings", () => {
  it("are validated, need a supervisor, and say what is wrong", async () => {
    const ws = await createWorkspace(1);
    const bad = await api<{ error: { message: string } }>("PUT", `/numbers/${ws.phoneNumberId}/automation`, {
      token: ws.adminToken,
      body: { businessHours: { timeZone: "Mars/Olympus", weekly: alwaysClosed.weekly, specialDates: [] } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/timeZone/);
    const minute = await api<{ error: { message: string } }>("PUT", `/numbers/${ws.phoneNumberId}/automation`, {
      token: ws.adminToken,
      body: { autoResolve: { enabled: true, afterMinutes: 5000, closingText: { zh: "", en: "" } } },
    });
    expect(minute.body.error.message).toMatch(/72 hours/);
    expect((await api("PUT", `/numbers/${ws.phoneNumberId}/automation`, { token: ws.agents[0]!.token, body: {} })).status).toBe(403);
  });
});
