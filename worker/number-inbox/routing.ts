import type { ReasonCode } from "../../shared/message-content";
import { englishReason } from "./reasons";

/**
 * Who gets a conversation. Pure: the NumberInbox gathers the facts, these functions decide, and the
 * decision carries its reason so the conversation (and analytics) can say why.
 */

/** One agent in a number's rotation, as routing sees them right now. */
export interface RotationMember {
  id: string;
  /** The agent chose Available (not Away). */
  available: boolean;
  /** Has a live socket, or lost it less than the grace period ago (see presence.ts). */
  present: boolean;
  /** Open conversations assigned to them on this number. */
  load: number;
  /** Most open conversations they take; null for no limit. */
  capacity: number | null;
}

export type AssignmentReason =
  | { kind: "sticky"; servedAt: number }
  | { kind: "round_robin" }
  | { kind: "queue"; waitedMs: number }
  | { kind: "reopened" }
  | { kind: "transfer"; by: string }
  | { kind: "team"; teamName: string; by: string | null }
  | { kind: "no_reply"; minutes: number; from: string }
  | { kind: "assignee_offline"; from: string }
  | { kind: "agent_deactivated"; from: string }
  | { kind: "member_removed"; fromName: string }
  | { kind: "claimed" }
  /** The agent wrote first, with a template (`starts.ts`). */
  | { kind: "started"; by: string };

export function hasCapacity(member: RotationMember): boolean {
  return member.capacity === null || member.load < member.capacity;
}

export function isRoutable(member: RotationMember): boolean {
  return member.available && member.present && hasCapacity(member);
}

/**
 * Round robin: the first routable member after the one who got the previous conversation, wrapping
 * around. Members who cannot take work keep their place. Null when nobody can: the conversation queues.
 */
export function pickRoundRobin(
  rotation: readonly RotationMember[],
  lastAssignedId: string | null,
  exclude: readonly string[] = [],
): string | null {
  if (rotation.length === 0) return null;
  const lastIndex = lastAssignedId === null ? -1 : rotation.findIndex((m) => m.id === lastAssignedId);
  for (let step = 1; step <= rotation.length; step++) {
    const candidate = rotation[(lastIndex + step) % rotation.length]!;
    if (isRoutable(candidate) && !exclude.includes(candidate.id)) return candidate.id;
  }
  return null;
}

/** Least loaded: the routable member with the fewest open conversations; rotation order breaks ties. */
export function pickLeastLoaded(rotation: readonly RotationMember[], exclude: readonly string[] = []): string | null {
  let best: RotationMember | null = null;
  for (const member of rotation) {
    if (!isRoutable(member) || exclude.includes(member.id)) continue;
    if (!best || member.load < best.load) best = member;
  }
  return best?.id ?? null;
}

/**
 * The rotation as routing queries it. `arrayRotation` is the reference (and what the property tests drive);
 * the NumberInbox answers the same three questions from indexed SQLite columns, so picking an agent costs the
 * same with 10 or 10,000 agents in the rotation.
 */
export interface RotationIndex {
  member(id: string): RotationMember | undefined;
  /** The first routable member after `afterId` in rotation order, wrapping around, skipping `exclude`. */
  nextRoutable(afterId: string | null, exclude: readonly string[]): string | null;
  leastLoaded(exclude: readonly string[]): string | null;
}

export function arrayRotation(rotation: readonly RotationMember[]): RotationIndex {
  return {
    member: (id) => rotation.find((m) => m.id === id),
    nextRoutable: (afterId, exclude) => pickRoundRobin(rotation, afterId, exclude),
    leastLoaded: (exclude) => pickLeastLoaded(rotation, exclude),
  };
}

export interface RoutingRequest {
  rotation: RotationIndex;
  mode: "round_robin" | "least_loaded";
  lastAssignedId: string | null;
  /** The agent who last served this customer, if any, and when. */
  lastServed: { agentId: string; at: number } | null;
  /** Sticky agent: prefer the last agent within this window (ms); null when the rule is off. */
  stickyWindowMs: number | null;
  now: number;
  /** Agents who must not get it (e.g. the one it is being taken from). */
  exclude?: readonly string[];
}

/** The agent for a conversation and why, or null to queue it. Sticky never overrides unavailability. */
export function chooseAgent(request: RoutingRequest): { agentId: string; reason: AssignmentReason } | null {
  const exclude = request.exclude ?? [];
  const { lastServed, stickyWindowMs } = request;
  if (lastServed && stickyWindowMs !== null && request.now - lastServed.at <= stickyWindowMs && !exclude.includes(lastServed.agentId)) {
    const member = request.rotation.member(lastServed.agentId);
    if (member && isRoutable(member)) return { agentId: member.id, reason: { kind: "sticky", servedAt: lastServed.at } };
  }
  const agentId =
    request.mode === "least_loaded"
      ? request.rotation.leastLoaded(exclude)
      : request.rotation.nextRoutable(request.lastAssignedId, exclude);
  return agentId ? { agentId, reason: { kind: "round_robin" } } : null;
}

/**
 * Why an agent got the conversation, as a code and its parameters (people by id, durations in ms): what is stored
 * and sent, so each reader sees it in their language. `reasons.ts` writes the English sentence for API users.
 */
export function reasonCodeOf(reason: AssignmentReason, now: number): ReasonCode {
  switch (reason.kind) {
    case "sticky":
      return { code: "sticky", params: { agoMs: Math.max(0, now - reason.servedAt) } };
    case "queue":
      return { code: "queue", params: { waitedMs: reason.waitedMs } };
    case "transfer":
      return { code: "transfer", params: { byId: reason.by } };
    case "team":
      return { code: reason.by ? "team_transfer" : "team", params: { team: reason.teamName, ...(reason.by ? { byId: reason.by } : {}) } };
    case "no_reply":
      return { code: "no_reply", params: { minutes: reason.minutes, fromId: reason.from } };
    case "assignee_offline":
    case "agent_deactivated":
      return { code: reason.kind, params: { fromId: reason.from } };
    case "member_removed":
      return { code: "member_removed", params: { name: reason.fromName } };
    case "started":
      return { code: "started", params: { byId: reason.by } };
    default:
      return { code: reason.kind, params: {} };
  }
}

/** The English sentence of an assignment reason ("sticky: served 2 days ago", "queued 3 min, an agent became free"…). */
export function describeReason(reason: AssignmentReason, now: number, names: (id: string) => string): string {
  return englishReason(reasonCodeOf(reason, now), names);
}
