import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

/**
 * The parts of `npm run bench` that measure inside a Durable Object (routing scale, storage per message).
 * Started by bench/run.ts, which reads the BENCH_RESULT lines they print.
 */
export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        bindings: {
          WHATSAPP_APP_SECRET: "bench-app-secret",
          WHATSAPP_VERIFY_TOKEN: "bench",
          WHATSAPP_ACCESS_TOKEN: "bench-access-token",
          SETUP_TOKEN: "bench-setup-token",
          GRAPH_API_BASE: "http://graph.invalid",
          BENCH_SIZE: process.env.BENCH_SIZE ?? "full",
        },
        // No Meta here: the Graph API check made when a number is connected gets a quick refusal, not a DNS failure.
        outboundService: () => new Response(JSON.stringify({ error: { code: 0, message: "no Graph API in the benchmark" } }), { status: 503 }),
      },
    }),
  ],
  test: {
    include: ["bench/workers/**/*.test.ts"],
    testTimeout: 600_000,
  },
});
