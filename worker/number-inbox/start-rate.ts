/**
 * How fast one agent may start conversations on one number: a token bucket. Writing first to customers is what
 * Meta watches for spam (a number whose templates are blocked or reported loses quality and then its messaging
 * limit for everyone on it), so an agent gets a burst of START_BURST and then one start every
 * 60 000 / START_PER_MINUTE ms. Ten a minute is far above what a person does by hand and far below a script. Pure.
 */
export const START_PER_MINUTE = 10;
export const START_BURST = 10;

export interface Bucket {
  tokens: number;
  at: number;
}

export type StartDecision = { ok: true; bucket: Bucket } | { ok: false; retryAfterMs: number };

/** Takes one start from the bucket (full when the agent never started one), or says when the next is allowed. */
export function takeStart(bucket: Bucket | null, now: number): StartDecision {
  const perMs = START_PER_MINUTE / 60_000;
  const elapsed = bucket ? Math.max(0, now - bucket.at) : 0;
  const tokens = Math.min(START_BURST, bucket ? bucket.tokens + elapsed * perMs : START_BURST);
  // (A hair below 1 counts as 1: at the instant a refusal named, floating-point refill must not fall just short.)
  if (tokens >= 1 - 1e-9) return { ok: true, bucket: { tokens: tokens - 1, at: now } };
  return { ok: false, retryAfterMs: Math.ceil((1 - tokens) / perMs) };
}
