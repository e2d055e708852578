import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { FakeGraph } from "./simulator/graph.ts";

const graph = new FakeGraph({ accessToken: "test-access-token", phoneNumberId: null, wabaId: null, publicUrl: () => "http://graph.test" });

/** Worker and unit tests, inside the real Workers runtime (workerd) with real SQLite Durable Objects. */
export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        bindings: {
          WHATSAPP_APP_SECRET: "test-app-secret",
          WHATSAPP_VERIFY_TOKEN: "test-verify-token",
          WHATSAPP_ACCESS_TOKEN: "test-access-token",
          SETUP_TOKEN: "test-setup-token",
          // 32 fixed bytes: tests only; every deployment makes its own (README).
          TOKEN_ENCRYPTION_KEY: "dGVzdC1rZXktdGVzdC1rZXktdGVzdC1rZXktdGVzdC0",
          GRAPH_API_BASE: "http://graph.test",
          TEST_CLOCK: "1",
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
    testTimeout: 30_000,
  },
});
