import { createMiddleware } from "hono/factory";
import { errorResponse } from "../lib/errors";
import { workspaceIdOfToken } from "../workspace/ids";
import { establishSession } from "./auth";
import type { AppEnv } from "./context";

/**
 * The one gate in front of everything under /numbers/{phoneNumberId}: the routes of the OpenAPI document, the media
 * routes and the live socket, today's and any added later, since it is mounted on the path rather than on each route.
 * It settles who is asking (bearer session, or the socket's single-use ticket) and lets them through only if their
 * own workspace owns the number: another company's number answers 404, exactly as a number nobody connected, so its
 * existence leaks nothing. The number's object checks the owner again on every call (NumberInbox `stranger`).
 */
export const numberGate = createMiddleware<AppEnv>(async (c, next) => {
  const phoneNumberId = c.req.param("phoneNumberId") ?? "";
  const socket = /\/socket\/?$/.test(c.req.path);
  if (socket) {
    // Browsers cannot set headers on a WebSocket, so the socket carries a ticket from POST /api/socket-ticket.
    if (c.req.header("upgrade")?.toLowerCase() !== "websocket") return errorResponse(c, 426, "this route only accepts a WebSocket upgrade");
    const ticket = c.req.query("ticket") ?? "";
    const workspaceId = workspaceIdOfToken(ticket);
    const principal = workspaceId ? await c.env.WORKSPACE.getByName(workspaceId).redeemSocketTicket(ticket, phoneNumberId) : null;
    if (!principal) return errorResponse(c, 401, "the socket ticket is missing, used or expired; ask for a new one", { code: "session_expired" });
    c.set("principal", principal);
  } else {
    const refused = await establishSession(c);
    if (refused) return refused;
  }
  // Who asks first, then what they name: a stranger learns nothing, not even which ids are well-formed.
  if (!/^\d{1,30}$/.test(phoneNumberId)) return errorResponse(c, 400, "phoneNumberId: must be Meta's numeric phone number id", { code: "invalid_request", params: { field: "phoneNumberId" } });
  const principal = c.get("principal");
  const access = await c.env.WORKSPACE.getByName(principal.workspaceId).numberAccess(principal, phoneNumberId);
  if (access === "not_here") return errorResponse(c, 404, `number ${phoneNumberId} is not connected in this workspace`, { code: "number_not_connected", params: { number: phoneNumberId } });
  if (access === "not_member") return errorResponse(c, 403, `you do not work on number ${phoneNumberId}`, { code: "not_member", params: { number: phoneNumberId } });
  await next();
});
