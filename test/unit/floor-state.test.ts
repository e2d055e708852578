import { describe, expect, it } from "vitest";
import type { Floor } from "../../shared/floor";
import type { Conversation } from "../../shared/inbox";
import type { NumberAgent } from "../../shared/routing";
import {
  agentConversations,
  applyAgentConversation,
  applyAgentStatus,
  applyConversation,
  applyNumberAgents,
  candidates,
  fromFloor,
  liveFigures,
} from "../../extension/options/floor-state";

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
    expect(liveFigures(state, state.agents[0]!)).toEqual({ load: 3, connected: false, panelOpen: false });
    const one = applyAgentStatus(state, "A", status(2));
    expect(one.agents[0]).toMatchObject({ status: "available", statusSince: 9_000 });
    expect(liveFigures(one, one.agents[0]!)).toEqual({ load: 2, connected: true, panelOpen: true });
    const both = applyAgentStatus(one, "B", status(1, false));
    expect(liveFigures(both, both.agents[0]!)).toEqual({ load: 3, connected: true, panelOpen: true });
    // Her browser closes the side panel: still connected, the floor says the panel is closed.
    const closed = applyAgentStatus(both, "A", { ...status(2), panelOpen: false });
    expect(liveFigures(closed, closed.agents[0]!)).toEqual({ load: 3, connected: true, panelOpen: false });
  });

  it("takes a number's agent list as that number's starting point", () => {
    const state = applyNumberAgents(fromFloor(floor), "A", [
      { id: "lina", name: "李娜", role: "agent", status: "away", connected: false, present: false, load: 4, capacity: 5, inRotation: true, teamIds: [], statusSince: 8_000 },
    ]);
    expect(liveFigures(state, state.agents[0]!)).toEqual({ load: 4, connected: false, panelOpen: false });
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

const member = (change: Partial<NumberAgent>): NumberAgent => ({
  id: "lina",
  name: "李娜",
  role: "agent",
  status: "away",
  connected: false,
  present: false,
  load: 4,
  capacity: 5,
  inRotation: true,
  teamIds: [],
  statusSince: 8_000,
  ...change,
});

describe("whom a supervisor can hand a conversation to", () => {
  it("uses the floor's membership until the number lists its agents, with the floor's live figures", () => {
    const state = applyAgentStatus(fromFloor(floor), "A", status(2));
    expect(candidates(state, "A")).toEqual([{ id: "lina", name: "李娜", status: "available", connected: true, panelOpen: true, load: 2, capacity: 5 }]);
    expect(candidates(state, "Z")).toEqual([]);
  });

  it("follows the number's own list once it answers, and its status events for someone the floor does not know", () => {
    const listed = applyNumberAgents(fromFloor(floor), "B", [member({}), member({ id: "zhou", name: "周婷", status: "available", connected: true, load: 1, capacity: null })]);
    expect(candidates(listed, "B").map((c) => [c.name, c.status, c.connected, c.load, c.capacity])).toEqual([
      ["李娜", "away", false, 4, 5],
      ["周婷", "available", true, 1, null],
    ]);
    const away = applyAgentStatus(listed, "B", { ...status(3), agentId: "zhou", status: "away", capacity: 8 });
    expect(candidates(away, "B")[1]).toEqual({ id: "zhou", name: "周婷", status: "away", connected: true, load: 3, capacity: 8 });
    // Not on the floor: the floor itself is unchanged.
    expect(away.agents).toBe(listed.agents);
    // The number's list is kept when the floor is read again.
    expect(candidates(fromFloor(floor, away), "B").map((c) => c.name)).toEqual(["李娜", "周婷"]);
  });
});

describe("an agent's conversations on the floor", () => {
  const mine = (id: string, change: Partial<Conversation> = {}) => conversation({ id, assigneeId: "lina", queuedAt: null, ...change });

  it("keeps the agent's open and pending ones from every number, newest activity first", () => {
    const list = agentConversations(
      [
        mine("1", { lastMessageAt: 1_000 }),
        mine("2", { lastMessageAt: 3_000, status: "pending" }),
        mine("3", { assigneeId: "zhou" }),
        conversation({ id: "4" }),
        mine("5", { status: "resolved" }),
        mine("1", { phoneNumberId: "B", lastMessageAt: 2_000 }),
      ],
      "lina",
    );
    expect(list.map((c) => `${c.phoneNumberId}:${c.id}`)).toEqual(["A:2", "B:1", "A:1"]);
  });

  it("takes each reported conversation in, updates it in place of the old one, or lets it leave", () => {
    const list = agentConversations([mine("1", { lastMessageAt: 1_000 }), mine("2", { lastMessageAt: 2_000 })], "lina");
    const newer = applyAgentConversation(list, "lina", mine("1", { lastMessageAt: 5_000, lastMessagePreview: "还在吗？" }));
    expect(newer.map((c) => [c.id, c.lastMessagePreview])).toEqual([
      ["1", "还在吗？"],
      ["2", "Do you ship to Hong Kong?"],
    ]);
    const arrived = applyAgentConversation(newer, "lina", mine("7", { lastMessageAt: 9_000 }));
    expect(arrived.map((c) => c.id)).toEqual(["7", "1", "2"]);
    const transferred = applyAgentConversation(arrived, "lina", mine("1", { assigneeId: "zhou" }));
    expect(transferred.map((c) => c.id)).toEqual(["7", "2"]);
    const resolved = applyAgentConversation(transferred, "lina", mine("7", { status: "resolved" }));
    expect(resolved.map((c) => c.id)).toEqual(["2"]);
    const queued = applyAgentConversation(resolved, "lina", conversation({ id: "2" }));
    expect(queued).toEqual([]);
  });

  it("tells the same conversation id on two numbers apart, and returns the same list when nothing changed", () => {
    const list = agentConversations([mine("1")], "lina");
    expect(applyAgentConversation(list, "lina", mine("1", { phoneNumberId: "B", assigneeId: "zhou" }))).toBe(list);
    expect(applyAgentConversation(list, "lina", conversation({ id: "9" }))).toBe(list);
    expect(applyAgentConversation(list, "lina", mine("1", { phoneNumberId: "B" }))).toHaveLength(2);
  });
});
