import { describe, expect, it } from "vitest";
import type { Floor } from "../../shared/floor";
import type { Conversation } from "../../shared/inbox";
import { applyAgentStatus, applyConversation, applyNumberAgents, fromFloor, liveFigures } from "../../extension/options/floor-state";

const floor: Floor = {
  agents: [{ id: "lina", name: "李娜", role: "agent", status: "away", statusSince: 1_000, connected: false, load: 3, capacity: 5, numberIds: ["A", "B"] }],
  queues: [
    { phoneNumberId: "A", displayName: "Acme", waiting: [{ conversationId: "1", contactName: "陈静", waitingSince: 5_000, teamId: null, preview: "你好" }] },
    { phoneNumberId: "B", displayName: "Returns", waiting: [] },
  ],
  at: 10_000,
};

const status = (load: number, connected = true) =>
  ({ type: "agent_status", agentId: "lina", status: "available", connected, present: connected, statusSince: 9_000, load, capacity: 5 }) as const;

function conversation(change: Partial<Conversation>): Conversation {
  return {
    id: "2",
    phoneNumberId: "A",
    contact: { id: "c2", waId: "85290000000", name: "Emily" },
    status: "open",
    assigneeId: null,
    assignmentReason: null,
    queuedAt: 2_000,
    teamId: null,
    createdAt: 2_000,
    lastMessageAt: 2_000,
    lastMessagePreview: "Do you ship to Hong Kong?",
    unread: 1,
    windowClosesAt: null,
    snoozedUntil: null,
    tags: [],
    resolveReason: null,
    csat: null,
    ...change,
  };
}

describe("the live floor", () => {
  it("keeps the floor's total until a number reports, then adds the numbers' loads", () => {
    const state = fromFloor(floor);
    expect(liveFigures(state, state.agents[0]!)).toEqual({ load: 3, connected: false });
    const one = applyAgentStatus(state, "A", status(2));
    expect(one.agents[0]).toMatchObject({ status: "available", statusSince: 9_000 });
    expect(liveFigures(one, one.agents[0]!)).toEqual({ load: 2, connected: true });
    const both = applyAgentStatus(one, "B", status(1, false));
    expect(liveFigures(both, both.agents[0]!)).toEqual({ load: 3, connected: true });
  });

  it("takes a number's agent list as that number's starting point", () => {
    const state = applyNumberAgents(fromFloor(floor), "A", [
      { id: "lina", name: "李娜", role: "agent", status: "away", connected: false, present: false, load: 4, capacity: 5, inRotation: true, teamIds: [], statusSince: 8_000 },
    ]);
    expect(liveFigures(state, state.agents[0]!)).toEqual({ load: 4, connected: false });
  });

  it("keeps what the sockets said when the floor is read again", () => {
    const live = applyAgentStatus(fromFloor(floor), "A", status(2));
    expect(liveFigures(fromFloor(floor, live), floor.agents[0]!).load).toBe(2);
  });

  it("ignores an agent the floor does not know", () => {
    const state = fromFloor(floor);
    expect(applyAgentStatus(state, "A", { ...status(1), agentId: "stranger" })).toBe(state);
  });

  it("queues an open, unassigned conversation longest wait first, and takes it out once assigned", () => {
    const queued = applyConversation(fromFloor(floor), conversation({}));
    expect(queued.queues[0]!.waiting.map((w) => [w.conversationId, w.contactName])).toEqual([
      ["2", "Emily"],
      ["1", "陈静"],
    ]);
    const assigned = applyConversation(queued, conversation({ assigneeId: "lina", queuedAt: null }));
    expect(assigned.queues[0]!.waiting.map((w) => w.conversationId)).toEqual(["1"]);
    const resolved = applyConversation(assigned, conversation({ id: "1", status: "resolved" }));
    expect(resolved.queues[0]!.waiting).toEqual([]);
  });

  it("leaves the state alone for a conversation that neither waits nor waited, or on a number it does not show", () => {
    const state = fromFloor(floor);
    expect(applyConversation(state, conversation({ assigneeId: "lina" }))).toBe(state);
    expect(applyConversation(state, conversation({ phoneNumberId: "Z" }))).toBe(state);
  });
});
