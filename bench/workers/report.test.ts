import { env, runInDurableObject, SELF } from "cloudflare:test";
import { it } from "vitest";
import { countConversation } from "../../worker/number-inbox/language-report";
import { countEvent, logPresence, sampleEvent } from "../../worker/number-inbox/analytics";

/**
 * A one-year report over 10 numbers holding 100,000 conversations between them: each number's analytics are
 * recorded as a year of traffic would have recorded them, through the same functions the number object calls
 * with each event (counts, one sample per conversation per time and rating, presence changes, the report by
 * language's blocks), beside tagged customers and customers' detected languages; then the report is asked for
 * through the API as the console asks for it.
 */
const smoke = (env as unknown as { BENCH_SIZE?: string }).BENCH_SIZE === "smoke";
const NUMBERS = 10;
const CONVERSATIONS = smoke ? 2_000 : 100_000;
const AGENTS = 20;
const YEAR = 365 * 86_400_000;
const BASE = "https://bench.test";

async function call<T>(method: string, path: string, token: string | null, body?: unknown): Promise<T> {
  const response = await SELF.fetch(`${BASE}/api${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** Deterministic pseudo-random numbers, so every run measures the same data. */
function random(seed: number) {
  let s = seed;
  return () => ((s = (s * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
}

it("a one-year report over 10 numbers and 100,000 conversations", async () => {
  await SELF.fetch(`${BASE}/api/setup`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer bench-setup-token" },
    body: JSON.stringify({ workspaceName: "Bench", admin: { name: "Admin", email: "report-admin@bench.test", password: "bench-password" } }),
  });
  const { token } = await call<{ token: string }>("POST", "/sessions", null, { email: "report-admin@bench.test", password: "bench-password" });
  const agents: string[] = [];
  for (let i = 0; i < AGENTS; i++) {
    agents.push((await call<{ id: string }>("POST", "/people", token, { name: `客服 ${i}`, email: `agent${i}@bench.test`, password: "bench-password", role: "agent" })).id);
  }
  await call("POST", "/teams", token, { name: "售前", memberIds: agents.slice(0, 10) });
  await call("POST", "/teams", token, { name: "售后", memberIds: agents.slice(10) });
  const tag = await call<{ id: string }>("POST", "/tags", token, { name: "订单问题", color: "#e37400" });
  const numbers = Array.from({ length: NUMBERS }, (_, i) => String(10_555_020_000 + i));
  // Connected by the operator (setup token): the deployment's own token serves them, once Meta confirms it reads each.
  const workspaceId = token.split(".")[0]!;
  for (const id of numbers) await call("POST", "/setup/numbers", "bench-setup-token", { workspaceId, phoneNumberId: id, displayName: `Shop ${id.slice(-2)}`, memberIds: agents });

  const now = Date.now();
  const start = now - YEAR;
  const perNumber = CONVERSATIONS / NUMBERS;
  await Promise.all(
    numbers.map((id, n) =>
      runInDurableObject(env.NUMBER_INBOX.getByName(id), (_, state) => {
        const sql = state.storage.sql;
        const next = random(n + 1);
        const count = (metric: Parameters<typeof countEvent>[1], agent: string | null, at: number, k = 1) => {
          for (let j = 0; j < k; j++) countEvent(sql, metric, agent, at);
        };
        state.storage.transactionSync(() => {
          for (let i = 0; i < perNumber; i++) {
            // Spread over the year, a little jitter within each slot (never past now).
            const created = start + Math.floor((i / perNumber) * YEAR) + Math.floor(next() * 30 * 60_000);
            const agent = agents[Math.floor(next() * AGENTS)]!;
            const firstResponse = 5_000 + Math.floor(next() * 600_000);
            const resolution = firstResponse + Math.floor(next() * 4 * 3600_000);
            // Most customers' language detected on an agent's device: Chinese, then English; some never.
            const roll = next();
            const language = roll < 0.7 ? "zh" : roll < 0.9 ? "en" : null;
            const contact = sql
              .exec<{ id: number }>(
                "INSERT INTO contacts (wa_key, wa_id, name, first_seen_at, last_seen_at, language) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                `86${id}${i}`,
                `86${id}${i}`,
                `客户 ${i}`,
                created,
                created,
                language,
              )
              .one().id;
            const conversation = sql
              .exec<{ id: number }>(
                "INSERT INTO conversations (contact_id, language, status, assignee_id, created_at, last_message_at, resolved_at, opened_at) VALUES (?, ?, 'resolved', ?, ?, ?, ?, ?) RETURNING id",
                contact,
                language,
                agent,
                created,
                created + resolution,
                created + resolution,
                created,
              )
              .one().id;
            countConversation(sql, language, created);
            if (i % 5 === 0) sql.exec("INSERT INTO contact_tags (contact_id, tag_id, added_by, added_at) VALUES (?, ?, ?, ?)", contact, tag.id, agent, created);
            count("conversations_new", null, created);
            count("assigned:round_robin", agent, created);
            count("messages_in", null, created, 3);
            count("messages_out", agent, created + firstResponse, 2);
            count("conversations_resolved", agent, created + resolution);
            sampleEvent(sql, "first_response", agent, conversation, firstResponse, firstResponse, created + firstResponse);
            sampleEvent(sql, "resolution", agent, conversation, resolution, resolution, created + resolution);
            if (i % 3 === 0) sampleEvent(sql, "csat", agent, conversation, 1 + Math.floor(next() * 5), null, created + resolution + 60_000);
          }
          // Each agent goes Available and Away twice a working day on every number they serve.
          for (const agent of agents) {
            for (let day = 0; day < 365; day += smoke ? 30 : 1) {
              const morning = start + day * 86_400_000 + 9 * 3600_000;
              for (const [offset, presence] of [[0, "available"], [4 * 3600_000, "away"], [5 * 3600_000, "available"], [9 * 3600_000, "offline"]] as const) {
                logPresence(sql, agent, presence, morning + offset);
              }
            }
          }
        });
      }),
    ),
  );

  const query = `/reports?from=${start}&to=${now}&bucket=day`;
  const timings: number[] = [];
  let conversations = 0;
  for (let run = 0; run < 5; run++) {
    const began = performance.now();
    const report = await call<{ totals: { conversations_new: number }; languages: { conversations: number }[]; tags: { conversations: number }[] }>("GET", query, token);
    timings.push(performance.now() - began);
    conversations = report.totals.conversations_new;
    const byLanguage = report.languages.reduce((sum, l) => sum + l.conversations, 0);
    if (byLanguage !== conversations) throw new Error(`the report by language counted ${byLanguage} conversations, the report ${conversations}`);
    // Every fifth customer carries the tag.
    if (report.tags[0]?.conversations !== CONVERSATIONS / 5) throw new Error(`the report per tag counted ${report.tags[0]?.conversations} tagged conversations, expected ${CONVERSATIONS / 5}`);
  }
  timings.sort((a, b) => a - b);
  if (conversations !== CONVERSATIONS) throw new Error(`report counted ${conversations} conversations, expected ${CONVERSATIONS}`);
  // One number's share alone: locally every object runs on one thread, so ten "parallel" calls queue behind each
  // other; deployed, each object has its own, and a report costs about one number's share plus the merge.
  const single: number[] = [];
  for (let run = 0; run < 5; run++) {
    const began = performance.now();
    await call("GET", `${query}&phoneNumberId=${numbers[0]}`, token);
    single.push(performance.now() - began);
  }
  single.sort((a, b) => a - b);
  console.log(
    `BENCH_ANALYTICS ${JSON.stringify({ report_ms_1y: Math.round(timings[2]!), report_ms_1y_one_number: Math.round(single[2]!), report_numbers: NUMBERS, report_conversations: conversations })}`,
  );
});
