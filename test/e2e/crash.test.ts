import { spawn, type ChildProcess } from "node:child_process";
import { createHmac } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startSimulator, type Simulator } from "../../simulator/server.ts";
import { freePort } from "./stack.ts";

/**
 * The runtime killed hard in the middle of a burst of webhooks: `wrangler dev` (and the workerd under it) gets
 * SIGKILL, no chance to flush anything, then starts again on the same state. Every webhook that was answered
 * 200 must be stored exactly once; those that got no answer are accepted when Meta redelivers them.
 */
const root = resolve(import.meta.dirname, "../..");
const SECRET = "crash-app-secret";
const NUMBER = "105550777";
const MESSAGES = Number(process.env.CRASH_MESSAGES ?? 300);
const state = mkdtempSync(join(tmpdir(), "inbox-crash-"));
let child: ChildProcess | null = null;
let url = "";
/** Meta, for the check it makes when the number is connected; nothing is sent in this test. */
let meta: Simulator | null = null;

async function startRuntime(port: number): Promise<void> {
  const envFile = join(state, "secrets.env");
  writeFileSync(envFile, `WHATSAPP_APP_SECRET=${SECRET}\nWHATSAPP_VERIFY_TOKEN=crash\nWHATSAPP_ACCESS_TOKEN=crash-access-token\nSETUP_TOKEN=crash-setup-token\nGRAPH_API_BASE=${meta?.url ?? "http://127.0.0.1:9"}\n`);
  child = spawn("wrangler", ["dev", "--ip", "127.0.0.1", "--port", String(port), "--persist-to", join(state, "data"), "--env-file", envFile, "--log-level", "warn", "--inspector-port", "0"], {
    cwd: root,
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "1" },
    // Its own process group, so one signal reaches wrangler and the workerd it started.
    detached: true,
    stdio: "ignore",
  });
  url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`${url}/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error("the runtime did not start within 30 s");
}

function killHard(): void {
  if (child?.pid) process.kill(-child.pid, "SIGKILL");
  child = null;
}

function delivery(i: number): { body: string; headers: Record<string, string> } {
  const waId = `8613${String(i).padStart(9, "0")}`;
  const body = JSON.stringify({
    object: "whatsapp_business_account",
    entry: [
      {
        id: "205550777",
        changes: [
          {
            field: "messages",
            value: {
              messaging_product: "whatsapp",
              metadata: { display_phone_number: "15550777", phone_number_id: NUMBER },
              contacts: [{ profile: { name: `客户 ${i}` }, wa_id: waId }],
              messages: [{ from: waId, id: `wamid.CRASH${i}`, timestamp: String(Math.floor(Date.now() / 1000)), type: "text", text: { body: `第 ${i} 条：在吗？` } }],
            },
          },
        ],
      },
    ],
  });
  const signature = `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`;
  return { body, headers: { "content-type": "application/json", "x-hub-signature-256": signature } };
}

async function deliver(i: number): Promise<boolean> {
  const { body, headers } = delivery(i);
  try {
    const response = await fetch(`${url}/webhooks/whatsapp`, { method: "POST", headers, body, signal: AbortSignal.timeout(10_000) });
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false;
  }
}

async function api<T>(method: string, path: string, token: string | null, body?: unknown): Promise<T> {
  const response = await fetch(`${url}/api${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

afterAll(async () => {
  killHard();
  await meta?.close();
  rmSync(state, { recursive: true, force: true });
});

describe("crash under load", () => {
  it(`SIGKILL in the middle of ${MESSAGES} webhooks: every acknowledged message stored exactly once, the rest accepted on redelivery`, async () => {
    const port = await freePort();
    meta = await startSimulator({
      port: 0,
      host: "127.0.0.1",
      workerUrl: `http://127.0.0.1:${port}`,
      appSecret: SECRET,
      accessToken: "crash-access-token",
      phoneNumberId: NUMBER,
      displayPhoneNumber: "15550777",
      wabaId: "205550777",
      statusDelaysMs: [200, 500, 900],
    });
    await startRuntime(port);
    await fetch(`${url}/api/setup`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer crash-setup-token" },
      body: JSON.stringify({ workspaceName: "Crash", admin: { name: "Admin", email: "crash@example.test", password: "crash-password" } }),
    });
    const { token } = await api<{ token: string }>("POST", "/sessions", null, { email: "crash@example.test", password: "crash-password" });
    // The operator connects it: the deployment's token serves it once Meta confirms it reads the number and its WABA.
    await api("POST", "/setup/numbers", "crash-setup-token", { workspaceId: token.split(".")[0], phoneNumberId: NUMBER, wabaId: "205550777", displayName: "Crash" });

    // 16 at a time, as fast as the runtime answers; the kill lands once a third of them are acknowledged.
    const acked = new Set<number>();
    let next = 0;
    let killed = false;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < MESSAGES) {
          const i = next++;
          if (await deliver(i)) acked.add(i);
          if (!killed && acked.size >= MESSAGES / 3) {
            killed = true;
            killHard();
          }
        }
      }),
    );
    expect(killed).toBe(true);
    const unanswered = Array.from({ length: MESSAGES }, (_, i) => i).filter((i) => !acked.has(i));
    expect(unanswered.length).toBeGreaterThan(0);

    await startRuntime(port);
    // Meta redelivers what got no 200; some acknowledged ones come again too, as Meta sometimes does.
    for (const i of [...unanswered, ...[...acked].slice(0, 20)]) expect(await deliver(i)).toBe(true);

    const seen = new Map<string, number>();
    let cursor: string | null = null;
    do {
      const page: { conversations: { contact: { waId: string }; unread: number }[]; nextCursor: string | null } = await api(
        "GET",
        `/numbers/${NUMBER}/conversations?view=all&limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
        token,
      );
      for (const c of page.conversations) seen.set(c.contact.waId, (seen.get(c.contact.waId) ?? 0) + c.unread);
      cursor = page.nextCursor;
    } while (cursor);
    const lost = [...acked].filter((i) => !seen.has(`8613${String(i).padStart(9, "0")}`)).length;
    const doubled = [...seen.values()].filter((n) => n > 1).length;
    // The benchmark reads this line (reliability.crash_*).
    console.log(`RELIABILITY ${JSON.stringify({ crash_messages: MESSAGES, crash_acked: acked.size, crash_redelivered: unanswered.length, crash_lost: lost, crash_doubled: doubled })}`);
    // One conversation per customer, one message in each: nothing lost, nothing doubled.
    expect({ lost, doubled }).toEqual({ lost: 0, doubled: 0 });
    expect(seen.size).toBe(MESSAGES);
    expect([...seen.values()].filter((n) => n !== 1)).toEqual([]);
    for (const i of acked) expect(seen.get(`8613${String(i).padStart(9, "0")}`)).toBe(1);
  }, 180_000);
});
