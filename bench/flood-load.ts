/**
 * The flood's load generator, run by bench/flood.ts in a process of its own so that sending never delays the
 * measurement of the agents' sockets in the parent. It is open-loop: POST i leaves at start + i / rate whether or not
 * earlier ones were answered, and its latency counts from that planned instant, so a slow receiver cannot slow the
 * generator down and hide its own queueing (no coordinated omission).
 *
 * Bodies are status webhooks shaped as Meta sends them under load: 1 to 50 statuses per POST, most small (the mix
 * below), half for wamids the inbox sent and half for a campaign's, each signed with the app secret before the run.
 *
 * Input: a JSON job file (argv[2]). Output: one line `FLOOD_LOAD {json}` on stdout.
 */
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { Agent, request } from "node:http";

export interface FloodJob {
  url: string;
  /**
   * "statuses" posts status webhooks on schedule; "health" gets the worker's plain /health route as fast as it answers
   * (the floor's rate); "health-paced" gets /health on the statuses' schedule, `statusesPerSecond` requests a second
   * (the floor's latency at a given request rate).
   */
  mode: "statuses" | "health" | "health-paced";
  secret: string;
  phoneNumberId: string;
  /** Outbound messages the inbox sent: their wamids and recipients. */
  known: { wamid: string; to: string }[];
  /** The number's customers: half the campaign's statuses go to them, half to strangers. */
  customers: string[];
  statusesPerSecond: number;
  seconds: number;
  seed: number;
  /** Sockets to the worker at most (requests wait for one beyond that). */
  sockets: number;
}

export interface FloodLoadResult {
  posts: number;
  acked: number;
  failed: number;
  timeouts: number;
  statusesAcked: number;
  knownAcked: number;
  campaignAcked: number;
  /** Per index into `known`: the furthest status rank of an acknowledged POST (1 sent, 2 delivered, 3 read). */
  knownFurthest: Record<number, number>;
  elapsedS: number;
  postsPerS: number;
  statusesPerS: number;
  ackP50Ms: number;
  ackP99Ms: number;
  ackMaxMs: number;
  /** Every acknowledgement's time (ms, to 0.1), so runs in turn can be read as one (flood.ts, `asOneRun`). */
  acksMs: number[];
  /** POSTs by statuses carried: 1, 2–10, 11–30, 31–50. */
  mix: Record<string, number>;
  meanStatusesPerPost: number;
  /** CPU this generator used while sending (ms), to show it was not the bottleneck. */
  cpuMs: number;
}

/**
 * The mix of statuses per POST: half carry one, 30 % two to ten, 15 % eleven to thirty, 5 % thirty-one to fifty
 * (mean about 7.4). Meta batches more when it sends more, and most deliveries stay small.
 */
export const MIX = [
  { weight: 0.5, min: 1, max: 1, label: "1" },
  { weight: 0.3, min: 2, max: 10, label: "2-10" },
  { weight: 0.15, min: 11, max: 30, label: "11-30" },
  { weight: 0.05, min: 31, max: 50, label: "31-50" },
] as const;

const STATUSES = ["sent", "delivered", "read"] as const;
const RANK: Record<(typeof STATUSES)[number], number> = { sent: 1, delivered: 2, read: 3 };
const TIMEOUT_MS = 10_000;

function random(seed: number) {
  let s = seed >>> 0 || 1;
  return () => {
    // xorshift32: fast and good enough to draw sizes and picks.
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

interface Post {
  body: string;
  headers: Record<string, string>;
  statuses: number;
  known: [index: number, rank: number][];
  label: string;
}

function buildPosts(job: FloodJob): Post[] {
  const next = random(job.seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)]!;
  const posts: Post[] = [];
  let total = 0;
  const wanted = Math.round(job.statusesPerSecond * job.seconds);
  let campaign = 0;
  while (total < wanted) {
    let r = next();
    const band = MIX.find((b) => (r -= b.weight) < 0) ?? MIX[MIX.length - 1]!;
    const n = Math.min(wanted - total, band.min + Math.floor(next() * (band.max - band.min + 1)));
    const timestamp = String(Math.floor(Date.now() / 1000));
    const known: [number, number][] = [];
    const statuses = Array.from({ length: n }, () => {
      const status = pick(STATUSES);
      if (job.known.length > 0 && next() < 0.5) {
        const index = Math.floor(next() * job.known.length);
        known.push([index, RANK[status]]);
        const { wamid, to } = job.known[index]!;
        return { id: wamid, status, timestamp, recipient_id: to, conversation: { id: "CONVERSATION_ID", origin: { type: "service" } }, pricing: { billable: false, pricing_model: "PMP", category: "service", type: "free_customer_service" } };
      }
      campaign++;
      const to = next() < 0.5 && job.customers.length > 0 ? pick(job.customers) : `86139${String(Math.floor(next() * 1e8)).padStart(8, "0")}`;
      const id = `wamid.HBgNODYxMzkCAMPAIGN${job.seed}x${campaign}${Math.floor(next() * 1e9).toString(16)}`;
      return { id, status, timestamp, recipient_id: to, conversation: { id: "CAMPAIGN_CONVERSATION", origin: { type: "marketing" } }, pricing: { billable: true, pricing_model: "PMP", category: "marketing", type: "regular" } };
    });
    const body = JSON.stringify({
      object: "whatsapp_business_account",
      entry: [{ id: "WABA_ID", changes: [{ value: { messaging_product: "whatsapp", metadata: { display_phone_number: "15550100", phone_number_id: job.phoneNumberId }, statuses }, field: "messages" }] }],
    });
    const signature = createHmac("sha256", job.secret).update(body).digest("hex");
    posts.push({ body, headers: { "content-type": "application/json", "x-hub-signature-256": `sha256=${signature}`, "content-length": String(Buffer.byteLength(body)) }, statuses: n, known, label: band.label });
    total += n;
  }
  return posts;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

/** The floor: `GET /health` from `sockets` clients, each sending its next request when the last was answered. */
async function healthFloor(job: FloodJob): Promise<number> {
  const url = new URL(job.url);
  const agent = new Agent({ keepAlive: true, maxSockets: job.sockets });
  const end = performance.now() + job.seconds * 1000;
  let answered = 0;
  const get = () =>
    new Promise<void>((done) => {
      const req = request({ host: url.hostname, port: url.port, path: "/health", agent, timeout: TIMEOUT_MS }, (res) => {
        res.resume();
        res.on("end", () => {
          if (res.statusCode === 200) answered++;
          done();
        });
      });
      req.on("timeout", () => req.destroy());
      req.on("error", () => done());
      req.end();
    });
  const started = performance.now();
  await Promise.all(Array.from({ length: job.sockets }, async () => {
    while (performance.now() < end) await get();
  }));
  agent.destroy();
  return Math.round((answered / ((performance.now() - started) / 1000)) * 10) / 10;
}

export async function runFlood(job: FloodJob): Promise<FloodLoadResult> {
  if (job.mode === "health") {
    const perSecond = await healthFloor(job);
    return { posts: 0, acked: 0, failed: 0, timeouts: 0, statusesAcked: 0, knownAcked: 0, campaignAcked: 0, knownFurthest: {}, elapsedS: job.seconds, postsPerS: perSecond, statusesPerS: 0, ackP50Ms: NaN, ackP99Ms: NaN, ackMaxMs: NaN, acksMs: [], mix: {}, meanStatusesPerPost: 0, cpuMs: 0 };
  }
  const url = new URL(job.url);
  const paced = job.mode === "health-paced";
  const posts: Post[] = paced
    ? Array.from({ length: Math.round(job.statusesPerSecond * job.seconds) }, () => ({ body: "", headers: {}, statuses: 1, known: [], label: "health" }))
    : buildPosts(job);
  const agent = new Agent({ keepAlive: true, maxSockets: job.sockets });
  const perPostMs = (1000 * job.seconds) / posts.length;
  const cpuBefore = process.cpuUsage();
  const latencies: number[] = [];
  const knownFurthest: Record<number, number> = {};
  const result = { acked: 0, failed: 0, timeouts: 0, statusesAcked: 0, knownAcked: 0, campaignAcked: 0 };
  const start = performance.now() + 50;
  let lastAnswer = start;

  const send = (post: Post, plannedAt: number) =>
    new Promise<void>((done) => {
      const req = request(
        { host: url.hostname, port: url.port, method: paced ? "GET" : "POST", path: paced ? "/health" : "/webhooks/whatsapp", headers: post.headers, agent, timeout: TIMEOUT_MS },
        (res) => {
          res.resume();
          res.on("end", () => {
            const now = performance.now();
            lastAnswer = Math.max(lastAnswer, now);
            if (res.statusCode === 200) {
              latencies.push(now - plannedAt);
              result.acked++;
              result.statusesAcked += post.statuses;
              result.knownAcked += post.known.length;
              result.campaignAcked += post.statuses - post.known.length;
              for (const [index, rank] of post.known) knownFurthest[index] = Math.max(knownFurthest[index] ?? 0, rank);
            } else result.failed++;
            done();
          });
        },
      );
      req.on("timeout", () => {
        result.timeouts++;
        req.destroy();
      });
      req.on("error", () => {
        result.failed++;
        done();
      });
      req.end(paced ? undefined : post.body);
    });

  const inflight: Promise<void>[] = [];
  for (let i = 0; i < posts.length; i++) {
    const plannedAt = start + i * perPostMs;
    const wait = plannedAt - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    inflight.push(send(posts[i]!, plannedAt));
  }
  await Promise.all(inflight);
  const cpu = process.cpuUsage(cpuBefore);
  agent.destroy();
  const elapsedS = (lastAnswer - start) / 1000;
  const sorted = latencies.sort((a, b) => a - b);
  const mix: Record<string, number> = {};
  for (const p of posts) mix[p.label] = (mix[p.label] ?? 0) + 1;
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    posts: posts.length,
    ...result,
    knownFurthest,
    elapsedS: round(elapsedS),
    postsPerS: round(result.acked / elapsedS),
    statusesPerS: round(result.statusesAcked / elapsedS),
    ackP50Ms: round(percentile(sorted, 50)),
    ackP99Ms: round(percentile(sorted, 99)),
    ackMaxMs: round(sorted.at(-1) ?? NaN),
    acksMs: sorted.map(round),
    mix,
    meanStatusesPerPost: round(posts.reduce((s, p) => s + p.statuses, 0) / posts.length),
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
  };
}

if (process.argv[2]) {
  const job = JSON.parse(readFileSync(process.argv[2], "utf8")) as FloodJob;
  const result = await runFlood(job);
  process.stdout.write(`FLOOD_LOAD ${JSON.stringify(result)}\n`);
}
