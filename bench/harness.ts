/** What the benchmark's runs share: percentiles, the API as a client calls it, and webhooks signed as Meta signs them. */
import { execFileSync, spawn } from "node:child_process";
import { createHmac } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { resolve } from "node:path";
import { secrets, type Stack } from "../test/e2e/stack.ts";

const root = resolve(import.meta.dirname, "..");

/**
 * Runs one of the benchmark's generators (bench/*-load.ts) in a process of its own, so its sending never shares a
 * thread with what measures or serves it: the job goes in as a JSON file, the result comes back on one stdout line
 * that starts with `tag`.
 */
export function inOwnProcess<T>(script: string, job: unknown, jobFile: string, tag: string): Promise<T> {
  writeFileSync(jobFile, JSON.stringify(job));
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [resolve(import.meta.dirname, script), jobFile], { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("exit", (code) => {
      const line = output.split("\n").find((l) => l.startsWith(`${tag} `));
      if (code !== 0 || !line) return fail(new Error(`${script} failed (${code}):\n${output.slice(-2000)}`));
      done(JSON.parse(line.slice(tag.length + 1)) as T);
    });
  });
}

export const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
export const round = (n: number, digits = 1) => Number(n.toFixed(digits));

export async function api<T>(stack: Stack, method: string, path: string, token: string | null, body?: unknown): Promise<T> {
  const response = await fetch(`${stack.workerUrl}/api${path}`, {
    method,
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** The headers Meta sends with a body: its X-Hub-Signature-256 under the deployment's app secret. */
export function signedHeaders(body: string): Record<string, string> {
  const signature = createHmac("sha256", secrets.WHATSAPP_APP_SECRET).update(body).digest("hex");
  return { "content-type": "application/json", "x-hub-signature-256": `sha256=${signature}` };
}

const fixture = readFileSync(resolve(root, "test/fixtures/whatsapp/pywa__message__text.json"), "utf8");
let sequence = 0;

/** A real text-message webhook (pywa's fixture) from `customer` to `toNumber`, with a wamid never used before. */
export function customerWebhook(toNumber: string, customer: string, text: string, run = "BENCH"): { body: string; headers: Record<string, string> } {
  sequence++;
  const payload = JSON.parse(fixture);
  const value = payload.entry[0].changes[0].value;
  value.metadata.phone_number_id = toNumber;
  value.contacts[0].wa_id = customer;
  value.contacts[0].profile.name = `客户 ${customer.slice(-4)}`;
  delete value.contacts[0].user_id;
  value.messages[0].from = customer;
  value.messages[0].id = `wamid.${run}${process.pid}x${sequence}`;
  value.messages[0].timestamp = String(Math.floor(Date.now() / 1000));
  value.messages[0].text.body = text;
  const body = JSON.stringify(payload);
  return { body, headers: signedHeaders(body) };
}

/** When, on what and from which commit a run measured: the first line of every table it writes. */
export function runMeta(smoke: boolean) {
  return {
    date: new Date().toISOString(),
    commit: execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: root }).toString().trim(),
    cpu: cpus()[0]?.model ?? "unknown",
    cores: cpus().length,
    smoke,
  };
}
