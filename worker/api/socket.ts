import { Hono } from "hono";
import { errorResponse } from "../lib/errors";
import { workspaceIdOfToken } from "../workspace/Workspace";
import type { AppEnv } from "./context";

/**
 * The side panel's live socket. Browsers cannot set headers on a WebSocket, so it carries a single-use
 * ticket from POST /api/socket-ticket; the ticket is checked before the upgrade reaches the number's object.
 */
export const socketRoutes = new Hono<AppEnv>().get("/numbers/:phoneNumberId/socket", async (c) => {
  if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
    return errorResponse(c, 426 as never, "this route only accepts a WebSocket upgrade");
  }
  const ticket = c.req.query("ticket") ?? "";
  const phoneNumberId = c.req.param("phoneNumberId");
  const workspaceId = workspaceIdOfToken(ticket);
  const principal = workspaceId
    ? await c.env.WORKSPACE.getByName(workspaceId).redeemSocketTicket(ticket, phoneNumberId)
    : null;
  if (!principal) return errorResponse(c, 401, "the socket ticket is missing, used or expired; ask for a new one");
  const headers = new Headers({ upgrade: "websocket", "x-agent-id": principal.personId, "x-agent-role": principal.role });
  // The console's floor watches a number; only supervisors may, and it does not count as working there.
  if (c.req.query("watch") === "1") {
    if (principal.role === "agent") return errorResponse(c, 403, "only supervisors and admins watch a number's floor");
    headers.set("x-watch-only", "1");
  }
  return c.env.NUMBER_INBOX.getByName(phoneNumberId).fetch(new Request("https://inbox/socket", { headers }));
});
