/**
 * A customer attribute's field while the saved value can change under it (a colleague saves the same field, and the
 * open customer panel reads the profile again). What the agent typed is theirs until they save it or take the saved
 * value: an untouched field follows what is saved, a touched one keeps the typing and says the saved value moved.
 */
export interface AttributeDraft {
  /** What the field shows. */
  value: unknown;
  /** The saved value the field last took in; `value` differs from it once the agent has typed. */
  saved: unknown;
  /** The saved value changed while the field held typing that differs from it. */
  conflict: boolean;
}

/** The same value as the field and the server each spell it: "5" typed is 5 saved; a multi-choice's order is no change. */
export function sameAttributeValue(a: unknown, b: unknown): boolean {
  const spelled = (v: unknown) => (Array.isArray(v) ? JSON.stringify([...v].map(String).sort()) : v === null || v === undefined ? "" : String(v));
  return spelled(a) === spelled(b);
}

export function freshDraft(saved: unknown): AttributeDraft {
  return { value: saved, saved, conflict: false };
}

export function edited(draft: AttributeDraft, value: unknown): AttributeDraft {
  return { ...draft, value, conflict: draft.conflict && !sameAttributeValue(value, draft.saved) };
}

/** The saved value as the server now has it. */
export function savedChanged(draft: AttributeDraft, saved: unknown): AttributeDraft {
  const touched = !sameAttributeValue(draft.value, draft.saved);
  if (!touched) return freshDraft(saved);
  return { value: draft.value, saved, conflict: !sameAttributeValue(draft.value, saved) };
}

/** The agent takes the saved value over their typing. */
export function takeSaved(draft: AttributeDraft): AttributeDraft {
  return freshDraft(draft.saved);
}
