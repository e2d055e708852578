import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { arrayRotation, chooseAgent, isRoutable, pickRoundRobin, type RotationMember } from "../../worker/number-inbox/routing";

const member = (id: string, facts: Partial<RotationMember> = {}): RotationMember => ({
  id,
  available: true,
  present: true,
  load: 0,
  capacity: null,
  ...facts,
});

const memberArb = fc.record({
  id: fc.constantFrom("a", "b", "c", "d", "e", "f"),
  available: fc.boolean(),
  present: fc.boolean(),
  load: fc.nat({ max: 5 }),
  capacity: fc.option(fc.integer({ min: 1, max: 5 }), { nil: null }),
});
const rotationArb = fc.uniqueArray(memberArb, { selector: (m) => m.id, maxLength: 6 });

describe("pickRoundRobin", () => {
  it("starts at the top of the rotation and continues after the last assignee", () => {
    const rotation = [member("a"), member("b"), member("c")];
    expect(pickRoundRobin(rotation, null)).toBe("a");
    expect(pickRoundRobin(rotation, "a")).toBe("b");
    expect(pickRoundRobin(rotation, "c")).toBe("a");
  });

  it("skips Away, offline and full agents, who keep their place", () => {
    const rotation = [member("a", { available: false }), member("b", { present: false }), member("c", { load: 2, capacity: 2 }), member("d")];
    expect(pickRoundRobin(rotation, null)).toBe("d");
    expect(pickRoundRobin(rotation, "d")).toBe("d");
  });

  it("returns null when nobody can take work, so the conversation queues", () => {
    expect(pickRoundRobin([member("a", { available: false }), member("b", { present: false })], "a")).toBeNull();
    expect(pickRoundRobin([], null)).toBeNull();
  });

  it("starts from the top when the last assignee left the rotation", () => {
    expect(pickRoundRobin([member("a"), member("b")], "gone")).toBe("a");
  });
});

describe("chooseAgent (property tests)", () => {
  it("never assigns to an Away, offline or at-capacity agent, nor to an excluded one", () => {
    fc.assert(
      fc.property(
        rotationArb,
        fc.option(fc.constantFrom("a", "b", "c", "d", "e", "f"), { nil: null }),
        fc.option(fc.record({ agentId: fc.constantFrom("a", "b", "c", "d", "e", "f"), at: fc.integer({ min: 0, max: 100 * 86_400_000 }) }), { nil: null }),
        fc.boolean(),
        fc.constantFrom("round_robin" as const, "least_loaded" as const),
        fc.subarray(["a", "b", "c", "d", "e", "f"]),
        (rotation, last, lastServed, sticky, mode, exclude) => {
          const decision = chooseAgent({
            rotation: arrayRotation(rotation),
            mode,
            lastAssignedId: last,
            lastServed,
            stickyWindowMs: sticky ? 30 * 86_400_000 : null,
            now: 100 * 86_400_000,
            exclude,
          });
          const eligible = rotation.filter((m) => isRoutable(m) && !exclude.includes(m.id));
          if (eligible.length === 0) return decision === null;
          const chosen = rotation.find((m) => m.id === decision?.agentId);
          return chosen !== undefined && isRoutable(chosen) && !exclude.includes(chosen.id);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("with k equal agents over n conversations, loads differ by at most 1", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 0, max: 300 }), fc.constantFrom("round_robin" as const, "least_loaded" as const), (k, n, mode) => {
        const rotation = Array.from({ length: k }, (_, i) => member(`agent${i}`));
        let last: string | null = null;
        for (let i = 0; i < n; i++) {
          const decision = chooseAgent({ rotation: arrayRotation(rotation), mode, lastAssignedId: last, lastServed: null, stickyWindowMs: null, now: 0 });
          const chosen = rotation.find((m) => m.id === decision!.agentId)!;
          chosen.load++;
          last = chosen.id;
        }
        const loads = rotation.map((m) => m.load);
        return Math.max(...loads) - Math.min(...loads) <= 1 && loads.reduce((a, b) => a + b, 0) === n;
      }),
      { numRuns: 500 },
    );
  });

  it("sticky prefers the last agent only while they can take it, and only within the window", () => {
    fc.assert(
      fc.property(rotationArb, fc.integer({ min: 0, max: 60 }), (rotation, daysAgo) => {
        fc.pre(rotation.length > 0);
        const previous = rotation[0]!;
        const now = 100 * 86_400_000;
        const decision = chooseAgent({
          rotation: arrayRotation(rotation),
          mode: "round_robin",
          lastAssignedId: null,
          lastServed: { agentId: previous.id, at: now - daysAgo * 86_400_000 },
          stickyWindowMs: 30 * 86_400_000,
          now,
        });
        if (decision?.reason.kind === "sticky") return isRoutable(previous) && daysAgo <= 30 && decision.agentId === previous.id;
        // Not sticky: either the last agent could not take it, or it was too long ago.
        return !isRoutable(previous) || daysAgo > 30;
      }),
      { numRuns: 2000 },
    );
  });
});
