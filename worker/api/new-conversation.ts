import { createRoute } from "@hono/zod-openapi";
import { newConversationRequestSchema, newConversationResultSchema } from "../../shared/new-conversation";
import { respond } from "../lib/errors";
import { requireSession } from "./auth";
import { numberParams } from "./conversations";
import { apiRouter } from "./context";
import { bearer, jsonBody, jsonResponses } from "./openapi-helpers";

const startConversation = createRoute({
  method: "post",
  path: "/numbers/{phoneNumberId}/conversations",
  summary: "Start a conversation with a customer: an approved template as its first message, assigned to me or a team",
  description:
    "The customer is a phone number (with its country code) or a contact of the number. A customer whose conversation is not " +
    "yet resolved gets the template in it (reused: true). 409 when the number is disconnected or its token was refused; 422 " +
    "when the template is unknown, not APPROVED or its variables do not fill it; 429 with Retry-After when the agent started " +
    "10 in the last minute. The message goes out through the outbox (retried, with delivery statuses).",
  security: bearer,
  middleware: [requireSession] as const,
  request: { params: numberParams, ...jsonBody(newConversationRequestSchema) },
  responses: jsonResponses(newConversationResultSchema, "The conversation and its first message"),
});

export const newConversationRoutes = apiRouter().openapi(startConversation, async (c) => {
  const { phoneNumberId } = c.req.valid("param");
  const result = await c.env.NUMBER_INBOX.getByName(phoneNumberId).startConversation(c.get("principal"), c.req.valid("json"));
  if (!result.ok && result.status === 429) c.header("Retry-After", String(result.params?.retryAfterSeconds ?? 60));
  return respond(c, result);
});
