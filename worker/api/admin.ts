import { createRoute } from "@hono/zod-openapi";
import { agentSchema, connectNumberRequestSchema, createAgentRequestSchema, numberSummarySchema } from "../../shared/people";
import { respond } from "../lib/errors";
import { requireRole, requireSession } from "./auth";
import { apiRouter } from "./context";
import { bearer, jsonBody, jsonResponses } from "./openapi-helpers";

const createPerson = createRoute({
  method: "post",
  path: "/people",
  summary: "Add a person with a role (admin only)",
  security: bearer,
  middleware: [requireSession, requireRole("admin")] as const,
  request: jsonBody(createAgentRequestSchema),
  responses: jsonResponses(agentSchema, "Person added"),
});

const connectNumber = createRoute({
  method: "post",
  path: "/numbers",
  summary: "Connect a WhatsApp number and set who serves it, in rotation order (admin only)",
  security: bearer,
  middleware: [requireSession, requireRole("admin")] as const,
  request: jsonBody(connectNumberRequestSchema),
  responses: jsonResponses(numberSummarySchema, "Number connected"),
});

export const adminRoutes = apiRouter()
  .openapi(createPerson, async (c) => {
    const principal = c.get("principal");
    const result = await c.env.WORKSPACE.getByName(principal.workspaceId).createPerson(principal, c.req.valid("json"));
    return respond(c, result);
  })
  .openapi(connectNumber, async (c) => {
    const principal = c.get("principal");
    const result = await c.env.WORKSPACE.getByName(principal.workspaceId).connectNumber(principal, c.req.valid("json"));
    return respond(c, result);
  });
