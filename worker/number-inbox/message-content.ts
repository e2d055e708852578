import type { MessageContent } from "../../shared/message-content";
import type { WebhookMessage } from "../../shared/webhook";

type Json = Record<string, unknown>;

const obj = (v: unknown): Json | null => (v && typeof v === "object" && !Array.isArray(v) ? (v as Json) : null);
const str = (v: unknown): string | null => (typeof v === "string" ? v : typeof v === "number" ? String(v) : null);

/** Kinds the side panel knows how to show; anything else is stored raw and shown as unsupported. */
const KNOWN_KINDS = new Set([
  "text", "image", "video", "audio", "document", "sticker", "location", "contacts", "interactive",
  "button", "reaction", "order", "system", "edit", "revoke",
]);

export interface InboundContent {
  kind: string;
  text: string | null;
  content: MessageContent;
}

function media(part: Json): NonNullable<MessageContent["media"]> {
  return {
    id: str(part.id),
    link: str(part.url) ?? str(part.link),
    mimeType: str(part.mime_type),
    filename: str(part.filename),
    voice: part.voice === true,
    animated: part.animated === true,
  };
}

function flowAnswers(json: string | null): Record<string, string> {
  try {
    const parsed = obj(JSON.parse(json ?? "{}")) ?? {};
    return Object.fromEntries(
      Object.entries(parsed).map(([key, value]) => [key, typeof value === "string" ? value : JSON.stringify(value)]),
    );
  } catch {
    return { response_json: json ?? "" };
  }
}

function describeBody(type: string, message: Json, content: MessageContent): string | null {
  const part = obj(message[type]) ?? {};
  switch (type) {
    case "text":
      return str(part.body);
    case "image":
    case "video":
    case "audio":
    case "document":
    case "sticker": {
      content.media = media(part);
      const caption = str(part.caption);
      if (caption) content.caption = caption;
      return caption ?? content.media.filename;
    }
    case "location": {
      const latitude = Number(part.latitude);
      const longitude = Number(part.longitude);
      content.location = {
        latitude,
        longitude,
        name: str(part.name),
        address: str(part.address),
        url: str(part.url),
      };
      return [str(part.name), str(part.address)].filter(Boolean).join(", ") || `${latitude}, ${longitude}`;
    }
    case "contacts": {
      const list = Array.isArray(message.contacts) ? message.contacts : [];
      content.sharedContacts = list.map((c) => {
        const entry = obj(c) ?? {};
        const name = obj(entry.name) ?? {};
        const phones = Array.isArray(entry.phones) ? entry.phones : [];
        return {
          name: str(name.formatted_name) ?? [str(name.first_name), str(name.last_name)].filter(Boolean).join(" "),
          phones: phones.map((p) => str(obj(p)?.phone) ?? "").filter(Boolean),
        };
      });
      return content.sharedContacts.map((c) => c.name).join(", ");
    }
    case "interactive": {
      const subtype = str(part.type);
      const reply = subtype ? obj(part[subtype]) : null;
      if (subtype === "nfm_reply" && reply) {
        content.flowResponse = flowAnswers(str(reply.response_json));
        return str(reply.body) ?? "Flow answered";
      }
      if (reply) {
        const title = str(reply.title) ?? str(reply.response) ?? subtype ?? "reply";
        content.choice = { id: str(reply.id), title, description: str(reply.description) };
        return title;
      }
      // Meta sometimes sends an interactive message without its part (value-level error 131000).
      content.unsupportedType = "interactive";
      return null;
    }
    case "button": {
      const title = str(part.text) ?? str(part.payload) ?? "button";
      content.choice = { id: str(part.payload), title, description: null };
      return title;
    }
    case "reaction": {
      const emoji = str(part.emoji);
      content.reaction = { targetWamid: str(part.message_id) ?? "", emoji: emoji ? emoji : null };
      return emoji || null;
    }
    case "order": {
      const items = Array.isArray(part.product_items) ? part.product_items : [];
      content.order = {
        catalogId: str(part.catalog_id),
        note: str(part.text) || null,
        items: items.map((i) => {
          const item = obj(i) ?? {};
          return {
            productId: str(item.product_retailer_id) ?? "",
            quantity: Number(item.quantity ?? 0),
            price: Number(item.item_price ?? 0),
            currency: str(item.currency) ?? "",
          };
        }),
      };
      return content.order.note;
    }
    case "system": {
      content.system = { type: str(part.type) ?? "system", body: str(part.body) ?? "" };
      return content.system.body;
    }
    case "edit": {
      content.targetWamid = str(part.original_message_id) ?? "";
      const inner = obj(part.message);
      const innerType = inner ? str(inner.type) : null;
      return inner && innerType ? describeBody(innerType, inner, content) : null;
    }
    case "revoke": {
      content.targetWamid = str(part.original_message_id) ?? "";
      return null;
    }
    default:
      return null;
  }
}

/** Turns one webhook message into what the inbox stores and shows. Never throws, never drops. */
export function describeInbound(message: WebhookMessage): InboundContent {
  const raw = message as unknown as Json;
  const content: MessageContent = {};
  const type = message.type;
  let text: string | null = null;
  if (KNOWN_KINDS.has(type)) {
    text = describeBody(type, raw, content);
  } else {
    const unsupported = obj(raw.unsupported);
    content.unsupportedType = str(unsupported?.type) ?? type;
  }
  const context = obj(raw.context);
  if (context) {
    if (context.frequently_forwarded === true) content.forwarded = "many";
    else if (context.forwarded === true) content.forwarded = "once";
    const quoted = str(context.id);
    if (quoted) content.replyToWamid = quoted;
    const product = obj(context.referred_product);
    if (product) content.product = { catalogId: str(product.catalog_id), productId: str(product.product_retailer_id) ?? "" };
  }
  const referral = obj(raw.referral);
  if (referral) {
    content.referral = { headline: str(referral.headline), body: str(referral.body), sourceUrl: str(referral.source_url) };
  }
  if (message.errors?.length) {
    content.errors = message.errors.map((e) => ({
      code: e.code,
      title: e.title ?? e.message ?? str((e as Json).details) ?? "error",
    }));
  }
  const kind = content.unsupportedType ? "unsupported" : type;
  return { kind, text, content };
}

/** One line for the conversation list. */
export function previewOf(kind: string, text: string | null, content?: MessageContent): string {
  if (content?.unsupportedType) return `[unsupported: ${content.unsupportedType}]`;
  if (text) return text.length > 120 ? `${text.slice(0, 117)}…` : text;
  return `[${kind}]`;
}
