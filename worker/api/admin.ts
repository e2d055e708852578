import { createRoute, z } from "@hono/zod-openapi";
import { auditListSchema, auditQuerySchema } from "../../shared/audit";
import { floorSchema } from "../../shared/floor";
import { connectNumberRequestSchema, numberDetailSchema, releaseNumberRequestSchema, updateNumberRequestSchema, webhookSetupSchema } from "../../shared/numbers";
import { agentSchema, createAgentRequestSchema } from "../../shared/people";
import { auditCsv } from "../workspace/audit-log";
import { respond } from "../lib/errors";
import { requireRole, requireSession } from "./auth";
import { apiRouter } from "./context";
import { numberParams } from "./conversations";
import { bearer, jsonBody, jsonResponses } from "./openapi-helpers";


const createPerson = createRoute({
  method: "post",
  path: "/people",
  summary: "Add a person with a role and a password (admin only; the console invites by link instead)",
  security: bearer,
  middleware: [requireSession, requireRole("admin")] as const,
  request: jsonBody(createAgentRequestSchema),
  responses: jsonResponses(agentSchema, "Person added"),
});

const listNumbers = createRoute({
  method: "get",
  path: "/numbers",
  summary: "Connected numbers with their health: last webhook, quality rating, token validity, outbox",
  security: bearer,
  middleware: [requireSession, requireRole("admin", "supervisor")] as const,
  responses: jsonResponses(z.object({ numbers: z.array(numberDetailSchema) }), "Numbers"),
});

const connectNumber = createRoute({
  method: "post",
  path: "/numbers",
  summary: "Connect a WhatsApp number (admin only). Refused (409) if another workspace has it. Meta must confirm the access token reads the number and lists it in wabaId's account; on a multi-company deployment both are required. The token is stored sealed, never returned",
  security: bearer,
  middleware: [requireSession, requireRole("admin")] as const,
  request: jsonBody(connectNumberRequestSchema),
  responses: jsonResponses(numberDetailSchema, "Number connected"),
});

const updateNumber = createRoute({
  method: "put",
  path: "/numbers/{phoneNumberId}",
  summary: "Rename a number, replace its access token, or set who works on it (admin only)",
  security: bearer,
  middleware: [requireSession, requireRole("admin")] as const,
  request: { params: numberParams, ...jsonBody(updateNumberRequestSchema) },
  responses: jsonResponses(numberDetailSchema, "Number saved"),
});

const checkNumber = createRoute({
  method: "post",
  path: "/numbers/{phoneNumberId}/check",
  summary: "Ask the Graph API again whether the token works and what the number's quality rating is",
  security: bearer,
  middleware: [requireSession, requireRole("admin", "supervisor")] as const,
  request: { params: numberParams },
  responses: jsonResponses(numberDetailSchema, "Number checked"),
});

const disconnectNumber = createRoute({
  method: "post",
  path: "/numbers/{phoneNumberId}/disconnect",
  summary: "Stop sending from a number; its history stays readable by supervisors (admin only)",
  security: bearer,
  middleware: [requireSession, requireRole("admin")] as const,
  request: { params: numberParams },
  responses: jsonResponses(numberDetailSchema, "Number disconnected"),
});

const releaseNumber = createRoute({
  method: "post",
  path: "/numbers/{phoneNumberId}/release",
  summary: "Give the number up: its conversations are deleted from this deployment and any company may connect it after (admin only; audited)",
  security: bearer,
  middleware: [requireSession, requireRole("admin")] as const,
  request: { params: numberParams, ...jsonBody(releaseNumberRequestSchema) },
  responses: jsonResponses(z.object({ released: z.string() }), "Number released"),
});

const webhookSetup = createRoute({
  method: "get",
  path: "/numbers/{phoneNumberId}/webhook-setup",
  summary: "The callback URL and verify token to paste into Meta's dashboard (admin only)",
  security: bearer,
  middleware: [requireSession, requireRole("admin")] as const,
  request: { params: numberParams },
  responses: jsonResponses(webhookSetupSchema, "Webhook setup"),
});

const floor = createRoute({
  method: "get",
  path: "/floor",
  summary: "Every agent's status, presence and load, and every number's queue; live updates come over each number's socket",
  security: bearer,
  middleware: [requireSession, requireRole("admin", "supervisor")] as const,
  responses: jsonResponses(floorSchema, "The floor now"),
});

const audit = createRoute({
  method: "get",
  path: "/audit",
  summary: "Who changed which setting, when, from what to what; filter by person, action prefix, text and time",
  security: bearer,
  middleware: [requireSession, requireRole("admin", "supervisor")] as const,
  request: { query: auditQuerySchema },
  responses: jsonResponses(auditListSchema, "Audit entries, newest first"),
});

const auditExport = createRoute({
  method: "get",
  path: "/audit/export.csv",
  summary: "The audit log with the same filters, as CSV",
  security: bearer,
  middleware: [requireSession, requireRole("admin", "supervisor")] as const,
  request: { query: auditQuerySchema },
  responses: { 200: { description: "CSV", content: { "text/csv": { schema: z.string() } } } },
});

export const adminRoutes = apiRouter()
  .openapi(createPerson, async (c) => {
    const principal = c.get("principal");
    return respond(c, await c.env.WORKSPACE.getByName(principal.workspaceId).createPerson(principal, c.req.valid("json")));
  })
  .openapi(listNumbers, async (c) => {
    const principal = c.get("principal");
    const result = await c.env.WORKSPACE.getByName(principal.workspaceId).listNumbers(principal);
    return respond(c, result.ok ? { ok: true, value: { numbers: result.value } } : result);
  })
  .openapi(connectNumber, async (c) => {
    const principal = c.get("principal");
    return respond(c, await c.env.WORKSPACE.getByName(principal.workspaceId).connectNumber(principal, c.req.valid("json")));
  })
  .openapi(updateNumber, async (c) => {
    const principal = c.get("principal");
    const { phoneNumberId } = c.req.valid("param");
    return respond(c, await c.env.WORKSPACE.getByName(principal.workspaceId).updateNumber(principal, phoneNumberId, c.req.valid("json")));
  })
  .openapi(checkNumber, async (c) => {
    const principal = c.get("principal");
    return respond(c, await c.env.WORKSPACE.getByName(principal.workspaceId).checkNumber(principal, c.req.valid("param").phoneNumberId));
  })
  .openapi(disconnectNumber, async (c) => {
    const principal = c.get("principal");
    return respond(c, await c.env.WORKSPACE.getByName(principal.workspaceId).disconnectNumber(principal, c.req.valid("param").phoneNumberId));
  })
  .openapi(releaseNumber, async (c) => {
    const principal = c.get("principal");
    const { phoneNumberId } = c.req.valid("param");
    return respond(c, await c.env.WORKSPACE.getByName(principal.workspaceId).releaseNumber(principal, phoneNumberId, c.req.valid("json").confirm));
  })
  .openapi(webhookSetup, async (c) => {
    // The number gate let only this number's own workspace through. The verify token only proves to Meta that the callback is ours; admins must see it to paste it.
    return c.json({ callbackUrl: `${new URL(c.req.url).origin}/webhooks/whatsapp`, verifyToken: c.env.WHATSAPP_VERIFY_TOKEN }, 200);
  })
  .openapi(floor, async (c) => {
    const principal = c.get("principal");
    return respond(c, await c.env.WORKSPACE.getByName(principal.workspaceId).floor(principal));
  })
  .openapi(audit, async (c) => {
    const principal = c.get("principal");
    const result = await c.env.WORKSPACE.getByName(principal.workspaceId).auditLog(principal, c.req.valid("query"));
    return respond(c, result.ok ? { ok: true, value: { entries: result.value } } : result);
  })
  .openapi(auditExport, async (c) => {
    const principal = c.get("principal");
    const result = await c.env.WORKSPACE.getByName(principal.workspaceId).auditLog(principal, { ...c.req.valid("query"), limit: 5000 });
    if (!result.ok) return respond(c, result);
    return c.body(auditCsv(result.value), 200, {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="audit-${new Date().toISOString().slice(0, 10)}.csv"`,
    });
  });
