import type { SendMessageRequest } from "../../shared/inbox";
import type { MessageContent } from "../../shared/message-content";
import { mediaBody, reactionBody, templateBody, textBody, type OutboundMessageBody, type Recipient } from "../graph/bodies";
import { ok, refuse, type Result } from "../lib/result";
import { renderTemplate, summarizeTemplate, templateArgumentsProblem } from "./templates";

export interface Outbound {
  /** The Graph API body, as the outbox sends it. */
  body: OutboundMessageBody;
  kind: string;
  /** What the history and the search index show. */
  text: string | null;
  content: MessageContent;
}

/** What building a body needs to look up on the number: a quoted message's wamid, an approved template. */
export interface OutboundLookups {
  wamidOf(messageId: string): string | null;
  template(name: string, language: string): { status: string; components: unknown[] } | undefined;
}

/** The one place an agent's request becomes Meta's body (through `graph/bodies.ts`) and the message we store. */
export function buildOutbound(request: SendMessageRequest, recipient: Recipient, lookups: OutboundLookups): Result<Outbound> {
  const replyTo = "replyToId" in request && request.replyToId ? lookups.wamidOf(request.replyToId) : null;
  if ("replyToId" in request && request.replyToId && !replyTo) {
    return refuse(422, `replyToId: message ${request.replyToId} has no WhatsApp id to quote`, "invalid_request", { field: "replyToId" });
  }
  const content: MessageContent = replyTo ? { replyToWamid: replyTo } : {};
  switch (request.type) {
    case "note":
      return refuse(400, "a note is not sent to WhatsApp");
    case "text":
      return ok({ body: textBody(recipient, request, replyTo), kind: "text", text: request.text, content });
    case "media":
      content.media = { id: request.mediaId ?? null, link: request.link ?? null, mimeType: null, filename: request.filename ?? null, voice: false, animated: false };
      if (request.caption) content.caption = request.caption;
      return ok({
        body: mediaBody(recipient, request, replyTo),
        kind: request.mediaKind,
        text: request.caption ?? request.filename ?? null,
        content,
      });
    case "reaction": {
      const target = lookups.wamidOf(request.targetId);
      if (!target) return refuse(422, `targetId: message ${request.targetId} has no WhatsApp id to react to`, "invalid_request", { field: "targetId" });
      content.reaction = { targetWamid: target, emoji: request.emoji || null };
      return ok({ body: reactionBody(recipient, request, target), kind: "reaction", text: request.emoji || null, content });
    }
    case "template": {
      const row = lookups.template(request.name, request.language);
      if (!row) return refuse(422, `template ${request.name} (${request.language}) is not approved for this number; refresh the templates`, "template_not_approved", { name: request.name, language: request.language });
      const summary = summarizeTemplate({ name: request.name, language: request.language, status: row.status, components: row.components });
      const problem = templateArgumentsProblem(summary, request);
      if (problem) return refuse(400, problem);
      content.template = { name: request.name, language: request.language };
      const text = [summary.header && renderTemplate(summary.header, request.header), renderTemplate(summary.body, request.body)]
        .filter(Boolean)
        .join("\n");
      return ok({ body: templateBody(recipient, request), kind: "template", text, content });
    }
  }
}
