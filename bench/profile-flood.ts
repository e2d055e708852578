/**
 * Where a status POST's time goes, for the flood's closing notes: the flood's generator (bench/flood-load.ts) against
 * /health from 32 clients back to back, and against status webhooks for a number nobody connected at a few rates
 * (RATES=500,1000,2000,3000 by default); for each, the runtime's CPU per request. Run: node bench/profile-flood.ts
 */
import { secrets, startStack } from "../test/e2e/stack.ts";
import { cpuSnapshot } from "./flood.ts";
import { runFlood } from "./flood-load.ts";
import { runtimeRssKb } from "./soak.ts";

process.env.WRANGLER_LOG ??= "warn";
const SECONDS = Number(process.env.SECONDS_PER_RUN ?? 5);
const RATES = (process.env.RATES ?? "500,1000,2000,3000").split(",").map(Number);
const stack = await startStack({ seed: false, simulatorStatuses: false });
const base = { url: stack.workerUrl, secret: secrets.WHATSAPP_APP_SECRET, known: [], customers: [], seed: 7, sockets: 64 };
const mb = () => Math.round(runtimeRssKb() / 1024);
const perRequest = (a: ReturnType<typeof cpuSnapshot>, b: ReturnType<typeof cpuSnapshot>, requests: number) => ((b.runtime - a.runtime) / Math.max(1, requests)).toFixed(2);
try {
  // The runtime's own memory grows with the requests it serves, app or not, and levels off: /health shows it.
  const rssStart = mb();
  let a = cpuSnapshot();
  const health = await runFlood({ ...base, mode: "health", phoneNumberId: "1", statusesPerSecond: 0, seconds: SECONDS, sockets: 32 });
  console.log(`GET /health, 32 clients back to back: ${health.postsPerS}/s; runtime CPU ${perRequest(a, cpuSnapshot(), health.postsPerS * SECONDS)} ms per request; runtime memory ${rssStart} → ${mb()} MB`);
  for (const rate of RATES) {
    a = cpuSnapshot();
    const r = await runFlood({ ...base, mode: "statuses", phoneNumberId: "999000111", statusesPerSecond: rate, seconds: SECONDS });
    console.log(
      `statuses for a number nobody connected, offered ${rate}/s: ${r.statusesPerS}/s (${r.postsPerS} POSTs/s), ack p50 ${r.ackP50Ms} p99 ${r.ackP99Ms} ms, failed ${r.failed}; runtime CPU ${perRequest(a, cpuSnapshot(), r.acked)} ms per POST; memory ${mb()} MB`,
    );
  }
} finally {
  await stack.dispose();
}
