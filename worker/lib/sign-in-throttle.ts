/**
 * Sign-in throttling: after `maxFailures` wrong passwords within `windowMs` sign-in is refused for `lockMs`, even
 * with the right password, so guessing costs an attacker hours, not seconds. Per account (a few tries), and per
 * address (more, since an office shares one). Pure: the caller stores the state.
 */
export interface ThrottleLimits {
  maxFailures: number;
  windowMs: number;
  lockMs: number;
}
export const ACCOUNT_LIMITS: ThrottleLimits = { maxFailures: 5, windowMs: 15 * 60_000, lockMs: 15 * 60_000 };
export const ADDRESS_LIMITS: ThrottleLimits = { maxFailures: 30, windowMs: 15 * 60_000, lockMs: 15 * 60_000 };

export interface ThrottleState {
  failures: number;
  /** When the first failure of the current window happened. */
  windowStart: number | null;
  lockedUntil: number | null;
}

export const freshThrottle: ThrottleState = { failures: 0, windowStart: null, lockedUntil: null };

/** Milliseconds left on a lock, or 0 when sign-in may be tried. */
export function lockRemaining(state: ThrottleState, now: number): number {
  return state.lockedUntil !== null && state.lockedUntil > now ? state.lockedUntil - now : 0;
}

export function afterFailure(state: ThrottleState, now: number, limits: ThrottleLimits = ACCOUNT_LIMITS): ThrottleState {
  const inWindow = state.windowStart !== null && now - state.windowStart < limits.windowMs;
  const failures = inWindow ? state.failures + 1 : 1;
  const windowStart = inWindow ? state.windowStart : now;
  return failures >= limits.maxFailures ? { failures: 0, windowStart: null, lockedUntil: now + limits.lockMs } : { failures, windowStart, lockedUntil: null };
}
