/**
 * Where a webhook's time goes inside the runtime: drives signed webhooks at the connected demo number (or at the
 * floor probes) while the V8 sampling profiler of the worker's isolate records, then prints the share of samples
 * spent in each function (self) and under each named step (inclusive). The worker and its Durable Objects share
 * the isolate here, so the table covers both sides. Run: node bench/profile-cpu.ts [ingest|rpc|insert|health]
 * Figures for bench/README.md ("Where a webhook's time goes").
 */
import { createHmac } from "node:crypto";
import { writeFileSync } from "node:fs";
import autocannon from "autocannon";
import WebSocket from "ws";
import { freePort, secrets, startStack } from "../test/e2e/stack.ts";

const target = (process.argv[2] ?? "ingest") as "ingest" | "rpc" | "insert" | "health";
const AMOUNT = Number(process.env.AMOUNT ?? 3000);
const TOP = Number(process.env.TOP ?? 40);

type Node = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] };
type Profile = { nodes: Node[]; samples: number[]; timeDeltas: number[] };

async function inspector(port: number) {
  const list = (await (await fetch(`http://127.0.0.1:${port}/json`)).json()) as { webSocketDebuggerUrl: string }[];
  const socket = new WebSocket(list[0]!.webSocketDebuggerUrl, { maxPayload: 1 << 30 });
  await new Promise<void>((ready, fail) => {
    socket.on("open", () => ready());
    socket.on("error", fail);
    socket.on("unexpected-response", (_request, response) => fail(new Error(`inspector answered ${response.statusCode}`)));
  });
  let next = 1;
  const waiting = new Map<number, (result: unknown) => void>();
  const scripts: { scriptId: string; url: string }[] = [];
  socket.on("message", (data) => {
    const message = JSON.parse(String(data));
    if (message.method === "Debugger.scriptParsed") scripts.push(message.params);
    if (message.id && waiting.has(message.id)) waiting.get(message.id)!(message.result);
  });
  return {
    send: <T>(method: string, params: object = {}) =>
      new Promise<T>((done) => {
        const id = next++;
        waiting.set(id, done as (r: unknown) => void);
        socket.send(JSON.stringify({ id, method, params }));
      }),
    close: () => socket.close(),
    scripts,
  };
}

let n = 0;
function signed(path: string, phoneNumberId: string) {
  n++;
  const body = JSON.stringify({
    object: "whatsapp_business_account",
    entry: [{ id: "1", changes: [{ field: "messages", value: {
      messaging_product: "whatsapp",
      metadata: { display_phone_number: "1", phone_number_id: phoneNumberId },
      contacts: [{ profile: { name: "客户" }, wa_id: `86${1e10 + n}` }],
      messages: [{ from: `86${1e10 + n}`, id: `wamid.P${process.pid}x${n}`, timestamp: String(Math.floor(Date.now() / 1000)), type: "text", text: { body: "你好，请问订单什么时候发货？" } }],
    } }] }],
  });
  const signature = createHmac("sha256", secrets.WHATSAPP_APP_SECRET).update(body).digest("hex");
  return { method: "POST" as const, path, headers: { "content-type": "application/json", "x-hub-signature-256": `sha256=${signature}` }, body };
}

function summarise(profile: Profile) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const label = (node: Node) => `${node.callFrame.functionName || "(anonymous)"}${node.callFrame.url ? `:${node.callFrame.lineNumber + 1}` : ""}`;
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    const node = byId.get(id)!;
    const name = node.callFrame.functionName;
    if (name === "(idle)") return;
    busy += dt;
    self.set(label(node), (self.get(label(node)) ?? 0) + dt);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const fn = byId.get(at)!.callFrame.functionName;
      if (fn && !seen.has(fn)) {
        seen.add(fn);
        inclusive.set(fn, (inclusive.get(fn) ?? 0) + dt);
      }
    }
  });
  const callers = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const at = byId.get(id)!;
    if (at.callFrame.functionName !== (process.env.CALLERS_OF ?? "__name")) return;
    let up = parent.get(id);
    const chain: string[] = [];
    while (up !== undefined && chain.length < 3) { chain.push(label(byId.get(up)!)); up = parent.get(up); }
    const key = chain.join(" < ");
    callers.set(key, (callers.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const pct = (v: number) => ((100 * v) / busy).toFixed(1).padStart(5) + "%";
  console.log(`busy ${(busy / 1000).toFixed(0)} ms over ${profile.samples.length} samples`);
  console.log("\nself time");
  for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, TOP)) console.log(`${pct(v)}  ${k}`);
  console.log(`\ncallers of ${process.env.CALLERS_OF ?? "__name"}`);
  for (const [k, v] of [...callers].sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(`${pct(v)}  ${k}`);
  console.log("\ninclusive (by function name)");
  for (const [k, v] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, TOP * 2)) console.log(`${pct(v)}  ${k}`);
}

const port = await freePort();
const stack = await startStack({ inspectorPort: port });
try {
  const request =
    target === "health" ? () => ({ method: "GET" as const, path: "/health" })
    : target === "ingest" ? () => signed("/webhooks/whatsapp", "105550100")
    : () => signed(`/bench/floor/${target}`, "105550100");
  // Warm up: the first requests compile code and create the object.
  await autocannon({ url: stack.workerUrl, connections: 8, amount: 300, requests: [{ setupRequest: (r) => ({ ...r, ...request() }) }] });
  const devtools = await inspector(port);
  await devtools.send("Profiler.enable");
  await devtools.send("Profiler.setSamplingInterval", { interval: 200 });
  await devtools.send("Profiler.start");
  const result = await autocannon({ url: stack.workerUrl, connections: 32, amount: AMOUNT, requests: [{ setupRequest: (r) => ({ ...r, ...request() }) }] });
  const { profile } = await devtools.send<{ profile: Profile }>("Profiler.stop");
  // For a closer look (a call tree under one function, or Chrome's DevTools: Performance, load profile).
  if (process.env.PROFILE_OUT) writeFileSync(process.env.PROFILE_OUT, JSON.stringify(profile));
  if (process.env.BUNDLE_OUT) {
    await devtools.send("Debugger.enable");
    await new Promise((r) => setTimeout(r, 500));
    // The worker's bundle is the longest script the isolate parsed; line numbers in the table point into it.
    let longest = "";
    for (const script of devtools.scripts) {
      const { scriptSource } = await devtools.send<{ scriptSource: string }>("Debugger.getScriptSource", { scriptId: script.scriptId });
      if (scriptSource.length > longest.length) longest = scriptSource;
    }
    writeFileSync(process.env.BUNDLE_OUT, longest);
  }
  devtools.close();
  console.log(`${target}: ${result.requests.average.toFixed(0)}/s p50 ${result.latency.p50} ms p99 ${result.latency.p99} ms non2xx ${result.non2xx}`);
  summarise(profile);
} finally {
  await stack.dispose();
}
