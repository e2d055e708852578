/**
 * An agent's presence on a number: their chosen status plus their side panel's socket. A dropped socket
 * keeps them present for a grace period, so a reload or a network blip changes nothing.
 */
export const DEFAULT_GRACE_MS = 60_000;

export interface PresenceFacts {
  connected: boolean;
  /** When their last socket closed; null while connected or never connected. */
  disconnectedAt: number | null;
}

export function isPresent(facts: PresenceFacts, now: number, graceMs: number): boolean {
  if (facts.connected) return true;
  return facts.disconnectedAt !== null && now - facts.disconnectedAt < graceMs;
}

/** When this agent stops counting as present, if nothing changes; null if that is not pending. */
export function graceEndsAt(facts: PresenceFacts, graceMs: number): number | null {
  return !facts.connected && facts.disconnectedAt !== null ? facts.disconnectedAt + graceMs : null;
}
