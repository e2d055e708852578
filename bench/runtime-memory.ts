/**
 * Whose memory grows under load: the runtime's resident memory (anonymous and file-backed, from
 * /proc/<pid>/smaps_rollup) after each 10-s round of signed requests at full speed, for the real webhook route or
 * one of the floors, so a growth the product causes can be told from one the runtime shows for a route that does
 * nothing. Run: node bench/runtime-memory.ts [webhook|insert|rpc] [rounds]. Figures in bench/README.md
 * ("The runtime's memory").
 */
import { readFileSync } from "node:fs";
import autocannon from "autocannon";
import { demoWorkspace } from "../scripts/demo-data.ts";
import { startStack } from "../test/e2e/stack.ts";
import { customerWebhook } from "./harness.ts";
import { runtimePids } from "./soak.ts";

const target = process.argv[2] ?? "webhook";
const rounds = Number(process.argv[3] ?? 6);
const path = target === "webhook" ? "/webhooks/whatsapp" : `/bench/floor/${target}`;

function residentMb() {
  let anonymous = 0;
  let resident = 0;
  for (const pid of runtimePids()) {
    const text = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, "m").exec(text)?.[1] ?? 0);
    anonymous += kb("Anonymous");
    resident += kb("Rss");
  }
  return { anonymous: Math.round(anonymous / 1024), fileBacked: Math.round((resident - anonymous) / 1024) };
}

const stack = await startStack({ direct: true });
let sent = 0;
try {
  console.log(`${path}: before, ${JSON.stringify(residentMb())} MB`);
  for (let round = 1; round <= rounds; round++) {
    await autocannon({
      url: `${stack.workerUrl}${path}`,
      connections: 16,
      duration: 10,
      requests: [
        {
          setupRequest: (request) => {
            sent++;
            const { body, headers } = customerWebhook(demoWorkspace.number.phoneNumberId, `865${String(700_000_000 + sent).padStart(10, "0")}`, "你好，请问订单什么时候发货？");
            return { ...request, method: "POST", path, headers, body };
          },
        },
      ],
    });
    console.log(`${path}: after ${sent} requests, ${JSON.stringify(residentMb())} MB`);
  }
} finally {
  await stack.dispose();
}
