import { createRoute, z } from "@hono/zod-openapi";
import {
  acceptInviteRequestSchema,
  changePasswordRequestSchema,
  invitePreviewSchema,
  inviteRequestSchema,
  inviteSchema,
  meSchema,
  name,
  personSchema,
  personUpdateSchema,
  setPersonStatusRequestSchema,
} from "../../shared/people";
import { respond } from "../lib/errors";
import { refuse } from "../lib/result";
import { workspaceIdOfToken } from "../workspace/ids";
import { requireRole, requireSession } from "./auth";
import { apiRouter, type AppEnv } from "./context";
import type { Context } from "hono";
import { bearer, jsonBody, jsonResponses } from "./openapi-helpers";

const personParams = z.object({ personId: z.string().min(1).max(40) });
const inviteParams = z.object({ inviteId: z.string().min(1).max(40) });
const tokenParams = z.object({ token: z.string().min(20).max(200) });

const listPeople = createRoute({
  method: "get",
  path: "/people",
  summary: "Everyone in the workspace with role, status, capacity, numbers and teams",
  security: bearer,
  middleware: [requireSession, requireRole("admin", "supervisor")] as const,
  responses: jsonResponses(z.object({ people: z.array(personSchema) }), "People"),
});

const updatePerson = createRoute({
  method: "put",
  path: "/people/{personId}",
  summary: "Rename, change the role (admin only) or the capacity of a person",
  security: bearer,
  middleware: [requireSession, requireRole("admin", "supervisor")] as const,
  request: { params: personParams, ...jsonBody(personUpdateSchema) },
  responses: jsonResponses(personSchema, "Saved"),
});

const setPersonStatus = createRoute({
  method: "put",
  path: "/people/{personId}/status",
  summary: "Set someone's status, e.g. send a forgotten agent Away; recorded in the audit log",
  security: bearer,
  middleware: [requireSession, requireRole("admin", "supervisor")] as const,
  request: { params: personParams, ...jsonBody(setPersonStatusRequestSchema) },
  responses: jsonResponses(personSchema, "Status set"),
});

const personAction = (action: "deactivate" | "reactivate", summary: string) =>
  createRoute({
    method: "post",
    path: `/people/{personId}/${action}`,
    summary,
    security: bearer,
    middleware: [requireSession, requireRole("admin", "supervisor")] as const,
    request: { params: personParams },
    responses: jsonResponses(personSchema, "Done"),
  });
const deactivate = personAction("deactivate", "Deactivate: sessions revoked and sockets closed at once, open conversations routed again");
const reactivate = personAction("reactivate", "Let a deactivated person sign in again");

const passwordReset = createRoute({
  method: "post",
  path: "/people/{personId}/password-reset",
  summary: "A single-use link (24 h) with which the person sets a new password; shown to copy",
  security: bearer,
  middleware: [requireSession, requireRole("admin", "supervisor")] as const,
  request: { params: personParams },
  responses: jsonResponses(inviteSchema, "Reset link"),
});

const createInvite = createRoute({
  method: "post",
  path: "/invites",
  summary: "A single-use invitation link (7 days); the invitee sets name, email and password",
  security: bearer,
  middleware: [requireSession, requireRole("admin", "supervisor")] as const,
  request: jsonBody(inviteRequestSchema),
  responses: jsonResponses(inviteSchema, "Invitation with its link, shown this once"),
});

const listInvites = createRoute({
  method: "get",
  path: "/invites",
  summary: "Invitations and reset links not used and not expired",
  security: bearer,
  middleware: [requireSession, requireRole("admin", "supervisor")] as const,
  responses: jsonResponses(z.object({ invites: z.array(inviteSchema) }), "Open invitations"),
});

const revokeInvite = createRoute({
  method: "delete",
  path: "/invites/{inviteId}",
  summary: "Revoke an invitation or reset link",
  security: bearer,
  middleware: [requireSession, requireRole("admin", "supervisor")] as const,
  request: { params: inviteParams },
  responses: jsonResponses(z.object({ ok: z.literal(true) }), "Revoked"),
});

const previewInvite = createRoute({
  method: "get",
  path: "/invites/{token}",
  summary: "What an invitation or reset link is for (no sign-in: the link is the credential)",
  request: { params: tokenParams },
  responses: jsonResponses(invitePreviewSchema, "Invitation"),
});

const acceptInvite = createRoute({
  method: "post",
  path: "/invites/{token}/accept",
  summary: "Accept an invitation (name, email, password) or a reset link (password)",
  request: { params: tokenParams, ...jsonBody(acceptInviteRequestSchema) },
  responses: jsonResponses(z.object({ email: z.string() }), "Account ready: sign in with this email"),
});

const changePassword = createRoute({
  method: "put",
  path: "/me/password",
  summary: "Change my password; my other sessions end",
  security: bearer,
  middleware: [requireSession] as const,
  request: jsonBody(changePasswordRequestSchema),
  responses: jsonResponses(z.object({ ok: z.literal(true) }), "Changed"),
});

const renameMe = createRoute({
  method: "put",
  path: "/me",
  summary: "Change my display name",
  security: bearer,
  middleware: [requireSession] as const,
  request: jsonBody(z.object({ name })),
  responses: jsonResponses(meSchema, "Saved"),
});

const workspaceOf = (c: Context<AppEnv>) => c.env.WORKSPACE.getByName(c.get("principal").workspaceId);

/** The link's token names its workspace, as session tokens do; a malformed one is simply not found. */
const linkWorkspace = (env: AppEnv["Bindings"], token: string) => {
  const workspaceId = workspaceIdOfToken(token);
  return workspaceId ? env.WORKSPACE.getByName(workspaceId) : null;
};

export const peopleRoutes = apiRouter()
  .openapi(listPeople, async (c) => {
    const result = await workspaceOf(c).listPeople(c.get("principal"));
    return respond(c, result.ok ? { ok: true, value: { people: result.value } } : result);
  })
  .openapi(updatePerson, async (c) => respond(c, await workspaceOf(c).updatePerson(c.get("principal"), c.req.valid("param").personId, c.req.valid("json"))))
  .openapi(setPersonStatus, async (c) =>
    respond(c, await workspaceOf(c).setPersonStatus(c.get("principal"), c.req.valid("param").personId, c.req.valid("json").status)),
  )
  .openapi(deactivate, async (c) => respond(c, await workspaceOf(c).deactivatePerson(c.get("principal"), c.req.valid("param").personId)))
  .openapi(reactivate, async (c) => respond(c, await workspaceOf(c).reactivatePerson(c.get("principal"), c.req.valid("param").personId)))
  .openapi(passwordReset, async (c) =>
    respond(c, await workspaceOf(c).createPasswordReset(c.get("principal"), c.req.valid("param").personId, new URL(c.req.url).origin)),
  )
  .openapi(createInvite, async (c) => respond(c, await workspaceOf(c).createInvite(c.get("principal"), c.req.valid("json"), new URL(c.req.url).origin)))
  .openapi(listInvites, async (c) => {
    const result = await workspaceOf(c).listInvites(c.get("principal"));
    return respond(c, result.ok ? { ok: true, value: { invites: result.value } } : result);
  })
  .openapi(revokeInvite, async (c) => respond(c, await workspaceOf(c).revokeInvite(c.get("principal"), c.req.valid("param").inviteId)))
  .openapi(previewInvite, async (c) => {
    const workspace = linkWorkspace(c.env, c.req.valid("param").token);
    return respond(c, workspace ? await workspace.previewInvite(c.req.valid("param").token) : refuse(404, "this link is not valid; ask for a new one", "link_invalid"));
  })
  .openapi(acceptInvite, async (c) => {
    const workspace = linkWorkspace(c.env, c.req.valid("param").token);
    return respond(c, workspace ? await workspace.acceptInvite(c.req.valid("param").token, c.req.valid("json")) : refuse(404, "this link is not valid; ask for a new one", "link_invalid"));
  })
  .openapi(changePassword, async (c) => {
    const body = c.req.valid("json");
    return respond(c, await workspaceOf(c).changePassword(c.get("principal"), body.currentPassword, body.newPassword, c.get("token")));
  })
  .openapi(renameMe, async (c) => c.json(await workspaceOf(c).renameMe(c.get("principal"), c.req.valid("json").name), 200));
