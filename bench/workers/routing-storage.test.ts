import { env, runInDurableObject } from "cloudflare:test";
import { it } from "vitest";
import { noCoexistence, type NumberBatch } from "../../worker/webhook/split";
import type { NumberConfig } from "../../worker/number-inbox/NumberInbox";

const smoke = (env as unknown as { BENCH_SIZE?: string }).BENCH_SIZE === "smoke";
const STORED_CONVERSATIONS = smoke ? 2_000 : 100_000;
const AGENT_COUNTS = smoke ? [10, 100] : [10, 1_000, 10_000];
const ASSIGNMENTS = smoke ? 50 : 400;
const STORAGE_MESSAGES = smoke ? 500 : 20_000;

function config(phoneNumberId: string, agents: number): NumberConfig {
  return {
    workspaceId: "wbench",
    phoneNumberId,
    wabaId: null,
    displayName: "Bench",
    displayPhoneNumber: "+1 555 0100",
    members: Array.from({ length: agents }, (_, i) => ({
      id: `agent${i}`,
      name: `Agent ${i}`,
      role: "agent" as const,
      status: "available" as const,
      capacity: null,
      inRotation: true,
    })),
    teams: [],
    routing: { mode: "round_robin", sticky: { enabled: true, windowDays: 30 }, noReplyMinutes: null, ownership: "assignee", agentsSeeQueue: true, reopenWithinHours: 168, graceSeconds: null },
    // Members are marked as just disconnected: present for routing without 10,000 open sockets.
    graceMs: 3_600_000,
    catalog: { tags: [], singleChoiceGroups: [], attributes: [] },
    connected: true,
    accessTokenSealed: null,
  };
}

/** A realistic customer text message, as Meta sends it. */
let sequence = 0;
function batch(phoneNumberId: string, n: number, text = "你好，我想问一下订单 #20261125 什么时候发货？谢谢"): NumberBatch {
  sequence++;
  const from = `86${String(13_000_000_000 + n)}`;
  return {
    phoneNumberId,
    displayPhoneNumber: "15550100",
    messages: [
      {
        contacts: [{ profile: { name: `客户 ${n}` }, wa_id: from }],
        message: { from, id: `wamid.HBgNODYxMzgwMDEzODAwMBUCABIYIDNBMDk${sequence}RkE2QjQ0QjE5RDAwQjc4AA==`, timestamp: Math.floor(Date.now() / 1000), type: "text", text: { body: text } },
      },
    ],
    errors: [],
    unreadable: [],
    coexistence: noCoexistence(),
  };
}

async function seedConversations(state: DurableObjectState, agents: number): Promise<void> {
  const sql = state.storage.sql;
  const now = Date.now();
  state.storage.transactionSync(() => {
    sql.exec(
      `WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < ?)
       INSERT INTO contacts (wa_key, wa_id, name, first_seen_at, last_seen_at, last_agent_id, last_served_at)
       SELECT 'seed' || n, 'seed' || n, 'Seed ' || n, ?, ?, 'agent' || (n % ?), ? FROM seq`,
      STORED_CONVERSATIONS,
      now,
      now,
      agents,
      now - 86_400_000,
    );
    sql.exec(
      `INSERT INTO conversations (contact_id, status, assignee_id, assignment_reason, created_at, last_message_at, last_preview, resolved_at)
       SELECT id, CASE WHEN id % 10 = 0 THEN 'open' ELSE 'resolved' END, last_agent_id, 'round robin', ?, ?, 'seed', ? FROM contacts`,
      now,
      now,
      now,
    );
    sql.exec("UPDATE members SET present = 1, disconnected_at = ?", now);
  });
}

it("routing scale and storage per message", async () => {
  const routing: Record<string, number> = {};
  for (const agents of AGENT_COUNTS) {
    const phoneNumberId = `bench-routing-${agents}`;
    const stub = env.NUMBER_INBOX.getByName(phoneNumberId);
    routing[`us_${agents}`] = await runInDurableObject(stub, async (instance, state) => {
      await instance.configure(config(phoneNumberId, agents));
      await seedConversations(state, agents);
      // Configuring again recomputes every member's load and routability from the seeded state.
      await instance.configure(config(phoneNumberId, agents));
      // Warm up, then time whole ingests of a new customer's message: store + route + push.
      for (let i = 0; i < 20; i++) await instance.ingest([batch(phoneNumberId, 900_000 + i)]);
      const started = performance.now();
      for (let i = 0; i < ASSIGNMENTS; i++) await instance.ingest([batch(phoneNumberId, i)]);
      const perAssignment = ((performance.now() - started) / ASSIGNMENTS) * 1000;
      const assigned = state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM assignments").one().n;
      if (assigned < ASSIGNMENTS) throw new Error(`only ${assigned} of ${ASSIGNMENTS} conversations were assigned`);
      return Math.round(perAssignment);
    });
  }

  const storage = await runInDurableObject(env.NUMBER_INBOX.getByName("bench-storage"), async (instance, state) => {
    await instance.configure(config("bench-storage", 10));
    state.storage.sql.exec("UPDATE members SET present = 1, disconnected_at = ?", Date.now());
    await instance.configure(config("bench-storage", 10));
    const before = state.storage.sql.databaseSize;
    for (let i = 0; i < STORAGE_MESSAGES; i++) {
      // Returning customers: a message every few turns starts a conversation, the rest continue one.
      await instance.ingest([batch("bench-storage", i % Math.max(1, Math.floor(STORAGE_MESSAGES / 5)), `第 ${i} 条消息：请问这个商品有现货吗？Is it in stock?`)]);
    }
    const count = state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM messages WHERE direction = 'in'").one().n;
    return { bytes_per_message: Math.round((state.storage.sql.databaseSize - before) / count), messages: count };
  });

  // SQL statements one customer message costs the object: a new customer's first, then their next.
  const sql = await runInDurableObject(env.NUMBER_INBOX.getByName("bench-sql"), async (instance, state) => {
    await instance.configure(config("bench-sql", 10));
    state.storage.sql.exec("UPDATE members SET present = 1, disconnected_at = ?", Date.now());
    await instance.configure(config("bench-sql", 10));
    await instance.ingest([batch("bench-sql", 1)]);
    const own = state.storage.sql;
    const prototype = Object.getPrototypeOf(own) as { exec: (...args: unknown[]) => unknown };
    const exec = prototype.exec;
    let statements = 0;
    // The prototype is every object's in this isolate: count only this object's statements, not those of another
    // object's alarm that runs meanwhile (a full run once counted 22 for a new customer that way, against 17).
    prototype.exec = function (this: unknown, ...args: unknown[]) {
      if (this === own) statements++;
      return exec.apply(this, args);
    };
    try {
      const counted = async (n: number) => {
        statements = 0;
        await instance.ingest([batch("bench-sql", n)]);
        return statements;
      };
      const result = { statements_new_customer: await counted(2), statements_next_message: await counted(2) };
      if (result.statements_new_customer === 0) throw new Error("no statement counted: the object's SqlStorage is not the one its modules use");
      return result;
    } finally {
      prototype.exec = exec;
    }
  });

  const first = AGENT_COUNTS[0]!;
  const last = AGENT_COUNTS[AGENT_COUNTS.length - 1]!;
  console.log(
    `BENCH_RESULT ${JSON.stringify({
      routing: { ...routing, ratio_10k_vs_10: Number((routing[`us_${last}`]! / routing[`us_${first}`]!).toFixed(2)), stored_conversations: STORED_CONVERSATIONS },
      storage: { bytes_per_message: storage.bytes_per_message, projected_mb_1m: Math.round((storage.bytes_per_message * 1_000_000) / 1_048_576), measured_messages: storage.messages },
      sql,
    })}`,
  );
});
