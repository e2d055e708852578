/**
 * When a customer message counts as written, read once at the number's object's edge (intake.ts). Meta sends Unix
 * seconds as a string (older payloads: a number). Whatever else arrives — nothing, a time before WhatsApp existed,
 * one in the future (a conversation dated 2100 would top every list for ever), a value a double cannot hold
 * exactly, text — means "received now"; the message's raw JSON keeps what was sent. Pure.
 */

/** WhatsApp's launch year: no message is older. */
export const WHATSAPP_LAUNCH_MS = Date.UTC(2009, 0, 1);
/** Meta's clock and ours may disagree by a little; more than this ahead is not a time Meta meant. */
export const FUTURE_SLACK_MS = 5 * 60_000;

/** Seconds as digits, optionally with a fraction ("1700000000", "1700000000.25"); at most 12 digits before the point. */
const SECONDS_TEXT = /^\d{1,12}(\.\d+)?$/;

export interface ReceivedTime {
  /** Epoch milliseconds, a whole number within [WHATSAPP_LAUNCH_MS, now + FUTURE_SLACK_MS]. */
  at: number;
  /** Why the payload's own time was not used, or null when it was. */
  replaced: string | null;
}

export function receivedTime(raw: unknown, now: number): ReceivedTime {
  const received = Math.floor(now);
  const seconds = typeof raw === "number" ? raw : typeof raw === "string" && SECONDS_TEXT.test(raw) ? Number(raw) : null;
  if (raw === undefined || raw === null) return { at: received, replaced: "no timestamp" };
  if (seconds === null || !Number.isFinite(seconds)) return { at: received, replaced: "the timestamp is not a number of seconds" };
  // Fractions of a second are dropped: Meta's times are whole seconds, and a cursor holds whole milliseconds.
  const at = Math.floor(seconds) * 1000;
  if (!Number.isSafeInteger(at) || at > received + FUTURE_SLACK_MS) return { at: received, replaced: "the timestamp is in the future" };
  if (at < WHATSAPP_LAUNCH_MS) return { at: received, replaced: "the timestamp is before WhatsApp existed" };
  return { at, replaced: null };
}
