import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { FakeGraph } from "./simulator/graph.ts";
import { workerTestSecrets } from "./test/support/secrets.ts";

const graph = new FakeGraph({ accessToken: workerTestSecrets.WHATSAPP_ACCESS_TOKEN, phoneNumberId: null, wabaId: null, publicUrl: () => "http://graph.test" });

/** Worker and unit tests, inside the real Workers runtime (workerd) with real SQLite Durable Objects. */
export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        bindings: {
          ...workerTestSecrets,
          GRAPH_API_BASE: "http://graph.test",
          TEST_CLOCK: "1",
          // The benchmark's long fuzz run sets these; `npm test` runs the short, fixed-seed one.
          FUZZ_RUNS: process.env.FUZZ_RUNS ?? "",
          FUZZ_SEED: process.env.FUZZ_SEED ?? "",
        },
        // The simulator's Graph API answers the worker's outbound calls, so sends, failures and retries are real HTTP.
        outboundService: async (request: Request) => {
          if (new URL(request.url).host !== "graph.test") {
            return new Response(`unexpected outbound request ${request.method} ${request.url}`, { status: 599 });
          }
          const response = await graph.handle(request);
          return response ?? new Response("not found", { status: 404 });
        },
      },
    }),
  ],
  test: {
    include: ["test/worker/**/*.test.ts", "test/unit/**/*.test.ts"],
    // The worker's output is kept for the check that no secret ever reaches a log line (test/node); every body the
    // Graph stand-in above received is counted, and one Meta's schema refuses fails the run.
    reporters: ["default", "./test/support/log-collector.ts", ["./test/support/meta-schema-reporter.ts", { source: "ledger" }]],
    testTimeout: 30_000,
    // Each file runs in a runtime of its own with its own storage, so files run side by side, one per core
    // (vitest's default leaves a core idle: on the 2-core CI machine that made the suite take 5.5 minutes, not 3).
    maxWorkers: "100%",
  },
});
