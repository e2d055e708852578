/**
 * Bodies for POST /{phone_number_id}/messages exactly as Meta documents them (messages/send-messages,
 * mark-message-as-read, typing-indicators, template messages). Tests validate them against Meta's OpenAPI.
 */

export type MediaKind = "image" | "video" | "audio" | "document" | "sticker";

interface Base {
  to: string;
  /** wamid of the customer's message this one quotes. */
  replyToWamid?: string | null;
}

function envelope(base: Base, type: string, part: Record<string, unknown>) {
  return {
    messaging_product: "whatsapp",
    recipient_type: "individual",
    to: base.to,
    ...(base.replyToWamid ? { context: { message_id: base.replyToWamid } } : {}),
    type,
    [type]: part,
  };
}

/** An interactive list (up to 10 rows): the satisfaction survey's five ratings fit where buttons (3) do not. */
export function listBody(base: Base, list: { body: string; button: string; rows: { id: string; title: string; description?: string | null }[] }) {
  return envelope(base, "interactive", {
    type: "list",
    body: { text: list.body },
    action: {
      button: list.button,
      sections: [{ title: list.button, rows: list.rows.map((r) => ({ id: r.id, title: r.title, ...(r.description ? { description: r.description } : {}) })) }],
    },
  });
}

export function textBody(base: Base, text: string) {
  return envelope(base, "text", { preview_url: /https?:\/\/\S/.test(text), body: text });
}

export function mediaBody(
  base: Base,
  kind: MediaKind,
  media: { id?: string | null; link?: string | null; caption?: string | null; filename?: string | null },
) {
  const part: Record<string, unknown> = media.id ? { id: media.id } : { link: media.link };
  // Meta accepts captions on image, video and document only, and a filename on documents.
  if (media.caption && (kind === "image" || kind === "video" || kind === "document")) part.caption = media.caption;
  if (media.filename && kind === "document") part.filename = media.filename;
  return envelope(base, kind, part);
}

/** An empty emoji removes the business's reaction. */
export function reactionBody(to: string, targetWamid: string, emoji: string) {
  return envelope({ to }, "reaction", { message_id: targetWamid, emoji });
}

export interface TemplateParameters {
  header?: string[];
  body?: string[];
  /** Payloads for the template's quick-reply buttons, by button index. */
  quickReplies?: { index: number; payload: string }[];
}

export function templateBody(to: string, name: string, language: string, parameters: TemplateParameters) {
  const components: Record<string, unknown>[] = [];
  const text = (values: string[]) => values.map((value) => ({ type: "text", text: value }));
  if (parameters.header?.length) components.push({ type: "header", parameters: text(parameters.header) });
  if (parameters.body?.length) components.push({ type: "body", parameters: text(parameters.body) });
  for (const button of parameters.quickReplies ?? []) {
    components.push({
      type: "button",
      sub_type: "quick_reply",
      index: String(button.index),
      parameters: [{ type: "payload", payload: button.payload }],
    });
  }
  return envelope({ to }, "template", { name, language: { code: language }, ...(components.length ? { components } : {}) });
}

export function markReadBody(wamid: string, typing = false) {
  return {
    messaging_product: "whatsapp",
    status: "read",
    message_id: wamid,
    ...(typing ? { typing_indicator: { type: "text" } } : {}),
  };
}
