import { webhookContactSchema, type WebhookMessage } from "../../shared/webhook";
import { CONTROL, storable } from "./storable-text";

/**
 * Who wrote a message, and which contact that is. Pure: `contacts.ts` runs the SQL.
 *
 * A customer is known by a phone number (`wa_id`), a business-scoped user id (`user_id`, BSUID), or both; each is
 * a column of its own on `contacts`, NULL when absent, under a unique index. No key is made up from them, so no
 * value a payload carries can equal a key the worker invented, and one identity maps to one contact by
 * construction. A profile's `username` is kept on the contact but finds nobody: a customer may change it.
 */
export interface Sender {
  waId: string | null;
  userId: string | null;
  username: string | null;
  name: string | null;
}

/** Longer than any phone number or BSUID Meta issues. */
const MAX_ID_CHARS = 128;
const MAX_NAME_CHARS = 256;

/** An id as a payload gives it, or null when absent: not text, empty or blank, too long, or holding control characters. */
export function usableId(value: unknown): string | null {
  if (typeof value !== "string") return null;
  const id = value.trim();
  if (id === "" || id.length > MAX_ID_CHARS || CONTROL.test(id) || storable(id, MAX_ID_CHARS) !== id) return null;
  return id;
}

/** A display name: text without control characters, at most 256 characters, or null. */
export function usableName(value: unknown): string | null {
  if (typeof value !== "string") return null;
  const name = storable(value.replace(new RegExp(CONTROL.source, "gu"), " ").trim(), MAX_NAME_CHARS);
  return name === "" ? null : name;
}

/** Why an id field that is present could not be used, for the unreadable list's detail. */
function whyUnusable(field: string, value: unknown): string | null {
  if (value === undefined || value === null || typeof value === "number") return null;
  if (typeof value !== "string") return `${field} is not text`;
  if (value.trim() === "") return `${field} is empty`;
  if (value.trim().length > MAX_ID_CHARS) return `${field} is ${value.length.toLocaleString("en")} characters long`;
  return `${field} holds characters no id is written with`;
}

/**
 * The sender of one message: the entry of the change's `contacts[]` that names it (by `from` or `from_user_id`),
 * or the only entry when there is one (BSUID-only payloads carry no `from`); the entry's ids win over the
 * message's own, as Meta's examples and client libraries read them. `problems` says which ids present were unusable.
 */
export function senderOf(message: WebhookMessage, contacts: unknown[]): { sender: Sender; problems: string[] } {
  const entries = contacts.flatMap((raw) => {
    const read = webhookContactSchema.safeParse(raw);
    return read.success ? [{ raw: raw as Record<string, unknown>, read: read.data }] : [];
  });
  const from = usableId(message.from);
  const fromUser = usableId(message.from_user_id);
  const entry =
    entries.find(({ read }) => (from !== null && usableId(read.wa_id) === from) || (fromUser !== null && usableId(read.user_id) === fromUser)) ??
    (entries.length === 1 ? entries[0]! : null);
  const sender: Sender = {
    waId: usableId(entry?.read.wa_id) ?? from,
    userId: usableId(entry?.read.user_id) ?? fromUser,
    username: usableId(entry?.read.profile?.username),
    name: usableName(entry?.read.profile?.name),
  };
  const sent = message as Record<string, unknown>;
  const problems = [
    whyUnusable("from", sent.from),
    whyUnusable("from_user_id", sent.from_user_id),
    whyUnusable("contacts[].wa_id", entry?.raw.wa_id),
    whyUnusable("contacts[].user_id", entry?.raw.user_id),
  ].filter((p): p is string => p !== null);
  return { sender, problems };
}

/** A profile field of a contact (its name, its username, its detected language) and when it arrived or was detected. */
export interface DatedField {
  value: string | null;
  at: number;
}

/**
 * The field a merged customer keeps from its two halves: the latest one, as a name or username follows the latest
 * payload (and a language the latest detection) while the halves are apart. A half that never had one gives way; a
 * tie goes to the absorbed half, whose payload is the one being merged now.
 */
export function laterField(kept: DatedField, absorbed: DatedField): DatedField {
  if (absorbed.value === null) return kept;
  if (kept.value === null) return absorbed;
  return absorbed.at >= kept.at ? absorbed : kept;
}

/** A stored contact's ids. */
export interface KnownContact {
  id: number;
  waId: string | null;
  userId: string | null;
}

export interface Link {
  /** The contact the message belongs to; null: a new one with the sender's ids. */
  contactId: number | null;
  /** Ids to add to that contact (each held by no other contact once `absorb` has been merged into it). */
  fill: { waId: string | null; userId: string | null };
  /**
   * A second contact that is the same customer, to merge into `contactId`: the phone-only contact and the
   * BSUID-only one, met for the first time in a payload carrying both ids.
   */
  absorb: number | null;
  /** Where the payload and the stored contacts disagree: logged as `identity_conflict`, never split. */
  conflicts: string[];
}

/**
 * Which contact a sender is, given the contacts holding its phone (`byWa`) and its user id (`byUser`). The phone
 * decides first (replies are addressed to it), then the user id. A contact found by one id is linked to the other
 * when it has none and nobody else holds it; when they disagree (wa_id X with user_id A, then X with B), the stored
 * ids stay, the message goes to the contact found first, and the disagreement is returned to be logged. The same
 * inputs always give the same answer.
 */
export function linkSender(sender: Pick<Sender, "waId" | "userId">, byWa: KnownContact | undefined, byUser: KnownContact | undefined): Link {
  const chosen = byWa ?? byUser;
  if (!chosen) return { contactId: null, fill: { waId: sender.waId, userId: sender.userId }, conflicts: [], absorb: null };
  // Two halves of one customer: the phone's contact has no BSUID and the BSUID's has no phone. Linked, not split.
  if (byWa && byUser && byWa.id !== byUser.id && byWa.userId === null && byUser.waId === null) {
    return { contactId: byWa.id, fill: { waId: null, userId: sender.userId }, conflicts: [], absorb: byUser.id };
  }
  const conflicts: string[] = [];
  if (byWa && byUser && byWa.id !== byUser.id) {
    conflicts.push(`wa_id ${sender.waId} is contact ${byWa.id}'s and user_id ${sender.userId} is contact ${byUser.id}'s; the message went to contact ${byWa.id} (the phone decides)`);
  } else if (sender.userId !== null && chosen.userId !== null && chosen.userId !== sender.userId) {
    conflicts.push(`contact ${chosen.id} (wa_id ${chosen.waId}) has user_id ${chosen.userId}; the payload says ${sender.userId}; ${chosen.userId} kept`);
  }
  if (sender.waId !== null && chosen.waId !== null && chosen.waId !== sender.waId) {
    conflicts.push(`contact ${chosen.id} (user_id ${chosen.userId}) has wa_id ${chosen.waId}; the payload says ${sender.waId}; ${chosen.waId} kept`);
  }
  return {
    contactId: chosen.id,
    fill: {
      waId: !byWa && chosen.waId === null ? sender.waId : null,
      userId: !byUser && chosen.userId === null ? sender.userId : null,
    },
    conflicts,
    absorb: null,
  };
}

/**
 * The new phone number a `system` message of type `user_changed_number` announces (`system.wa_id`; Meta's
 * "System messages webhook reference", and pywa's and netflie's fixtures), or null for any other message. The
 * customer stays one contact: their phone is replaced, their BSUID and history kept.
 */
export function changedNumberOf(raw: string): string | null {
  let message: unknown;
  try {
    message = JSON.parse(raw);
  } catch {
    return null;
  }
  const system = (message as { type?: unknown; system?: { type?: unknown; wa_id?: unknown } } | null)?.system;
  if ((message as { type?: unknown }).type !== "system" || system?.type !== "user_changed_number") return null;
  const phone = usableId(system.wa_id);
  return phone !== null && /^\d{5,20}$/.test(phone) ? phone : null;
}

/**
 * The business-scoped user id change a `system` message of type `user_changed_user_id` reports, or null for any
 * other message. Meta's changelog (WhatsApp Business Platform, Aug 11, 2026): delivered on the `messages` field as a
 * system message carrying `system.previous_user_id` (and `previous_parent_user_id`) alongside the new values
 * (`system.user_id`), with no phone number. The customer stays one contact: the new id replaces the old.
 */
export function changedUserIdOf(raw: string): { previous: string; current: string } | null {
  let message: unknown;
  try {
    message = JSON.parse(raw);
  } catch {
    return null;
  }
  const system = (message as { system?: { type?: unknown; user_id?: unknown; previous_user_id?: unknown } } | null)?.system;
  if ((message as { type?: unknown } | null)?.type !== "system" || system?.type !== "user_changed_user_id") return null;
  const previous = usableId(system.previous_user_id);
  const current = usableId(system.user_id);
  return previous !== null && current !== null && previous !== current ? { previous, current } : null;
}
