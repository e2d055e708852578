import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { edited, freshDraft, sameAttributeValue, savedChanged, takeSaved, type AttributeDraft } from "../../extension/lib/attribute-draft";

/**
 * A customer attribute's field while colleagues save the same field: what the agent typed is never replaced by a
 * save they did not make, an untouched field shows what is saved, and the conflict line shows exactly when the
 * field holds typing that differs from a saved value that moved under it.
 */
const value = fc.oneof(fc.constantFrom("", "VIP", "老客户", "5", "已换货"), fc.integer({ min: 0, max: 9 }), fc.boolean());
type Step = { kind: "type"; value: unknown } | { kind: "colleagueSaves"; value: unknown } | { kind: "ownSave" } | { kind: "takeSaved" };
const step: fc.Arbitrary<Step> = fc.oneof(
  value.map((v) => ({ kind: "type" as const, value: v })),
  value.map((v) => ({ kind: "colleagueSaves" as const, value: v })),
  fc.constant({ kind: "ownSave" as const }),
  fc.constant({ kind: "takeSaved" as const }),
);

describe("an attribute's field while the saved value changes", () => {
  it("keeps the agent's typing, follows saves when untouched, and flags exactly the saves that moved under typing", () => {
    fc.assert(
      fc.property(value, fc.array(step, { maxLength: 30 }), (initial, steps) => {
        let draft: AttributeDraft = freshDraft(initial);
        // The model: what the server holds, what the agent typed since the field last matched it (null: nothing).
        let server: unknown = initial;
        let typing: unknown = null;
        let movedUnderTyping = false;
        for (const s of steps) {
          if (s.kind === "type") {
            draft = edited(draft, s.value);
            typing = sameAttributeValue(s.value, server) ? null : s.value;
            if (typing === null) movedUnderTyping = false;
          } else if (s.kind === "colleagueSaves") {
            server = s.value;
            draft = savedChanged(draft, server);
            if (typing !== null && sameAttributeValue(typing, server)) typing = null;
            movedUnderTyping = typing !== null;
          } else if (s.kind === "ownSave") {
            // The server answers with the agent's value as saved, and the panel reads it back.
            server = draft.value;
            draft = savedChanged(draft, server);
            typing = null;
            movedUnderTyping = false;
          } else {
            draft = takeSaved(draft);
            typing = null;
            movedUnderTyping = false;
          }
          if (typing === null) expect(sameAttributeValue(draft.value, server)).toBe(true);
          else expect(draft.value).toBe(typing);
          expect(sameAttributeValue(draft.saved, server)).toBe(true);
          expect(draft.conflict).toBe(movedUnderTyping);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("reads a typed number as the number saved, and a multi-choice in any order as the same choice", () => {
    expect(sameAttributeValue("5", 5)).toBe(true);
    expect(sameAttributeValue(["b", "a"], ["a", "b"])).toBe(true);
    expect(sameAttributeValue("", null)).toBe(true);
    expect(sameAttributeValue("5", 6)).toBe(false);
    expect(sameAttributeValue(["a"], ["a", "b"])).toBe(false);
  });
});
