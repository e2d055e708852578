/** Who may take a new conversation right now, in rotation order. */
export interface RotationMember {
  id: string;
  /** The agent chose Available (not Away). */
  available: boolean;
  /** The agent has a live side-panel socket on this number. */
  connected: boolean;
}

export function isRoutable(member: RotationMember): boolean {
  return member.available && member.connected;
}

/**
 * Round robin: the first routable member after the one who got the previous conversation,
 * wrapping around. Members who cannot take work keep their place in the rotation.
 * Returns null when nobody can take it, and the conversation waits in the queue.
 */
export function pickRoundRobin(rotation: readonly RotationMember[], lastAssignedId: string | null): string | null {
  if (rotation.length === 0) return null;
  const lastIndex = lastAssignedId === null ? -1 : rotation.findIndex((m) => m.id === lastAssignedId);
  for (let step = 1; step <= rotation.length; step++) {
    const candidate = rotation[(lastIndex + step) % rotation.length]!;
    if (isRoutable(candidate)) return candidate.id;
  }
  return null;
}
