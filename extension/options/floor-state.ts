import type { Floor, FloorAgent, FloorQueue, FloorWaiting } from "../../shared/floor";
import { contactLabel } from "../../shared/contact-label";
import type { Conversation, SocketEvent } from "../../shared/inbox";
import type { NumberAgent } from "../../shared/routing";

type AgentStatusEvent = Extract<SocketEvent, { type: "agent_status" }>;

/**
 * The live floor: GET /floor once, then each number's socket keeps it current. A number's socket reports
 * load and connection for that number only, so those are kept per number and added up; the floor's own
 * total stands until a number has reported.
 */
interface NumberReport {
  load: number;
  connected: boolean;
  panelOpen: boolean;
}

export interface FloorState {
  agents: FloorAgent[];
  queues: FloorQueue[];
  /** agentId → phoneNumberId → what that number's socket last said. */
  perNumber: Record<string, Record<string, NumberReport>>;
  /** phoneNumberId → who works on it, as GET /numbers/:id/agents last answered (on each socket (re)connect). */
  numberAgents: Record<string, NumberAgent[]>;
}

/** A fresh GET /floor; what the sockets said per number is kept, they are newer than any total. */
export function fromFloor(floor: Floor, previous: FloorState | null = null): FloorState {
  return {
    agents: floor.agents,
    queues: floor.queues.map((q) => ({ ...q, waiting: sortWaiting(q.waiting) })),
    perNumber: previous?.perNumber ?? {},
    numberAgents: previous?.numberAgents ?? {},
  };
}

/** Load over all numbers, and whether a side panel is open on any of them. */
export function liveFigures(state: FloorState, agent: FloorAgent): NumberReport {
  const reports = Object.values(state.perNumber[agent.id] ?? {});
  if (reports.length === 0) return { load: agent.load, connected: agent.connected, panelOpen: agent.panelOpen ?? agent.connected };
  return {
    load: reports.reduce((sum, r) => sum + r.load, 0),
    connected: reports.some((r) => r.connected),
    panelOpen: reports.some((r) => r.connected && r.panelOpen),
  };
}

function withNumber(state: FloorState, agentId: string, phoneNumberId: string, report: NumberReport): FloorState["perNumber"] {
  return { ...state.perNumber, [agentId]: { ...state.perNumber[agentId], [phoneNumberId]: report } };
}

export function applyAgentStatus(state: FloorState, phoneNumberId: string, event: AgentStatusEvent): FloorState {
  const members = state.numberAgents[phoneNumberId];
  // Someone the number lists but the floor does not know yet still shows their own figures as a transfer choice.
  const numberAgents = members?.some((a) => a.id === event.agentId)
    ? {
        ...state.numberAgents,
        [phoneNumberId]: members.map((a) =>
          a.id === event.agentId
            ? { ...a, status: event.status, connected: event.connected, panelOpen: event.panelOpen, present: event.present, statusSince: event.statusSince, load: event.load, capacity: event.capacity }
            : a,
        ),
      }
    : state.numberAgents;
  if (!state.agents.some((a) => a.id === event.agentId)) return numberAgents === state.numberAgents ? state : { ...state, numberAgents };
  return {
    ...state,
    numberAgents,
    agents: state.agents.map((a) =>
      a.id === event.agentId ? { ...a, status: event.status, statusSince: event.statusSince, capacity: event.capacity } : a,
    ),
    // A report without the field comes from before the signal existed: its panel counts as open.
    perNumber: withNumber(state, event.agentId, phoneNumberId, { load: event.load, connected: event.connected, panelOpen: event.panelOpen ?? true }),
  };
}

/** Everyone on one number as it answers right now: the starting point its later events change. */
export function applyNumberAgents(state: FloorState, phoneNumberId: string, agents: NumberAgent[]): FloorState {
  let next: FloorState = { ...state, numberAgents: { ...state.numberAgents, [phoneNumberId]: agents } };
  for (const agent of agents) {
    next = applyAgentStatus(next, phoneNumberId, {
      type: "agent_status",
      agentId: agent.id,
      status: agent.status,
      connected: agent.connected,
      panelOpen: agent.panelOpen,
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
          contactName: contactLabel(conversation.contact) ?? "",
          waitingSince: conversation.queuedAt ?? conversation.lastMessageAt,
          teamId: conversation.teamId,
          preview: conversation.lastMessagePreview,
        },
      ])
    : others;
  return { ...state, queues: state.queues.map((q) => (q === queue ? { ...q, waiting } : q)) };
}

/** Someone a conversation on this number can be handed to, with what the floor knows of them now. */
export interface Candidate {
  id: string;
  name: string;
  status: FloorAgent["status"];
  connected: boolean;
  load: number;
  capacity: number | null;
}

/**
 * Who works on a number, for the assign and transfer pickers: as the number's own agent list says once it has
 * answered (the floor's membership until then), with the floor's live status and load where the floor knows them.
 */
export function candidates(state: FloorState, phoneNumberId: string): Candidate[] {
  const members = state.numberAgents[phoneNumberId];
  if (!members) {
    return state.agents.filter((a) => a.numberIds.includes(phoneNumberId)).map((a) => ({ id: a.id, name: a.name, status: a.status, capacity: a.capacity, ...liveFigures(state, a) }));
  }
  return members.map((member) => {
    const agent = state.agents.find((a) => a.id === member.id);
    if (agent) return { id: agent.id, name: agent.name, status: agent.status, capacity: agent.capacity, ...liveFigures(state, agent) };
    return { id: member.id, name: member.name, status: member.status, connected: member.connected, load: member.load, capacity: member.capacity };
  });
}

function holds(conversation: Conversation, agentId: string): boolean {
  return conversation.assigneeId === agentId && conversation.status !== "resolved";
}

/** Conversation ids count per number, so a conversation is known by both. */
function same(a: Conversation, b: Conversation): boolean {
  return a.id === b.id && a.phoneNumberId === b.phoneNumberId;
}

/** Newest activity first, as the side panel lists them; ties in a fixed order so rows do not swap. */
function byActivity(a: Conversation, b: Conversation): number {
  return b.lastMessageAt - a.lastMessageAt || a.phoneNumberId.localeCompare(b.phoneNumberId) || a.id.localeCompare(b.id, "en", { numeric: true });
}

/** One agent's open and pending conversations out of pages of every number's (view=all), newest activity first. */
export function agentConversations(conversations: Conversation[], agentId: string): Conversation[] {
  const mine: Conversation[] = [];
  for (const conversation of conversations) {
    if (!holds(conversation, agentId)) continue;
    const at = mine.findIndex((c) => same(c, conversation));
    if (at === -1) mine.push(conversation);
    else mine[at] = conversation;
  }
  return mine.sort(byActivity);
}

/**
 * A conversation as a socket event or a transfer's answer has it now: still this agent's and not resolved, it
 * takes its place in the list (in or updated); otherwise it leaves. The same list back when nothing changed.
 */
export function applyAgentConversation(list: Conversation[], agentId: string, conversation: Conversation): Conversation[] {
  const others = list.filter((c) => !same(c, conversation));
  if (!holds(conversation, agentId)) return others.length === list.length ? list : others;
  return [...others, conversation].sort(byActivity);
}
