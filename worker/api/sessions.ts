import { createRoute, z } from "@hono/zod-openapi";
import {
  agentSchema,
  meSchema,
  sessionSchema,
  setStatusRequestSchema,
  setupRequestSchema,
  signInRequestSchema,
} from "../../shared/people";
import { directoryFor } from "../directory/client";
import { randomToken } from "../lib/bytes";
import { deploymentMode } from "../lib/deployment";
import { errorResponse, refusalResponse } from "../lib/errors";
import { requireSession, requireSetupToken } from "./auth";
import { apiRouter } from "./context";
import { bearer, jsonBody, jsonResponses } from "./openapi-helpers";
import { refuse } from "../lib/result";

const setup = createRoute({
  method: "post",
  path: "/setup",
  summary: "Create a workspace and its first admin (needs the SETUP_TOKEN secret as bearer)",
  middleware: [requireSetupToken] as const,
  request: jsonBody(setupRequestSchema),
  responses: jsonResponses(z.object({ workspaceId: z.string() }), "Workspace created"),
});

const signIn = createRoute({
  method: "post",
  path: "/sessions",
  summary: "Sign in with email and password; the session starts Away",
  request: jsonBody(signInRequestSchema),
  responses: jsonResponses(sessionSchema, "Signed in"),
});

const signOut = createRoute({
  method: "delete",
  path: "/sessions/current",
  summary: "Sign out: the token stops working at once",
  security: bearer,
  middleware: [requireSession] as const,
  responses: jsonResponses(z.object({ ok: z.literal(true) }), "Signed out"),
});

const me = createRoute({
  method: "get",
  path: "/me",
  summary: "Who I am and which numbers I work on",
  security: bearer,
  middleware: [requireSession] as const,
  responses: jsonResponses(meSchema, "The signed-in person"),
});

const setStatus = createRoute({
  method: "put",
  path: "/me/status",
  summary: "Go Available (receive new conversations) or Away",
  security: bearer,
  middleware: [requireSession] as const,
  request: jsonBody(setStatusRequestSchema),
  responses: jsonResponses(agentSchema, "Status changed"),
});

export const sessionRoutes = apiRouter()
  .openapi(setup, async (c) => {
    const body = c.req.valid("json");
    const workspaceId = `w${randomToken(12).replace(/[^a-zA-Z0-9]/g, "").toLowerCase().padEnd(12, "0")}`;
    const directory = directoryFor(c.env);
    const claimed = await directory.claimFirstAdmin(body.admin.email, workspaceId, deploymentMode(c.env) === "single");
    if (claimed === "single_company") {
      return errorResponse(c, 409, "this deployment serves a single company (DEPLOYMENT_MODE=single) and has its workspace; set DEPLOYMENT_MODE=multi to serve several") as never;
    }
    if (claimed === "email_taken") return errorResponse(c, 409, `${body.admin.email} already has an account`, { code: "email_taken", params: { email: body.admin.email } }) as never;
    const result = await c.env.WORKSPACE.getByName(workspaceId).initialize(workspaceId, body.workspaceName, body.admin);
    if (!result.ok) {
      await directory.releaseFirstAdmin(body.admin.email, workspaceId);
      return refusalResponse(c, result) as never;
    }
    return c.json(result.value, 200);
  })
  .openapi(signIn, async (c) => {
    const { email, password } = c.req.valid("json");
    const directory = directoryFor(c.env);
    // Cloudflare names the client's address; locally every request is the same one.
    const address = c.req.header("cf-connecting-ip") ?? "local";
    // Two shards (the address's and the email's), asked at once; a locked address's answer is not used.
    const [locked, workspaceId] = await Promise.all([directory.addressLocked(address), directory.workspaceOf(email)]);
    if (locked > 0) return errorResponse(c, 429, `too many failed sign-ins from your network; try again in ${Math.ceil(locked / 60_000)} min`, { code: "sign_in_locked", params: { minutes: Math.ceil(locked / 60_000) } }) as never;
    const result = workspaceId ? await c.env.WORKSPACE.getByName(workspaceId).signIn(email, password) : refuse(401, "email or password is wrong", "wrong_credentials");
    if (!result.ok) {
      if (result.status === 401) await directory.signInFailed(address);
      return refusalResponse(c, result) as never;
    }
    return c.json(result.value, 200);
  })
  .openapi(signOut, async (c) => {
    await c.env.WORKSPACE.getByName(c.get("principal").workspaceId).signOut(c.get("token"));
    return c.json({ ok: true as const }, 200);
  })
  .openapi(me, async (c) => {
    const principal = c.get("principal");
    return c.json(await c.env.WORKSPACE.getByName(principal.workspaceId).me(principal), 200);
  })
  .openapi(setStatus, async (c) => {
    const principal = c.get("principal");
    const { status } = c.req.valid("json");
    return c.json(await c.env.WORKSPACE.getByName(principal.workspaceId).setStatus(principal, status), 200);
  });
