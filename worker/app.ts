import { OpenAPIHono } from "@hono/zod-openapi";
import { cors } from "hono/cors";
import { HTTPException } from "hono/http-exception";
import { adminRoutes } from "./api/admin";
import { numberGate } from "./api/number-gate";
import { operatorRoutes } from "./api/operator";
import { archiveRoutes } from "./api/archive";
import { catalogRoutes } from "./api/catalog";
import type { AppEnv } from "./api/context";
import { conversationRoutes } from "./api/conversations";
import { newConversationRoutes } from "./api/new-conversation";
import { mediaRoutes } from "./api/media";
import { peopleRoutes } from "./api/people";
import { analyticsRoutes } from "./api/analytics";
import { invitePage } from "./invite-page";
import { routingRoutes } from "./api/routing";
import { sessionRoutes } from "./api/sessions";
import { socketRoutes } from "./api/socket";
import { unreadableRoutes } from "./api/unreadable";
import { errorResponse } from "./lib/errors";
import { webhookRoutes } from "./webhook/routes";
import { benchProbes } from "./status-lane/probe";
import { benchProbeRoutes } from "./bench-probes/routes";
import { countedEnv } from "./bench-probes/call-count";

const api = new OpenAPIHono<AppEnv>();
// Before every route: whatever names a number is checked against the caller's workspace here, once (number-gate.ts).
// The pattern covers /numbers/{id} itself as well as everything under it.
api.use("/numbers/:phoneNumberId/*", numberGate);
api
  .route("/", sessionRoutes)
  .route("/", adminRoutes)
  .route("/", peopleRoutes)
  .route("/", analyticsRoutes)
  .route("/", conversationRoutes)
  .route("/", newConversationRoutes)
  .route("/", routingRoutes)
  .route("/", catalogRoutes)
  .route("/", mediaRoutes)
  .route("/", socketRoutes)
  .route("/", archiveRoutes)
  .route("/", operatorRoutes)
  .route("/", unreadableRoutes);

api.openAPIRegistry.registerComponent("securitySchemes", "bearer", { type: "http", scheme: "bearer" });
api.doc31("/openapi.json", {
  openapi: "3.1.0",
  info: { title: "WhatsApp team inbox API", version: "0.1.0" },
});

export const app = new OpenAPIHono<AppEnv>();

// The scale simulation counts the worker's calls into objects (countedEnv: BENCH_COUNT_CALLS=1 only; otherwise the env itself).
app.use(async (c, next) => {
  c.env = countedEnv(c.env, "worker");
  await next();
});

app.use(
  "/api/*",
  cors({
    // Only the extension's own origin and configured web origins; anything else gets no CORS headers.
    origin: (origin, c) => (c.env.ALLOWED_ORIGINS ?? "").split(",").map((o: string) => o.trim()).includes(origin) ? origin : null,
    allowHeaders: ["authorization", "content-type"],
    allowMethods: ["GET", "POST", "PUT", "DELETE", "OPTIONS"],
    maxAge: 600,
  }),
);

app.get("/", (c) => c.text("WhatsApp team inbox: API under /api, Meta webhooks at /webhooks/whatsapp"));
app.get("/health", (c) => c.text("ok"));
app.route("/webhooks", webhookRoutes);
app.route("/bench", benchProbes);
app.route("/bench", benchProbeRoutes);
// The page an invitation or reset link opens: plain HTML from the worker, so it works in any browser.
app.get("/invite/:token", (c) => c.html(invitePage()));
app.route("/api", api);

app.notFound((c) => errorResponse(c, 404, `no route for ${c.req.method} ${new URL(c.req.url).pathname}`));
app.onError((error, c) => {
  if (error instanceof HTTPException) {
    const status = error.status as 400;
    const notJson = status === 400 && /JSON/i.test(error.message);
    const message = notJson ? "body is not valid JSON" : error.message;
    return errorResponse(c, status, message || "bad request", notJson ? { code: "invalid_json" } : undefined);
  }
  // Never a stack trace in a response; the log keeps the detail.
  console.error("unhandled error", c.req.method, new URL(c.req.url).pathname, error);
  return errorResponse(c, 500, "internal error; the request can be retried");
});
