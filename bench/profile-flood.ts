/**
 * Where a status POST's time goes, for the flood's closing notes: the flood's generator (bench/flood-load.ts) against
 * /health, and against status webhooks for a number nobody connected at a few rates. Run: node bench/profile-flood.ts
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { secrets, startStack } from "../test/e2e/stack.ts";
import { runFlood } from "./flood-load.ts";

process.env.WRANGLER_LOG ??= "warn";
const SECONDS = Number(process.env.SECONDS_PER_RUN ?? 5);
const stack = await startStack({ seed: false, simulatorStatuses: false });
mkdtempSync(join(tmpdir(), "inbox-profile-"));
const base = { url: stack.workerUrl, secret: secrets.WHATSAPP_APP_SECRET, known: [], customers: [], seed: 7, sockets: 64 };
try {
  const health = await runFlood({ ...base, mode: "health", phoneNumberId: "1", statusesPerSecond: 0, seconds: SECONDS, sockets: 32 });
  console.log(`GET /health, 32 clients back to back: ${health.postsPerS}/s`);
  for (const rate of [500, 1000, 2000, 3000]) {
    const r = await runFlood({ ...base, mode: "statuses", phoneNumberId: "999000111", statusesPerSecond: rate, seconds: SECONDS });
    console.log(`statuses, unconnected  offered ${rate}/s: ${r.statusesPerS}/s (${r.postsPerS} POSTs/s)  p50 ${r.ackP50Ms} p99 ${r.ackP99Ms} ms  failed ${r.failed}`);
  }
} finally {
  await stack.dispose();
}
