import { createRoute, z } from "@hono/zod-openapi";
import { contactLanguageSchema } from "../../shared/catalog";
import {
  conversationCountsSchema,
  searchResultsSchema,
  snoozeRequestSchema,
  conversationListSchema,
  messageListSchema,
  messageSchema,
  sendMessageRequestSchema,
  templateListSchema,
} from "../../shared/inbox";
import { socketTicketRequestSchema, socketTicketSchema, workspaceEventSchema } from "../../shared/people";
import { transferRequestSchema } from "../../shared/routing";
import { bulkRequestSchema, bulkResultSchema, bulkUndoResultSchema } from "../../shared/bulk";
import { conversationSchema } from "../../shared/inbox";
import { errorResponse, refusalResponse, respond } from "../lib/errors";
import { CURSOR_PATTERN } from "../number-inbox/conversation-views";
import { requireSession } from "./auth";
import { apiRouter } from "./context";
import { bearer, jsonBody, jsonResponses } from "./openapi-helpers";

/**
 * How far ahead a conversation may be snoozed. Its wake-up is a Durable Object alarm, and an alarm after 2189 is
 * refused by the runtime, on that call and every later one that reschedules (every webhook for the number).
 */
const LONGEST_SNOOZE_MS = 366 * 86_400_000;

export const numberParams = z.object({ phoneNumberId: z.string().regex(/^\d{1,30}$/, "phoneNumberId must be numeric") });
export const conversationParams = numberParams.extend({
  conversationId: z.string().regex(/^\d{1,15}$/, "conversationId must be numeric"),
});

const socketTicket = createRoute({
  method: "post",
  path: "/socket-ticket",
  summary: "A single-use ticket (60 s) to open the live socket of one number",
  security: bearer,
  middleware: [requireSession] as const,
  request: jsonBody(socketTicketRequestSchema),
  responses: jsonResponses(socketTicketSchema, "Ticket issued"),
});

const listConversations = createRoute({
  method: "get",
  path: "/numbers/{phoneNumberId}/conversations",
  summary: "My open conversations, the unassigned queue (longest waiting first), all, or resolved",
  security: bearer,
  middleware: [requireSession] as const,
  request: {
    params: numberParams,
    query: z.object({
      view: z.enum(["mine", "unassigned", "all", "resolved"]).default("mine"),
      /** Default: longest waiting first for the queue, newest activity for the others. */
      sort: z.enum(["newest", "waiting"]).optional(),
      cursor: z.string().regex(CURSOR_PATTERN, "cursor must be a nextCursor this API returned").optional(),
      limit: z.coerce.number().int().min(1).max(200).default(50),
      /** Only customers carrying this tag. */
      tag: z.string().min(1).max(40).optional(),
      /** Only conversations with unread customer messages. */
      unread: z.enum(["true", "false"]).optional(),
      status: z.enum(["open", "pending"]).optional(),
      /** Conversations assigned to a member of this team. */
      team: z.string().min(1).max(40).optional(),
      /** Customers whose detected language is this one ("zh" also finds "zh-Hant"). */
      language: contactLanguageSchema.shape.language.optional(),
    }),
  },
  responses: jsonResponses(conversationListSchema, "One page of conversations and the cursor of the next"),
});

const counts = createRoute({
  method: "get",
  path: "/numbers/{phoneNumberId}/counts",
  summary: "How many conversations each view holds for me (the panel's tab counts)",
  security: bearer,
  middleware: [requireSession] as const,
  request: { params: numberParams },
  responses: jsonResponses(conversationCountsSchema, "Counts"),
});

const search = createRoute({
  method: "get",
  path: "/numbers/{phoneNumberId}/search",
  summary: "Search by name, phone and words in the message history (Chinese and English)",
  security: bearer,
  middleware: [requireSession] as const,
  request: { params: numberParams, query: z.object({ q: z.string().trim().min(1, "q: type something to search for").max(200) }) },
  responses: jsonResponses(searchResultsSchema, "Matches, conversations you can open only"),
});

const listMessages = createRoute({
  method: "get",
  path: "/numbers/{phoneNumberId}/conversations/{conversationId}/messages",
  summary: "A conversation's messages, oldest first; opening it marks it read",
  security: bearer,
  middleware: [requireSession] as const,
  request: { params: conversationParams },
  responses: jsonResponses(messageListSchema, "Messages"),
});

const send = createRoute({
  method: "post",
  path: "/numbers/{phoneNumberId}/conversations/{conversationId}/messages",
  summary: "Send text, media, a reaction or a template; the same clientId never sends twice",
  description:
    "Free-form messages need the 24-hour customer service window to be open (422 otherwise: send a template). " +
    "The message is stored with its outbox entry before the Graph API is called; failures are retried with backoff.",
  security: bearer,
  middleware: [requireSession] as const,
  request: { params: conversationParams, ...jsonBody(sendMessageRequestSchema) },
  responses: jsonResponses(messageSchema, "The stored message with its delivery status"),
});

const typing = createRoute({
  method: "post",
  path: "/numbers/{phoneNumberId}/conversations/{conversationId}/typing",
  summary: "Show the customer a typing indicator (25 s, and marks their last message read)",
  security: bearer,
  middleware: [requireSession] as const,
  request: { params: conversationParams },
  responses: jsonResponses(z.object({ ok: z.literal(true) }), "Indicator shown"),
});

const templates = createRoute({
  method: "get",
  path: "/numbers/{phoneNumberId}/templates",
  summary: "Approved message templates of the number's WhatsApp Business Account (refresh=true re-reads Meta)",
  security: bearer,
  middleware: [requireSession] as const,
  request: { params: numberParams, query: z.object({ refresh: z.enum(["true", "false"]).default("false") }) },
  responses: jsonResponses(templateListSchema, "Templates"),
});

const numberEvents = createRoute({
  method: "get",
  path: "/events",
  summary: "Account-level webhook events (templates, quality, account, calls, preferences), newest first",
  security: bearer,
  middleware: [requireSession] as const,
  responses: jsonResponses(z.object({ events: z.array(workspaceEventSchema) }), "Events"),
});

const conversationAction = (action: "resolve" | "reopen" | "claim" | "read", summary: string) =>
  createRoute({
    method: "post",
    path: `/numbers/{phoneNumberId}/conversations/{conversationId}/${action}`,
    summary,
    security: bearer,
    middleware: [requireSession] as const,
    request: { params: conversationParams },
    responses: jsonResponses(conversationSchema, "The conversation after the action"),
  });

const resolve = conversationAction("resolve", "Resolve: frees the agent's capacity, so the queue moves");
const read = conversationAction("read", "Mark read without opening (the assignee's unread count goes to 0; the customer sees blue ticks)");
const reopen = conversationAction("reopen", "Reopen a resolved conversation");
const claim = conversationAction("claim", "Assign to me from the queue; when two click at once, one wins and the other gets 409");

const snooze = createRoute({
  method: "post",
  path: "/numbers/{phoneNumberId}/conversations/{conversationId}/snooze",
  summary: "Mark pending until a time or the customer's next message; it leaves the agent's load meanwhile",
  security: bearer,
  middleware: [requireSession] as const,
  request: { params: conversationParams, ...jsonBody(snoozeRequestSchema) },
  responses: jsonResponses(conversationSchema, "The pending conversation"),
});

const transfer = createRoute({
  method: "post",
  path: "/numbers/{phoneNumberId}/conversations/{conversationId}/transfer",
  summary: "Transfer to an agent (who must be able to take it, unless a supervisor forces) or to a team (routed inside it)",
  security: bearer,
  middleware: [requireSession] as const,
  request: { params: conversationParams, ...jsonBody(transferRequestSchema) },
  responses: jsonResponses(conversationSchema, "The conversation after the transfer"),
});

const bulk = createRoute({
  method: "post",
  path: "/numbers/{phoneNumberId}/conversations/bulk",
  summary: "Assign, transfer, tag, mark pending or resolve up to 200 conversations in one step",
  description:
    "Each conversation is done or refused by exactly the rules of the single action, and reported in the order given " +
    "(refusals carry the single action's code and English message). The undoId undoes what was done, for the same person, until undoUntil.",
  security: bearer,
  middleware: [requireSession] as const,
  request: { params: numberParams, ...jsonBody(bulkRequestSchema) },
  responses: jsonResponses(bulkResultSchema, "What was done and refused, per conversation, and the undo"),
});

const bulkUndo = createRoute({
  method: "post",
  path: "/numbers/{phoneNumberId}/conversations/bulk/{undoId}/undo",
  summary: "Undo a bulk action: each conversation back as it was, unless someone changed it since",
  security: bearer,
  middleware: [requireSession] as const,
  request: { params: numberParams.extend({ undoId: z.uuid("undoId must be the undoId a bulk action returned") }) },
  responses: jsonResponses(bulkUndoResultSchema, "What was put back and what was left, per conversation"),
});

export const conversationRoutes = apiRouter()
  .openapi(bulk, async (c) => {
    const { phoneNumberId } = c.req.valid("param");
    return respond(c, await c.env.NUMBER_INBOX.getByName(phoneNumberId).bulk(c.get("principal"), c.req.valid("json")));
  })
  .openapi(bulkUndo, async (c) => {
    const { phoneNumberId, undoId } = c.req.valid("param");
    return respond(c, await c.env.NUMBER_INBOX.getByName(phoneNumberId).undoBulk(c.get("principal"), undoId));
  })
  .openapi(resolve, async (c) => {
    const { phoneNumberId, conversationId } = c.req.valid("param");
    const result = await c.env.NUMBER_INBOX.getByName(phoneNumberId).resolve(c.get("principal"), conversationId);
    return respond(c, result);
  })
  .openapi(read, async (c) => {
    const { phoneNumberId, conversationId } = c.req.valid("param");
    return respond(c, await c.env.NUMBER_INBOX.getByName(phoneNumberId).markRead(c.get("principal"), conversationId));
  })
  .openapi(reopen, async (c) => {
    const { phoneNumberId, conversationId } = c.req.valid("param");
    const result = await c.env.NUMBER_INBOX.getByName(phoneNumberId).reopen(c.get("principal"), conversationId);
    return respond(c, result);
  })
  .openapi(claim, async (c) => {
    const { phoneNumberId, conversationId } = c.req.valid("param");
    const result = await c.env.NUMBER_INBOX.getByName(phoneNumberId).claim(c.get("principal"), conversationId);
    return respond(c, result);
  })
  .openapi(snooze, async (c) => {
    const { phoneNumberId, conversationId } = c.req.valid("param");
    const { until } = c.req.valid("json");
    if (until !== null && until > Date.now() + LONGEST_SNOOZE_MS) return errorResponse(c, 400, "until: snooze for a year at most", { code: "invalid_request", params: { field: "until" } }) as never;
    return respond(c, await c.env.NUMBER_INBOX.getByName(phoneNumberId).snooze(c.get("principal"), conversationId, until));
  })
  .openapi(transfer, async (c) => {
    const { phoneNumberId, conversationId } = c.req.valid("param");
    const result = await c.env.NUMBER_INBOX.getByName(phoneNumberId).transfer(c.get("principal"), conversationId, c.req.valid("json"));
    return respond(c, result);
  })
  .openapi(socketTicket, async (c) => {
    const principal = c.get("principal");
    const { phoneNumberId } = c.req.valid("json");
    const result = await c.env.WORKSPACE.getByName(principal.workspaceId).issueSocketTicket(principal, phoneNumberId);
    return respond(c, result);
  })
  .openapi(listConversations, async (c) => {
    const { phoneNumberId } = c.req.valid("param");
    const result = await c.env.NUMBER_INBOX.getByName(phoneNumberId).listConversations(c.get("principal"), c.req.valid("query"));
    return respond(c, result);
  })
  .openapi(counts, async (c) => {
    return respond(c, await c.env.NUMBER_INBOX.getByName(c.req.valid("param").phoneNumberId).counts(c.get("principal")));
  })
  .openapi(search, async (c) => {
    const result = await c.env.NUMBER_INBOX.getByName(c.req.valid("param").phoneNumberId).search(c.get("principal"), c.req.valid("query").q);
    return respond(c, result.ok ? { ok: true, value: { results: result.value } } : result);
  })
  .openapi(listMessages, async (c) => {
    const { phoneNumberId, conversationId } = c.req.valid("param");
    const result = await c.env.NUMBER_INBOX.getByName(phoneNumberId).listMessages(c.get("principal"), conversationId);
    if (!result.ok) return refusalResponse(c, result) as never;
    return c.json({ messages: result.value }, 200);
  })
  .openapi(send, async (c) => {
    const { phoneNumberId, conversationId } = c.req.valid("param");
    const result = await c.env.NUMBER_INBOX.getByName(phoneNumberId).send(c.get("principal"), conversationId, c.req.valid("json"));
    return respond(c, result);
  })
  .openapi(typing, async (c) => {
    const { phoneNumberId, conversationId } = c.req.valid("param");
    const result = await c.env.NUMBER_INBOX.getByName(phoneNumberId).typing(c.get("principal"), conversationId);
    return respond(c, result);
  })
  .openapi(templates, async (c) => {
    const { phoneNumberId } = c.req.valid("param");
    const refresh = c.req.valid("query").refresh === "true";
    const result = await c.env.NUMBER_INBOX.getByName(phoneNumberId).templates(c.get("principal"), refresh);
    if (!result.ok) return refusalResponse(c, result) as never;
    return c.json({ templates: result.value }, 200);
  })
  .openapi(numberEvents, async (c) => {
    const principal = c.get("principal");
    const result = await c.env.WORKSPACE.getByName(principal.workspaceId).listEvents(principal);
    if (!result.ok) return refusalResponse(c, result) as never;
    return c.json({ events: result.value.map((e) => ({ ...e, detail: JSON.parse(e.detail) as unknown })) }, 200);
  });
