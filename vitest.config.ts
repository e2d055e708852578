import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

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
          GRAPH_API_BASE: "http://graph.test",
        },
        // A minimal Meta for tests that send: answers POST /{version}/{id}/messages with a wamid.
        outboundService: async (request: Request) => {
          const url = new URL(request.url);
          if (url.host === "graph.test" && /\/messages$/.test(url.pathname) && request.method === "POST") {
            if (request.headers.get("authorization") !== "Bearer test-access-token") {
              return Response.json({ error: { code: 190, message: "(#190) invalid token" } }, { status: 401 });
            }
            const body = (await request.json()) as { to?: string };
            return Response.json({
              messaging_product: "whatsapp",
              contacts: [{ input: body.to, wa_id: body.to }],
              messages: [{ id: `wamid.TEST${Math.random().toString(36).slice(2)}` }],
            });
          }
          return new Response(`unexpected outbound request ${request.method} ${request.url}`, { status: 599 });
        },
      },
    }),
  ],
  test: {
    include: ["test/worker/**/*.test.ts", "test/unit/**/*.test.ts"],
    testTimeout: 30_000,
  },
});
