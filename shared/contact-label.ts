import type { Contact } from "./inbox";

/**
 * How a customer is shown everywhere (panel, options, notifications): the name, else the username, else the phone
 * number; null when the customer gave none of them (the caller says "WhatsApp user" in its language). A file of its
 * own so the side panel takes it without the schemas (and zod) of inbox.ts.
 */
export function contactLabel(contact: Pick<Contact, "name" | "username" | "waId"> | undefined | null): string | null {
  if (!contact) return null;
  if (contact.name) return contact.name;
  if (contact.username) return `@${contact.username}`;
  if (contact.waId) return `+${contact.waId}`;
  return null;
}
