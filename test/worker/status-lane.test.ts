import { createExecutionContext, createMessageBatch, env, evictDurableObject, getQueueResult, runInDurableObject } from "cloudflare:test";
import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import type { Conversation, DeliveryStatus } from "../../shared/inbox";
import worker from "../../worker/index";
import type { Env } from "../../worker/env";
import { EARLY_STATUS_CAP } from "../../worker/number-inbox/early-status-policy";
import type { LaneMessage, LaneStatus } from "../../worker/status-lane/lane-message";
import {
  api,
  BASE,
  connectSocket,
  conversationsOf,
  createWorkspace,
  customerMessage,
  GRAPH,
  messagesChange,
  messagesOf,
  openConversation,
  postWebhook,
  sentTo,
  setStatus,
  sign,
  statusesHeard,
  statusUpdate,
  tick,
  uniqueNumberId,
} from "./helpers";

/**
 * The status lane end to end in the Workers runtime: the webhook puts statuses on the local queue (wrangler.toml's
 * binding; batch timeout 1 s), the worker's queue handler applies them to the number's object. Sends are held at the
 * Graph stand-in where a test needs a send in flight.
 */

const QUEUE = "wa-team-inbox-statuses";

async function graphControl(action: "hold" | "release", to: string): Promise<void> {
  const response = await fetch(`${GRAPH}/${action}`, { method: "POST", body: JSON.stringify({ to }) });
  if (!response.ok) throw new Error(`${action} failed: ${response.status}`);
}

/** The wamid the Graph stand-in gave the `n`th send to this customer, once it has been sent. */
async function wamidOfSend(customer: string, n = 0): Promise<string> {
  return vi.waitFor(
    async () => {
      const wamid = (await sentTo(customer)).sent[n]?.wamid;
      if (!wamid) throw new Error("not sent yet");
      return wamid;
    },
    { timeout: 3_000, interval: 20 },
  );
}

async function tally(phoneNumberId: string) {
  return (await env.NUMBER_INBOX.getByName(phoneNumberId).health()).statuses;
}

async function statusOf(token: string, phoneNumberId: string, conversationId: string, messageId: string) {
  return (await messagesOf(token, phoneNumberId, conversationId)).find((m) => m.id === messageId)?.status;
}

function laneStatus(wamid: string, status: string, to: string | null, at = Math.floor(Date.now() / 1000)): LaneStatus {
  return { id: wamid, status, at, to, code: null, title: null };
}

function laneMessage(phoneNumberId: string, statuses: LaneStatus[]): LaneMessage {
  return { v: 1, phoneNumberId, receivedAt: Date.now(), statuses };
}

/**
 * Runs the worker's queue handler on a batch, as the queue would, and returns what it acknowledged and what it handed
 * back with which delay (the test pool's getQueueResult does not keep the delay, so each retry() is watched).
 */
async function consume(messages: { id: string; attempts: number; body: unknown }[], withEnv: Env = env as unknown as Env) {
  const batch = createMessageBatch(QUEUE, messages.map((m) => ({ ...m, timestamp: Date.now() })));
  const delays = new Map<string, number | undefined>();
  for (const message of batch.messages) {
    const retry = message.retry.bind(message);
    vi.spyOn(message, "retry").mockImplementation((options) => {
      delays.set(message.id, options?.delaySeconds);
      retry(options);
    });
  }
  const ctx = createExecutionContext();
  await worker.queue(batch, withEnv);
  const result = await getQueueResult(batch, ctx);
  return { explicitAcks: result.explicitAcks, retried: result.retryMessages.map((r) => ({ msgId: r.msgId, delaySeconds: delays.get(r.msgId) })) };
}

describe("the status lane", () => {
  it("a tick reaches the agent's socket within 2 s of Meta's status webhook (the local queue waits up to 1 s per batch)", async () => {
    const { ws, a, socket, customer, send, conversation } = await openConversation();
    const reply = await send({ type: "text", text: "您好，已为您查询物流" });
    const wamid = await wamidOfSend(customer);
    const posted = Date.now();
    expect((await postWebhook(statusUpdate(ws.phoneNumberId, wamid, "delivered", customer))).status).toBe(200);
    await vi.waitFor(() => expect(statusesHeard(socket.events, reply.body.id)).toContain("delivered"), { timeout: 2_000 - (Date.now() - posted), interval: 10 });
    expect(await statusOf(a.token, ws.phoneNumberId, conversation.id, reply.body.id)).toBe("delivered");
    socket.close();
  });

  it("a POST with a customer message and statuses: the message is stored before the answer, the statuses follow through the lane", async () => {
    const { ws, a, customer, send, conversation } = await openConversation();
    const reply = await send({ type: "text", text: "请稍等" });
    const wamid = await wamidOfSend(customer);
    const body = messagesChange(ws.phoneNumberId, {
      contacts: [{ profile: { name: "Customer" }, wa_id: customer }],
      messages: [{ from: customer, id: "wamid.MIXED1", timestamp: String(Math.floor(Date.now() / 1000)), type: "text", text: { body: "好的谢谢" } }],
      statuses: [{ id: wamid, status: "read", timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: customer }],
    });
    expect((await postWebhook(body)).status).toBe(200);
    // Stored: the answer meant it.
    expect((await messagesOf(a.token, ws.phoneNumberId, conversation.id)).map((m) => m.text)).toContain("好的谢谢");
    await expect.poll(() => statusOf(a.token, ws.phoneNumberId, conversation.id, reply.body.id), { timeout: 3_000 }).toBe("read");
  });

  it("a status Meta's format does not describe is kept among the unreadable deliveries before the answer; its readable neighbour ticks through the lane", async () => {
    const { ws, a, customer, send, conversation } = await openConversation();
    const reply = await send({ type: "text", text: "马上为您处理" });
    const wamid = await wamidOfSend(customer);
    const odd = { id: wamid, status: "delivered" };
    const body = messagesChange(ws.phoneNumberId, {
      statuses: [odd, { id: wamid, status: "delivered", timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: customer }],
    });
    expect((await postWebhook(body)).status).toBe(200);
    const listed = (await api<{ deliveries: { reason: string; raw: string }[] }>("GET", `/numbers/${ws.phoneNumberId}/unreadable`, { token: ws.adminToken })).body;
    expect(listed.deliveries.map((d) => [d.reason, JSON.parse(d.raw)])).toEqual([["unreadable_status", odd]]);
    await expect.poll(() => statusOf(a.token, ws.phoneNumberId, conversation.id, reply.body.id), { timeout: 3_000 }).toBe("delivered");
    // The lane applied the readable one, once.
    expect(await tally(ws.phoneNumberId)).toMatchObject({ applied: 1, dropped: 0, kept: 0 });
  });

  it("answers 500 when the queue refuses the statuses, having stored the POST's message once; Meta's retry then loses nothing and doubles nothing", async () => {
    const { ws, a, customer, send, conversation } = await openConversation();
    const reply = await send({ type: "text", text: "已发货" });
    const wamid = await wamidOfSend(customer);
    const body = messagesChange(ws.phoneNumberId, {
      contacts: [{ profile: { name: "Customer" }, wa_id: customer }],
      messages: [{ from: customer, id: "wamid.REFUSED1", timestamp: String(Math.floor(Date.now() / 1000)), type: "text", text: { body: "收到了吗？" } }],
      statuses: [{ id: wamid, status: "delivered", timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: customer }],
    });
    const refusing = {
      ...(env as unknown as Env),
      STATUS_LANE: { sendBatch: async () => Promise.reject(new Error("Queue sendBatch failed: Too Many Requests")) } as unknown as Env["STATUS_LANE"],
    };
    const request = () => new Request(`${BASE}/webhooks/whatsapp`, { method: "POST", body, headers: { "content-type": "application/json" } });
    const signed = async () => {
      const r = request();
      r.headers.set("x-hub-signature-256", await sign(body));
      return r;
    };
    const refused = await worker.fetch(await signed(), refusing, createExecutionContext());
    expect(refused.status).toBe(500);
    expect(await refused.json()).toMatchObject({ error: { message: "statuses could not be queued; Meta retries the delivery" } });
    // Meta delivers the same POST again; this time the queue takes it.
    expect((await postWebhook(body)).status).toBe(200);
    const texts = (await messagesOf(a.token, ws.phoneNumberId, conversation.id)).map((m) => m.text);
    expect(texts.filter((t) => t === "收到了吗？")).toHaveLength(1);
    await expect.poll(() => statusOf(a.token, ws.phoneNumberId, conversation.id, reply.body.id), { timeout: 3_000 }).toBe("delivered");
  });

  it("a status arriving before its send is answered waits for it, then ticks the reply at once", async () => {
    const { ws, a, socket, customer, send, conversation } = await openConversation();
    await graphControl("hold", customer);
    const sending = send({ type: "text", text: "马上为您查询" });
    const wamid = await wamidOfSend(customer);
    // Meta has accepted the send and reports it delivered, but its answer (the wamid) has not reached the object.
    expect((await postWebhook(statusUpdate(ws.phoneNumberId, wamid, "sent", customer))).status).toBe(200);
    expect((await postWebhook(statusUpdate(ws.phoneNumberId, wamid, "delivered", customer))).status).toBe(200);
    await expect.poll(async () => (await tally(ws.phoneNumberId)).held, { timeout: 3_000 }).toBe(2);
    const pending = (await messagesOf(a.token, ws.phoneNumberId, conversation.id)).find((m) => m.direction === "out");
    expect(pending?.status).toBe("pending");

    await graphControl("release", customer);
    const reply = await sending;
    expect(reply.body.status).toBe("delivered");
    expect(statusesHeard(socket.events, reply.body.id).at(-1)).toBe("delivered");
    expect(await tally(ws.phoneNumberId)).toMatchObject({ kept: 2, claimed: 2, held: 0, expired: 0 });
    socket.close();
  });

  it("during a send: a known message's status applies at once, a campaign's status is dropped or held only until the send ends", async () => {
    const { ws, a, customer, send, conversation } = await openConversation();
    const first = await send({ type: "text", text: "第一条" });
    const firstWamid = await wamidOfSend(customer, 0);
    await graphControl("hold", customer);
    const sending = send({ type: "text", text: "第二条" });
    await wamidOfSend(customer, 1);

    const campaignToSomeoneElse = statusUpdate(ws.phoneNumberId, "wamid.CAMPAIGN-OTHER", "delivered", "8613700000000");
    const campaignToThisCustomer = statusUpdate(ws.phoneNumberId, "wamid.CAMPAIGN-SAME", "delivered", customer);
    for (const body of [statusUpdate(ws.phoneNumberId, firstWamid, "read", customer), campaignToSomeoneElse, campaignToThisCustomer]) {
      expect((await postWebhook(body)).status).toBe(200);
    }
    await expect.poll(() => statusOf(a.token, ws.phoneNumberId, conversation.id, first.body.id), { timeout: 3_000 }).toBe("read");
    await expect.poll(() => tally(ws.phoneNumberId), { timeout: 3_000 }).toMatchObject({ applied: 1, dropped: 1, kept: 1, held: 1 });

    await graphControl("release", customer);
    const second = await sending;
    // The campaign's status was not the reply's: the reply is only accepted, and the held row is gone.
    expect(second.body.status).toBe("accepted");
    expect(await tally(ws.phoneNumberId)).toMatchObject({ claimed: 0, expired: 1, held: 0 });
  });

  it("after a crash between the enqueue and the apply, the queue's redelivery applies the statuses once", async () => {
    const { ws, a, socket, customer, send, conversation } = await openConversation();
    const reply = await send({ type: "text", text: "订单已发出" });
    const wamid = await wamidOfSend(customer);

    // The object is torn down right after the webhook was acknowledged, before its batch came: the restarted object
    // finds the wamid in its storage and applies the status.
    expect((await postWebhook(statusUpdate(ws.phoneNumberId, wamid, "sent", customer))).status).toBe(200);
    await evictDurableObject(env.NUMBER_INBOX.getByName(ws.phoneNumberId));
    await expect.poll(() => statusOf(a.token, ws.phoneNumberId, conversation.id, reply.body.id), { timeout: 3_000 }).toBe("sent");

    // The object is reset while a batch is being applied: every call fails as such a call does.
    const body = laneMessage(ws.phoneNumberId, [laneStatus(wamid, "delivered", customer), laneStatus(wamid, "read", customer)]);
    let calls = 0;
    const crashing = {
      ...(env as unknown as Env),
      NUMBER_INBOX: {
        getByName: () => ({
          applyStatuses: async () => {
            calls++;
            throw Object.assign(new Error("Durable Object reset because its code was updated."), { retryable: true });
          },
        }),
      },
    } as unknown as Env;
    const failed = await consume([{ id: "lane-1", attempts: 1, body }], crashing);
    expect(calls).toBe(3); // tried again at once within the invocation, then handed back to the queue
    expect(failed.explicitAcks).toEqual([]);
    expect(failed.retried).toEqual([{ msgId: "lane-1", delaySeconds: 1 }]);
    expect(await statusOf(a.token, ws.phoneNumberId, conversation.id, reply.body.id)).toBe("sent");

    const redelivered = await consume([{ id: "lane-1", attempts: 2, body }]);
    expect(redelivered.explicitAcks).toEqual(["lane-1"]);
    expect(await statusOf(a.token, ws.phoneNumberId, conversation.id, reply.body.id)).toBe("read");
    await tick();
    expect(statusesHeard(socket.events, reply.body.id).filter((s) => s === "read")).toHaveLength(1);
    socket.close();
  });

  it("a batch that moves several replies reaches each socket as one event, with the ticks of the conversations it may see", async () => {
    // Two agents on one number, a customer each (round robin); three replies from the first, one from the second.
    const ws = await createWorkspace(2, uniqueNumberId());
    const agents = ws.agents.slice(0, 2);
    const sockets = [];
    for (const agent of agents) {
      sockets.push(await connectSocket(agent.token, ws.phoneNumberId));
      await setStatus(agent.token, "available");
    }
    const customers = [`86${uniqueNumberId()}`, `86${uniqueNumberId()}`];
    for (const customer of customers) await postWebhook(customerMessage(ws.phoneNumberId, customer, "你好，想咨询一下退货"));
    const replyIn = async (agentIndex: number, text: string) => {
      const agent = agents[agentIndex]!;
      const [conversation] = await conversationsOf(agent.token, ws.phoneNumberId);
      const path = `/numbers/${ws.phoneNumberId}/conversations/${conversation!.id}/messages`;
      return (await api<{ id: string }>("POST", path, { token: agent.token, body: { clientId: crypto.randomUUID(), type: "text", text } })).body;
    };
    const [first, second] = (await Promise.all([0, 1].map(async (i) => (await conversationsOf(agents[i]!.token, ws.phoneNumberId))[0]!))) as [Conversation, Conversation];
    const customerOf = (i: number) => (i === 0 ? first : second).contact.waId!;
    const replies = [await replyIn(0, "第一条"), await replyIn(0, "第二条"), await replyIn(0, "第三条")];
    const otherReply = await replyIn(1, "别人的");
    const wamids = [await wamidOfSend(customerOf(0), 0), await wamidOfSend(customerOf(0), 1), await wamidOfSend(customerOf(0), 2)];
    const otherWamid = await wamidOfSend(customerOf(1), 0);
    await tick(50);
    const heard = sockets.map((s) => s.events.length);
    const statuses = [...wamids.map((w) => laneStatus(w, "delivered", customerOf(0))), laneStatus(otherWamid, "delivered", customerOf(1))];
    expect((await consume([{ id: "several", attempts: 1, body: laneMessage(ws.phoneNumberId, statuses) }])).explicitAcks).toEqual(["several"]);
    await tick(50);
    const news = sockets.map((s, i) => s.events.slice(heard[i]).filter((e) => e.type === "ticks" || e.type === "message"));
    expect(news[0]).toEqual([{ type: "ticks", ticks: replies.map((r) => ({ messageId: r.id, conversationId: first.id, status: "delivered", error: null })) }]);
    expect(news[1]).toEqual([{ type: "ticks", ticks: [{ messageId: otherReply.id, conversationId: second.id, status: "delivered", error: null }] }]);
    for (const s of sockets) s.close();
  });

  it("a batch delivered twice (the acknowledgement was lost) changes nothing the second time and pushes nothing again", async () => {
    const { ws, a, socket, customer, send, conversation } = await openConversation();
    const reply = await send({ type: "text", text: "好的" });
    const wamid = await wamidOfSend(customer);
    const body = laneMessage(ws.phoneNumberId, [laneStatus(wamid, "read", customer)]);
    expect((await consume([{ id: "twice", attempts: 1, body }])).explicitAcks).toEqual(["twice"]);
    expect((await consume([{ id: "twice", attempts: 1, body }])).explicitAcks).toEqual(["twice"]);
    await tick(50);
    expect(await statusOf(a.token, ws.phoneNumberId, conversation.id, reply.body.id)).toBe("read");
    expect(statusesHeard(socket.events, reply.body.id).filter((s) => s === "read")).toHaveLength(1);
    expect(await tally(ws.phoneNumberId)).toMatchObject({ applied: 2 });
    socket.close();
  });

  it("one batch holding several numbers: a number that fails is retried alone, the others are acknowledged", async () => {
    const { ws, a, customer, send, conversation } = await openConversation();
    const reply = await send({ type: "text", text: "您好" });
    const wamid = await wamidOfSend(customer);
    const healthy = laneMessage(ws.phoneNumberId, [laneStatus(wamid, "delivered", customer)]);
    const broken = laneMessage("broken-number", [laneStatus("wamid.X", "delivered", null)]);
    const partly = {
      ...(env as unknown as Env),
      NUMBER_INBOX: {
        getByName: (name: string) =>
          name === "broken-number" ? { applyStatuses: async () => Promise.reject(Object.assign(new Error("Durable Object is overloaded."), { overloaded: true })) } : env.NUMBER_INBOX.getByName(name),
      },
    } as unknown as Env;
    const result = await consume(
      [
        { id: "ok", attempts: 1, body: healthy },
        { id: "bad", attempts: 4, body: broken },
        { id: "unknown-shape", attempts: 1, body: { v: 99 } },
      ],
      partly,
    );
    expect(result.explicitAcks.sort()).toEqual(["ok", "unknown-shape"]);
    expect(result.retried).toEqual([{ msgId: "bad", delaySeconds: 8 }]);
    expect(await statusOf(a.token, ws.phoneNumberId, conversation.id, reply.body.id)).toBe("delivered");
  });

  it("a status-only POST for a number nobody connected is acknowledged and counted there", async () => {
    const phoneNumberId = uniqueNumberId();
    expect((await postWebhook(statusUpdate(phoneNumberId, "wamid.NOBODY", "delivered", "8613700000000"))).status).toBe(200);
    await expect.poll(() => env.NUMBER_INBOX.getByName(phoneNumberId).unconnectedDeliveries(), { timeout: 3_000 }).toBe(1);
  });

  it("one batch moving several replies each its own way: every reply ends at its own furthest status, and a failure keeps Meta's code and title", async () => {
    const { ws, a, customer, send, conversation } = await openConversation();
    const rank: Record<string, number> = { accepted: 0, sent: 1, delivered: 2, read: 3 };
    type Tick = { status: string; error: { code: number; title: string } | null };
    // The rule a reader of the ticks expects: forward only; a failure counts only before delivery, and nothing follows it.
    const expected = (current: Tick, incoming: LaneStatus): Tick => {
      if (current.status === "failed") return current;
      if (incoming.status === "failed") return rank[current.status]! < rank.delivered! ? { status: "failed", error: { code: incoming.code!, title: incoming.title! } } : current;
      return rank[incoming.status]! > rank[current.status]! ? { status: incoming.status, error: null } : current;
    };
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            reply: fc.nat({ max: 2 }),
            status: fc.constantFrom("sent", "delivered", "read", "failed"),
            code: fc.constantFrom(131026, 131047, 131049, 130472),
            title: fc.constantFrom("Message undeliverable", "Re-engagement message", "消息未送达"),
          }),
          { minLength: 1, maxLength: 12 },
        ),
        async (events) => {
          const replies = [];
          for (let i = 0; i < 3; i++) replies.push((await send({ type: "text", text: `第 ${i + 1} 条` })).body);
          const wamids = (await sentTo(customer)).sent.slice(-3).map((s) => s.wamid);
          const now = Math.floor(Date.now() / 1000);
          const statuses = events.map((e, i): LaneStatus => ({
            ...laneStatus(wamids[e.reply]!, e.status, customer, now + i),
            ...(e.status === "failed" ? { code: e.code, title: e.title } : {}),
          }));
          // The replies stand at "accepted" (the Graph API answered); statuses apply in Meta's time order.
          const model: Tick[] = replies.map(() => ({ status: "accepted", error: null }));
          for (const [i, status] of statuses.entries()) model[events[i]!.reply] = expected(model[events[i]!.reply]!, status);
          await consume([{ id: crypto.randomUUID(), attempts: 1, body: laneMessage(ws.phoneNumberId, statuses) }]);
          const stored = await messagesOf(a.token, ws.phoneNumberId, conversation.id);
          expect(replies.map((r) => stored.find((m) => m.id === r.id)).map((m) => ({ status: m?.status, error: m?.error ?? null }))).toEqual(model);
        },
      ),
      { numRuns: 15 },
    );
  });

  it("in any order, split over any batches, each delivered any number of times, a reply's tick ends at the furthest status sent", async () => {
    const { ws, a, customer, send, conversation } = await openConversation();
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom<DeliveryStatus>("sent", "delivered", "read"), { minLength: 1, maxLength: 5 }),
        fc.array(fc.nat({ max: 4 }), { minLength: 1, maxLength: 12 }),
        fc.array(fc.nat({ max: 3 }), { minLength: 1, maxLength: 12 }),
        async (statuses, order, cuts) => {
          const reply = await send({ type: "text", text: "查询中" });
          const wamid = (await sentTo(customer)).sent.at(-1)!.wamid;
          // Deliveries: every status at least once, some again, in an arbitrary order; then cut into batches.
          const deliveries = [...statuses, ...order.map((i) => statuses[i % statuses.length]!)];
          const shuffled = deliveries.map((s, i) => ({ s, k: order[i % order.length]! * 31 + i })).sort((x, y) => x.k - y.k).map((x) => x.s);
          let at = 0;
          for (const cut of cuts) {
            if (at >= shuffled.length) break;
            const part = shuffled.slice(at, at + cut + 1);
            at += cut + 1;
            await consume([{ id: crypto.randomUUID(), attempts: 1, body: laneMessage(ws.phoneNumberId, part.map((s) => laneStatus(wamid, s, customer))) }]);
          }
          if (at < shuffled.length) await consume([{ id: crypto.randomUUID(), attempts: 1, body: laneMessage(ws.phoneNumberId, shuffled.slice(at).map((s) => laneStatus(wamid, s, customer))) }]);
          const furthest = statuses.includes("read") ? "read" : statuses.includes("delivered") ? "delivered" : "sent";
          expect(await statusOf(a.token, ws.phoneNumberId, conversation.id, reply.body.id)).toBe(furthest);
        },
      ),
      { numRuns: 25 },
    );
  });

  it("a million statuses for unknown wamids, while a send to the same customer never ends, leave the table under its cap and the storage flat", async () => {
    const { ws, customer, send } = await openConversation();
    await graphControl("hold", customer);
    const sending = send({ type: "text", text: "请稍候" });
    await wamidOfSend(customer);
    const inbox = env.NUMBER_INBOX.getByName(ws.phoneNumberId);
    const sizeOf = () => runInDurableObject(inbox, (_, state) => state.storage.sql.databaseSize);
    const BATCHES = 200;
    const PER_BATCH = 5_000;
    const sizes: number[] = [];
    const at = Math.floor(Date.now() / 1000);
    for (let b = 0; b < BATCHES; b++) {
      // Half to this very customer (each may be the send in flight: the worst case), half to others (dropped on sight).
      const statuses = Array.from({ length: PER_BATCH }, (_, i) => laneStatus(`wamid.CAMPAIGN${b}x${i}`, "delivered", i % 2 ? customer : `86137${String(i).padStart(8, "0")}`, at));
      await inbox.applyStatuses(statuses, Date.now());
      if (b % 20 === 19) sizes.push(await sizeOf());
    }
    const counted = await tally(ws.phoneNumberId);
    expect(counted.heldMax).toBe(EARLY_STATUS_CAP);
    expect(counted.held).toBe(EARLY_STATUS_CAP);
    expect(counted.dropped).toBe((BATCHES * PER_BATCH) / 2);
    expect(counted.kept).toBe((BATCHES * PER_BATCH) / 2);
    expect(counted.capped).toBe((BATCHES * PER_BATCH) / 2 - EARLY_STATUS_CAP);
    // Flat: once the cap was reached the database reuses its pages; it ends no bigger than it was 800,000 statuses ago.
    expect(sizes.at(-1)!).toBeLessThanOrEqual(sizes[1]! * 1.02);

    await graphControl("release", customer);
    expect((await sending).body.status).toBe("accepted");
    expect(await tally(ws.phoneNumberId)).toMatchObject({ held: 0, expired: EARLY_STATUS_CAP });
  }, 180_000);
});
