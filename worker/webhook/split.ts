import {
  webhookValueSchema,
  type WebhookContact,
  type WebhookError,
  type WebhookMessage,
  type WebhookPayload,
} from "../../shared/webhook";
import { toLaneStatus, type LaneStatus } from "../status-lane/lane-message";

/** One customer message as the number's object stores it. */
export interface InboundMessage {
  message: WebhookMessage;
  contact: WebhookContact | null;
}

/** The customer messages and value-level errors one POST carries for one business number: stored synchronously. */
export interface NumberBatch {
  phoneNumberId: string;
  displayPhoneNumber: string | null;
  messages: InboundMessage[];
  errors: WebhookError[];
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
  /** Per number, what is stored synchronously; a change carrying only statuses makes no batch. */
  batches: NumberBatch[];
  /** Status updates by number, for the status lane (worker/status-lane). */
  statuses: Map<string, LaneStatus[]>;
  /** Recorded as workspace events for supervisors; never refused. */
  otherChanges: OtherChange[];
}

function contactFor(message: WebhookMessage, contacts: WebhookContact[]): WebhookContact | null {
  const byId = contacts.find(
    (c) => (message.from && c.wa_id === message.from) || (message.from_user_id && c.user_id === message.from_user_id),
  );
  return byId ?? (contacts.length === 1 ? contacts[0]! : null);
}

/** Walks entry[] × changes[] and groups messages and statuses by the business number they belong to. */
export function splitByNumber(payload: WebhookPayload): SplitResult {
  const batches = new Map<string, NumberBatch>();
  const statuses = new Map<string, LaneStatus[]>();
  const otherChanges: OtherChange[] = [];
  for (const entry of payload.entry) {
    for (const change of entry.changes) {
      const parsed = change.field === "messages" ? webhookValueSchema.safeParse(change.value) : null;
      const phoneNumberId = parsed?.success ? parsed.data.metadata?.phone_number_id : undefined;
      if (!parsed?.success || !phoneNumberId) {
        const value = change.value as { metadata?: { phone_number_id?: unknown } } | null;
        const id = value?.metadata?.phone_number_id;
        otherChanges.push({ entryId: entry.id, phoneNumberId: typeof id === "string" ? id : null, field: change.field, value: change.value });
        continue;
      }
      const value = parsed.data;
      if (value.statuses?.length) {
        const list = statuses.get(phoneNumberId) ?? [];
        for (const status of value.statuses) list.push(toLaneStatus(status));
        statuses.set(phoneNumberId, list);
      }
      // Statuses alone never wait on the number's object; anything else (even an empty change) is delivered to it.
      if (value.statuses?.length && !value.messages?.length && !value.errors?.length) continue;
      let batch = batches.get(phoneNumberId);
      if (!batch) {
        batch = { phoneNumberId, displayPhoneNumber: value.metadata?.display_phone_number ?? null, messages: [], errors: [] };
        batches.set(phoneNumberId, batch);
      }
      const contacts = value.contacts ?? [];
      for (const message of value.messages ?? []) batch.messages.push({ message, contact: contactFor(message, contacts) });
      batch.errors.push(...(value.errors ?? []));
    }
  }
  return { batches: [...batches.values()], statuses, otherChanges };
}
