/**
 * The status flood (issue #21): one number, 20 agents connected, customers writing 20 messages/s, and a campaign's
 * status webhooks on top, as Meta sends them under load (bench/flood-load.ts: 1–50 statuses a POST, half for wamids
 * the inbox sent, half for the campaign's). On a deployment of its own, so the runtime's memory is the flood's alone.
 *
 * - steady: 1,000 statuses/s offered for a fixed time; the status POSTs' acknowledgement times, and the agents'
 *   end-to-end times (customer webhook → assigned agent's socket) against the same measure just before, unflooded;
 * - capacity: the offered rate stepped up until a step is not acknowledged in full at that rate with the lane keeping
 *   up; the highest step that was is the capacity, and the highest also answered within Meta's 250 ms at p99 is the
 *   healthy capacity;
 * - both: every status for a message the inbox sent applied (counted by the number, and each reply's final tick
 *   checked against the furthest status sent for it); the most unknown-status rows the number held; the memory
 *   of the runtime's processes before, during and after.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { demoNumber } from "../simulator/server.ts";
import { readFrame } from "../shared/socket-frame.ts";
import { secrets, startStack, type Stack } from "../test/e2e/stack.ts";
import type { FloodJob, FloodLoadResult } from "./flood-load.ts";
import { api, customerWebhook, inOwnProcess, percentile, round } from "./harness.ts";
import { runtimePids, runtimeRssKb } from "./soak.ts";

const NUMBER = demoNumber.phoneNumberId;
const PASSWORD = "flood-password";

interface Size {
  agents: number;
  /** Conversations opened before the flood, and the agents' replies in each: the wamids the inbox sent. */
  conversations: number;
  repliesEach: number;
  customersPerSecond: number;
  /** Seconds of each, over all rounds: the quiet and the flooded phases take turns, `rounds` times. */
  quietSeconds: number;
  steadyRate: number;
  steadySeconds: number;
  rounds: number;
  capacityRates: number[];
  stepSeconds: number;
  /** Replies agents send per second during the flood: sends in flight while campaign statuses arrive. */
  repliesPerSecond: number;
}

const FULL: Size = {
  agents: 20,
  conversations: 200,
  repliesEach: 5,
  customersPerSecond: 20,
  // A minute each: 1,200 samples put a p99 on its 12th-slowest message, not on one stall as 400 would. In three
  // turns of 20 s, so the ratio compares phases of the same minutes, not a quiet minute with a later, larger heap.
  quietSeconds: 60,
  steadyRate: 1_000,
  steadySeconds: 60,
  rounds: 3,
  capacityRates: [1_500, 2_000, 2_500, 3_000, 3_500, 4_000, 5_000, 6_000],
  stepSeconds: 10,
  repliesPerSecond: 2,
};
const SMOKE: Size = {
  agents: 4,
  conversations: 8,
  repliesEach: 2,
  customersPerSecond: 10,
  quietSeconds: 2,
  steadyRate: 200,
  steadySeconds: 3,
  rounds: 1,
  capacityRates: [300],
  stepSeconds: 2,
  repliesPerSecond: 1,
};

/** Meta's guidance for a healthy receiver: answer within 250 ms (the healthy capacity holds it at p99). */
const ACK_P99_LIMIT_MS = 250;
/** A capacity step must be applied, not only acknowledged: the lane drains within this after the step. */
const DRAIN_LIMIT_MS = 5_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A customer's text to the flooded number, signed like Meta signs it. */
const customerText = (customer: string) => customerWebhook(NUMBER, customer, "你好，我的快递到哪了？", "FLOOD");

interface Tally {
  applied: number;
  dropped: number;
  kept: number;
  claimed: number;
  expired: number;
  capped: number;
  held: number;
  heldMax: number;
}

async function tally(stack: Stack): Promise<Tally> {
  const response = await fetch(`${stack.workerUrl}/bench/lane/${NUMBER}`);
  if (!response.ok) throw new Error(`lane probe: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { statuses: Tally }).statuses;
}
const processed = (t: Tally) => t.applied + t.dropped + t.kept;

/** CPU time so far (ms): the runtime's workerd processes, this process, and the whole machine's busy and total time. */
export function cpuSnapshot() {
  const TICK_MS = 10; // USER_HZ is 100 on Linux
  const ticksOf = (pid: number) => {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
      return Number(fields[11]) + Number(fields[12]); // utime, stime
    } catch {
      return 0;
    }
  };
  const [, ...machine] = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).map(Number);
  const total = machine.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = machine[3]! + machine[4]!;
  const own = process.cpuUsage();
  return {
    at: performance.now(),
    runtime: runtimePids().reduce((sum, pid) => sum + ticksOf(pid), 0) * TICK_MS,
    bench: (own.user + own.system) / 1000,
    machineBusy: (total - idle) * TICK_MS,
  };
}

/** Cores each part used between two snapshots; "others" is the rest of the machine (other programs). */
function coresUsed(a: ReturnType<typeof cpuSnapshot>, b: ReturnType<typeof cpuSnapshot>, generatorMs: number) {
  const ms = b.at - a.at;
  const cores = (used: number) => Math.round((used / ms) * 100) / 100;
  const runtime = b.runtime - a.runtime;
  const bench = b.bench - a.bench;
  return {
    runtime: cores(runtime),
    generator: cores(generatorMs),
    bench: cores(bench),
    others: cores(Math.max(0, b.machineBusy - a.machineBusy - runtime - bench - generatorMs)),
  };
}

/** p50 and p99 of latencies pooled from several turns. */
function percentilesOf(latencies: number[]) {
  const sorted = [...latencies].sort((a, b) => a - b);
  return { p50: round(percentile(sorted, 50)), p99: round(percentile(sorted, 99)), samples: sorted.length };
}

/** Several runs of the generator read as one: counts added, rates over the time they took together, percentiles of every acknowledgement. */
function asOneRun(runs: FloodLoadResult[]): FloodLoadResult {
  const sum = (pick: (r: FloodLoadResult) => number) => runs.reduce((total, r) => total + pick(r), 0);
  const acks = runs.flatMap((r) => r.acksMs).sort((a, b) => a - b);
  const elapsedS = sum((r) => r.elapsedS);
  const posts = sum((r) => r.posts);
  const mix: Record<string, number> = {};
  const knownFurthest: Record<number, number> = {};
  for (const r of runs) {
    for (const [band, n] of Object.entries(r.mix)) mix[band] = (mix[band] ?? 0) + n;
    for (const [i, rank] of Object.entries(r.knownFurthest)) knownFurthest[Number(i)] = Math.max(knownFurthest[Number(i)] ?? 0, rank);
  }
  return {
    posts,
    acked: sum((r) => r.acked),
    failed: sum((r) => r.failed),
    timeouts: sum((r) => r.timeouts),
    statusesAcked: sum((r) => r.statusesAcked),
    knownAcked: sum((r) => r.knownAcked),
    campaignAcked: sum((r) => r.campaignAcked),
    knownFurthest,
    elapsedS: round(elapsedS),
    postsPerS: round(sum((r) => r.acked) / elapsedS),
    statusesPerS: round(sum((r) => r.statusesAcked) / elapsedS),
    ackP50Ms: round(percentile(acks, 50)),
    ackP99Ms: round(percentile(acks, 99)),
    ackMaxMs: round(acks.at(-1) ?? NaN),
    acksMs: acks,
    mix,
    meanStatusesPerPost: round(sum((r) => r.meanStatusesPerPost * r.posts) / posts),
    cpuMs: sum((r) => r.cpuMs),
  };
}

function averageCores(turns: ReturnType<typeof coresUsed>[]): ReturnType<typeof coresUsed> {
  const mean = (pick: (c: ReturnType<typeof coresUsed>) => number) => Math.round((turns.reduce((s, c) => s + pick(c), 0) / turns.length) * 100) / 100;
  return { runtime: mean((c) => c.runtime), generator: mean((c) => c.generator), bench: mean((c) => c.bench), others: mean((c) => c.others) };
}

/** Runs the load generator in its own process and returns what it measured. */
function load(job: FloodJob, dir: string): Promise<FloodLoadResult> {
  return inOwnProcess<FloodLoadResult>("flood-load.ts", job, join(dir, `job-${job.seed}.json`), "FLOOD_LOAD");
}

export async function flood(smoke: boolean) {
  const size = smoke ? SMOKE : FULL;
  const dir = mkdtempSync(join(tmpdir(), "inbox-flood-"));
  const stack = await startStack({ seed: false, simulatorStatuses: false, direct: true });
  const rssSeries: { at: number; mb: number }[] = [];
  const began = Date.now();
  const sampler = setInterval(() => rssSeries.push({ at: Math.round((Date.now() - began) / 1000), mb: Math.round(runtimeRssKb() / 1024) }), 2_000);
  try {
    // A workspace of its own: an admin, the agents, and the simulator's number with all of them in rotation.
    await fetch(`${stack.workerUrl}/api/setup`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${secrets.SETUP_TOKEN}` },
      body: JSON.stringify({ workspaceName: "Flood", admin: { name: "Admin", email: "admin@flood.test", password: PASSWORD } }),
    }).then(async (r) => {
      if (!r.ok) throw new Error(`setup: ${r.status} ${await r.text()}`);
    });
    const { token: adminToken } = await api<{ token: string }>(stack, "POST", "/sessions", null, { email: "admin@flood.test", password: PASSWORD });
    const agents: { id: string; token: string; socket: WebSocket }[] = [];
    for (let i = 0; i < size.agents; i++) {
      const email = `agent${i}@flood.test`;
      const person = await api<{ id: string }>(stack, "POST", "/people", adminToken, { name: `Agent ${i}`, email, password: PASSWORD, role: "agent" });
      const { token } = await api<{ token: string }>(stack, "POST", "/sessions", null, { email, password: PASSWORD });
      agents.push({ id: person.id, token, socket: null as unknown as WebSocket });
    }
    // Connected as a multi-company deployment asks: with its WABA and a token the simulator minted for the number.
    await stack.connectNumber(adminToken, { phoneNumberId: NUMBER, displayName: "Flood", memberIds: agents.map((a) => a.id) });

    // Each customer's new conversation, as its assignee's socket hears of it.
    const writtenAt = new Map<string, number>();
    const assigned = new Map<string, { conversationId: string; agent: (typeof agents)[number] }>();
    let latencies: number[] = [];
    for (const agent of agents) {
      const { ticket } = await api<{ ticket: string }>(stack, "POST", "/socket-ticket", agent.token, { phoneNumberId: NUMBER });
      agent.socket = new WebSocket(`${stack.workerUrl.replace("http", "ws")}/api/numbers/${NUMBER}/socket?ticket=${ticket}`);
      await new Promise((ready, fail) => {
        agent.socket.onopen = ready;
        agent.socket.onerror = fail;
      });
      agent.socket.onmessage = (message) => {
        for (const event of readFrame(String(message.data))) {
          if (event.type !== "conversation" || event.conversation.assigneeId !== agent.id) continue;
          const phone = event.conversation.contact.waId!;
          if (assigned.has(phone)) continue;
          assigned.set(phone, { conversationId: event.conversation.id, agent });
          const started = writtenAt.get(phone);
          if (started !== undefined) latencies.push(performance.now() - started);
        }
      };
      await api(stack, "PUT", "/me/status", agent.token, { status: "available" });
    }

    let customerCount = 0;
    /** New customers write at a fixed rate for `seconds`; returns when every one of them reached an agent (or 10 s). */
    async function customersWrite(seconds: number) {
      const interval = 1000 / size.customersPerSecond;
      const count = Math.round(seconds * size.customersPerSecond);
      const phones: string[] = [];
      const started = performance.now();
      const inflight: Promise<unknown>[] = [];
      for (let i = 0; i < count; i++) {
        const wait = started + i * interval - performance.now();
        if (wait > 1) await sleep(wait);
        const phone = `86150${String(customerCount++).padStart(8, "0")}`;
        phones.push(phone);
        const { body, headers } = customerText(phone);
        writtenAt.set(phone, performance.now());
        inflight.push(fetch(`${stack.workerUrl}/webhooks/whatsapp`, { method: "POST", headers, body }).then((r) => r.arrayBuffer()));
      }
      await Promise.all(inflight);
      const deadline = Date.now() + 10_000;
      while (phones.some((p) => !assigned.has(p)) && Date.now() < deadline) await sleep(20);
      const missing = phones.filter((p) => !assigned.has(p)).length;
      if (missing > 0) throw new Error(`${missing} of ${phones.length} customers never reached an agent`);
      return phones;
    }
    /** The agents' end-to-end times of one phase, from the latencies collected meanwhile. */
    async function measured<T>(work: Promise<T>) {
      latencies = [];
      const result = await work;
      return { result, ...percentilesOf(latencies), latencies };
    }

    // The inbox's own outbound messages: a reply or more in each of the first conversations.
    const seeded = await customersWrite(size.conversations / size.customersPerSecond);
    const known: { wamid: string; to: string; messageId: string; conversationId: string; token: string }[] = [];
    await Promise.all(
      seeded.map(async (phone, i) => {
        const { conversationId, agent } = assigned.get(phone)!;
        const ids: string[] = [];
        for (let r = 0; r < size.repliesEach; r++) {
          const message = await api<{ id: string }>(stack, "POST", `/numbers/${NUMBER}/conversations/${conversationId}/messages`, agent.token, {
            type: "text",
            text: `您好，第 ${r + 1} 条回复 (${i})`,
            clientId: crypto.randomUUID(),
          });
          ids.push(message.id);
        }
        // Replies leave through the outbox at the number's 80 a second; each has its wamid once Meta answered.
        const deadline = Date.now() + 120_000;
        await sleep(1_000);
        for (;;) {
          const { messages } = await api<{ messages: { id: string; wamid: string | null }[] }>(stack, "GET", `/numbers/${NUMBER}/conversations/${conversationId}/messages`, agent.token);
          const sent = messages.filter((m) => ids.includes(m.id) && m.wamid);
          if (sent.length === ids.length) {
            for (const m of sent) known.push({ wamid: m.wamid!, to: phone, messageId: m.id, conversationId, token: agent.token });
            break;
          }
          if (Date.now() > deadline) throw new Error(`replies in conversation ${conversationId} were not sent within two minutes`);
          await sleep(2_000);
        }
      }),
    );

    /** Replies during the flood: sends in flight while the campaign's statuses for the same customers arrive. */
    async function agentsReply(seconds: number) {
      const end = Date.now() + seconds * 1000;
      let n = 0;
      while (Date.now() < end) {
        const phone = seeded[n++ % seeded.length]!;
        const { conversationId, agent } = assigned.get(phone)!;
        await api(stack, "POST", `/numbers/${NUMBER}/conversations/${conversationId}/messages`, agent.token, { type: "text", text: "正在为您处理", clientId: crypto.randomUUID() }).catch(() => undefined);
        await sleep(1000 / size.repliesPerSecond);
      }
    }

    let seed = 1;
    let acked = 0;
    const furthest = new Map<number, number>();
    const mix: Record<string, number> = {};
    let posts = 0;
    let statusesPosted = 0;
    let knownAcked = 0;
    let campaignAcked = 0;
    const job = (statusesPerSecond: number, seconds: number): FloodJob => ({
      url: stack.workerUrl,
      mode: "statuses",
      secret: secrets.WHATSAPP_APP_SECRET,
      phoneNumberId: NUMBER,
      known: known.map(({ wamid, to }) => ({ wamid, to })),
      customers: seeded,
      statusesPerSecond,
      seconds,
      seed: seed++,
      sockets: 64,
    });
    const record = (r: FloodLoadResult) => {
      acked += r.statusesAcked;
      knownAcked += r.knownAcked;
      campaignAcked += r.campaignAcked;
      posts += r.posts;
      for (const [band, n] of Object.entries(r.mix)) mix[band] = (mix[band] ?? 0) + n;
      statusesPosted += r.posts * r.meanStatusesPerPost;
      for (const [index, rank] of Object.entries(r.knownFurthest)) furthest.set(Number(index), Math.max(furthest.get(Number(index)) ?? 0, rank));
      return r;
    };
    /** Waits until the number has processed every status acknowledged so far; returns how long that took. */
    async function drained(limitMs: number): Promise<number | null> {
      const started = Date.now();
      while (Date.now() - started < limitMs) {
        if (processed(await tally(stack)) >= acked) return Date.now() - started;
        await sleep(50);
      }
      return null;
    }

    // The floor: the same generator against the plain /health route of the same runtime.
    const healthPerS = await healthFloor(stack, smoke ? 1 : 5);

    // Warm-up (not measured): the flood's code paths compiled, the queue's consumer running.
    record(await load(job(size.steadyRate / 2, smoke ? 1 : 5), dir));
    await drained(30_000);
    await sleep(1_000);
    const rssBefore = Math.round(runtimeRssKb() / 1024);

    // The same measure without and with the flood, in turns (quiet, flood, quiet, flood…), each quiet turn once the
    // lane has drained. This machine's speed drifts over minutes and the runtime's heap grows through the run, so one
    // quiet minute followed by one flooded minute compared the two minutes as much as the flood.
    // FLOOD_STALLS=1: the runtime's stalls in each phase, beside the latencies (a diagnostic; off in `npm run bench`).
    const stallsOf = (seconds: number) =>
      process.env.FLOOD_STALLS === "1" ? fetch(`${stack.workerUrl}/bench/stalls/${seconds}`).then((r) => r.json()) : Promise.resolve(null);
    const quietTurns: number[][] = [];
    const steadyTurns: number[][] = [];
    const steadyLoads: FloodLoadResult[] = [];
    const steadyCores: ReturnType<typeof coresUsed>[] = [];
    const stalls: unknown[] = [];
    for (let turn = 0; turn < size.rounds; turn++) {
      if (turn > 0) {
        await drained(60_000);
        await sleep(2_000);
      }
      const quietStalls = stallsOf(size.quietSeconds / size.rounds);
      quietTurns.push((await measured(customersWrite(size.quietSeconds / size.rounds))).latencies);
      const cpuBefore = cpuSnapshot();
      const seconds = size.steadySeconds / size.rounds;
      const steadyStalls = stallsOf(seconds);
      const steadyTurn = await measured(Promise.all([load(job(size.steadyRate, seconds), dir).then(record), customersWrite(seconds), agentsReply(seconds)]).then(([r]) => r));
      steadyTurns.push(steadyTurn.latencies);
      steadyLoads.push(steadyTurn.result);
      steadyCores.push(coresUsed(cpuBefore, cpuSnapshot(), steadyTurn.result.cpuMs));
      stalls.push({ quiet: await quietStalls, steady: await steadyStalls });
    }
    if (process.env.FLOOD_STALLS === "1") console.log(`FLOOD_STALLS ${JSON.stringify(stalls)}`);
    const quiet = percentilesOf(quietTurns.flat());
    const steady = { ...percentilesOf(steadyTurns.flat()), result: asOneRun(steadyLoads) };
    const turnRatios = quietTurns.map((q, i) => round(percentilesOf(steadyTurns[i]!).p99 / percentilesOf(q).p99, 2));
    const cpuSteady = averageCores(steadyCores);
    const steadyLagMs = await drained(60_000);
    // The floor's latency: the plain /health route of the same runtime, paced at the steady run's request rate
    // (status POSTs and customers' webhooks), without the flood.
    const pacedRate = steady.result.postsPerS + size.customersPerSecond;
    const floor = await load({ ...job(pacedRate, smoke ? 2 : 15), mode: "health-paced" }, dir);
    const rssAfterSteady = Math.round(runtimeRssKb() / 1024);

    // Capacity: the offered rate stepped up, customers still writing, until a step fails.
    const steps: Record<string, number | boolean | null>[] = [];
    let capacity = 0;
    let healthyCapacity = 0;
    for (const rate of size.capacityRates) {
      const cpuStart = cpuSnapshot();
      const step = await measured(Promise.all([load(job(rate, size.stepSeconds), dir).then(record), customersWrite(size.stepSeconds)]).then(([r]) => r));
      const cpu = coresUsed(cpuStart, cpuSnapshot(), step.result.cpuMs);
      const lagMs = await drained(30_000);
      const r = step.result;
      const ok = r.failed === 0 && r.statusesPerS >= rate * 0.95 && lagMs !== null && lagMs <= DRAIN_LIMIT_MS;
      const healthy = ok && r.ackP99Ms < ACK_P99_LIMIT_MS;
      steps.push({ offered_per_s: rate, acked_per_s: r.statusesPerS, ack_p50_ms: r.ackP50Ms, ack_p99_ms: r.ackP99Ms, failed_posts: r.failed, drain_ms: lagMs, e2e_p99_ms: step.p99, runtime_cores: cpu.runtime, other_programs_cores: cpu.others, ok, healthy });
      if (!ok) break;
      capacity = rate;
      if (healthy) healthyCapacity = rate;
    }
    if ((await drained(60_000)) === null) throw new Error("the status lane did not drain within a minute of the flood's end");

    // Memory once the flood is over and the lane is empty.
    await sleep(smoke ? 1_000 : 10_000);
    const rssAfter = Math.round(runtimeRssKb() / 1024);

    // Every status for a message the inbox sent was applied: counted by the number, and each reply's tick is at
    // least as far as the furthest status acknowledged for it.
    const counted = await tally(stack);
    const rank: Record<string, number> = { pending: -1, accepted: 0, sent: 1, delivered: 2, read: 3, played: 4, failed: 1 };
    const byConversation = new Map<string, typeof known>();
    known.forEach((k) => byConversation.set(k.conversationId, [...(byConversation.get(k.conversationId) ?? []), k]));
    const indexOf = new Map(known.map((k, i) => [k.messageId, i]));
    let behind = 0;
    for (const [conversationId, list] of byConversation) {
      const { messages } = await api<{ messages: { id: string; status: string | null }[] }>(stack, "GET", `/numbers/${NUMBER}/conversations/${conversationId}/messages`, list[0]!.token);
      for (const m of messages) {
        const i = indexOf.get(m.id);
        if (i !== undefined && (rank[m.status ?? "pending"] ?? -1) < (furthest.get(i) ?? 0)) behind++;
      }
    }
    const total = Object.values(mix).reduce((a, b) => a + b, 0);
    return {
      ack_p99_ms: steady.result.ackP99Ms,
      ack_p50_ms: steady.result.ackP50Ms,
      offered_per_s: size.steadyRate,
      acked_per_s: steady.result.statusesPerS,
      steady_failed_posts: steady.result.failed,
      health_per_s: healthPerS,
      health_paced_per_s: round(pacedRate),
      health_paced_p50_ms: floor.ackP50Ms,
      health_paced_p99_ms: floor.ackP99Ms,
      e2e_p99_ms: steady.p99,
      e2e_p50_ms: steady.p50,
      e2e_quiet_p99_ms: quiet.p99,
      e2e_quiet_p50_ms: quiet.p50,
      e2e_ratio: round(steady.p99 / quiet.p99, 2),
      e2e_samples: steady.samples,
      e2e_quiet_samples: quiet.samples,
      // Each turn's own ratio (20 s a phase): how far one turn strays from the run's.
      e2e_turn_ratios: turnRatios,
      e2e_turns: size.rounds,
      steady_drain_ms: steadyLagMs,
      // Cores used during the steady run by the runtime (workerd), the generator, this process (simulator, agents'
      // sockets, customers) and everything else on the machine: on 2 cores, the room left says who limits whom.
      steady_cores: cpuSteady,
      statuses_per_s: capacity,
      statuses_per_s_healthy: healthyCapacity,
      capacity_steps: steps,
      // Statuses for the inbox's own messages that the number did not apply: acknowledged minus applied.
      lost: Math.max(0, knownAcked - counted.applied),
      replies_behind: behind,
      known_statuses: knownAcked,
      campaign_statuses: campaignAcked,
      applied: counted.applied,
      dropped: counted.dropped,
      kept: counted.kept,
      claimed: counted.claimed,
      early_rows_max: counted.heldMax,
      rss_mb_before: rssBefore,
      // After the steady run, then after the capacity steps (several times as many statuses): memory that levels off
      // grows little between the two.
      rss_mb_after_steady: rssAfterSteady,
      rss_mb_after: rssAfter,
      rss_mb_peak: Math.max(...rssSeries.map((s) => s.mb), rssAfter),
      rss_mb_series: rssSeries.map((s) => s.mb),
      mix: Object.fromEntries(Object.entries(mix).map(([band, n]) => [band, round((100 * n) / total)])),
      mean_statuses_per_post: round(statusesPosted / Math.max(1, posts)),
      posts,
      agents: size.agents,
      customers_per_s: size.customersPerSecond,
      known_wamids: known.length,
    };
  } finally {
    clearInterval(sampler);
    await stack.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The same generator against the worker's plain /health route: what this machine serves at all (the floor). */
export async function healthFloor(stack: Stack, seconds = 5): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), "inbox-floor-"));
  try {
    const r = await load({ url: stack.workerUrl, mode: "health", secret: "", phoneNumberId: NUMBER, known: [], customers: [], statusesPerSecond: 0, seconds, seed: 0, sockets: 32 }, dir);
    return r.postsPerS;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// `node bench/flood.ts [--smoke]` runs the flood alone and prints its figures.
if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.dirname, "flood.ts")) {
  process.env.WRANGLER_LOG ??= "warn";
  const figures = await flood(process.argv.includes("--smoke"));
  console.log(JSON.stringify(figures, null, 2));
}
