import { createRoute } from "@hono/zod-openapi";
import { moveNumberRequestSchema, numberDetailSchema, operatorConnectRequestSchema } from "../../shared/numbers";
import { directoryFor } from "../directory/client";
import { respond } from "../lib/errors";
import { refuse } from "../lib/result";
import { requireSetupToken } from "./auth";
import { apiRouter } from "./context";
import { numberParams } from "./conversations";
import { jsonBody, jsonResponses } from "./openapi-helpers";

/**
 * The deployment operator's hold on numbers (SETUP_TOKEN): connecting one for a workspace, which lets the deployment's
 * own access token serve it, and moving one between workspaces, which only the operator may and both audit logs record.
 */
const connect = createRoute({
  method: "post",
  path: "/setup/numbers",
  summary: "Connect a number to a workspace as the deployment's operator; without an access token the deployment's own serves it (SETUP_TOKEN)",
  middleware: [requireSetupToken] as const,
  request: jsonBody(operatorConnectRequestSchema),
  responses: jsonResponses(numberDetailSchema, "Number connected"),
});

const move = createRoute({
  method: "post",
  path: "/setup/numbers/{phoneNumberId}/move",
  summary: "Move a number, with its conversations, to another workspace; audited in both (SETUP_TOKEN)",
  middleware: [requireSetupToken] as const,
  request: { params: numberParams, ...jsonBody(moveNumberRequestSchema) },
  responses: jsonResponses(numberDetailSchema, "Number moved"),
});

export const operatorRoutes = apiRouter()
  .openapi(connect, async (c) => {
    const { workspaceId, ...request } = c.req.valid("json");
    return respond(c, await c.env.WORKSPACE.getByName(workspaceId).operatorConnectNumber(request));
  })
  .openapi(move, async (c) => {
    const { phoneNumberId } = c.req.valid("param");
    const { toWorkspaceId, displayName, accessToken, memberIds } = c.req.valid("json");
    const from = await directoryFor(c.env).ownerOfNumber(phoneNumberId);
    if (!from) return respond(c, refuse(404, `number ${phoneNumberId} is not connected in this deployment; connect it with POST /api/setup/numbers`));
    if (from === toWorkspaceId) return respond(c, refuse(409, `number ${phoneNumberId} already belongs to workspace ${toWorkspaceId}`));
    const facts = await c.env.WORKSPACE.getByName(from).numberFacts(phoneNumberId);
    const request = { phoneNumberId, displayName: displayName ?? facts?.displayName ?? phoneNumberId, wabaId: facts?.wabaId ?? undefined, accessToken, memberIds };
    return respond(c, await c.env.WORKSPACE.getByName(toWorkspaceId).operatorConnectNumber(request, from));
  });

