import { describe, expect, it } from "vitest";
import { pickRoundRobin, type RotationMember } from "../../worker/number-inbox/routing";

const member = (id: string, available = true, connected = true): RotationMember => ({ id, available, connected });

describe("pickRoundRobin", () => {
  it("starts at the top of the rotation and continues after the last assignee", () => {
    const rotation = [member("a"), member("b"), member("c")];
    expect(pickRoundRobin(rotation, null)).toBe("a");
    expect(pickRoundRobin(rotation, "a")).toBe("b");
    expect(pickRoundRobin(rotation, "c")).toBe("a");
  });

  it("never picks an Away or disconnected agent", () => {
    const rotation = [member("a", false), member("b", true, false), member("c")];
    expect(pickRoundRobin(rotation, null)).toBe("c");
    expect(pickRoundRobin(rotation, "c")).toBe("c");
  });

  it("returns null when nobody can take work, so the conversation queues", () => {
    expect(pickRoundRobin([member("a", false), member("b", true, false)], "a")).toBeNull();
    expect(pickRoundRobin([], null)).toBeNull();
  });

  it("starts from the top when the last assignee left the rotation", () => {
    expect(pickRoundRobin([member("a"), member("b")], "gone")).toBe("a");
  });
});
