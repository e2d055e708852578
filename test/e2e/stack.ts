import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { unstable_DevEnv } from "wrangler";
import { seedDemo } from "../../scripts/seed.ts";
import { startDirectRuntime } from "./direct-runtime.ts";
import { demoNumber, startSimulator, type SimulatorOptions } from "../../simulator/server.ts";

const root = resolve(import.meta.dirname, "../..");
// The dev server narrates every request; tests only need its warnings.
process.env.WRANGLER_LOG ??= "warn";
process.env.WRANGLER_SEND_METRICS = "false";
// Wrangler's local trace collector (on unless turned off) streams every invocation's tail events (each request, RPC,
// socket message and SQL span) to a collector isolate that runs on the worker's own thread and stores them in
// SQLite; its garbage collections of 40–80 ms every few seconds then stall every request of the runtime. It is a
// dev-server feature (Workers Logs on Cloudflare are collected outside the worker), so the tests and the benchmark
// run without it. `npm start` keeps it, for the local explorer.
process.env.X_LOCAL_OBSERVABILITY ??= "false";

export const secrets = {
  WHATSAPP_APP_SECRET: "e2e-app-secret",
  WHATSAPP_VERIFY_TOKEN: "e2e-verify-token",
  WHATSAPP_ACCESS_TOKEN: "e2e-access-token",
  SETUP_TOKEN: "e2e-setup-token",
  TOKEN_ENCRYPTION_KEY: "ZTJlLWtleS1lMmUta2V5LWUyZS1rZXktZTJlLWtleS0",
};

export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => done(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/**
 * The whole product on loopback: the worker in wrangler's dev server (real workerd, SQLite Durable
 * Objects persisted to a temp folder so a restart keeps state), the Meta simulator, and the demo workspace
 * unless asked for an empty deployment.
 *
 * `direct`: the worker on its own socket, from the deploy bundle, in the same runtime (direct-runtime.ts), for the
 * benchmark: wrangler's dev server puts a reload proxy and Miniflare's entry worker in front of it, which Cloudflare
 * does not have. The tests go through them, as `npm start` does.
 * `countCalls`: every call between objects is counted (BENCH_COUNT_CALLS, for the scale simulation only).
 */
export async function startStack(options: { seed?: boolean; simulatorStatuses?: boolean; inspectorPort?: number; direct?: boolean; countCalls?: boolean } = {}) {
  const persistTo = mkdtempSync(join(tmpdir(), "inbox-e2e-"));
  const workerPort = await freePort();
  const workerUrl = `http://127.0.0.1:${workerPort}`;
  const simulatorOptions: SimulatorOptions = {
    port: 0,
    host: "127.0.0.1",
    workerUrl,
    appSecret: secrets.WHATSAPP_APP_SECRET,
    accessToken: secrets.WHATSAPP_ACCESS_TOKEN,
    ...demoNumber,
    // Further apart than the status lane's 1 s batch window, so the panel shows each tick in turn. The flood
    // benchmark sends its own status webhooks and turns the simulator's off.
    statusDelaysMs: options.simulatorStatuses === false ? null : [300, 1_600, 2_900],
  };
  const simulator = await startSimulator(simulatorOptions);

  const bindings: Record<string, string> = {
    ...secrets,
    GRAPH_API_BASE: simulator.url,
    // The benchmark's probes: status-lane tallies (worker/status-lane/probe.ts), floors and call counts (worker/bench-probes/).
    BENCH_PROBES: "1",
    // Counting every call between objects wraps each binding in a proxy: the scale simulation's alone.
    ...(options.countCalls ? { BENCH_COUNT_CALLS: "1" } : {}),
  };

  async function startWorker(): Promise<{ dispose(): Promise<void> }> {
    if (options.direct) return startDirectRuntime({ port: workerPort, persistTo, bindings, inspectorPort: options.inspectorPort });
    const devEnv = new unstable_DevEnv();
    const worker = await devEnv.startWorker({
      config: resolve(root, "wrangler.toml"),
      bindings: Object.fromEntries(
        Object.entries(bindings).map(([k, value]) => [k, k in secrets ? { type: "secret_text" as const, value } : { type: "plain_text" as const, value }]),
      ),
      dev: { server: { hostname: "127.0.0.1", port: workerPort }, inspector: options.inspectorPort ? { port: options.inspectorPort } : false, persist: persistTo, watch: false },
    });
    await worker.ready;
    return worker;
  }

  let worker = await startWorker();
  // A fresh deployment (seed: false) has nothing in it, as one made for an import.
  if (options.seed !== false) await seedDemo(workerUrl, secrets.SETUP_TOKEN);

  return {
    workerUrl,
    simulator,
    /**
     * A company admin connects a number as this deployment (multi-company) asks: with the number's WABA and an access
     * token Meta accepts for both; the simulator mints one bound to that number, as a business's system user has.
     */
    async connectNumber(adminToken: string, number: { phoneNumberId: string; displayName: string; memberIds?: string[]; wabaId?: string }) {
      const wabaId = number.wabaId ?? `2${number.phoneNumberId.slice(1)}`;
      const minted = await fetch(`${simulator.url}/simulator/graph/tokens`, { method: "POST", body: JSON.stringify({ phoneNumberId: number.phoneNumberId, wabaId }) });
      const { token: accessToken } = (await minted.json()) as { token: string };
      const response = await fetch(`${workerUrl}/api/numbers`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${adminToken}` },
        body: JSON.stringify({ phoneNumberId: number.phoneNumberId, displayName: number.displayName, wabaId, accessToken, memberIds: number.memberIds ?? [] }),
      });
      if (!response.ok) throw new Error(`connecting ${number.phoneNumberId}: ${response.status} ${await response.text()}`);
      return response.json();
    },
    /** Stops the worker and starts it again on the same port and state, as after a deploy or crash. */
    async restartWorker(downtimeMs = 0) {
      await worker.dispose();
      await new Promise((r) => setTimeout(r, downtimeMs));
      worker = await startWorker();
    },
    async stopWorker() {
      await worker.dispose();
    },
    async startWorkerAgain() {
      worker = await startWorker();
    },
    /** `sentAt` (ms): a message WhatsApp delivers late, dated when the customer sent it. */
    async customerWrites(waId: string, name: string, text: string, sentAt?: number) {
      const response = await fetch(`${simulator.url}/simulator/messages`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ waId, name, text, ...(sentAt === undefined ? {} : { sentAt }) }),
      });
      return (await response.json()) as { wamid: string; workerStatus: number };
    },
    async simulatorMessages(waId: string) {
      const response = await fetch(`${simulator.url}/simulator/messages?waId=${waId}`);
      return ((await response.json()) as { messages: { direction: string; text: string | null; body: unknown }[] }).messages;
    },
    async dispose() {
      await worker.dispose().catch(() => undefined);
      await simulator.close();
      rmSync(persistTo, { recursive: true, force: true });
    },
  };
}
export type Stack = Awaited<ReturnType<typeof startStack>>;
