import type { UnreadableReason } from "../../shared/unreadable";
import { COEXISTENCE_FIELDS, webhookCoexistenceValueSchema, webhookStatusSchema, webhookValueSchema, type WebhookPayload } from "../../shared/webhook";
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
  /** Coexistence with the WhatsApp Business app (worker/number-inbox/coexistence.ts), each stored before the answer too. */
  coexistence: CoexistenceItems;
}

/** What a number used in the WhatsApp Business app sends besides customer messages, item by item, as sent. */
export interface CoexistenceItems {
  /** `smb_message_echoes`: messages the business sent from the app, with their change's `contacts[]`. */
  echoes: InboundMessage[];
  /** `history`: chunks of past threads. */
  history: unknown[];
  /** `smb_app_state_sync`: the app's address book changes. */
  contacts: unknown[];
}

export const noCoexistence = (): CoexistenceItems => ({ echoes: [], history: [], contacts: [] });

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
  const batchOf = (phoneNumberId: string, displayPhoneNumber: string | null): NumberBatch => {
    let batch = batches.get(phoneNumberId);
    if (!batch) batches.set(phoneNumberId, (batch = { phoneNumberId, displayPhoneNumber, messages: [], errors: [], unreadable: [], coexistence: noCoexistence() }));
    return batch;
  };
  for (const entry of payload.entry) {
    for (const change of entry.changes) {
      // A number shared with the WhatsApp Business app: what the owner sent from the phone, past threads and the
      // address book belong in the number's conversations, stored before the answer like customer messages.
      const coexistence = (COEXISTENCE_FIELDS as readonly string[]).includes(change.field) ? webhookCoexistenceValueSchema.safeParse(change.value) : null;
      if (coexistence?.success) {
        const value = coexistence.data;
        const target = batchOf(value.metadata.phone_number_id, value.metadata.display_phone_number ?? null).coexistence;
        const contacts = Array.isArray(value.contacts) ? value.contacts : [];
        const list = (items: unknown) => (Array.isArray(items) ? items : items === undefined ? [] : [items]);
        for (const echo of list(value.message_echoes)) target.echoes.push({ message: echo, contacts });
        target.history.push(...list(value.history));
        target.contacts.push(...list(value.state_sync));
        continue;
      }
      const parsed = change.field === "messages" ? webhookValueSchema.safeParse(change.value) : null;
      if (!parsed?.success) {
        const value = change.value as { metadata?: { phone_number_id?: unknown } } | null;
        const id = value?.metadata?.phone_number_id;
        otherChanges.push({ entryId: entry.id, phoneNumberId: typeof id === "string" ? id : null, field: change.field, value: change.value });
        continue;
      }
      const value = parsed.data;
      const phoneNumberId = value.metadata.phone_number_id;
      const part = { messages: [] as InboundMessage[], errors: [] as unknown[], unreadable: [] as UnreadableItem[] };
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
      const batch = batchOf(phoneNumberId, value.metadata.display_phone_number ?? null);
      batch.messages.push(...part.messages);
      batch.errors.push(...part.errors);
      batch.unreadable.push(...part.unreadable);
    }
  }
  return { batches: [...batches.values()], statuses, otherChanges };
}
