import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { Role } from "../../shared/people";
import { errorResponse } from "../lib/errors";
import { carriesSetupToken } from "../lib/setup-token";
import { workspaceIdOfToken } from "../workspace/ids";
import type { AppEnv } from "./context";

/**
 * Sets the request's principal from `Authorization: Bearer <token>`, or answers why not (401). Once per request:
 * the number gate may have done it already.
 */
export async function establishSession(c: Context<AppEnv>): Promise<Response | null> {
  if (c.get("principal")) return null;
  const token = /^Bearer (\S+)$/i.exec(c.req.header("authorization") ?? "")?.[1];
  if (!token) return errorResponse(c, 401, "sign in first: send Authorization: Bearer <token>", { code: "sign_in_first" });
  const workspaceId = workspaceIdOfToken(token);
  const principal = workspaceId ? await c.env.WORKSPACE.getByName(workspaceId).authenticate(token) : null;
  if (!principal) return errorResponse(c, 401, "your session has expired or was revoked; sign in again", { code: "session_expired" });
  c.set("principal", principal);
  c.set("token", token);
  return null;
}

export const requireSession = createMiddleware<AppEnv>(async (c, next) => {
  const refused = await establishSession(c);
  if (refused) return refused;
  await next();
});

export const requireRole = (...roles: Role[]) =>
  createMiddleware<AppEnv>(async (c, next) => {
    if (!roles.includes(c.get("principal").role)) {
      return errorResponse(c, 403, `this needs the role ${roles.join(" or ")}`, { code: roles.includes("agent") ? "forbidden" : roles.includes("supervisor") ? "supervisors_only" : "admins_only" });
    }
    await next();
  });

/** Setup and import: the deployment's SETUP_TOKEN, checked before the body is read, so a stranger learns nothing of what it expects. */
export const requireSetupToken = createMiddleware<AppEnv>(async (c, next) => {
  if (!carriesSetupToken(c.req.header("authorization"), c.env.SETUP_TOKEN)) {
    return errorResponse(c, 401, "this needs Authorization: Bearer <SETUP_TOKEN>");
  }
  await next();
});
