/**
 * Sign-in throttling per account: after MAX_FAILURES wrong passwords within WINDOW_MS the account refuses
 * sign-in for LOCK_MS, even with the right password, so guessing costs an attacker hours, not seconds.
 * Pure: the caller stores the state.
 */
export const MAX_FAILURES = 5;
export const WINDOW_MS = 15 * 60_000;
export const LOCK_MS = 15 * 60_000;

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

export function afterFailure(state: ThrottleState, now: number): ThrottleState {
  const inWindow = state.windowStart !== null && now - state.windowStart < WINDOW_MS;
  const failures = inWindow ? state.failures + 1 : 1;
  const windowStart = inWindow ? state.windowStart : now;
  return failures >= MAX_FAILURES ? { failures: 0, windowStart: null, lockedUntil: now + LOCK_MS } : { failures, windowStart, lockedUntil: null };
}
