import type { AgentStatus, Role } from "../../shared/people";
import { defaultRoutingSettings, type RoutingSettings, type Team } from "../../shared/routing";
import type { NumberConfig } from "../number-inbox/NumberInbox";
import { defaultAutomationSettings, type AutomationSettings } from "../../shared/automation";

export interface PersonFacts {
  id: string;
  name: string;
  role: Role;
  status: AgentStatus;
  capacity: number | null;
}

/**
 * The rotation as the number's object uses it: agents in order, each team replaced by its members in team
 * order, nobody twice. An empty rotation (rules never set) means the number's members in the order given.
 */
export function flattenRotation(settings: RoutingSettings, explicitMemberIds: string[], teams: Team[]): string[] {
  if (settings.rotation.length === 0) return [...explicitMemberIds];
  const out: string[] = [];
  for (const entry of settings.rotation) {
    const ids = entry.type === "agent" ? [entry.id] : (teams.find((t) => t.id === entry.id)?.memberIds ?? []);
    for (const id of ids) if (!out.includes(id)) out.push(id);
  }
  return out;
}

/** Everything a number's object needs to route, built from the workspace's settings. Pure. */
export function buildNumberConfig(input: {
  workspaceId: string;
  number: { phoneNumberId: string; wabaId: string | null; displayName: string; displayPhoneNumber: string };
  explicitMemberIds: string[];
  people: Map<string, PersonFacts>;
  teams: Team[];
  routing: RoutingSettings | null;
  graceSeconds: number;
  catalog?: NumberConfig["catalog"];
  connected?: boolean;
  accessTokenSealed?: string | null;
  operatorConnected?: boolean;
  automation?: AutomationSettings;
  timeZone?: string;
}): NumberConfig {
  const routing = input.routing ?? defaultRoutingSettings;
  const rotation = flattenRotation(routing, input.explicitMemberIds, input.teams).filter((id) => input.people.has(id));
  const memberIds = [...rotation, ...input.explicitMemberIds.filter((id) => !rotation.includes(id) && input.people.has(id))];
  const { rotation: _, ...rules } = routing;
  return {
    workspaceId: input.workspaceId,
    ...input.number,
    members: memberIds.map((id) => {
      const p = input.people.get(id)!;
      return { id, name: p.name, role: p.role, status: p.status, capacity: p.capacity, inRotation: rotation.includes(id) };
    }),
    // Teams on this number are those with someone working on it; their lists keep only those people.
    teams: input.teams
      .map((t) => ({ ...t, memberIds: t.memberIds.filter((id) => memberIds.includes(id)) }))
      .filter((t) => t.memberIds.length > 0),
    routing: rules,
    // A number's own grace period wins over the workspace's.
    graceMs: (routing.graceSeconds ?? input.graceSeconds) * 1000,
    connected: input.connected ?? true,
    accessTokenSealed: input.accessTokenSealed ?? null,
    operatorConnected: input.operatorConnected ?? false,
    automation: input.automation ?? defaultAutomationSettings,
    timeZone: input.timeZone ?? "Asia/Shanghai",
    catalog: input.catalog ?? { tags: [], singleChoiceGroups: [], attributes: [] },
  };
}
