import type { UnreadableReason } from "../../shared/unreadable";
import { webhookStatusSchema, webhookValueSchema, type WebhookPayload } from "../../shared/webhook";
import { toLaneStatus, type LaneStatus } from "../status-lane/lane-message";

/**
 * One item of a change's `messages[]`, as Meta sent it, with the change's `contacts[]` (the same array for every
 * message of the change). The number's object reads it (worker/number-inbox/intake.ts).
 */
export interface InboundMessage {
  message: unknown;
  contacts: unknown[];
}

/** Something of a change for this number that is neither a message nor a status the inbox can read. */
export interface UnreadableItem {
  raw: unknown;
  reason: UnreadableReason;
  detail: string;
}

/**
 * What one POST carries for one business number that is stored before the answer: customer messages, value-level
 * errors and unreadable items. Readable statuses go to the status lane instead (`SplitResult.statuses`).
 */
export interface NumberBatch {
  phoneNumberId: string;
  displayPhoneNumber: string | null;
  messages: InboundMessage[];
  /** Value-level `errors[]`, as sent. */
  errors: unknown[];
  /** Kept raw for supervisors (the number's unreadable deliveries). */
  unreadable: UnreadableItem[];
}

/** A change that is not a customer message or status: account, template, call, preference updates… */
export interface OtherChange {
  /** The WABA id for account-level fields. */
  entryId: string;
  phoneNumberId: string | null;
  field: string;
  value: unknown;
}

export interface SplitResult {
  /** Per number, what is stored synchronously; a change carrying only readable statuses makes no batch. */
  batches: NumberBatch[];
  /** Readable status updates by number, for the status lane (worker/status-lane). */
  statuses: Map<string, LaneStatus[]>;
  /** Recorded as workspace events for supervisors; never refused. */
  otherChanges: OtherChange[];
}

const describe = (value: unknown) => (value === null ? "null" : Array.isArray(value) ? "a list" : typeof value === "object" ? "an object" : typeof value);

/**
 * Walks entry[] × changes[] and groups messages and statuses by the business number they belong to. A `messages`
 * change with a phone_number_id always reaches its number: its lists are split item by item, and a status or a list
 * that cannot be read travels as an unreadable item instead of sending the whole change elsewhere.
 */
export function splitByNumber(payload: WebhookPayload): SplitResult {
  const batches = new Map<string, NumberBatch>();
  const statuses = new Map<string, LaneStatus[]>();
  const otherChanges: OtherChange[] = [];
  for (const entry of payload.entry) {
    for (const change of entry.changes) {
      const parsed = change.field === "messages" ? webhookValueSchema.safeParse(change.value) : null;
      if (!parsed?.success) {
        const value = change.value as { metadata?: { phone_number_id?: unknown } } | null;
        const id = value?.metadata?.phone_number_id;
        otherChanges.push({ entryId: entry.id, phoneNumberId: typeof id === "string" ? id : null, field: change.field, value: change.value });
        continue;
      }
      const value = parsed.data;
      const phoneNumberId = value.metadata.phone_number_id;
      const part: NumberBatch = { phoneNumberId, displayPhoneNumber: value.metadata.display_phone_number ?? null, messages: [], errors: [], unreadable: [] };
      // Contacts only help name a message's sender; a contacts value that is not a list names nobody.
      const contacts = Array.isArray(value.contacts) ? value.contacts : [];
      if (Array.isArray(value.messages)) for (const message of value.messages) part.messages.push({ message, contacts });
      else if (value.messages !== undefined) part.unreadable.push({ raw: value.messages, reason: "not_a_list", detail: `messages is ${describe(value.messages)}, not a list` });
      let readableStatuses = 0;
      if (Array.isArray(value.statuses)) {
        for (const status of value.statuses) {
          const read = webhookStatusSchema.safeParse(status);
          if (read.success) {
            const list = statuses.get(phoneNumberId) ?? [];
            list.push(toLaneStatus(read.data));
            statuses.set(phoneNumberId, list);
            readableStatuses++;
          } else {
            part.unreadable.push({ raw: status, reason: "unreadable_status", detail: `a status whose ${read.error.issues[0]?.path.join(".") || "shape"} Meta's format does not describe` });
          }
        }
      } else if (value.statuses !== undefined) {
        part.unreadable.push({ raw: value.statuses, reason: "not_a_list", detail: `statuses is ${describe(value.statuses)}, not a list` });
      }
      if (Array.isArray(value.errors)) part.errors.push(...(value.errors as unknown[]));
      else if (value.errors !== undefined) part.errors.push(value.errors);
      // Readable statuses alone never wait on the number's object; anything else (even an empty change) reaches it.
      if (readableStatuses > 0 && part.messages.length === 0 && part.errors.length === 0 && part.unreadable.length === 0) continue;
      const batch = batches.get(phoneNumberId);
      if (!batch) batches.set(phoneNumberId, part);
      else {
        batch.messages.push(...part.messages);
        batch.errors.push(...part.errors);
        batch.unreadable.push(...part.unreadable);
      }
    }
  }
  return { batches: [...batches.values()], statuses, otherChanges };
}
