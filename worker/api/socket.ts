import { Hono } from "hono";
import { errorResponse } from "../lib/errors";
import type { AppEnv } from "./context";

/**
 * The side panel's live socket. The number gate (number-gate.ts) has redeemed its single-use ticket and checked the
 * number is the ticket holder's workspace's before this runs; the number's object checks the workspace once more.
 */
export const socketRoutes = new Hono<AppEnv>().get("/numbers/:phoneNumberId/socket", async (c) => {
  const principal = c.get("principal");
  const headers = new Headers({
    upgrade: "websocket",
    "x-agent-id": principal.personId,
    // Encoded: a header carries bytes, and names are often Chinese. Colleagues see it in the collision guard.
    "x-agent-name": encodeURIComponent(principal.name),
    "x-agent-role": principal.role,
    "x-workspace-id": principal.workspaceId,
  });
  // The console's floor watches a number; only supervisors may, and it does not count as working there.
  if (c.req.query("watch") === "1") {
    if (principal.role === "agent") return errorResponse(c, 403, "only supervisors and admins watch a number's floor", { code: "supervisors_only" });
    headers.set("x-watch-only", "1");
  }
  return c.env.NUMBER_INBOX.getByName(c.req.param("phoneNumberId")).fetch(new Request("https://inbox/socket", { headers }));
});
