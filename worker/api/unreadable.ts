import { createRoute, z } from "@hono/zod-openapi";
import { unreadableDeliverySchema, unreadableListSchema } from "../../shared/unreadable";
import { respond } from "../lib/errors";
import { requireRole, requireSession } from "./auth";
import { apiRouter } from "./context";
import { numberParams } from "./conversations";
import { bearer, jsonResponses } from "./openapi-helpers";

/** A number's unreadable deliveries: what Meta's webhooks carried that no conversation could hold (issue #19). */
const deliveryParams = numberParams.extend({ deliveryId: z.string().regex(/^\d{1,15}$/, "deliveryId must be numeric") });

const list = createRoute({
  method: "get",
  path: "/numbers/{phoneNumberId}/unreadable",
  summary: "Webhook deliveries no conversation could hold (no sender, no wamid, not a message, too large…), newest first, with why",
  security: bearer,
  middleware: [requireSession, requireRole("admin", "supervisor")] as const,
  request: { params: numberParams },
  responses: jsonResponses(unreadableListSchema, "Up to 100, each JSON shortened to 20,000 characters"),
});

const one = createRoute({
  method: "get",
  path: "/numbers/{phoneNumberId}/unreadable/{deliveryId}",
  summary: "One unreadable delivery with its whole JSON as Meta sent it",
  security: bearer,
  middleware: [requireSession, requireRole("admin", "supervisor")] as const,
  request: { params: deliveryParams },
  responses: jsonResponses(unreadableDeliverySchema, "The delivery"),
});

const dismiss = createRoute({
  method: "post",
  path: "/numbers/{phoneNumberId}/unreadable/{deliveryId}/dismiss",
  summary: "Take a delivery off the list for everyone; Meta's redeliveries of it stay off",
  security: bearer,
  middleware: [requireSession, requireRole("admin", "supervisor")] as const,
  request: { params: deliveryParams },
  responses: jsonResponses(z.object({ ok: z.literal(true) }), "Dismissed"),
});

export const unreadableRoutes = apiRouter()
  .openapi(list, async (c) => {
    const { phoneNumberId } = c.req.valid("param");
    return respond(c, await c.env.NUMBER_INBOX.getByName(phoneNumberId).unreadableDeliveries(c.get("principal")));
  })
  .openapi(one, async (c) => {
    const { phoneNumberId, deliveryId } = c.req.valid("param");
    return respond(c, await c.env.NUMBER_INBOX.getByName(phoneNumberId).unreadableDelivery(c.get("principal"), deliveryId));
  })
  .openapi(dismiss, async (c) => {
    const { phoneNumberId, deliveryId } = c.req.valid("param");
    return respond(c, await c.env.NUMBER_INBOX.getByName(phoneNumberId).dismissUnreadable(c.get("principal"), deliveryId));
  });
