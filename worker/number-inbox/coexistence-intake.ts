import { webhookEchoSchema, webhookHistoryChunkSchema, webhookHistoryThreadSchema, webhookStateSyncSchema } from "../../shared/webhook";
import type { InboundMessage } from "../webhook/split";
import { fingerprint } from "./fingerprint";
import { usableId, usableName } from "./identity";
import { intake, rawJson, MAX_RAW_CHARS, type Intake, type ReadMessage } from "./intake";
import { receivedTime } from "./received-time";

/**
 * The number's edge for what a number shared with the WhatsApp Business app sends besides customer messages
 * (Meta's `smb_message_echoes`, `history` and `smb_app_state_sync` webhooks; fixtures and sources in
 * test/fixtures/whatsapp/coexistence). Pure and total like `intake.ts`, whose reading of a message (sender, time,
 * text, content, bounds) is reused: a message the business sent is read as if its customer (`to`) had sent it,
 * then kept with the JSON Meta sent and its direction.
 */

export type Direction = "in" | "out";

export interface SyncedMessage {
  direction: Direction;
  message: ReadMessage;
}

/** A customer's phone as the app writes it ("+1 650-555-1234") becomes a wa_id ("16505551234"); anything else stays. */
export function phoneOf(value: unknown): string | null {
  const id = usableId(value);
  if (id === null) return null;
  return /^\+?[\d\s().-]{5,40}$/.test(id) ? id.replace(/\D/g, "") : id;
}

/**
 * Reads one message the business sent from the app. Its customer is `to` (`to_user_id` for a business-scoped id),
 * or the change's `contacts[]` entry naming them, as a customer message's sender is read.
 */
export function readEcho(item: InboundMessage, now: number): Intake {
  const echo = webhookEchoSchema.safeParse(item.message);
  const customer = echo.success ? { from: phoneOf(echo.data.to) ?? undefined, from_user_id: usableId(echo.data.to_user_id) ?? undefined } : {};
  return asSent(item, { ...(item.message as object), ...customer }, now, "app");
}

function asSent(item: InboundMessage, readable: unknown, now: number, prefix: string): Intake {
  const isObject = typeof item.message === "object" && item.message !== null && !Array.isArray(item.message);
  const read = intake({ message: isObject ? readable : item.message, contacts: item.contacts }, now);
  if (!read.message) return read;
  // Kept as Meta sent it (the customer's id was only put where the reader looks for a sender).
  const raw = rawJson(item.message);
  const key = read.message.wamid ?? `${prefix}:${fingerprint(raw)}`;
  return { ...read, message: { ...read.message, key, raw: raw.length <= MAX_RAW_CHARS ? raw : read.message.raw } };
}

export interface HistoryChunk {
  /** Where the sync stands, for the number's events: Meta's phase (0–2), chunk and progress (0–100). */
  phase: number | null;
  chunk: number | null;
  progress: number | null;
  messages: { item: Intake; direction: Direction }[];
  /** Threads or messages that were not lists or objects, kept as unreadable deliveries. */
  unreadable: { raw: string; detail: string }[];
  /** The chunk's `errors[]` as sent (the business declined to share its history, for one). */
  errors: unknown[];
}

const numberOf = (value: unknown) => (typeof value === "number" && Number.isFinite(value) ? value : typeof value === "string" && /^\d{1,6}$/.test(value) ? Number(value) : null);

/**
 * One chunk of `history[]`. A thread is one customer (its `id`, their phone); each message in it was sent by the
 * customer (`from` is the thread's customer) or by the business (`from` is anyone else; Meta adds `to` only then).
 */
export function readHistoryChunk(raw: unknown, now: number): HistoryChunk {
  const out: HistoryChunk = { phase: null, chunk: null, progress: null, messages: [], unreadable: [], errors: [] };
  const chunk = webhookHistoryChunkSchema.safeParse(raw);
  if (!chunk.success) {
    out.unreadable.push({ raw: rawJson(raw), detail: "a history chunk that is not an object" });
    return out;
  }
  out.phase = numberOf(chunk.data.metadata?.phase);
  out.chunk = numberOf(chunk.data.metadata?.chunk_order);
  out.progress = numberOf(chunk.data.metadata?.progress);
  if (chunk.data.errors !== undefined) out.errors = Array.isArray(chunk.data.errors) ? chunk.data.errors : [chunk.data.errors];
  const threads = chunk.data.threads;
  if (threads === undefined) return out;
  if (!Array.isArray(threads)) {
    out.unreadable.push({ raw: rawJson(threads), detail: "a history chunk whose threads is not a list" });
    return out;
  }
  for (const rawThread of threads) {
    const thread = webhookHistoryThreadSchema.safeParse(rawThread);
    const customer = thread.success ? phoneOf(thread.data.id) : null;
    if (!thread.success || customer === null || !Array.isArray(thread.data.messages)) {
      out.unreadable.push({ raw: rawJson(rawThread), detail: "a history thread without a customer's number or a list of messages" });
      continue;
    }
    for (const message of thread.data.messages) {
      const sent = webhookEchoSchema.safeParse(message);
      const from = sent.success ? phoneOf(sent.data.from) : null;
      const direction: Direction = sent.success && (sent.data.to !== undefined || (from !== null && from !== customer)) ? "out" : "in";
      out.messages.push({ direction, item: asSent({ message, contacts: [] }, { ...(message as object), from: customer, from_user_id: undefined }, now, "history") });
    }
  }
  return out;
}

export interface ContactSync {
  waId: string;
  /** The name the business saved, or null when the contact was removed (or came without one). */
  name: string | null;
  action: "add" | "remove";
  /** When the business changed it (the item's timestamp within reason, else when it arrived). */
  at: number;
}

/** One item of `state_sync[]`, or null when it is not a contact with a phone number. */
export function readContactSync(raw: unknown, now: number): ContactSync | null {
  const item = webhookStateSyncSchema.safeParse(raw);
  if (!item.success || item.data.type !== "contact") return null;
  const waId = phoneOf(item.data.contact?.phone_number);
  if (waId === null) return null;
  const action = item.data.action === "remove" ? "remove" : "add";
  const name = action === "add" ? (usableName(item.data.contact?.full_name) ?? usableName(item.data.contact?.first_name)) : null;
  return { waId, name, action, at: receivedTime(item.data.metadata?.timestamp, now).at };
}
