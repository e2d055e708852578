import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import type { Stack } from "../test/e2e/stack.ts";
import { readFrame } from "../shared/socket-frame.ts";

/**
 * The soak: webhooks at a steady rate for `minutes`, while 20 simulated agents connect, answer and resolve, drop
 * their sockets, sleep, go Away and come back at random. Every few seconds it checks that nobody waits while an
 * Available, present agent has room; it samples the runtime's memory; at the end it checks that every message a
 * customer sent is in its conversation.
 */
export interface SoakTools {
  stack: Stack;
  adminToken: string;
  api: <T>(stack: Stack, method: string, path: string, token: string | null, body?: unknown) => Promise<T>;
  webhook: (customer: string, toNumber: string, text?: string) => { body: string; headers: Record<string, string> };
}

const SOAK_NUMBER = "105550204";
const AGENTS = 20;
const CAPACITY = 5;
const MAX_IN_FLIGHT = 100;

interface SimAgent {
  id: string;
  token: string;
  socket: WebSocket | null;
  mine: Set<string>;
}

function random(seed: number) {
  let s = seed;
  return () => ((s = (s * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
}

/**
 * The workerd processes this benchmark started: its own descendants, not another run's or a test's. Found once per
 * runtime (pgrep blocks this process for a while, which would show up in what it measures), again if one ended.
 */
let knownPids: number[] = [];
export function runtimePids(): number[] {
  if (knownPids.length > 0 && knownPids.every((pid) => existsSync(`/proc/${pid}`))) return knownPids;
  knownPids = findRuntimePids();
  return knownPids;
}

function findRuntimePids(): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The command name sits in parentheses and may hold spaces; the parent pid is the second field after it.
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      parentOf.set(Number(entry), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // The process ended while we looked.
    }
  }
  const descends = (pid: number): boolean => {
    for (let p = parentOf.get(pid); p !== undefined && p > 1; p = parentOf.get(p)) if (p === process.pid) return true;
    return false;
  };
  return execFileSync("pgrep", ["-f", "workerd serve"]).toString().trim().split("\n").filter(Boolean).map(Number).filter(descends);
}

/** Resident memory of the workerd processes this benchmark started. */
export function runtimeRssKb(): number {
  return runtimePids().reduce((sum, pid) => {
    try {
      const status = readFileSync(`/proc/${pid}/status`, "utf8");
      return sum + Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    } catch {
      return sum;
    }
  }, 0);
}

export async function soak(tools: SoakTools, minutes: number, ratePerSecond = 50) {
  const { stack, adminToken, api } = tools;
  const next = random(2026);
  const suffix = Date.now().toString(36);
  const agents: SimAgent[] = [];
  for (let i = 0; i < AGENTS; i++) {
    const email = `soak${i}-${suffix}@acme.test`;
    const person = await api<{ id: string }>(stack, "POST", "/people", adminToken, { name: `Soak ${i}`, email, password: "soak-password", role: "agent" });
    await api(stack, "PUT", `/people/${person.id}`, adminToken, { capacity: CAPACITY });
    const { token } = await api<{ token: string }>(stack, "POST", "/sessions", null, { email, password: "soak-password" });
    agents.push({ id: person.id, token, socket: null, mine: new Set() });
  }
  await stack.connectNumber(adminToken, { phoneNumberId: SOAK_NUMBER, displayName: "Soak", memberIds: agents.map((a) => a.id) });

  const end = Date.now() + minutes * 60_000;
  const sent = new Map<string, number>();
  const customers: string[] = [];
  let unassignedWithRoom = 0;
  let checks = 0;
  let rssWarm = 0;
  let socketsServerMax = 0;
  /** The runtime's memory once a minute, in MB: a leak climbs to the end, a cache levels off. */
  const rssSeries: number[] = [];
  let lastRssSample = 0;
  let socketsClientMax = 0;

  /** Sockets the number's object holds, as the console's number health reports them. */
  async function openSockets(): Promise<number> {
    const { numbers } = await api<{ numbers: { phoneNumberId: string; health: { openSockets: number } }[] }>(stack, "GET", "/numbers", adminToken);
    return numbers.find((n) => n.phoneNumberId === SOAK_NUMBER)?.health.openSockets ?? -1;
  }

  async function connect(agent: SimAgent) {
    const { ticket } = await api<{ ticket: string }>(stack, "POST", "/socket-ticket", agent.token, { phoneNumberId: SOAK_NUMBER });
    const socket = new WebSocket(`${stack.workerUrl.replace("http", "ws")}/api/numbers/${SOAK_NUMBER}/socket?ticket=${ticket}`);
    await new Promise((ready, fail) => {
      socket.onopen = ready;
      socket.onerror = fail;
    });
    socket.onmessage = (message) => {
      for (const event of readFrame(String(message.data))) {
        if (event.type !== "conversation") continue;
        if (event.conversation.assigneeId === agent.id && event.conversation.status === "open") agent.mine.add(event.conversation.id);
        else agent.mine.delete(event.conversation.id);
      }
    };
    agent.socket = socket;
    // Catching up after a drop: what is mine now, from the API, as the panel does.
    const page = await api<{ conversations: { id: string; status: string }[] }>(stack, "GET", `/numbers/${SOAK_NUMBER}/conversations?view=mine&limit=200`, agent.token);
    for (const c of page.conversations) if (c.status === "open") agent.mine.add(c.id);
  }

  /** Answers and resolves what it holds, so capacity frees and the queue keeps moving. */
  async function work(agent: SimAgent) {
    for (const id of [...agent.mine].slice(0, 3)) {
      agent.mine.delete(id);
      await api(stack, "POST", `/numbers/${SOAK_NUMBER}/conversations/${id}/messages`, agent.token, { type: "text", text: "好的，已为您处理", clientId: crypto.randomUUID() }).catch(() => undefined);
      await api(stack, "POST", `/numbers/${SOAK_NUMBER}/conversations/${id}/resolve`, agent.token).catch(() => undefined);
    }
  }

  /** A simulated wait that ends with the soak: an agent asleep or Away when time is up does not hold the run open. */
  const pause = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, Math.min(ms, end - Date.now()))));

  async function live(agent: SimAgent) {
    while (Date.now() < end) {
      await connect(agent);
      await api(stack, "PUT", "/me/status", agent.token, { status: "available" });
      const stayUntil = Date.now() + 10_000 + next() * 30_000;
      while (Date.now() < Math.min(stayUntil, end)) {
        await work(agent);
        await pause(500 + next() * 1_500);
      }
      const roll = next();
      if (roll < 0.4) {
        // The laptop sleeps: the socket drops without a word, back after a while.
        agent.socket?.close();
        agent.socket = null;
        await pause(3_000 + next() * 20_000);
      } else if (roll < 0.6) {
        await api(stack, "PUT", "/me/status", agent.token, { status: "away" });
        await pause(5_000 + next() * 10_000);
        agent.socket?.close();
        agent.socket = null;
      } else {
        agent.socket?.close();
        agent.socket = null;
      }
    }
    agent.socket?.close();
  }

  /**
   * Webhooks on a fixed schedule, not one after the other: a slow answer must not lower the rate. At most
   * MAX_IN_FLIGHT requests are open at once; past that the schedule waits, and the achieved rate says so.
   */
  async function customersWrite() {
    const interval = 1000 / ratePerSecond;
    const started = performance.now();
    const inFlight = new Set<Promise<void>>();
    for (let i = 0; Date.now() < end; i++) {
      const wait = started + i * interval - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      if (inFlight.size >= MAX_IN_FLIGHT) await Promise.race(inFlight);
      // Three in ten are new customers; the rest write again in their conversation.
      const returning = customers.length > 50 && next() < 0.7;
      const customer = returning ? customers[Math.floor(next() * customers.length)]! : `865${String(600_000_000 + customers.length).padStart(10, "0")}`;
      if (!returning) customers.push(customer);
      const { body, headers } = tools.webhook(customer, SOAK_NUMBER, `第 ${i} 条`);
      const request: Promise<void> = fetch(`${stack.workerUrl}/webhooks/whatsapp`, { method: "POST", headers, body })
        .then(async (response) => {
          await response.arrayBuffer();
          if (response.status === 200) sent.set(customer, (sent.get(customer) ?? 0) + 1);
        })
        .catch(() => undefined)
        .finally(() => inFlight.delete(request));
      inFlight.add(request);
    }
    await Promise.all(inFlight);
  }

  /** Nobody waits while an Available, present agent has room: sampled twice around the agents' facts. */
  async function watch() {
    const started = Date.now();
    while (Date.now() < end) {
      await pause(5_000);
      if (Date.now() >= end) break;
      if (!rssWarm && Date.now() - started > 60_000) rssWarm = runtimeRssKb();
      if (Date.now() - lastRssSample >= 60_000) {
        rssSeries.push(Math.round(runtimeRssKb() / 1024));
        lastRssSample = Date.now();
      }
      const waitingBefore = (await api<{ conversations: unknown[] }>(stack, "GET", `/numbers/${SOAK_NUMBER}/conversations?view=unassigned&limit=200`, adminToken)).conversations.length;
      const { agents: facts } = await api<{ agents: { status: string; present: boolean; load: number; capacity: number | null }[] }>(stack, "GET", `/numbers/${SOAK_NUMBER}/agents`, adminToken);
      const waitingAfter = (await api<{ conversations: unknown[] }>(stack, "GET", `/numbers/${SOAK_NUMBER}/conversations?view=unassigned&limit=200`, adminToken)).conversations.length;
      // Sockets: what the number's object holds against what the agents have open; closed ones must not pile up.
      socketsServerMax = Math.max(socketsServerMax, await openSockets());
      socketsClientMax = Math.max(socketsClientMax, agents.filter((a) => a.socket && a.socket.readyState !== WebSocket.CLOSED).length);
      const room = facts.some((a) => a.status === "available" && a.present && (a.capacity === null || a.load < a.capacity));
      checks++;
      if (room) unassignedWithRoom = Math.max(unassignedWithRoom, Math.min(waitingBefore, waitingAfter));
    }
  }

  await Promise.all([customersWrite(), watch(), ...agents.map((a) => live(a))]);
  const rssEnd = runtimeRssKb();
  // Every agent has hung up: give the close handshakes a moment, then the object should hold none.
  await new Promise((r) => setTimeout(r, 3_000));
  const socketsEnd = await openSockets();

  // After catching up, every message each (sampled) customer sent is in its conversation.
  let missing = 0;
  const sample = customers.filter((_, i) => i % Math.max(1, Math.floor(customers.length / 100)) === 0);
  for (const customer of sample) {
    const found = await api<{ results: { conversation: { id: string } }[] }>(stack, "GET", `/numbers/${SOAK_NUMBER}/search?q=${customer}`, adminToken);
    let stored = 0;
    for (const hit of found.results.slice(0, 3)) {
      const { messages } = await api<{ messages: { direction: string }[] }>(stack, "GET", `/numbers/${SOAK_NUMBER}/conversations/${hit.conversation.id}/messages`, adminToken);
      stored += messages.filter((m) => m.direction === "in").length;
    }
    if (stored < (sent.get(customer) ?? 0)) missing++;
  }
  return {
    soak_minutes: minutes,
    soak_rate_per_s: ratePerSecond,
    soak_agents: AGENTS,
    soak_messages: [...sent.values()].reduce((a, b) => a + b, 0),
    soak_checks: checks,
    soak_unassigned_max: unassignedWithRoom,
    soak_sockets_server_max: socketsServerMax,
    soak_sockets_client_max: socketsClientMax,
    soak_sockets_end: socketsEnd,
    soak_rss_growth_pct: rssWarm ? Math.round(((rssEnd - rssWarm) / rssWarm) * 1000) / 10 : null,
    soak_rss_mb_warm: rssWarm ? Math.round(rssWarm / 1024) : null,
    soak_rss_mb_end: Math.round(rssEnd / 1024),
    // Growth over the last third of the run against the first two thirds, per ten minutes: near zero once caches are full.
    soak_rss_mb_per_10min_last_third: perTenMinutes(rssSeries.slice(Math.floor((rssSeries.length * 2) / 3))),
    soak_rss_mb_per_10min_first_two_thirds: perTenMinutes(rssSeries.slice(0, Math.floor((rssSeries.length * 2) / 3) + 1)),
    soak_rss_mb_series: rssSeries,
    soak_rate_achieved_per_s: Math.round(([...sent.values()].reduce((a, b) => a + b, 0) / (minutes * 60)) * 10) / 10,
    soak_customers_checked: sample.length,
    soak_missing: missing,
  };
}

/** Change per ten minutes across one-minute samples; null when there are too few to say. */
function perTenMinutes(samples: number[]): number | null {
  if (samples.length < 3) return null;
  return Math.round(((samples.at(-1)! - samples[0]!) / (samples.length - 1)) * 10 * 10) / 10;
}
