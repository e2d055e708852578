import type { WebhookMessage } from "../../shared/webhook";

/** The text an agent reads for an inbound message, kept beside the raw payload. */
export function messageText(message: WebhookMessage): string | null {
  if (message.type === "text") return message.text?.body ?? null;
  const part = (message as Record<string, unknown>)[message.type];
  if (part && typeof part === "object" && "caption" in part && typeof part.caption === "string") return part.caption;
  return null;
}

/** One line for the conversation list. */
export function previewOf(kind: string, text: string | null): string {
  if (text) return text.length > 120 ? `${text.slice(0, 117)}…` : text;
  return `[${kind}]`;
}
