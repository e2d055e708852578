import { defaultRoutingSettings, routingSettingsSchema, type RoutingSettings, type Team } from "../../shared/routing";
import { ok, refuse, seesEverything, type Principal, type Result } from "../lib/result";
import { newId } from "./ids";
import type { Parts } from "./parts";

type TeamRequest = { name: string; memberIds: string[]; supervisorIds: string[]; mode: Team["mode"]; waitTargetMinutes: number };

/** The teams, team_members and number_routing tables: teams, and each number's assignment rules (its rotation). */
export class Teams {
  constructor(private readonly w: Parts) {}

  list(): Team[] {
    const members = this.w.sql.exec<{ team_id: string; person_id: string }>("SELECT team_id, person_id FROM team_members ORDER BY position").toArray();
    return this.w.sql
      .exec<{ id: string; name: string; mode: Team["mode"]; supervisor_ids: string; wait_target_minutes: number }>(
        "SELECT id, name, mode, supervisor_ids, wait_target_minutes FROM teams ORDER BY created_at",
      )
      .toArray()
      .map((t) => ({
        id: t.id,
        name: t.name,
        mode: t.mode,
        memberIds: members.filter((m) => m.team_id === t.id).map((m) => m.person_id),
        supervisorIds: JSON.parse(t.supervisor_ids) as string[],
        waitTargetMinutes: t.wait_target_minutes,
      }));
  }

  exists(teamId: string): boolean {
    return this.w.sql.exec("SELECT 1 FROM teams WHERE id = ?", teamId).toArray().length > 0;
  }

  teamIdsOf(personId: string): string[] {
    return this.w.sql.exec<{ team_id: string }>("SELECT team_id FROM team_members WHERE person_id = ?", personId).toArray().map((r) => r.team_id);
  }

  async save(principal: Principal, teamId: string | null, request: TeamRequest): Promise<Result<Team>> {
    if (!seesEverything(principal)) return refuse(403, "only supervisors and admins manage teams", "supervisors_only");
    const unknown = this.w.people.unknown(request.memberIds);
    if (unknown) return refuse(422, `memberIds: no person with id ${unknown} in this workspace`, "invalid_request", { field: "memberIds" });
    const unknownSupervisor = this.w.people.unknown(request.supervisorIds);
    if (unknownSupervisor) return refuse(422, `supervisorIds: no person with id ${unknownSupervisor} in this workspace`, "invalid_request", { field: "supervisorIds" });
    const before = teamId ? this.list().find((t) => t.id === teamId) : undefined;
    if (teamId && !before) return refuse(404, `no team ${teamId}`, "not_found");
    const id = teamId ?? newId("t");
    this.w.ctx.storage.transactionSync(() => {
      this.w.sql.exec(
        `INSERT INTO teams (id, name, mode, created_at, supervisor_ids, wait_target_minutes) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, mode = excluded.mode, supervisor_ids = excluded.supervisor_ids,
           wait_target_minutes = excluded.wait_target_minutes`,
        id,
        request.name,
        request.mode,
        Date.now(),
        JSON.stringify(request.supervisorIds),
        request.waitTargetMinutes,
      );
      this.w.sql.exec("DELETE FROM team_members WHERE team_id = ?", id);
      request.memberIds.forEach((personId, position) =>
        this.w.sql.exec("INSERT OR IGNORE INTO team_members (team_id, person_id, position) VALUES (?, ?, ?)", id, personId, position),
      );
      const after = this.list().find((t) => t.id === id)!;
      this.w.audit.record(principal, { action: before ? "team.update" : "team.create", target: `team:${id}`, targetName: after.name, oldValue: before ?? null, newValue: after });
    });
    await this.w.fanout.pushAll();
    return ok(this.list().find((t) => t.id === id)!);
  }

  /** A team still named in a number's rotation cannot go: the rotation would silently lose people. */
  async delete(principal: Principal, teamId: string): Promise<Result<{ ok: true }>> {
    if (!seesEverything(principal)) return refuse(403, "only supervisors and admins manage teams", "supervisors_only");
    const before = this.list().find((t) => t.id === teamId);
    if (!before) return refuse(404, `no team ${teamId}`, "not_found");
    const usedBy = this.w.sql
      .exec<{ phone_number_id: string; settings: string }>("SELECT phone_number_id, settings FROM number_routing")
      .toArray()
      .filter((r) => (JSON.parse(r.settings) as RoutingSettings).rotation.some((e) => e.type === "team" && e.id === teamId))
      .map((r) => this.w.numbers.row(r.phone_number_id)?.display_name ?? r.phone_number_id);
    if (usedBy.length) return refuse(409, `team ${before.name} is in the rotation of ${usedBy.join(", ")}; take it out of the rules first`, "team_in_rotation", { team: before.name });
    this.w.ctx.storage.transactionSync(() => {
      this.w.sql.exec("DELETE FROM team_members WHERE team_id = ?", teamId);
      this.w.sql.exec("DELETE FROM teams WHERE id = ?", teamId);
      this.w.audit.record(principal, { action: "team.delete", target: `team:${teamId}`, targetName: before.name, oldValue: before, newValue: null });
    });
    await this.w.fanout.pushAll();
    return ok({ ok: true });
  }

  // ---- a number's assignment rules ----

  routing(principal: Principal, phoneNumberId: string): Result<RoutingSettings> {
    if (!this.w.numbers.canUse(principal, phoneNumberId)) return refuse(403, `you do not work on number ${phoneNumberId}`, "not_member", { number: phoneNumberId });
    return ok(this.storedRouting(phoneNumberId));
  }

  private storedRouting(phoneNumberId: string): RoutingSettings {
    const saved = this.savedRouting(phoneNumberId);
    // Parsed through the schema so settings saved before a field existed get its default.
    if (saved) return routingSettingsSchema.parse(saved);
    return { ...defaultRoutingSettings, rotation: this.w.numbers.explicitMembers(phoneNumberId).map((id) => ({ type: "agent" as const, id })) };
  }

  /** The rules as saved, or null before any were: what a number's configuration is built from. */
  savedRouting(phoneNumberId: string): RoutingSettings | null {
    const row = this.w.sql.exec<{ settings: string }>("SELECT settings FROM number_routing WHERE phone_number_id = ?", phoneNumberId).toArray()[0];
    return row ? (JSON.parse(row.settings) as RoutingSettings) : null;
  }

  /** Takes effect for the very next conversation: pushed to the number's object now, never read per message. */
  async saveRouting(principal: Principal, phoneNumberId: string, settings: RoutingSettings): Promise<Result<RoutingSettings>> {
    if (!seesEverything(principal)) return refuse(403, "only supervisors and admins change assignment rules", "supervisors_only");
    const number = this.w.numbers.row(phoneNumberId);
    if (!number) return refuse(404, `number ${phoneNumberId} is not connected`, "number_not_connected", { number: phoneNumberId });
    for (const entry of settings.rotation) {
      const known = entry.type === "agent" ? this.w.people.exists(entry.id) : this.exists(entry.id);
      if (!known) return refuse(422, `rotation: no ${entry.type} with id ${entry.id} in this workspace`, "invalid_request", { field: "rotation" });
    }
    const before = this.storedRouting(phoneNumberId);
    this.w.ctx.storage.transactionSync(() => {
      this.w.sql.exec(
        "INSERT INTO number_routing (phone_number_id, settings) VALUES (?, ?) ON CONFLICT (phone_number_id) DO UPDATE SET settings = excluded.settings",
        phoneNumberId,
        JSON.stringify(settings),
      );
      this.w.audit.record(principal, { action: "routing.update", target: `number:${phoneNumberId}`, targetName: number.display_name, oldValue: before, newValue: settings });
    });
    await this.w.fanout.pushNumber(phoneNumberId);
    return ok(settings);
  }

  forgetNumber(phoneNumberId: string): void {
    this.w.sql.exec("DELETE FROM number_routing WHERE phone_number_id = ?", phoneNumberId);
  }
}
