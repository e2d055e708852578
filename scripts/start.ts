/**
 * `npm start`: builds the extension, runs the worker under `wrangler dev` (state kept in .wrangler/),
 * runs the Meta simulator, seeds the demo workspace on first start, and says what to open.
 */
import { spawn, spawnSync } from "node:child_process";
import { appendFileSync, copyFileSync, existsSync, readFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { resolve } from "node:path";
import { demoNumber, startSimulator } from "../simulator/server.ts";
import { DEMO_PASSWORD, demoWorkspace } from "./demo-data.ts";
import { seedDemo } from "./seed.ts";

const root = resolve(import.meta.dirname, "..");
const WORKER_PORT = Number(process.env.WORKER_PORT ?? 8787);
const SIMULATOR_PORT = Number(process.env.SIMULATOR_PORT ?? 8790);
const workerUrl = `http://127.0.0.1:${WORKER_PORT}`;

function readDevVars(): Record<string, string> {
  const path = resolve(root, ".dev.vars");
  if (!existsSync(path)) {
    copyFileSync(resolve(root, ".dev.vars.example"), path);
    console.log("Created .dev.vars from .dev.vars.example (local secrets for the simulator).");
  }
  if (!/^TOKEN_ENCRYPTION_KEY=/m.test(readFileSync(path, "utf8"))) {
    // Each machine gets its own key; it seals the per-number access tokens saved in the console.
    appendFileSync(path, `TOKEN_ENCRYPTION_KEY=${randomBytes(32).toString("base64")}\n`);
    console.log("Added a random TOKEN_ENCRYPTION_KEY to .dev.vars.");
  }
  const vars: Record<string, string> = {};
  for (const line of readFileSync(path, "utf8").split("\n")) {
    const match = /^\s*([A-Z0-9_]+)\s*=\s*(.*)\s*$/.exec(line);
    if (match) vars[match[1]!] = match[2]!.replace(/^"(.*)"$/, "$1");
  }
  return vars;
}

async function waitFor(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
}

const vars = readDevVars();
process.env.WRANGLER_SEND_METRICS = "false";

console.log("Building the extension…");
const build = spawnSync("wxt", ["build"], { cwd: root, stdio: "inherit", shell: process.platform === "win32" });
if (build.status !== 0) process.exit(build.status ?? 1);

const simulator = await startSimulator({
  port: SIMULATOR_PORT,
  host: "127.0.0.1",
  workerUrl,
  appSecret: vars.WHATSAPP_APP_SECRET ?? "",
  accessToken: vars.WHATSAPP_ACCESS_TOKEN ?? "",
  ...demoNumber,
  // Seconds apart, as Meta's come, and further apart than the status lane's 1 s batch window: each tick shows in turn.
  statusDelaysMs: [500, 2_000, 4_000],
});

const worker = spawn(
  "wrangler",
  ["dev", "--ip", "127.0.0.1", "--port", String(WORKER_PORT), "--persist-to", ".wrangler/state", "--show-interactive-dev-session=false"],
  { cwd: root, stdio: "inherit", shell: process.platform === "win32" },
);
const stop = () => {
  worker.kill("SIGINT");
  void simulator.close();
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
worker.on("exit", (code) => {
  void simulator.close();
  process.exit(code ?? 0);
});

await waitFor(`${workerUrl}/health`, 60_000);
const seeded = await seedDemo(workerUrl, vars.SETUP_TOKEN ?? "");
const agents = demoWorkspace.agents;

console.log(`
────────────────────────────────────────────────────────────────────
 WhatsApp team inbox is running${seeded.created ? " (demo workspace created)" : ""}
   Worker            ${workerUrl}        (state in .wrangler/state)
   Meta simulator    ${simulator.url}    ← chat as a customer here

 1. Chrome/Chromium → chrome://extensions → Developer mode → "Load unpacked"
    → choose ${resolve(root, ".output/chrome-mv3")}
 2. Click the extension's toolbar button: the side panel opens.
 3. Sign in: server ${workerUrl}
      ${agents.map((a) => `${a.name}  ${a.email}  (${demoWorkspace.teams.find((t) => t.key === a.team)?.name})`).join("\n      ")}
      admin ${demoWorkspace.admin.name}  ${demoWorkspace.admin.email}      password for all: ${DEMO_PASSWORD}
 4. Switch to "Available", then write as a customer in ${simulator.url}.
────────────────────────────────────────────────────────────────────
`);
