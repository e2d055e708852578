import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { FakeGraph } from "./simulator/graph.ts";

const graph = new FakeGraph({ accessToken: "bench-access-token", phoneNumberId: null, wabaId: null, publicUrl: () => "http://graph.invalid" });

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
        // The simulator's Graph API, for the check Meta makes when a number is connected (the benchmark sends nothing).
        outboundService: async (request: Request) => (await graph.handle(request)) ?? new Response("not found", { status: 404 }),
      },
    }),
  ],
  test: {
    include: ["bench/workers/**/*.test.ts"],
    testTimeout: 600_000,
  },
});
