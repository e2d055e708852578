/**
 * Many numbers, nothing global (issue #21): `npm run bench:scale` (`-- --smoke` for a tiny run). In one local runtime:
 * WORKSPACES companies × NUMBERS_EACH numbers, two agents per company with a socket on each of their numbers;
 * every quiet number receives customers at QUIET_RATE messages/s (new customers, so each message is a new
 * conversation routed to an agent); one hot number receives a campaign's status flood (HOT_STATUSES_PER_S, in POSTs
 * of 1–50 statuses, most small). It reports the quiet numbers' end-to-end latency (webhook → assignee's socket)
 * without and with the hot number, every call between objects per webhook, status POST, API request and sign-in
 * (asserting none reaches the Directory on the webhook path), and what one Workspace object and the sharded Directory
 * sustain under load: sign-ins rotate over every account of every company, so they reach many of the directory's shards. Writes bench/results/scale.json and the table docs/scale.md and the README quote.
 * Traffic goes to 127.0.0.1 only, bounded in count and time.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import autocannon from "autocannon";
import { readFrame } from "../shared/socket-frame.ts";
import { secrets, startStack, type Stack } from "../test/e2e/stack.ts";
import { api, customerWebhook, percentile, round, runMeta, signedHeaders } from "./harness.ts";
import { DIRECTORY_SHARDS, shardIndexOf } from "../worker/directory/shard.ts";

const root = resolve(import.meta.dirname, "..");
const smoke = process.argv.includes("--smoke");
const WORKSPACES = Number(process.env.WORKSPACES ?? (smoke ? 2 : 10));
const NUMBERS_EACH = Number(process.env.NUMBERS_EACH ?? (smoke ? 3 : 10));
const QUIET_RATE = Number(process.env.QUIET_RATE ?? 1);
const HOT_STATUSES_PER_S = Number(process.env.HOT_STATUSES_PER_S ?? (smoke ? 100 : 500));
const PHASE_SECONDS = smoke ? 4 : 20;
const LOAD_SECONDS = smoke ? 2 : 8;
const WARM_UP_SECONDS = smoke ? 1 : 5;
const PASSWORD = "scale-password-1";
/** Distinct unknown emails and client addresses for the Directory-alone row: fewer would lock addresses out mid-run. */
const STRANGERS = 4096;


interface Company {
  workspaceId: string;
  emails: string[];
  adminToken: string;
  agents: { id: string; token: string }[];
  numbers: string[];
}

let sequence = 0;
const customerText = (numberId: string, phone: string) => customerWebhook(numberId, phone, "你好，请问订单什么时候发货？", "SCALE");

/** Meta batches statuses under load: mostly one to a few per POST, sometimes up to 50. */
function statusCount(): number {
  const r = Math.random();
  return r < 0.6 ? 1 : r < 0.85 ? 1 + Math.ceil(Math.random() * 4) : r < 0.97 ? 5 + Math.ceil(Math.random() * 15) : 20 + Math.ceil(Math.random() * 30);
}

function statusWebhook(numberId: string, count: number) {
  const kinds = ["sent", "delivered", "read"];
  const statuses = Array.from({ length: count }, () => {
    sequence++;
    return { id: `wamid.CAMPAIGN${process.pid}x${sequence}`, status: kinds[sequence % 3], timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: `8613${String(sequence).padStart(9, "0")}` };
  });
  const body = JSON.stringify({ object: "whatsapp_business_account", entry: [{ id: `w${numberId}`, changes: [{ field: "messages", value: { messaging_product: "whatsapp", metadata: { display_phone_number: numberId, phone_number_id: numberId }, statuses } }] }] });
  return { body, headers: signedHeaders(body) };
}

async function setUp(stack: Stack): Promise<Company[]> {
  const companies: Company[] = [];
  for (let w = 0; w < WORKSPACES; w++) {
    const email = `scale-admin-${w}@shop${w}.test`;
    await api(stack, "POST", "/setup", secrets.SETUP_TOKEN, { workspaceName: `Shop ${w}`, admin: { name: `Admin ${w}`, email, password: PASSWORD } });
    const { token: adminToken } = await api<{ token: string }>(stack, "POST", "/sessions", null, { email, password: PASSWORD });
    const agents: Company["agents"] = [];
    const emails = [email];
    for (let a = 0; a < 2; a++) {
      const agentEmail = `scale-agent-${w}-${a}@shop${w}.test`;
      const person = await api<{ id: string }>(stack, "POST", "/people", adminToken, { name: `Agent ${w}.${a}`, email: agentEmail, password: PASSWORD, role: "agent" });
      const { token } = await api<{ token: string }>(stack, "POST", "/sessions", null, { email: agentEmail, password: PASSWORD });
      agents.push({ id: person.id, token });
      emails.push(agentEmail);
    }
    const numbers: string[] = [];
    for (let n = 0; n < NUMBERS_EACH; n++) {
      const numberId = `1077${String(w).padStart(2, "0")}${String(n).padStart(3, "0")}`;
      await stack.connectNumber(adminToken, { phoneNumberId: numberId, displayName: `Shop ${w} line ${n}`, memberIds: agents.map((a) => a.id) });
      numbers.push(numberId);
    }
    companies.push({ workspaceId: adminToken.split(".")[0]!, emails, adminToken, agents, numbers });
  }
  return companies;
}

/** Each agent's socket on each of their company's numbers; conversation events assigned to them are timed. */
async function connectAgents(stack: Stack, companies: Company[], onAssigned: (numberId: string, phone: string) => void) {
  const sockets: WebSocket[] = [];
  for (const company of companies) {
    for (const agent of company.agents) {
      for (const numberId of company.numbers) {
        const { ticket } = await api<{ ticket: string }>(stack, "POST", "/socket-ticket", agent.token, { phoneNumberId: numberId });
        const socket = new WebSocket(`${stack.workerUrl.replace("http", "ws")}/api/numbers/${numberId}/socket?ticket=${ticket}`);
        await new Promise((ready, fail) => ((socket.onopen = ready), (socket.onerror = fail)));
        socket.onmessage = (message) => {
          for (const event of readFrame(String(message.data)))
            if (event.type === "conversation" && event.conversation.assigneeId === agent.id) onAssigned(numberId, event.conversation.contact.waId!);
        };
        sockets.push(socket);
      }
      await api(stack, "PUT", "/me/status", agent.token, { status: "available" });
    }
  }
  return sockets;
}

async function callCounts(stack: Stack): Promise<Record<string, number>> {
  return (await fetch(`${stack.workerUrl}/bench/calls`)).json() as Promise<Record<string, number>>;
}
async function resetCalls(stack: Stack) {
  await fetch(`${stack.workerUrl}/bench/calls`, { method: "DELETE" });
}

/** Calls between objects per unit of work: `run` does `units` of it; counts are divided by that. */
async function hopsPer(stack: Stack, units: number, run: () => Promise<void>, settleMs = 300) {
  await resetCalls(stack);
  await run();
  await new Promise((r) => setTimeout(r, settleMs));
  const counts = await callCounts(stack);
  return Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, round(v / units, 2)]));
}

async function post(stack: Stack, message: { body: string; headers: Record<string, string> }) {
  const response = await fetch(`${stack.workerUrl}/webhooks/whatsapp`, { method: "POST", headers: message.headers, body: message.body });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`webhook answered ${response.status}`);
}

/** Quiet numbers at QUIET_RATE each for PHASE_SECONDS, the hot number flooded alongside when asked. */
async function phase(stack: Stack, quiet: string[], hot: string | null, sentAt: Map<string, { numberId: string; at: number }>, latencies: Map<string, number[]>, seconds = PHASE_SECONDS) {
  let customer = 0;
  const prefix = `86${String(Math.floor(Math.random() * 90) + 10)}`;
  const started = performance.now();
  const end = started + seconds * 1000;
  const inflight: Promise<void>[] = [];
  let statusesSent = 0;
  const statusAcks: number[] = [];
  // Customers: each quiet number at QUIET_RATE, offsets spread so the arrivals are even.
  const interval = 1000 / (QUIET_RATE * quiet.length);
  let nextCustomer = started;
  let nextStatus = started;
  while (performance.now() < end) {
    const now = performance.now();
    while (nextCustomer <= now) {
      const numberId = quiet[customer % quiet.length]!;
      const phone = `${prefix}${String(customer++).padStart(9, "0")}`;
      sentAt.set(phone, { numberId, at: performance.now() });
      latencies.set(numberId, latencies.get(numberId) ?? []);
      inflight.push(post(stack, customerText(numberId, phone)));
      nextCustomer += interval;
    }
    if (hot) {
      while (nextStatus <= now) {
        const count = statusCount();
        const t0 = performance.now();
        inflight.push(post(stack, statusWebhook(hot, count)).then(() => void statusAcks.push(performance.now() - t0)));
        statusesSent += count;
        nextStatus += (1000 * count) / HOT_STATUSES_PER_S;
      }
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  await Promise.all(inflight);
  const deadline = Date.now() + 10_000;
  while ([...latencies.values()].reduce((n, l) => n + l.length, 0) < customer && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const acks = statusAcks.sort((a, b) => a - b);
  return { customers: customer, statusesSent, statusAckP99: acks.length ? round(percentile(acks, 99)) : null };
}

function summarise(latencies: Map<string, number[]>) {
  const perNumber = [...latencies.values()].filter((l) => l.length > 0).map((l) => l.sort((a, b) => a - b));
  const all = perNumber.flat().sort((a, b) => a - b);
  const p50s = perNumber.map((l) => percentile(l, 50)).sort((a, b) => a - b);
  const p99s = perNumber.map((l) => percentile(l, 99)).sort((a, b) => a - b);
  return {
    numbers: perNumber.length,
    messages: all.length,
    p50_ms: round(percentile(all, 50)),
    p99_ms: round(percentile(all, 99)),
    median_number_p50_ms: round(percentile(p50s, 50)),
    worst_number_p99_ms: round(p99s[p99s.length - 1] ?? NaN),
  };
}

async function throughput(stack: Stack, options: Partial<autocannon.Options>) {
  const result = await autocannon({ url: stack.workerUrl, connections: 16, duration: LOAD_SECONDS, timeout: 10, ...options });
  return { per_s: round(result.requests.average), p99_ms: result.latency.p99, non2xx: result.non2xx };
}

const stack = await startStack({ seed: false, direct: true, countCalls: true });
try {
  console.log(`scale${smoke ? " (smoke)" : ""}: ${WORKSPACES} workspaces × ${NUMBERS_EACH} numbers…`);
  const companies = await setUp(stack);
  const allNumbers = companies.flatMap((c) => c.numbers);
  const hot = allNumbers[0]!;
  const quiet = allNumbers.slice(1);
  // Every account of every company: a sign-in peak is many people, each email routed to its own directory shard.
  const accounts = companies.flatMap((c) => c.emails);
  const shardsOf = (emails: string[]) => new Set(emails.map((e) => shardIndexOf("email", e))).size;
  const sentAt = new Map<string, { numberId: string; at: number }>();
  let latencies = new Map<string, number[]>();
  const sockets = await connectAgents(stack, companies, (_numberId, phone) => {
    const sent = sentAt.get(phone);
    if (!sent) return;
    sentAt.delete(phone);
    latencies.get(sent.numberId)?.push(performance.now() - sent.at);
  });

  // The hops: per customer webhook, per status POST, per API request (per sign-in after the phases).
  console.log("scale: calls between objects…");
  const calibration = 50;
  const hops = {
    customer_webhook: await hopsPer(stack, calibration, async () => {
      for (let i = 0; i < calibration; i++) await post(stack, customerText(quiet[i % quiet.length]!, `8699${String(i).padStart(9, "0")}`));
    }),
    status_post: await hopsPer(stack, calibration, async () => {
      for (let i = 0; i < calibration; i++) await post(stack, statusWebhook(hot, 5));
    }, 2_500), // the status lane's consumer takes its batch within a second (wrangler.toml max_batch_timeout)
    api_list_conversations: await hopsPer(stack, calibration, async () => {
      const company = companies[0]!;
      for (let i = 0; i < calibration; i++) await api(stack, "GET", `/numbers/${company.numbers[1]}/conversations?view=all`, company.adminToken);
    }),
  };
  const webhookDirectoryCalls = Object.entries(hops.customer_webhook).concat(Object.entries(hops.status_post)).filter(([k]) => k.includes("DIRECTORY"));
  if (webhookDirectoryCalls.length > 0) throw new Error(`the webhook path called the Directory: ${JSON.stringify(webhookDirectoryCalls)}`);

  // Warm-up, not measured: every number's object has compiled its statements and met its agents' sockets.
  console.log("scale: warming up…");
  await phase(stack, quiet, null, sentAt, latencies, WARM_UP_SECONDS);
  sentAt.clear();
  latencies = new Map();
  console.log(`scale: ${quiet.length} quiet numbers at ${QUIET_RATE}/s each, ${PHASE_SECONDS} s…`);
  const quietRun = await phase(stack, quiet, null, sentAt, latencies);
  const without = summarise(latencies);
  latencies = new Map();
  console.log(`scale: the same with ${hot} flooded at ${HOT_STATUSES_PER_S} statuses/s…`);
  const floodRun = await phase(stack, quiet, hot, sentAt, latencies);
  const withHot = summarise(latencies);
  sockets.forEach((s) => s.close());
  // Sign-ins last: a fresh sign-in starts Away, so signing the agents in before the phases left nobody to route to.
  const signInHops = await hopsPer(stack, accounts.length, async () => {
    for (const email of accounts) await api(stack, "POST", "/sessions", null, { email, password: PASSWORD });
  });

  console.log("scale: one Workspace object and the Directory under load…");
  const company = companies[1] ?? companies[0]!;
  const workspaceLoad = await throughput(stack, { requests: [{ method: "GET", path: "/api/me", headers: { authorization: `Bearer ${company.adminToken}` } }] });
  // Each connection walks every account in turn, so the sign-ins spread over the companies and the directory's shards.
  const signIns = await throughput(stack, {
    requests: accounts.map((email) => ({ method: "POST", path: "/api/sessions", headers: { "content-type": "application/json" }, body: JSON.stringify({ email, password: PASSWORD }) })),
  });
  // Emails no company has, from many client addresses: the email's shard alone answers and the address's shard counts
  // the failed attempt; no password is hashed. Enough addresses that none reaches its lockout (30 failures) within the
  // run, or the row would measure 429s answered from one address's shard.
  const strangers = Array.from({ length: STRANGERS }, (_, i) => ({ email: `nobody-${i}@nowhere.test`, address: `198.18.${i >> 8}.${i & 255}` }));
  const directoryOnly = await throughput(stack, {
    requests: strangers.map((s) => ({ method: "POST", path: "/api/sessions", headers: { "content-type": "application/json", "cf-connecting-ip": s.address }, body: JSON.stringify({ email: s.email, password: PASSWORD }) })),
  });
  const health = await throughput(stack, { requests: [{ method: "GET", path: "/health" }] });

  const results = {
    numbers: allNumbers.length,
    workspaces: WORKSPACES,
    agents: WORKSPACES * 2,
    sockets: sockets.length,
    quiet_rate_per_number: QUIET_RATE,
    hot_statuses_per_s: HOT_STATUSES_PER_S,
    phase_seconds: PHASE_SECONDS,
    quiet_without_hot: { ...without, offered: quietRun.customers },
    quiet_with_hot: { ...withHot, offered: floodRun.customers, statuses_sent: floodRun.statusesSent, status_ack_p99_ms: floodRun.statusAckP99 },
    hops: { ...hops, sign_in: signInHops },
    directory_shards: DIRECTORY_SHARDS,
    sign_in_accounts: accounts.length,
    sign_in_shards_reached: shardsOf(accounts),
    strangers: STRANGERS,
    stranger_shards_reached: shardsOf(strangers.map((s) => s.email)),
    workspace_api_per_s: workspaceLoad,
    directory_sign_ins_per_s: signIns,
    directory_lookups_per_s: directoryOnly,
    health_per_s: health,
    meta: runMeta(smoke),
  };
  mkdirSync(resolve(root, "bench/results"), { recursive: true });
  writeFileSync(resolve(root, `bench/results/${smoke ? "scale-smoke" : "scale"}.json`), `${JSON.stringify(results, null, 2)}\n`);
  const table = scaleTable(results);
  if (!smoke) {
    for (const file of ["docs/scale.md", "README.md"]) {
      const path = resolve(root, file);
      const text = readFileSync(path, "utf8");
      writeFileSync(path, text.replace(/<!-- scale:start -->[\s\S]*<!-- scale:end -->/, `<!-- scale:start -->\n${table}<!-- scale:end -->`));
    }
  }
  console.log(table);
} finally {
  await stack.dispose();
}

function scaleTable(r: any): string {
  const hopRows = Object.entries(r.hops as Record<string, Record<string, number>>).map(
    ([kind, calls]) => `| ${kind.replaceAll("_", " ")} | ${Object.entries(calls).map(([k, v]) => `${k}: ${v}`).join("; ") || "none"} |`,
  );
  return [
    `Measured ${r.meta.date} on ${r.meta.cpu} (${r.meta.cores} cores), commit ${r.meta.commit}, with \`npm run bench:scale\`: ${r.numbers} numbers in ${r.workspaces} workspaces, ${r.agents} agents holding ${r.sockets} sockets; ${r.numbers - 1} quiet numbers at ${r.quiet_rate_per_number} new customer/s each, ${r.phase_seconds} s per phase.`,
    "",
    "| quiet numbers, webhook → assignee's socket | messages | p50 | p99 | median number's p50 | worst number's p99 |",
    "|---|---|---|---|---|---|",
    `| without the hot number | ${r.quiet_without_hot.messages} | ${r.quiet_without_hot.p50_ms} ms | ${r.quiet_without_hot.p99_ms} ms | ${r.quiet_without_hot.median_number_p50_ms} ms | ${r.quiet_without_hot.worst_number_p99_ms} ms |`,
    `| with one number flooded at ${r.hot_statuses_per_s} statuses/s (status POST ack p99 ${r.quiet_with_hot.status_ack_p99_ms} ms) | ${r.quiet_with_hot.messages} | ${r.quiet_with_hot.p50_ms} ms | ${r.quiet_with_hot.p99_ms} ms | ${r.quiet_with_hot.median_number_p50_ms} ms | ${r.quiet_with_hot.worst_number_p99_ms} ms |`,
    "",
    "| calls between objects, per | caller → object.method: calls |",
    "|---|---|",
    ...hopRows,
    "",
    "| shared object under load (16 connections) | sustained | p99 |",
    "|---|---|---|",
    `| one Workspace: \`GET /api/me\` (the session checked in the company's object) | ${r.workspace_api_per_s.per_s}/s | ${r.workspace_api_per_s.p99_ms} ms |`,
    `| sign-ins: \`POST /api/sessions\` over ${r.sign_in_accounts} accounts in ${r.sign_in_shards_reached} of the directory's ${r.directory_shards} shards (the email's shard finds the company, the Workspace checks the password) | ${r.directory_sign_ins_per_s.per_s}/s | ${r.directory_sign_ins_per_s.p99_ms} ms |`,
    `| the Directory alone: sign-ins for ${r.strangers.toLocaleString("en")} emails no company has (in ${r.stranger_shards_reached} shards) from as many addresses (401, the attempt counted in the address's shard) | ${r.directory_lookups_per_s.per_s}/s | ${r.directory_lookups_per_s.p99_ms} ms |`,
    `| the runtime's \`GET /health\`, same generator | ${r.health_per_s.per_s}/s | ${r.health_per_s.p99_ms} ms |`,
    "",
  ].join("\n");
}
