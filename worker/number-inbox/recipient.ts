import type { Recipient } from "../graph/bodies";

/**
 * Which identifier a message to this customer is addressed to. Pure.
 *
 * Meta's "Business-scoped user IDs" page: the Messages API takes `to` (a phone number) or `recipient` (a BSUID);
 * when both are present the phone wins, so we prefer the phone too and fall back to the BSUID for customers who
 * chose a username and share no number. One-tap, zero-tap and copy-code authentication templates still need a
 * phone number (Meta answers error 131062 "BSUID recipients are not supported for this message"), so an
 * AUTHENTICATION template to a BSUID-only customer is refused here with that reason instead of failing at Meta.
 */
export function recipientOf(
  customer: { wa_id?: unknown; user_id?: unknown },
  purpose: { templateCategory?: string | null } = {},
): { ok: true; recipient: Recipient } | { ok: false; why: string } {
  const phone = typeof customer.wa_id === "string" && customer.wa_id !== "" ? customer.wa_id : null;
  const userId = typeof customer.user_id === "string" && customer.user_id !== "" ? customer.user_id : null;
  if (phone) return { ok: true, recipient: { phone } };
  if (!userId) return { ok: false, why: "this customer has neither a phone number nor a WhatsApp user id to write to" };
  if (purpose.templateCategory?.toUpperCase() === "AUTHENTICATION") {
    return { ok: false, why: "WhatsApp sends authentication templates to phone numbers only, and this customer shares none (Meta error 131062)" };
  }
  return { ok: true, recipient: { userId } };
}
