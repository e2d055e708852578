/**
 * Where an ingest's time goes, for the benchmark's closing notes: the same generator against /health, against
 * signed webhooks for a number nobody connected (signature, JSON, zod, one RPC that stores nothing), and against
 * signed webhooks for the connected demo number (the whole path). Run: node bench/profile-ingest.ts
 */
import { createHmac } from "node:crypto";
import autocannon from "autocannon";
import { secrets, startStack } from "../test/e2e/stack.ts";

const AMOUNT = Number(process.env.AMOUNT ?? 4000);
const stack = await startStack();
let n = 0;
function signed(phoneNumberId: string) {
  n++;
  const body = JSON.stringify({
    object: "whatsapp_business_account",
    entry: [
      {
        id: "1",
        changes: [
          {
            field: "messages",
            value: {
              messaging_product: "whatsapp",
              metadata: { display_phone_number: "1", phone_number_id: phoneNumberId },
              contacts: [{ profile: { name: "客户" }, wa_id: `86${1e10 + n}` }],
              messages: [{ from: `86${1e10 + n}`, id: `wamid.P${process.pid}${n}`, timestamp: "1700000000", type: "text", text: { body: "你好" } }],
            },
          },
        ],
      },
    ],
  });
  const signature = createHmac("sha256", secrets.WHATSAPP_APP_SECRET).update(body).digest("hex");
  return { method: "POST", path: "/webhooks/whatsapp", headers: { "content-type": "application/json", "x-hub-signature-256": `sha256=${signature}` }, body };
}
async function run(name: string, options: Partial<autocannon.Options>) {
  const r = await autocannon({ url: stack.workerUrl, connections: 32, amount: AMOUNT, ...options });
  console.log(`${name.padEnd(40)} ${r.requests.average.toFixed(0).padStart(6)}/s  p50 ${r.latency.p50} ms  p99 ${r.latency.p99} ms  non2xx ${r.non2xx}`);
}
try {
  await run("GET /health", { requests: [{ method: "GET", path: "/health" }] });
  await run("webhook, unconnected number", { requests: [{ setupRequest: (request) => ({ ...request, ...signed("999000111") }) }] });
  await run("webhook, connected number (full path)", { requests: [{ setupRequest: (request) => ({ ...request, ...signed("105550100") }) }] });
} finally {
  await stack.dispose();
}
