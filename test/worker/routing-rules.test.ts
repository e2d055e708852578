import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Message } from "../../shared/inbox";
import {
  api,
  connectSocket,
  conversationOfCustomer,
  conversationsOf,
  createTeam,
  createWorkspace,
  customerMessage,
  messagesOf,
  newCustomerWrites,
  postWebhook,
  setRouting,
  setStatus,
  tick,
} from "./helpers";

type Agent = { id: string; token: string };
type ErrorBody = { error: { message: string } };

async function readyAgents(count: number) {
  const ws = await createWorkspace(count);
  const sockets = new Map<string, Awaited<ReturnType<typeof connectSocket>>>();
  for (const agent of ws.agents) {
    sockets.set(agent.id, await connectSocket(agent.token, ws.phoneNumberId));
    await setStatus(agent.token, "available");
  }
  const closeAll = () => sockets.forEach((s) => s.close());
  return { ws, agents: ws.agents as Agent[], sockets, closeAll };
}

const inbox = (phoneNumberId: string) => env.NUMBER_INBOX.getByName(phoneNumberId);
const sql = <T>(phoneNumberId: string, fn: (sql: SqlStorage) => T) => runInDurableObject(inbox(phoneNumberId), (_, state) => fn(state.storage.sql));

describe("presence with a grace period", () => {
  it("a socket dropped and reconnected inside the grace keeps the agent's conversations and rotation slot", async () => {
    const { ws, agents, sockets, closeAll } = await readyAgents(2);
    const [a, b] = agents as [Agent, Agent];
    const first = await newCustomerWrites(ws.phoneNumberId); // → A
    sockets.get(a.id)!.close();
    await tick(50);
    // A's panel is reloading: inside the grace period nothing changes.
    const second = await newCustomerWrites(ws.phoneNumberId); // → B
    const third = await newCustomerWrites(ws.phoneNumberId); // → A again: their turn, although disconnected
    expect((await conversationOfCustomer(ws.adminToken, ws.phoneNumberId, first)).assigneeId).toBe(a.id);
    expect((await conversationOfCustomer(ws.adminToken, ws.phoneNumberId, second)).assigneeId).toBe(b.id);
    expect((await conversationOfCustomer(ws.adminToken, ws.phoneNumberId, third)).assigneeId).toBe(a.id);
    sockets.set(a.id, await connectSocket(a.token, ws.phoneNumberId));
    await runDurableObjectAlarm(inbox(ws.phoneNumberId));
    expect((await conversationsOf(a.token, ws.phoneNumberId)).length).toBe(2);
    closeAll();
  });

  it("past the grace the agent is offline for routing: new and queued conversations go to others", async () => {
    const { ws, agents, sockets, closeAll } = await readyAgents(2);
    const [a, b] = agents as [Agent, Agent];
    const admin = await connectSocket(ws.adminToken, ws.phoneNumberId);
    sockets.get(a.id)!.close();
    await tick(50);
    // The grace period (60 s by default) has passed.
    await sql(ws.phoneNumberId, (s) => s.exec("UPDATE members SET disconnected_at = ? WHERE id = ?", Date.now() - 61_000, a.id));
    await runDurableObjectAlarm(inbox(ws.phoneNumberId));
    await tick();
    expect(admin.events).toContainEqual(expect.objectContaining({ type: "agent_status", agentId: a.id, connected: false, present: false }));
    const phones = [await newCustomerWrites(ws.phoneNumberId), await newCustomerWrites(ws.phoneNumberId)];
    for (const phone of phones) expect((await conversationOfCustomer(ws.adminToken, ws.phoneNumberId, phone)).assigneeId).toBe(b.id);
    // When they reconnect, their chosen status (Available) returns and they take work again.
    sockets.set(a.id, await connectSocket(a.token, ws.phoneNumberId));
    const next = await newCustomerWrites(ws.phoneNumberId);
    expect((await conversationOfCustomer(ws.adminToken, ws.phoneNumberId, next)).assigneeId).toBe(a.id);
    admin.close();
    closeAll();
  });

  it("uses the workspace's grace period and pushes status changes to supervisors live", async () => {
    const { ws, agents, sockets, closeAll } = await readyAgents(1);
    const [a] = agents as [Agent];
    const admin = await connectSocket(ws.adminToken, ws.phoneNumberId);
    expect((await api("PUT", "/workspace/settings", { token: ws.adminToken, body: { graceSeconds: 1 } })).status).toBe(200);
    await setStatus(a.token, "away");
    await tick();
    expect(admin.events).toContainEqual(expect.objectContaining({ type: "agent_status", agentId: a.id, status: "away" }));
    await setStatus(a.token, "available");
    sockets.get(a.id)!.close();
    await tick(1200);
    await runDurableObjectAlarm(inbox(ws.phoneNumberId));
    const phone = await newCustomerWrites(ws.phoneNumberId);
    expect((await conversationOfCustomer(ws.adminToken, ws.phoneNumberId, phone)).assigneeId).toBeNull();
    admin.close();
    closeAll();
  });
});

describe("rotation of agents and teams", () => {
  it("team members join and leave the rotation with the team", async () => {
    const { ws, agents, closeAll } = await readyAgents(3);
    const [a, b, c] = agents as [Agent, Agent, Agent];
    const team = await createTeam(ws.adminToken, "售前", [b.id, c.id]);
    await setRouting(ws.adminToken, ws.phoneNumberId, { rotation: [{ type: "agent", id: a.id }, { type: "team", id: team }] });
    const assignees = async (n: number) => {
      const out: (string | null)[] = [];
      for (let i = 0; i < n; i++) out.push((await conversationOfCustomer(ws.adminToken, ws.phoneNumberId, await newCustomerWrites(ws.phoneNumberId))).assigneeId);
      return out;
    };
    expect(await assignees(3)).toEqual([a.id, b.id, c.id]);
    // C leaves the team: the very next conversation follows, no restart.
    expect((await api("PUT", `/teams/${team}`, { token: ws.adminToken, body: { name: "售前", memberIds: [b.id] } })).status).toBe(200);
    expect(await assignees(4)).toEqual([a.id, b.id, a.id, b.id]);
    closeAll();
  });
});

describe("sticky agent", () => {
  it("gives a returning customer to the agent who served them, when that agent can take it", async () => {
    const { ws, agents, closeAll } = await readyAgents(2);
    const [a, b] = agents as [Agent, Agent];
    await setRouting(ws.adminToken, ws.phoneNumberId, { rotation: [], sticky: { enabled: true, windowDays: 30 }, reopenWithinHours: 0 });
    const phone = await newCustomerWrites(ws.phoneNumberId); // → A
    const first = await conversationOfCustomer(ws.adminToken, ws.phoneNumberId, phone);
    expect(first.assigneeId).toBe(a.id);
    const path = `/numbers/${ws.phoneNumberId}/conversations/${first.id}`;
    await api("POST", `${path}/messages`, { token: a.token, body: { type: "text", text: "已为您处理", clientId: crypto.randomUUID() } });
    expect((await api("POST", `${path}/resolve`, { token: a.token })).status).toBe(200);
    await newCustomerWrites(ws.phoneNumberId); // → B (round robin moved on)
    await tick(5);
    await postWebhook(customerMessage(ws.phoneNumberId, phone, "我又来了"));
    const all = (await conversationsOf(ws.adminToken, ws.phoneNumberId, "all")).filter((c) => c.contact.waId === phone);
    const latest = all.sort((x, y) => Number(y.id) - Number(x.id))[0]!;
    expect(latest.id).not.toBe(first.id);
    expect(latest.assigneeId).toBe(a.id);
    expect(latest.assignmentReason).toMatch(/^sticky: served/);

    // Sticky never overrides unavailability: A is Away, so the next return goes round robin.
    await api("POST", `/numbers/${ws.phoneNumberId}/conversations/${latest.id}/resolve`, { token: a.token });
    await setStatus(a.token, "away");
    await tick(5);
    await postWebhook(customerMessage(ws.phoneNumberId, phone, "还有一个问题"));
    const third = (await conversationsOf(ws.adminToken, ws.phoneNumberId, "all")).filter((c) => c.contact.waId === phone).sort((x, y) => Number(y.id) - Number(x.id))[0]!;
    expect(third.assigneeId).toBe(b.id);
    expect(third.assignmentReason).toBe("round robin");
    closeAll();
  });
});

describe("capacity and the queue", () => {
  it("skips agents at capacity, queues, and drains the moment capacity frees", async () => {
    const { ws, agents, closeAll } = await readyAgents(2);
    const [a, b] = agents as [Agent, Agent];
    for (const agent of [a, b]) expect((await api("PUT", `/people/${agent.id}`, { token: ws.adminToken, body: { capacity: 1 } })).status).toBe(200);
    const phones = [await newCustomerWrites(ws.phoneNumberId), await newCustomerWrites(ws.phoneNumberId), await newCustomerWrites(ws.phoneNumberId), await newCustomerWrites(ws.phoneNumberId)];
    const state = async () => Promise.all(phones.map(async (p) => (await conversationOfCustomer(ws.adminToken, ws.phoneNumberId, p)).assigneeId));
    expect(await state()).toEqual([a.id, b.id, null, null]);
    const queue = await conversationsOf(ws.adminToken, ws.phoneNumberId, "unassigned");
    expect(queue.map((c) => c.contact.waId)).toEqual([phones[2], phones[3]]); // longest waiting first
    const aConversation = await conversationOfCustomer(ws.adminToken, ws.phoneNumberId, phones[0]!);
    await api("POST", `/numbers/${ws.phoneNumberId}/conversations/${aConversation.id}/resolve`, { token: a.token });
    const drained = await conversationOfCustomer(ws.adminToken, ws.phoneNumberId, phones[2]!);
    expect(drained.assigneeId).toBe(a.id);
    expect(drained.assignmentReason).toMatch(/^queued \d+ s, an agent became free$/);
    expect((await conversationOfCustomer(ws.adminToken, ws.phoneNumberId, phones[3]!)).assigneeId).toBeNull();
    // Raising capacity frees room too.
    await api("PUT", `/people/${b.id}`, { token: ws.adminToken, body: { capacity: 2 } });
    expect((await conversationOfCustomer(ws.adminToken, ws.phoneNumberId, phones[3]!)).assigneeId).toBe(b.id);
    closeAll();
  });
});

describe("reopen", () => {
  it("a customer writing into a resolved conversation of an Away agent reopens it with an Available one", async () => {
    const { ws, agents, closeAll } = await readyAgents(2);
    const [a, b] = agents as [Agent, Agent];
    const phone = await newCustomerWrites(ws.phoneNumberId);
    const conversation = await conversationOfCustomer(ws.adminToken, ws.phoneNumberId, phone);
    expect(conversation.assigneeId).toBe(a.id);
    await api("POST", `/numbers/${ws.phoneNumberId}/conversations/${conversation.id}/resolve`, { token: a.token });
    await setStatus(a.token, "away");
    await postWebhook(customerMessage(ws.phoneNumberId, phone, "东西还没收到"));
    const reopened = await conversationOfCustomer(ws.adminToken, ws.phoneNumberId, phone);
    expect(reopened.id).toBe(conversation.id);
    expect(reopened.status).toBe("open");
    expect(reopened.assigneeId).toBe(b.id);
    const activity = (await messagesOf(ws.adminToken, ws.phoneNumberId, conversation.id)).filter((m) => m.direction === "activity").map((m) => m.kind);
    expect(activity).toEqual(["assigned", "resolved", "reopened", "assigned"]);
    closeAll();
  });

  it("stays with its agent when they can take it", async () => {
    const { ws, agents, closeAll } = await readyAgents(2);
    const [a] = agents as [Agent];
    const phone = await newCustomerWrites(ws.phoneNumberId);
    const conversation = await conversationOfCustomer(ws.adminToken, ws.phoneNumberId, phone);
    await api("POST", `/numbers/${ws.phoneNumberId}/conversations/${conversation.id}/resolve`, { token: a.token });
    await postWebhook(customerMessage(ws.phoneNumberId, phone, "再问一下"));
    const reopened = await conversationOfCustomer(ws.adminToken, ws.phoneNumberId, phone);
    expect(reopened).toMatchObject({ status: "open", assigneeId: a.id, assignmentReason: "reopened by the customer, same agent" });
    closeAll();
  });
});

describe("no-reply reassignment", () => {
  it("is off by default, and when set routes again via the alarm and tells both agents", async () => {
    const { ws, agents, sockets, closeAll } = await readyAgents(2);
    const [a, b] = agents as [Agent, Agent];
    const phone = await newCustomerWrites(ws.phoneNumberId);
    const conversation = await conversationOfCustomer(ws.adminToken, ws.phoneNumberId, phone);
    const backdate = () =>
      sql(ws.phoneNumberId, (s) => s.exec("UPDATE conversations SET awaiting_reply_since = ? WHERE id = ?", Date.now() - 3 * 60_000, Number(conversation.id)));
    await backdate();
    await runDurableObjectAlarm(inbox(ws.phoneNumberId));
    expect((await conversationOfCustomer(ws.adminToken, ws.phoneNumberId, phone)).assigneeId).toBe(a.id);

    await setRouting(ws.adminToken, ws.phoneNumberId, { rotation: [], noReplyMinutes: 2 });
    await backdate();
    expect(await runDurableObjectAlarm(inbox(ws.phoneNumberId))).toBe(true);
    const moved = await conversationOfCustomer(ws.adminToken, ws.phoneNumberId, phone);
    expect(moved.assigneeId).toBe(b.id);
    expect(moved.assignmentReason).toBe("no reply from Agent A in 2 min");
    await tick();
    expect(sockets.get(b.id)!.events).toContainEqual(expect.objectContaining({ type: "notice", kind: "reassigned_no_reply", conversationId: conversation.id }));
    expect(sockets.get(a.id)!.events).toContainEqual(expect.objectContaining({ type: "notice", kind: "unassigned", conversationId: conversation.id }));
    // An answer stops the timer.
    await api("POST", `/numbers/${ws.phoneNumberId}/conversations/${conversation.id}/messages`, {
      token: b.token,
      body: { type: "text", text: "我来帮您", clientId: crypto.randomUUID() },
    });
    const waiting = await sql(ws.phoneNumberId, (s) => s.exec<{ w: number | null }>("SELECT awaiting_reply_since AS w FROM conversations WHERE id = ?", Number(conversation.id)).one().w);
    expect(waiting).toBeNull();
    closeAll();
  });
});

describe("transfer", () => {
  it("to an agent: activity with the note, the new assignee told live; an Away agent needs a supervisor's force", async () => {
    const { ws, agents, sockets, closeAll } = await readyAgents(3);
    const [a, b, c] = agents as [Agent, Agent, Agent];
    const phone = await newCustomerWrites(ws.phoneNumberId);
    const conversation = await conversationOfCustomer(ws.adminToken, ws.phoneNumberId, phone);
    const path = `/numbers/${ws.phoneNumberId}/conversations/${conversation.id}/transfer`;
    const moved = await api<{ assigneeId: string; assignmentReason: string }>("POST", path, {
      token: a.token,
      body: { toAgentId: b.id, note: "客户要开发票" },
    });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ assigneeId: b.id, assignmentReason: "transfer by Agent A" });
    await tick();
    expect(sockets.get(b.id)!.events).toContainEqual(
      expect.objectContaining({ type: "notice", kind: "transferred_in", text: expect.stringContaining("客户要开发票") }),
    );
    const log = (await messagesOf(ws.adminToken, ws.phoneNumberId, conversation.id)).filter((m: Message) => m.direction === "activity");
    expect(log.at(-1)?.content.activity).toMatchObject({ kind: "transferred", agentId: b.id, actorId: a.id, note: "客户要开发票" });

    await setStatus(c.token, "away");
    const refused = await api<ErrorBody>("POST", path, { token: b.token, body: { toAgentId: c.id } });
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toBe("Agent C is Away; pick someone Available");
    expect((await api("POST", path, { token: b.token, body: { toAgentId: c.id, force: true } })).status).toBe(403);
    const forced = await api<{ assigneeId: string }>("POST", path, { token: ws.adminToken, body: { toAgentId: c.id, force: true } });
    expect(forced.body.assigneeId).toBe(c.id);
    // A is no longer the owner and may not transfer it.
    expect((await api("POST", path, { token: a.token, body: { toAgentId: a.id } })).status).toBe(403);
    closeAll();
  });

  it("to a team: routed inside the team, or waits for it", async () => {
    const { ws, agents, closeAll } = await readyAgents(3);
    const [a, b, c] = agents as [Agent, Agent, Agent];
    const afterSales = await createTeam(ws.adminToken, "售后", [c.id]);
    await setRouting(ws.adminToken, ws.phoneNumberId, { rotation: [{ type: "agent", id: a.id }, { type: "agent", id: b.id }] });
    const phone = await newCustomerWrites(ws.phoneNumberId);
    const conversation = await conversationOfCustomer(ws.adminToken, ws.phoneNumberId, phone);
    const path = `/numbers/${ws.phoneNumberId}/conversations/${conversation.id}/transfer`;
    const moved = await api<{ assigneeId: string; assignmentReason: string }>("POST", path, { token: a.token, body: { toTeamId: afterSales, note: "退货" } });
    expect(moved.body).toMatchObject({ assigneeId: c.id, assignmentReason: "transfer to team 售后 by Agent A" });

    await setStatus(c.token, "away");
    const second = await conversationOfCustomer(ws.adminToken, ws.phoneNumberId, await newCustomerWrites(ws.phoneNumberId));
    const waiting = await api<{ assigneeId: string | null; teamId: string }>("POST", `/numbers/${ws.phoneNumberId}/conversations/${second.id}/transfer`, {
      token: ws.adminToken,
      body: { toTeamId: afterSales },
    });
    expect(waiting.body).toMatchObject({ assigneeId: null, teamId: afterSales });
    await setStatus(c.token, "available");
    expect((await conversationOfCustomer(ws.adminToken, ws.phoneNumberId, phone)).assigneeId).toBe(c.id);
    expect((await conversationOfCustomer(ws.adminToken, ws.phoneNumberId, second.contact.waId!)).assigneeId).toBe(c.id);
    void b;
    closeAll();
  });
});

describe("claiming from the queue", () => {
  it("two agents claiming at once: exactly one owner, the other is told who has it", async () => {
    const ws = await createWorkspace(2);
    const [a, b] = ws.agents as unknown as [Agent, Agent];
    const phone = await newCustomerWrites(ws.phoneNumberId);
    const conversation = await conversationOfCustomer(ws.adminToken, ws.phoneNumberId, phone);
    expect(conversation.assigneeId).toBeNull();
    const path = `/numbers/${ws.phoneNumberId}/conversations/${conversation.id}/claim`;
    const [ra, rb] = await Promise.all([api<ErrorBody>("POST", path, { token: a.token }), api<ErrorBody>("POST", path, { token: b.token })]);
    expect([ra.status, rb.status].sort()).toEqual([200, 409]);
    const loser = ra.status === 409 ? ra : rb;
    expect(loser.body.error.message).toMatch(/^already taken by Agent [AB]$/);
    const owner = (await conversationOfCustomer(ws.adminToken, ws.phoneNumberId, phone)).assigneeId;
    expect([a.id, b.id]).toContain(owner);
  });
});

describe("ownership", () => {
  it("only the assignee and supervisors reply by default; shared ownership lets any member reply", async () => {
    const { ws, agents, closeAll } = await readyAgents(2);
    const [a, b] = agents as [Agent, Agent];
    const phone = await newCustomerWrites(ws.phoneNumberId);
    const conversation = await conversationOfCustomer(ws.adminToken, ws.phoneNumberId, phone);
    expect(conversation.assigneeId).toBe(a.id);
    const reply = () =>
      api("POST", `/numbers/${ws.phoneNumberId}/conversations/${conversation.id}/messages`, {
        token: b.token,
        body: { type: "text", text: "我来补充一下", clientId: crypto.randomUUID() },
      });
    expect((await reply()).status).toBe(403);
    await setRouting(ws.adminToken, ws.phoneNumberId, { rotation: [], ownership: "any_member" });
    expect((await reply()).status).toBe(200);
    closeAll();
  });
});

describe("settings take effect at once", () => {
  it("a changed rotation and sticky rule route the very next conversation, with no restart", async () => {
    const { ws, agents, closeAll } = await readyAgents(3);
    const [a, b, c] = agents as [Agent, Agent, Agent];
    await setRouting(ws.adminToken, ws.phoneNumberId, { rotation: [{ type: "agent", id: c.id }] });
    const next = await newCustomerWrites(ws.phoneNumberId);
    expect((await conversationOfCustomer(ws.adminToken, ws.phoneNumberId, next)).assigneeId).toBe(c.id);
    await setRouting(ws.adminToken, ws.phoneNumberId, { rotation: [{ type: "agent", id: b.id }, { type: "agent", id: a.id }], sticky: { enabled: true, windowDays: 7 } });
    const after = await newCustomerWrites(ws.phoneNumberId);
    expect((await conversationOfCustomer(ws.adminToken, ws.phoneNumberId, after)).assigneeId).toBe(b.id);
    const rules = await api<{ sticky: { enabled: boolean; windowDays: number } }>("GET", `/numbers/${ws.phoneNumberId}/routing`, { token: a.token });
    expect(rules.body.sticky).toEqual({ enabled: true, windowDays: 7 });
    expect((await api("PUT", `/numbers/${ws.phoneNumberId}/routing`, { token: a.token, body: { rotation: [] } })).status).toBe(403);
    closeAll();
  });
});
