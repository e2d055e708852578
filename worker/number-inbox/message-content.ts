import type { MessageContent } from "../../shared/message-content";
import type { WebhookMessage } from "../../shared/webhook";
import { storable } from "./storable-text";

type Json = Record<string, unknown>;

/** A message's text as WhatsApp lets a customer write it (65,536 characters); the raw JSON keeps anything longer. */
export const MAX_TEXT_CHARS = 65_536;
/** Any other field shown: a caption, a file name, a title, an id. */
const MAX_FIELD_CHARS = 4_096;
/** Shared contacts, order items, flow answers: more than this is not a message a person reads. */
const MAX_ITEMS = 100;

const obj = (v: unknown): Json | null => (v && typeof v === "object" && !Array.isArray(v) ? (v as Json) : null);
const str = (v: unknown, max = MAX_FIELD_CHARS): string | null =>
  typeof v === "string" ? storable(v, max) : typeof v === "number" && Number.isFinite(v) ? String(v) : null;
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v.slice(0, MAX_ITEMS) : []);
/** A number Meta sends as a number or as text; anything else (text, Infinity) is 0 rather than NaN, which JSON cannot hold. */
const finite = (v: unknown): number => {
  const n = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : NaN;
  return Number.isFinite(n) ? n : 0;
};
/** A kind or type name Meta could mean; a longer or stranger one is shown as unsupported, cut short. */
const typeName = (v: unknown): string | null => (typeof v === "string" && /^[a-z0-9_]{1,40}$/.test(v) ? v : null);

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
      Object.entries(parsed)
        .slice(0, MAX_ITEMS)
        .map(([key, value]) => [storable(key, 200), str(typeof value === "string" ? value : JSON.stringify(value) ?? "null") ?? ""]),
    );
  } catch {
    // Not JSON, or nested too deep to write back as text: the answers are shown as sent.
    return { response_json: json ?? "" };
  }
}

function describeBody(type: string, message: Json, content: MessageContent, depth = 0): string | null {
  const part = obj(message[type]) ?? {};
  switch (type) {
    case "text":
      return str(part.body, MAX_TEXT_CHARS);
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
      // Without coordinates there is no map to show (NaN would be stored as null): its name and address are the text,
      // and the raw JSON keeps what was sent.
      if (!Number.isFinite(latitude) || !Number.isFinite(longitude)) return [str(part.name), str(part.address)].filter(Boolean).join(", ") || null;
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
      content.sharedContacts = list(message.contacts).map((c) => {
        const entry = obj(c) ?? {};
        const name = obj(entry.name) ?? {};
        const phones = list(entry.phones);
        return {
          name: str(name.formatted_name) ?? [str(name.first_name), str(name.last_name)].filter(Boolean).join(" "),
          phones: phones.map((p) => str(obj(p)?.phone) ?? "").filter(Boolean),
        };
      });
      return str(content.sharedContacts.map((c) => c.name).join(", "));
    }
    case "interactive": {
      const subtype = typeName(part.type);
      const reply = subtype ? obj(part[subtype]) : null;
      if (subtype === "nfm_reply" && reply) {
        content.flowResponse = flowAnswers(str(reply.response_json));
        return str(reply.body, MAX_TEXT_CHARS) ?? "Flow answered";
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
      content.order = {
        catalogId: str(part.catalog_id),
        note: str(part.text) || null,
        items: list(part.product_items).map((i) => {
          const item = obj(i) ?? {};
          return {
            productId: str(item.product_retailer_id) ?? "",
            quantity: finite(item.quantity),
            price: finite(item.item_price),
            currency: str(item.currency) ?? "",
          };
        }),
      };
      return content.order.note;
    }
    case "system": {
      content.system = { type: str(part.type, 100) ?? "system", body: str(part.body, MAX_TEXT_CHARS) ?? "" };
      return content.system.body;
    }
    case "edit": {
      content.targetWamid = str(part.original_message_id) ?? "";
      const inner = obj(part.message);
      const innerType = inner ? typeName(inner.type) : null;
      // An edit carries the new message; an edit inside an edit is not one, and would nest as deep as the JSON.
      return inner && innerType && depth === 0 ? describeBody(innerType, inner, content, depth + 1) : null;
    }
    case "revoke": {
      content.targetWamid = str(part.original_message_id) ?? "";
      return null;
    }
    default:
      return null;
  }
}

/**
 * Turns one webhook message into what the inbox stores and shows. Never throws, never drops: whatever shape a part
 * has, the result satisfies the shared message schema (test/unit/intake.test.ts checks it on arbitrary JSON).
 */
export function describeInbound(message: WebhookMessage): InboundContent {
  const raw = message as unknown as Json;
  const content: MessageContent = {};
  const type = typeName(message.type);
  let text: string | null = null;
  if (type && KNOWN_KINDS.has(type)) {
    text = describeBody(type, raw, content);
  } else {
    const unsupported = obj(raw.unsupported);
    content.unsupportedType = str(unsupported?.type, 40) ?? type ?? str(message.type, 40) ?? "unknown";
  }
  const context = obj(raw.context);
  if (context) {
    if (context.frequently_forwarded === true) content.forwarded = "many";
    else if (context.forwarded === true) content.forwarded = "once";
    const quoted = str(context.id, 512);
    if (quoted) content.replyToWamid = quoted;
    const product = obj(context.referred_product);
    if (product) content.product = { catalogId: str(product.catalog_id), productId: str(product.product_retailer_id) ?? "" };
  }
  const referral = obj(raw.referral);
  if (referral) {
    content.referral = { headline: str(referral.headline), body: str(referral.body), sourceUrl: str(referral.source_url) };
  }
  const errors = list(message.errors).map(obj).filter((e): e is Json => e !== null);
  if (errors.length) {
    content.errors = errors.map((e) => ({
      code: finite(e.code),
      title: str(e.title) ?? str(e.message) ?? str(e.details) ?? str(obj(e.error_data)?.details) ?? "error",
    }));
  }
  const kind = content.unsupportedType ? "unsupported" : type!;
  return { kind, text, content };
}

/** One line for the conversation list. */
export function previewOf(kind: string, text: string | null, content?: MessageContent): string {
  if (content?.unsupportedType) return `[unsupported: ${content.unsupportedType}]`;
  if (text) return storable(text, 120);
  return `[${kind}]`;
}
