import { messageContentSchema, type MessageContent } from "../../shared/message-content";
import type { UnreadableReason } from "../../shared/unreadable";
import { webhookMessageSchema } from "../../shared/webhook";
import type { InboundMessage } from "../webhook/split";
import { changedUserIdOf, senderOf, type Sender } from "./identity";
import { fingerprint } from "./fingerprint";
import { describeInbound } from "./message-content";
import { receivedTime } from "./received-time";
import { CONTROL, storable } from "./storable-text";

/**
 * The number's edge for customer messages: each item of a webhook's `messages[]` is read here, once, before the
 * batch's transaction, and comes out either as a message fit to store (a known sender, its wamid or a fingerprint, a time within
 * reason, text and content within bounds and valid against the shared schema) or as an unreadable delivery with its
 * reason — or both, when a message is too large for a conversation's row. Pure and total: no content makes it throw
 * (test/unit/intake.test.ts checks that on arbitrary JSON), so storing what it returns cannot fail because of content.
 */

/** The most raw JSON a message's row keeps (with its text and content, well within a row's 2 MB in UTF-8). */
export const MAX_RAW_CHARS = 200_000;
/** The most content JSON a message's row keeps; past it the message shows as unsupported (the raw JSON has it all). */
export const MAX_CONTENT_CHARS = 65_536;
const MAX_WAMID_CHARS = 512;

export interface ReadMessage {
  /** Meta's id, or null when the message came without a usable one. */
  wamid: string | null;
  /** What tells this message from others, also when Meta redelivers it: the wamid, else `in:` and its JSON's fingerprint. */
  key: string;
  sender: Sender;
  /** When it counts as written: the payload's time when within reason, else when it was received. */
  at: number;
  kind: string;
  text: string | null;
  content: MessageContent;
  /** The message's JSON as Meta sent it; for one too large, a note saying where the whole is. */
  raw: string;
}

export interface UnreadableDelivery {
  raw: string;
  reason: UnreadableReason;
  detail: string;
  wamid: string | null;
}

export interface Intake {
  /** What to store in the sender's conversation, or null when no conversation can be known. */
  message: ReadMessage | null;
  /** What the number's unreadable deliveries keep: the whole item, alone or beside a message too large for its row. */
  unreadable: UnreadableDelivery | null;
}

/** JSON text of a value from a parsed body (lone surrogates come out escaped, so the text is always storable). */
export function rawJson(value: unknown): string {
  return JSON.stringify(value) ?? "null";
}

const KIND_OF: Record<string, string> = { string: "text", number: "a number", boolean: "true or false", object: "an object", undefined: "nothing" };
const kindOf = (value: unknown) => (value === null ? "null" : Array.isArray(value) ? "a list" : (KIND_OF[typeof value] ?? typeof value));

function usableWamid(id: string | undefined): string | null {
  if (id === undefined || id.trim() === "" || id.length > MAX_WAMID_CHARS || CONTROL.test(id) || storable(id, MAX_WAMID_CHARS) !== id) return null;
  return id;
}

function wamidProblem(id: unknown): string {
  if (id === undefined) return "the message has no id";
  if (typeof id !== "string") return `the message's id is ${kindOf(id)}, not text`;
  if (id.trim() === "") return "the message's id is empty";
  if (id.length > MAX_WAMID_CHARS) return `the message's id is ${id.length.toLocaleString("en")} characters long`;
  return "the message's id holds characters no wamid is written with";
}

const only = (raw: string, reason: UnreadableReason, detail: string, wamid: string | null): Intake => ({ message: null, unreadable: { raw, reason, detail, wamid } });

export function intake(item: InboundMessage, now: number): Intake {
  const raw = rawJson(item.message);
  const read = webhookMessageSchema.safeParse(item.message);
  if (!read.success) return only(raw, "not_an_object", `the message is ${kindOf(item.message)}, not an object`, null);
  const message = read.data;
  // Without a usable id the message is still its sender's: it is known again by its JSON when Meta redelivers it.
  const wamid = usableWamid(message.id);
  const { sender, problems } = senderOf(message, item.contacts);
  // A BSUID change names no phone and comes without contacts[]: the customer is the one known by the previous id.
  if (sender.waId === null && sender.userId === null) sender.userId = changedUserIdOf(raw)?.previous ?? null;
  if (sender.waId === null && sender.userId === null) {
    const who = problems.length > 0 ? problems.join("; ") : "no from, from_user_id or contacts[] entry names the sender";
    return only(raw, "no_sender", wamid === null ? `${who}; ${wamidProblem((item.message as Record<string, unknown>).id)}` : who, wamid);
  }
  const described = describeInbound(message);
  // describeInbound builds valid content by construction; this check keeps a future slip out of storage all the same.
  const valid = messageContentSchema.safeParse(described.content);
  const fits = valid.success && rawJson(valid.data).length <= MAX_CONTENT_CHARS;
  const { kind, content } = fits ? { kind: described.kind, content: valid.data } : { kind: "unsupported", content: { unsupportedType: storable(described.kind, 40) } };
  const tooLarge = raw.length > MAX_RAW_CHARS;
  return {
    message: {
      wamid,
      key: wamid ?? `in:${fingerprint(raw)}`,
      sender,
      at: receivedTime(message.timestamp, now).at,
      kind,
      text: described.text,
      content,
      raw: tooLarge ? rawJson({ id: message.id ?? null, type: message.type ?? null, kept: `the whole message (${raw.length} characters) is among the number's unreadable deliveries` }) : raw,
    },
    unreadable: tooLarge
      ? { raw, reason: "too_large", detail: `the message's JSON is ${raw.length.toLocaleString("en")} characters; a conversation keeps ${MAX_RAW_CHARS.toLocaleString("en")}`, wamid }
      : null,
  };
}
