/**
 * Builds every body the inbox sends to `POST /{phone-number-id}/messages` (Meta's send-messages,
 * mark-message-as-read, typing-indicators and template pages). Each builder takes the exact shared request type
 * (shared/inbox.ts) and returns the exact body type (meta-body.ts), so a renamed request field, a new media kind
 * or a new body kind is a compile error here rather than a body Meta refuses.
 */
import type { MediaSource, SendRequestOf, TemplateHeaderMedia } from "../../shared/inbox";
import type { MessageContent } from "../../shared/message-content";
import type {
  HeaderMediaParameter,
  ListMessageBody,
  MarkReadBody,
  MediaMessageBody,
  MediaRef,
  MessageContext,
  ReactionMessageBody,
  Recipient,
  RecipientField,
  TemplateComponent,
  TemplateMessageBody,
  TextMessageBody,
  TextParameter,
  TypingIndicatorBody,
} from "./meta-body";

export type { OutboundMessageBody, Recipient, StatusBody } from "./meta-body";

/** A compile error when a switch misses a case; at run time, a loud failure instead of a malformed body. */
function unreachable(value: never): never {
  throw new Error(`no body for ${JSON.stringify(value)}`);
}

/** The one place a recipient becomes body fields: `to` for a phone number, `recipient` for a BSUID. */
export function recipientField(recipient: Recipient): RecipientField {
  if ("phone" in recipient) return { to: recipient.phone };
  return { recipient: recipient.userId };
}

type Base = { messaging_product: "whatsapp"; recipient_type: "individual"; context?: MessageContext } & RecipientField;

function base(recipient: Recipient, replyToWamid: string | null): Base {
  return {
    messaging_product: "whatsapp",
    recipient_type: "individual",
    ...recipientField(recipient),
    ...(replyToWamid ? { context: { message_id: replyToWamid } } : {}),
  };
}

/** An uploaded file goes by its id, any other by its link. */
export function mediaRef(source: MediaSource): MediaRef {
  return source.mediaId !== undefined ? { id: source.mediaId } : { link: source.link };
}

export function textBody(recipient: Recipient, request: Pick<SendRequestOf<"text">, "text">, replyToWamid: string | null = null): TextMessageBody {
  return { ...base(recipient, replyToWamid), type: "text", text: { preview_url: /https?:\/\/\S/.test(request.text), body: request.text } };
}

/** Meta shows a caption on image, video and document, and a file name on documents (the request schema refuses the rest). */
export function mediaBody(recipient: Recipient, request: SendRequestOf<"media">, replyToWamid: string | null = null): MediaMessageBody {
  const envelope = base(recipient, replyToWamid);
  const ref = mediaRef(request);
  const caption = request.caption ? { caption: request.caption } : {};
  switch (request.mediaKind) {
    case "image":
      return { ...envelope, type: "image", image: { ...ref, ...caption } };
    case "video":
      return { ...envelope, type: "video", video: { ...ref, ...caption } };
    case "document":
      return { ...envelope, type: "document", document: { ...ref, ...caption, ...(request.filename ? { filename: request.filename } : {}) } };
    case "audio":
      return { ...envelope, type: "audio", audio: ref };
    case "sticker":
      return { ...envelope, type: "sticker", sticker: ref };
    default:
      return unreachable(request.mediaKind);
  }
}

/** An empty emoji removes the business's reaction. */
export function reactionBody(recipient: Recipient, request: Pick<SendRequestOf<"reaction">, "emoji">, targetWamid: string): ReactionMessageBody {
  return { ...base(recipient, null), type: "reaction", reaction: { message_id: targetWamid, emoji: request.emoji } };
}

function headerMediaParameter(media: TemplateHeaderMedia): HeaderMediaParameter {
  const ref = mediaRef(media);
  switch (media.kind) {
    case "image":
      return { type: "image", image: ref };
    case "video":
      return { type: "video", video: ref };
    case "document":
      return { type: "document", document: { ...ref, ...(media.filename ? { filename: media.filename } : {}) } };
    default:
      return unreachable(media.kind);
  }
}

export function templateBody(recipient: Recipient, request: SendRequestOf<"template">): TemplateMessageBody {
  const text = (value: string): TextParameter => ({ type: "text", text: value });
  const components: TemplateComponent[] = [];
  const [headerText] = request.header;
  if (request.headerMedia) components.push({ type: "header", parameters: [headerMediaParameter(request.headerMedia)] });
  else if (headerText !== undefined) components.push({ type: "header", parameters: [text(headerText)] });
  if (request.body.length) components.push({ type: "body", parameters: request.body.map(text) });
  for (const button of request.quickReplies) {
    components.push({ type: "button", sub_type: "quick_reply", index: String(button.index), parameters: [{ type: "payload", payload: button.payload }] });
  }
  return {
    ...base(recipient, null),
    type: "template",
    template: { name: request.name, language: { code: request.language }, ...(components.length ? { components } : {}) },
  };
}

/** An interactive list (up to 10 rows): the satisfaction survey's five ratings fit where buttons (3) do not. */
export function listBody(recipient: Recipient, list: { body: string } & NonNullable<MessageContent["list"]>): ListMessageBody {
  return {
    ...base(recipient, null),
    type: "interactive",
    interactive: {
      type: "list",
      body: { text: list.body },
      action: {
        button: list.button,
        sections: [{ title: list.button, rows: list.rows.map((r) => ({ id: r.id, title: r.title, ...(r.description ? { description: r.description } : {}) })) }],
      },
    },
  };
}

export function markReadBody(wamid: string): MarkReadBody {
  return { messaging_product: "whatsapp", status: "read", message_id: wamid };
}

/** Also marks the message read; WhatsApp dismisses it after 25 s or at the reply. */
export function typingIndicatorBody(wamid: string): TypingIndicatorBody {
  return { ...markReadBody(wamid), typing_indicator: { type: "text" } };
}
