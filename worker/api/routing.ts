import { createRoute, z } from "@hono/zod-openapi";
import {
  numberAgentSchema,
  routingSettingsSchema,
  teamRequestSchema,
  teamSchema,
  workspaceSettingsSchema,
  workspaceSettingsUpdateSchema,
} from "../../shared/routing";
import { respond } from "../lib/errors";
import { automationSettingsSchema } from "../../shared/automation";
import { requireRole, requireSession } from "./auth";
import { apiRouter } from "./context";
import { numberParams } from "./conversations";
import { bearer, jsonBody, jsonResponses } from "./openapi-helpers";

const listTeams = createRoute({
  method: "get",
  path: "/teams",
  summary: "Teams of the workspace with their members in rotation order",
  security: bearer,
  middleware: [requireSession] as const,
  responses: jsonResponses(z.object({ teams: z.array(teamSchema) }), "Teams"),
});

const createTeam = createRoute({
  method: "post",
  path: "/teams",
  summary: "Create a team (supervisors and admins)",
  security: bearer,
  middleware: [requireSession, requireRole("admin", "supervisor")] as const,
  request: jsonBody(teamRequestSchema),
  responses: jsonResponses(teamSchema, "Team created"),
});

const updateTeam = createRoute({
  method: "put",
  path: "/teams/{teamId}",
  summary: "Rename a team, change its members or its rotation mode; routing follows at once",
  security: bearer,
  middleware: [requireSession, requireRole("admin", "supervisor")] as const,
  request: { params: z.object({ teamId: z.string().min(1) }), ...jsonBody(teamRequestSchema) },
  responses: jsonResponses(teamSchema, "Team saved"),
});

const getRouting = createRoute({
  method: "get",
  path: "/numbers/{phoneNumberId}/routing",
  summary: "A number's assignment rules",
  security: bearer,
  middleware: [requireSession] as const,
  request: { params: numberParams },
  responses: jsonResponses(routingSettingsSchema, "Rules"),
});

const putRouting = createRoute({
  method: "put",
  path: "/numbers/{phoneNumberId}/routing",
  summary: "Change a number's assignment rules; the next conversation follows them, no restart",
  security: bearer,
  middleware: [requireSession, requireRole("admin", "supervisor")] as const,
  request: { params: numberParams, ...jsonBody(routingSettingsSchema) },
  responses: jsonResponses(routingSettingsSchema, "Rules saved"),
});

const putWorkspaceSettings = createRoute({
  method: "put",
  path: "/workspace/settings",
  summary: "Workspace-wide settings: the presence grace period and the time zone reports and the board count days in",
  security: bearer,
  middleware: [requireSession, requireRole("admin", "supervisor")] as const,
  request: jsonBody(workspaceSettingsUpdateSchema),
  responses: jsonResponses(workspaceSettingsSchema, "Saved"),
});

const getAutomation = createRoute({
  method: "get",
  path: "/numbers/{phoneNumberId}/automation",
  summary: "A number's business hours and automatic messages",
  security: bearer,
  middleware: [requireSession, requireRole("admin", "supervisor")] as const,
  request: { params: numberParams },
  responses: jsonResponses(automationSettingsSchema, "Automation"),
});

const putAutomation = createRoute({
  method: "put",
  path: "/numbers/{phoneNumberId}/automation",
  summary: "Change business hours and automatic messages; the next customer message follows them",
  security: bearer,
  middleware: [requireSession, requireRole("admin", "supervisor")] as const,
  request: { params: numberParams, ...jsonBody(automationSettingsSchema) },
  responses: jsonResponses(automationSettingsSchema, "Saved"),
});

const deleteTeam = createRoute({
  method: "delete",
  path: "/teams/{teamId}",
  summary: "Delete a team that no number's rotation names",
  security: bearer,
  middleware: [requireSession, requireRole("admin", "supervisor")] as const,
  request: { params: z.object({ teamId: z.string().min(1) }) },
  responses: jsonResponses(z.object({ ok: z.literal(true) }), "Team deleted"),
});

const getWorkspaceSettings = createRoute({
  method: "get",
  path: "/workspace/settings",
  summary: "Workspace-wide settings",
  security: bearer,
  middleware: [requireSession] as const,
  responses: jsonResponses(workspaceSettingsSchema, "Settings"),
});

const numberAgents = createRoute({
  method: "get",
  path: "/numbers/{phoneNumberId}/agents",
  summary: "Who works on the number, with live status, presence and load (transfer picker, floor)",
  security: bearer,
  middleware: [requireSession] as const,
  request: { params: numberParams },
  responses: jsonResponses(z.object({ agents: z.array(numberAgentSchema) }), "Agents"),
});

export const routingRoutes = apiRouter()
  .openapi(listTeams, async (c) => {
    return c.json({ teams: await c.env.WORKSPACE.getByName(c.get("principal").workspaceId).listTeams() }, 200);
  })
  .openapi(createTeam, async (c) => {
    const principal = c.get("principal");
    const result = await c.env.WORKSPACE.getByName(principal.workspaceId).saveTeam(principal, null, c.req.valid("json"));
    return respond(c, result);
  })
  .openapi(updateTeam, async (c) => {
    const principal = c.get("principal");
    const result = await c.env.WORKSPACE.getByName(principal.workspaceId).saveTeam(principal, c.req.valid("param").teamId, c.req.valid("json"));
    return respond(c, result);
  })
  .openapi(getRouting, async (c) => {
    const principal = c.get("principal");
    const result = await c.env.WORKSPACE.getByName(principal.workspaceId).routingSettings(principal, c.req.valid("param").phoneNumberId);
    return respond(c, result);
  })
  .openapi(putRouting, async (c) => {
    const principal = c.get("principal");
    const result = await c.env.WORKSPACE.getByName(principal.workspaceId).saveRoutingSettings(
      principal,
      c.req.valid("param").phoneNumberId,
      c.req.valid("json"),
    );
    return respond(c, result);
  })
  .openapi(putWorkspaceSettings, async (c) => {
    const principal = c.get("principal");
    const result = await c.env.WORKSPACE.getByName(principal.workspaceId).saveWorkspaceSettings(principal, c.req.valid("json"));
    return respond(c, result);
  })
  .openapi(getAutomation, async (c) => {
    const principal = c.get("principal");
    return respond(c, await c.env.WORKSPACE.getByName(principal.workspaceId).automationSettings(principal, c.req.valid("param").phoneNumberId));
  })
  .openapi(putAutomation, async (c) => {
    const principal = c.get("principal");
    return respond(c, await c.env.WORKSPACE.getByName(principal.workspaceId).saveAutomationSettings(principal, c.req.valid("param").phoneNumberId, c.req.valid("json")));
  })
  .openapi(deleteTeam, async (c) => {
    const principal = c.get("principal");
    return respond(c, await c.env.WORKSPACE.getByName(principal.workspaceId).deleteTeam(principal, c.req.valid("param").teamId));
  })
  .openapi(getWorkspaceSettings, async (c) => {
    return c.json(await c.env.WORKSPACE.getByName(c.get("principal").workspaceId).workspaceSettings(), 200);
  })
  .openapi(numberAgents, async (c) => {
    const result = await c.env.NUMBER_INBOX.getByName(c.req.valid("param").phoneNumberId).agents(c.get("principal"));
    return respond(c, result.ok ? { ok: true, value: { agents: result.value } } : result);
  });
