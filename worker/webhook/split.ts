import {
  webhookValueSchema,
  type WebhookContact,
  type WebhookError,
  type WebhookMessage,
  type WebhookPayload,
  type WebhookStatus,
} from "../../shared/webhook";

/** One customer message as the number's object stores it. */
export interface InboundMessage {
  message: WebhookMessage;
  contact: WebhookContact | null;
}

/** Everything one POST carries for one business number. */
export interface NumberBatch {
  phoneNumberId: string;
  displayPhoneNumber: string | null;
  messages: InboundMessage[];
  statuses: WebhookStatus[];
  errors: WebhookError[];
}

export interface SplitResult {
  batches: NumberBatch[];
  /** Changes that carry no phone number (template, account updates…): acknowledged, handled by the fidelity work. */
  otherChanges: number;
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
  let otherChanges = 0;
  for (const entry of payload.entry) {
    for (const change of entry.changes) {
      const parsed = change.field === "messages" ? webhookValueSchema.safeParse(change.value) : null;
      const phoneNumberId = parsed?.success ? parsed.data.metadata?.phone_number_id : undefined;
      if (!parsed?.success || !phoneNumberId) {
        otherChanges++;
        continue;
      }
      const value = parsed.data;
      let batch = batches.get(phoneNumberId);
      if (!batch) {
        batch = {
          phoneNumberId,
          displayPhoneNumber: value.metadata?.display_phone_number ?? null,
          messages: [],
          statuses: [],
          errors: [],
        };
        batches.set(phoneNumberId, batch);
      }
      const contacts = value.contacts ?? [];
      for (const message of value.messages ?? []) batch.messages.push({ message, contact: contactFor(message, contacts) });
      batch.statuses.push(...(value.statuses ?? []));
      batch.errors.push(...(value.errors ?? []));
    }
  }
  return { batches: [...batches.values()], otherChanges };
}
