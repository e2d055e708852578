import { env, runDurableObjectAlarm, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Board, Report } from "../../shared/analytics";
import type { Conversation } from "../../shared/inbox";
import { parseCsv } from "../../shared/csv";
import { api, BASE, connectNumber, connectSocket, createWorkspace, messagesChange, postWebhook, setStatus, tick, unique, uniqueNumberId, type TestWorkspace } from "./helpers";

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * When a scripted stretch of `span` can start inside one Shanghai day (UTC+8, no daylight saving): now, unless it
 * would cross midnight there, and then just after that midnight. From the real clock alone the scenario crossed
 * midnight whenever the suite ran after 23:29 in Shanghai, and the board's "today" rightly split its resolutions.
 * Only forward: the number's presence log, like the runtime's clock, never goes back.
 */
function startWithinOneShanghaiDay(span: number, now = Date.now()): number {
  const shanghaiMidnightAsUtc = -8 * HOUR;
  const nextMidnight = Math.floor((now - shanghaiMidnightAsUtc) / DAY) * DAY + shanghaiMidnightAsUtc + DAY;
  return now + span < nextMidnight ? now : nextMidnight + MINUTE;
}

/**
 * The numbers' clocks stopped and moved by the test (the deployment under test allows it), and customer messages
 * stamped on that clock, so a scenario of half an hour runs in moments through the real objects, to the second.
 */
class Clock {
  private at: number;
  constructor(
    private readonly phoneNumberIds: string[],
    startAt = Date.now(),
  ) {
    this.at = Math.floor(startAt / 1000) * 1000;
  }
  now() {
    return this.at;
  }
  async set(at: number) {
    this.at = at;
    for (const id of this.phoneNumberIds) await env.NUMBER_INBOX.getByName(id).setClockForTests(at);
  }
  async advance(ms: number) {
    await this.set(this.at + ms);
  }
  async release() {
    for (const id of this.phoneNumberIds) await env.NUMBER_INBOX.getByName(id).setClockForTests(null);
  }
}

async function customerWrites(clock: Clock, phoneNumberId: string, phone: string, message: Record<string, unknown>) {
  const body = messagesChange(phoneNumberId, {
    contacts: [{ profile: { name: `Customer ${phone.slice(-4)}` }, wa_id: phone }],
    messages: [{ from: phone, id: unique("wamid.A"), timestamp: String(Math.floor(clock.now() / 1000)), ...message }],
  });
  expect((await postWebhook(body)).status).toBe(200);
}
const text = (body: string) => ({ type: "text", text: { body } });

async function conversationOf(ws: TestWorkspace, phone: string, phoneNumberId = ws.phoneNumberId): Promise<Conversation> {
  for (const view of ["all", "resolved"] as const) {
    const list = await api<{ conversations: Conversation[] }>("GET", `/numbers/${phoneNumberId}/conversations?view=${view}`, { token: ws.adminToken });
    const found = list.body.conversations.find((c) => c.contact.waId === phone);
    if (found) return found;
  }
  throw new Error(`no conversation for ${phone}`);
}

async function reply(ws: TestWorkspace, token: string, conversation: Conversation, body: string) {
  const sent = await api("POST", `/numbers/${ws.phoneNumberId}/conversations/${conversation.id}/messages`, { token, body: { type: "text", text: body, clientId: crypto.randomUUID() } });
  expect(sent.status).toBe(200);
}

async function tapStars(clock: Clock, ws: TestWorkspace, phone: string, conversation: Conversation, stars: number) {
  const id = `csat:${conversation.id}:${stars}`;
  await customerWrites(clock, ws.phoneNumberId, phone, { type: "interactive", interactive: { type: "list_reply", list_reply: { id, title: "★".repeat(stars) } } });
}

async function report(ws: TestWorkspace, query: Record<string, string | number>) {
  const qs = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)]));
  const json = await api<Report>("GET", `/reports?${qs}`, { token: ws.adminToken });
  expect(json.status).toBe(200);
  const csv = async (table: string) => {
    const response = await SELF.fetch(`${BASE}/api/reports/export.csv?${qs}&table=${table}`, { headers: { authorization: `Bearer ${ws.adminToken}` } });
    const rows = parseCsv(await response.text());
    return rows.slice(1).map((r) => Object.fromEntries(rows[0]!.map((h, i) => [h, r[i]])));
  };
  return { report: json.body, csv };
}

describe("analytics: a scripted day through the real objects", () => {
  it("every figure equals the hand-computed value, on screen (JSON) and in the CSV", async () => {
    const ws = await createWorkspace(2);
    const [a, b] = ws.agents as [TestWorkspace["agents"][0], TestWorkspace["agents"][0]];
    const clock = new Clock([ws.phoneNumberId], startWithinOneShanghaiDay(40 * MINUTE));
    await clock.advance(0);
    await api("PUT", `/numbers/${ws.phoneNumberId}/automation`, {
      token: ws.adminToken,
      body: {
        businessHours: { timeZone: "Asia/Shanghai", weekly: Array.from({ length: 7 }, () => [{ start: "00:00", end: "00:00" }]), specialDates: [] },
        autoResolve: { enabled: true, afterMinutes: 30, closingText: { zh: "", en: "" } },
        csat: { enabled: true, question: { zh: "请打分", en: "Rate us" }, thanks: { zh: "谢谢", en: "Thanks" } },
      },
    });
    const sockets = [await connectSocket(a.token, ws.phoneNumberId), await connectSocket(b.token, ws.phoneNumberId)];
    await setStatus(a.token, "available");
    await setStatus(b.token, "available");
    const start = clock.now();
    const [p1, p2, p3] = [`86${uniqueNumberId()}`, `86${uniqueNumberId()}`, `86${uniqueNumberId()}`];

    // T+0 customer 1 → A; A answers after 10 s.
    await customerWrites(clock, ws.phoneNumberId, p1, text("我的快递到哪了？"));
    const c1 = await conversationOf(ws, p1);
    expect(c1.assigneeId).toBe(a.id);
    await clock.advance(10 * SECOND);
    await reply(ws, a.token, c1, "正在查询");
    // T+10 customer 2 → B; B answers after 20 s.
    await customerWrites(clock, ws.phoneNumberId, p2, text("能开发票吗？"));
    const c2 = await conversationOf(ws, p2);
    expect(c2.assigneeId).toBe(b.id);
    await clock.advance(20 * SECOND);
    await reply(ws, b.token, c2, "可以的");
    // T+30 customer 3 → A; A answers after 90 s, then transfers it to B.
    await customerWrites(clock, ws.phoneNumberId, p3, text("退货流程是什么？"));
    const c3 = await conversationOf(ws, p3);
    expect(c3.assigneeId).toBe(a.id);
    await clock.advance(90 * SECOND);
    await reply(ws, a.token, c3, "我帮您转给售后同事");
    expect((await api("POST", `/numbers/${ws.phoneNumberId}/conversations/${c3.id}/transfer`, { token: a.token, body: { toAgentId: b.id } })).status).toBe(200);
    // T+120 A resolves customer 1 (resolution 120 s), who rates 5 ★ at T+150.
    await api("POST", `/numbers/${ws.phoneNumberId}/conversations/${c1.id}/resolve`, { token: a.token });
    await clock.advance(30 * SECOND);
    await tapStars(clock, ws, p1, c1, 5);
    // T+150 B resolves customer 2 (resolution 140 s), who rates 3 ★ at T+180.
    await api("POST", `/numbers/${ws.phoneNumberId}/conversations/${c2.id}/resolve`, { token: b.token });
    await clock.advance(30 * SECOND);
    await tapStars(clock, ws, p2, c2, 3);
    // T+180 A goes Away for 15 minutes.
    await setStatus(a.token, "away");
    await clock.advance(15 * MINUTE);
    await setStatus(a.token, "available");
    // T+1840 customer 3 has been silent 30 min since T+30: auto-resolved by the alarm (resolution 1810 s).
    await clock.set(start + 1840 * SECOND);
    await runDurableObjectAlarm(env.NUMBER_INBOX.getByName(ws.phoneNumberId));
    expect(await conversationOf(ws, p3)).toMatchObject({ status: "resolved", resolveReason: "inactive", assigneeId: b.id });
    const end = clock.now();
    await tick(50);

    const { report: r, csv } = await report(ws, { from: start - MINUTE, to: end + MINUTE, bucket: "hour" });
    expect(r.totals).toEqual({
      conversations_new: 3,
      conversations_reopened: 0,
      conversations_resolved: 3,
      conversations_transferred: 1,
      conversations_auto_resolved: 1,
      messages_in: 5, // three questions and two ratings
      messages_out: 3,
      messages_auto: 5, // three surveys, two thank-yous
    });
    const s = (ms: number | null) => (ms === null ? null : Math.round(ms / 1000));
    expect([s(r.firstResponse.medianMs), s(r.firstResponse.p90Ms), r.firstResponse.count]).toEqual([20, 90, 3]);
    expect([s(r.resolution.medianMs), s(r.resolution.p90Ms), r.resolution.count]).toEqual([140, 1810, 3]);
    expect(r.csat).toEqual({ responses: 2, average: 4, satisfiedShare: 0.5 });

    const agentA = r.agents.find((x) => x.id === a.id)!;
    const agentB = r.agents.find((x) => x.id === b.id)!;
    expect([agentA.resolved, s(agentA.firstResponse.medianMs), s(agentA.firstResponse.p90Ms), agentA.csat.average]).toEqual([1, 50, 90, 5]);
    expect([agentB.resolved, s(agentB.firstResponse.medianMs), s(agentB.resolution.medianMs), s(agentB.resolution.p90Ms), agentB.csat.average]).toEqual([2, 20, 975, 1810, 3]);
    expect(agentA.assignments).toEqual({ round_robin: 2 });
    expect(agentB.assignments).toEqual({ round_robin: 1, transfer: 1 });
    expect(Math.round(agentA.awayMs / SECOND)).toBe(900);
    // Worth a look: the slowest first response first, and the 3 ★ rating.
    expect(r.notable[0]).toMatchObject({ conversationId: c3.id, firstResponseMs: 90 * SECOND, agentId: a.id });
    expect(r.notable.find((n) => n.csatStars !== null)).toMatchObject({ conversationId: c2.id, csatStars: 3, contactName: `Customer ${p2.slice(-4)}` });

    // The CSV carries the very same values.
    const agentsCsv = await csv("agents");
    expect(agentsCsv.find((row) => row.agent === "Agent A")).toMatchObject({
      resolved: "1",
      replies: "2",
      "first response median s": "50",
      "first response p90 s": "90",
      "resolution median s": "120",
      "csat average": "5.00",
      "csat 4-5 share": "100%",
      "away min": "15",
      assignments: "round_robin 2",
    });
    expect(agentsCsv.find((row) => row.agent === "Agent B")).toMatchObject({ resolved: "2", "resolution median s": "975", "resolution p90 s": "1810", "csat average": "3.00" });
    const overview = await csv("overview");
    expect(overview.find((row) => row.bucket === "total")).toMatchObject({ conversations_new: "3", conversations_resolved: "3", conversations_transferred: "1", conversations_auto_resolved: "1", messages_auto: "5" });
    const numbers = await csv("numbers");
    expect(numbers[0]).toMatchObject({ new: "3", "first response median s": "20", "first response p90 s": "90", "csat responses": "2", "csat average": "4.00", "csat 4-5 share": "50%" });

    // The live board counts today's figures from the same records.
    const board = await api<Board>("GET", "/board", { token: ws.adminToken });
    const today = board.body.numbers[0]!;
    expect(today).toMatchObject({ open: 0, waiting: 0, agents: { available: 2, away: 0, offline: 0 } });
    expect(today.today.resolved).toBe(3);
    expect(today.today.csatStars.sort()).toEqual([3, 5]);
    for (const socket of sockets) socket.close();
    await clock.release();
  });

  it("a supervisor's board is pushed over the socket within a second of a change", async () => {
    const ws = await createWorkspace(1);
    const clock = new Clock([ws.phoneNumberId]);
    const supervisor = await connectSocket(ws.adminToken, ws.phoneNumberId);
    await customerWrites(clock, ws.phoneNumberId, `86${uniqueNumberId()}`, text("在吗"));
    const deadline = Date.now() + 1000;
    while (Date.now() < deadline && !supervisor.events.some((e) => e.type === "board" && e.board.waiting === 1)) await tick(25);
    const pushed = supervisor.events.filter((e) => e.type === "board");
    expect(pushed.at(-1)).toMatchObject({ type: "board", board: { waiting: 1, open: 1 } });
    // The agent's own panel gets no board.
    const agent = await connectSocket(ws.agents[0]!.token, ws.phoneNumberId);
    await customerWrites(clock, ws.phoneNumberId, `86${uniqueNumberId()}`, text("有人吗"));
    await tick(300);
    expect(agent.events.some((e) => e.type === "board")).toBe(false);
    supervisor.close();
    agent.close();
  });
});

describe("analytics: buckets on the workspace's clock", () => {
  it("two numbers, New York then Shanghai, across the 1 November 2026 daylight-saving change", async () => {
    const ws = await createWorkspace(0);
    const second = uniqueNumberId();
    expect((await connectNumber(ws.adminToken, second, { displayName: "Returns" })).status).toBe(200);
    const clock = new Clock([ws.phoneNumberId, second]);
    await api("PUT", "/workspace/settings", { token: ws.adminToken, body: { timeZone: "America/New_York" } });
    // 00:30 EDT on 1 November, 23:30 EST the same local day (25 hours long), 00:30 EST on 2 November.
    await clock.set(Date.parse("2026-11-01T04:30:00Z"));
    await customerWrites(clock, ws.phoneNumberId, `1${uniqueNumberId()}`, text("first"));
    await clock.set(Date.parse("2026-11-02T04:30:00Z"));
    await customerWrites(clock, second, `1${uniqueNumberId()}`, text("second"));
    await clock.set(Date.parse("2026-11-02T05:30:00Z"));
    await customerWrites(clock, ws.phoneNumberId, `1${uniqueNumberId()}`, text("third"));

    const range = { from: Date.parse("2026-10-31T04:00:00Z"), to: Date.parse("2026-11-03T05:00:00Z"), bucket: "day" };
    const ny = (await report(ws, range)).report;
    expect(ny.buckets.map((b) => b.label)).toEqual(["10-31", "11-01", "11-02"]);
    expect(ny.buckets[2]!.start - ny.buckets[1]!.start).toBe(25 * 3600_000);
    expect(ny.series.conversations_new).toEqual([0, 2, 1]);
    expect(ny.numbers.map((n) => n.totals.conversations_new)).toEqual([2, 1]);

    await api("PUT", "/workspace/settings", { token: ws.adminToken, body: { timeZone: "Asia/Shanghai" } });
    const shanghai = (await report(ws, range)).report;
    // 12:30 on 1 November, 12:30 and 13:30 on 2 November in Shanghai.
    expect(shanghai.buckets.map((b) => b.label)).toEqual(["10-31", "11-01", "11-02", "11-03"]);
    expect(shanghai.series.conversations_new).toEqual([0, 1, 2, 0]);
    await clock.release();
  });

  it("refuses agents, and ranges that make no sense, with a sentence", async () => {
    const ws = await createWorkspace(1);
    expect((await api("GET", `/reports?from=1&to=2`, { token: ws.agents[0]!.token })).status).toBe(403);
    const backwards = await api<{ error: { message: string } }>("GET", `/reports?from=2000&to=1000`, { token: ws.adminToken });
    expect(backwards.status).toBe(400);
    expect(backwards.body.error.message).toMatch(/to must be after from/);
    const tooLong = await api<{ error: { message: string } }>("GET", `/reports?from=1&to=${400 * 86_400_000}`, { token: ws.adminToken });
    expect(tooLong.body.error.message).toMatch(/at most one year/);
  });
});
