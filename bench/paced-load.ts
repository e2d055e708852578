/**
 * Paced signed webhooks from new customers, sent by a process of its own (bench/run.ts starts it): the benchmark's
 * own process also runs wrangler's dev environment and the Meta simulator, and a pause there (its garbage
 * collection, the simulator answering the worker's sends) would be read as the worker's latency. Meta and the
 * agents are on other machines; this process only sends, and, for the end-to-end runs, listens on the agents' sockets.
 *
 * Open loop: webhook i leaves at start + i / rate whether or not earlier ones were answered, and every latency counts
 * from that planned instant, so a slow receiver cannot slow the sender down and hide its own queueing (no
 * coordinated omission). Bodies (harness.ts, `customerWebhook`) are built and signed before the first one leaves.
 *
 * Input: a JSON job file (argv[2]). Output: one line `PACED_LOAD {json}` on stdout.
 */
import { readFileSync } from "node:fs";
import { Agent, request } from "node:http";
import WebSocket from "ws";
import { readFrame } from "../shared/socket-frame.ts";
import { customerWebhook, round } from "./harness.ts";

export interface PacedJob {
  /** The worker's origin, e.g. http://127.0.0.1:8787. */
  origin: string;
  /** The route posted to: the webhook, or a floor probe. */
  path: string;
  phoneNumberId: string;
  /** Customers' phone numbers are `prefix` followed by an 8-digit sequence, each new to the number. */
  prefix: string;
  rate: number;
  amount: number;
  /** End to end: the agents' sockets (URLs with their tickets) and their ids; latency is then until the assignee hears. */
  agents?: { id: string; socketUrl: string }[];
  /** End to end: how long to wait for the last conversations to reach an agent after the last webhook left. */
  drainMs?: number;
}

export interface PacedResult {
  sent: number;
  failed: number;
  /** Each webhook's acknowledgement, ms from its planned instant (to 0.1). */
  acksMs: number[];
  /** End to end: each conversation's arrival at its assignee's socket, ms from its webhook's planned instant. */
  e2eMs: number[];
  /** How late, at most, a webhook left after its planned instant (ms): the sender's own lag. */
  maxSendLagMs: number;
  cpuMs: number;
}

const SOCKETS = 64;

async function listen(agents: NonNullable<PacedJob["agents"]>, plannedAt: Map<string, number>, e2e: number[]) {
  const seen = new Set<string>();
  const sockets = await Promise.all(
    agents.map(
      (agent) =>
        new Promise<WebSocket>((ready, fail) => {
          const socket = new WebSocket(agent.socketUrl);
          socket.on("open", () => ready(socket));
          socket.on("error", fail);
          socket.on("message", (data) => {
            for (const event of readFrame(String(data))) {
              if (event.type !== "conversation" || event.conversation.assigneeId !== agent.id) continue;
              const phone = event.conversation.contact.waId!;
              const planned = plannedAt.get(phone);
              if (planned === undefined || seen.has(phone)) continue;
              seen.add(phone);
              e2e.push(round(performance.now() - planned));
            }
          });
        }),
    ),
  );
  return sockets;
}

export async function runPaced(job: PacedJob): Promise<PacedResult> {
  const url = new URL(job.path, job.origin);
  const agent = new Agent({ keepAlive: true, maxSockets: SOCKETS });
  const customers = Array.from({ length: job.amount }, (_, i) => `${job.prefix}${String(10_000_000 + i).padStart(8, "0")}`);
  const posts = customers.map((customer) => {
    const { body, headers } = customerWebhook(job.phoneNumberId, customer, "你好，请问订单什么时候发货？", "PACED");
    // Meta declares the length; the worker refuses a declared length past 3 MB before reading the body.
    return { customer, body, headers: { ...headers, "content-length": String(Buffer.byteLength(body)) } };
  });
  const plannedAt = new Map<string, number>();
  const e2eMs: number[] = [];
  const sockets = job.agents ? await listen(job.agents, plannedAt, e2eMs) : [];
  const acksMs: number[] = [];
  let failed = 0;
  let maxSendLagMs = 0;
  const cpu = process.cpuUsage();
  const start = performance.now() + 50;
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < posts.length; i++) {
    const planned = start + (i * 1000) / job.rate;
    const wait = planned - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    maxSendLagMs = Math.max(maxSendLagMs, performance.now() - planned);
    const post = posts[i]!;
    plannedAt.set(post.customer, planned);
    inflight.push(
      new Promise<void>((done) => {
        const req = request(url, { method: "POST", agent, headers: post.headers }, (res) => {
          res.resume();
          res.on("end", () => {
            if (res.statusCode === 200) acksMs.push(round(performance.now() - planned));
            else failed++;
            done();
          });
        });
        req.on("error", () => {
          failed++;
          done();
        });
        req.end(post.body);
      }),
    );
  }
  await Promise.all(inflight);
  if (job.agents) {
    const deadline = performance.now() + (job.drainMs ?? 10_000);
    while (e2eMs.length < posts.length - failed && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  }
  for (const socket of sockets) socket.close();
  agent.destroy();
  const used = process.cpuUsage(cpu);
  return { sent: posts.length, failed, acksMs, e2eMs, maxSendLagMs: round(maxSendLagMs), cpuMs: Math.round((used.user + used.system) / 1000) };
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const job = JSON.parse(readFileSync(process.argv[2]!, "utf8")) as PacedJob;
  const result = await runPaced(job);
  console.log(`PACED_LOAD ${JSON.stringify(result)}`);
}
