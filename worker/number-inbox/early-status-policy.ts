/**
 * Statuses for wamids the number does not know. Most are for messages other tools sent from the same number (a
 * campaign): Meta sends every status of the number to this webhook. A few are for the inbox's own reply whose send
 * is still in flight: Meta accepted it and sent its status before the Graph API's answer (with the wamid) came back.
 * Only those are worth keeping, and only while that send is in flight.
 */

/** A send to the Graph API the number's object is waiting on. */
export interface Flight {
  startedAt: number;
  /** The recipient of the message, as the body names it (`to` or `recipient`); null when it names none. */
  to: string | null;
}

/** How long an unknown status is kept at most, even if a send seems to hang. */
export const EARLY_STATUS_TTL_MS = 10 * 60_000;
/** Rows kept per number at most; beyond it the oldest go (and are counted). */
export const EARLY_STATUS_CAP = 10_000;
/** Meta's clock against ours, and its timestamps' whole seconds. */
export const CLOCK_SKEW_MS = 10 * 60_000;

/** Digits only for phone numbers ("+86 138…" and "86138…" are one person); anything else (a BSUID, a group) as is. */
function normalise(recipient: string): { phone: boolean; key: string } {
  const digits = recipient.replace(/[\s+\-()]/g, "");
  return /^\d+$/.test(digits) ? { phone: true, key: digits } : { phone: false, key: recipient };
}

/** Whether two recipients can be the same person; undecidable pairs (a phone against a BSUID) count as possible. */
function sameRecipient(a: string | null, b: string | null): boolean {
  if (a === null || b === null) return true;
  const x = normalise(a);
  const y = normalise(b);
  return x.phone !== y.phone || x.key === y.key;
}

/**
 * Can this status be for one of the sends in flight? Only if a send is in flight, to the same recipient, and the
 * status is not older than that send. Anything else is dropped on sight, without a write.
 */
export function mayBelongToFlight(status: { to: string | null; at: number }, flights: readonly Flight[]): boolean {
  return flights.some((f) => sameRecipient(status.to, f.to) && status.at * 1000 >= f.startedAt - CLOCK_SKEW_MS);
}

/**
 * Kept rows older than this can no longer be claimed: every send in flight when they were kept has ended (its
 * wamid was stored, or it failed and a retry gets a new wamid). With nothing in flight, no kept row can be.
 * The time-to-live bounds a send that never ends.
 */
export function unclaimableBefore(flights: readonly Flight[], now: number): number {
  if (flights.length === 0) return Number.MAX_SAFE_INTEGER;
  return Math.max(Math.min(...flights.map((f) => f.startedAt)), now - EARLY_STATUS_TTL_MS);
}

/** How many of the oldest rows go so that `held` rows fit under the cap. */
export function overCap(held: number, cap = EARLY_STATUS_CAP): number {
  return Math.max(0, held - cap);
}

/** The recipient a Graph API message body names. */
export function recipientOf(body: unknown): string | null {
  const b = body as { to?: unknown; recipient?: unknown } | null;
  if (typeof b?.to === "string") return b.to;
  if (typeof b?.recipient === "string") return b.recipient;
  return null;
}
