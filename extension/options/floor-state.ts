import type { Floor, FloorAgent, FloorQueue, FloorWaiting } from "../../shared/floor";
import type { Conversation, SocketEvent } from "../../shared/inbox";
import type { NumberAgent } from "../../shared/routing";

type AgentStatusEvent = Extract<SocketEvent, { type: "agent_status" }>;

/**
 * The live floor: GET /floor once, then each number's socket keeps it current. A number's socket reports
 * load and connection for that number only, so those are kept per number and added up; the floor's own
 * total stands until a number has reported.
 */
export interface FloorState {
  agents: FloorAgent[];
  queues: FloorQueue[];
  /** agentId → phoneNumberId → what that number's socket last said. */
  perNumber: Record<string, Record<string, { load: number; connected: boolean }>>;
}

/** A fresh GET /floor; what the sockets said per number is kept, they are newer than any total. */
export function fromFloor(floor: Floor, previous: FloorState | null = null): FloorState {
  return { agents: floor.agents, queues: floor.queues.map((q) => ({ ...q, waiting: sortWaiting(q.waiting) })), perNumber: previous?.perNumber ?? {} };
}

/** Load over all numbers, and whether a side panel is open on any of them. */
export function liveFigures(state: FloorState, agent: FloorAgent): { load: number; connected: boolean } {
  const reports = Object.values(state.perNumber[agent.id] ?? {});
  if (reports.length === 0) return { load: agent.load, connected: agent.connected };
  return { load: reports.reduce((sum, r) => sum + r.load, 0), connected: reports.some((r) => r.connected) };
}

function withNumber(state: FloorState, agentId: string, phoneNumberId: string, report: { load: number; connected: boolean }): FloorState["perNumber"] {
  return { ...state.perNumber, [agentId]: { ...state.perNumber[agentId], [phoneNumberId]: report } };
}

export function applyAgentStatus(state: FloorState, phoneNumberId: string, event: AgentStatusEvent): FloorState {
  if (!state.agents.some((a) => a.id === event.agentId)) return state;
  return {
    ...state,
    agents: state.agents.map((a) =>
      a.id === event.agentId ? { ...a, status: event.status, statusSince: event.statusSince, capacity: event.capacity } : a,
    ),
    perNumber: withNumber(state, event.agentId, phoneNumberId, { load: event.load, connected: event.connected }),
  };
}

/** Everyone on one number as it answers right now: the starting point its later events change. */
export function applyNumberAgents(state: FloorState, phoneNumberId: string, agents: NumberAgent[]): FloorState {
  let next = state;
  for (const agent of agents) {
    next = applyAgentStatus(next, phoneNumberId, {
      type: "agent_status",
      agentId: agent.id,
      status: agent.status,
      connected: agent.connected,
      present: agent.present,
      statusSince: agent.statusSince,
      load: agent.load,
      capacity: agent.capacity,
    });
  }
  return next;
}

function sortWaiting(waiting: FloorWaiting[]): FloorWaiting[] {
  return [...waiting].sort((a, b) => a.waitingSince - b.waitingSince);
}

/** Open and nobody's: the conversation waits in its number's queue; anything else takes it out. */
export function applyConversation(state: FloorState, conversation: Conversation): FloorState {
  const queue = state.queues.find((q) => q.phoneNumberId === conversation.phoneNumberId);
  if (!queue) return state;
  const others = queue.waiting.filter((w) => w.conversationId !== conversation.id);
  const waits = conversation.status === "open" && conversation.assigneeId === null;
  if (!waits && others.length === queue.waiting.length) return state;
  const waiting = waits
    ? sortWaiting([
        ...others,
        {
          conversationId: conversation.id,
          contactName: conversation.contact.name ?? conversation.contact.waId ?? "",
          waitingSince: conversation.queuedAt ?? conversation.lastMessageAt,
          teamId: conversation.teamId,
          preview: conversation.lastMessagePreview,
        },
      ])
    : others;
  return { ...state, queues: state.queues.map((q) => (q === queue ? { ...q, waiting } : q)) };
}
