/** What to do after the Graph API refused or failed a send. Pure, so every code's fate is tested. */
export type FailureAction =
  | { action: "retry"; delayMs: number }
  | { action: "fail"; reason: string }
  /** The access token is invalid: keep everything queued and tell the admins. */
  | { action: "pause"; delayMs: number; reason: string };

const THROTTLED = new Set([130429, 131056, 4, 80007, 131057, 131000, 2]);
const MAX_ATTEMPTS = 12;

export const WINDOW_CLOSED_REASON = "window closed, send a template";

export function classifyFailure(
  failure: { code: number; title: string; httpStatus: number | null },
  attempt: number,
  random: () => number = Math.random,
): FailureAction {
  const { code, httpStatus } = failure;
  if (code === 190) return { action: "pause", delayMs: 60_000, reason: "the WhatsApp access token is invalid or expired" };
  if (code === 131047) return { action: "fail", reason: WINDOW_CLOSED_REASON };
  const network = httpStatus === null;
  const serverError = httpStatus !== null && httpStatus >= 500;
  if (network || serverError || THROTTLED.has(code)) {
    if (attempt >= MAX_ATTEMPTS) return { action: "fail", reason: `gave up after ${attempt} attempts: ${failure.title}` };
    // Meta's pair limit asks for 4^n seconds; everything else backs off exponentially, with full jitter.
    const base = code === 131056 ? 4 ** Math.min(attempt, 5) * 1000 : Math.min(60_000, 500 * 2 ** attempt);
    return { action: "retry", delayMs: code === 131056 ? base : Math.round(base / 2 + (random() * base) / 2) };
  }
  return { action: "fail", reason: failure.title || `Graph API error ${code}` };
}

/**
 * Meta allows 80 messages per second per number by default. Returns how long to wait before the next
 * send so that no more than `perSecond` leave within any one second.
 */
export function throughputDelay(recentSendTimes: number[], now: number, perSecond: number): number {
  const windowStart = now - 1000;
  const inWindow = recentSendTimes.filter((t) => t > windowStart);
  if (inWindow.length < perSecond) return 0;
  return inWindow[inWindow.length - perSecond]! + 1000 - now;
}
