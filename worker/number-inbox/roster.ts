import type { AgentStatus, Role } from "../../shared/people";
import type { NumberAgent } from "../../shared/routing";
import type { PresenceState } from "./analytics";
import type { InboxContext } from "./context";
import { graceEndsAt, isPresent } from "./presence";
import type { RotationMember } from "./routing";
import type { Row } from "./rows";
import type { NumberMember, Settings } from "./settings";
import type { Sockets } from "./sockets";
import { SqlRotation } from "./sql-rotation";

/**
 * The `members` table: who works on the number, their chosen status, their presence (socket open, or closed
 * less than the grace period ago) and their load, kept in indexed columns so routing asks SQLite rather than
 * scanning everyone (`sql-rotation.ts` reads them). Decisions stay in `presence.ts` and `routing.ts`.
 */
/** A member's `routable` column once its load is `load` (an SQL expression): Available, present and with room. */
const routableWithLoad = (load: string) => `CASE WHEN status = 'available' AND present = 1 AND (capacity IS NULL OR ${load} < capacity) THEN 1 ELSE 0 END`;

export class Roster {
  constructor(
    private readonly ctx: InboxContext,
    private readonly settings: Settings,
    private readonly sockets: Sockets,
  ) {}

  /** The members the Workspace pushed, in rotation order; presence survives, and whoever has a socket is present. */
  replace(members: NumberMember[], connected: ReadonlySet<string>): void {
    const { sql } = this.ctx;
    // One bound JSON array rather than one variable per member: SQLite caps bound variables.
    sql.exec("DELETE FROM members WHERE id NOT IN (SELECT value FROM json_each(?))", JSON.stringify(members.map((m) => m.id)));
    members.forEach((m, position) =>
      // Presence (disconnected_at) survives a configuration change.
      sql.exec(
        `INSERT INTO members (id, name, role, status, position, capacity, in_rotation) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, role = excluded.role, status = excluded.status,
           position = excluded.position, capacity = excluded.capacity, in_rotation = excluded.in_rotation`,
        m.id,
        m.name,
        m.role,
        m.status,
        position,
        m.capacity,
        m.inRotation ? 1 : 0,
      ),
    );
    // Whoever has a socket open is present, even if they were just (re)added.
    sql.exec("UPDATE members SET present = 1, disconnected_at = NULL WHERE id IN (SELECT value FROM json_each(?))", JSON.stringify([...connected]));
    this.refresh(null);
  }

  row(agentId: string): Row | undefined {
    return this.ctx.sql.exec("SELECT * FROM members WHERE id = ?", agentId).toArray()[0];
  }

  nameOf(agentId: string): string {
    return (this.row(agentId)?.name as string | undefined) ?? "someone";
  }

  names(): { id: string; name: string }[] {
    return this.ctx.sql.exec<{ id: string; name: string }>("SELECT id, name FROM members").toArray();
  }

  /** The number's rotation as an index over the members' columns. */
  rotation(): SqlRotation {
    return new SqlRotation(this.ctx.sql);
  }

  /** Members with their live facts, in rotation order: a team's, the rotation's, or everyone's. O(members). */
  facts(options: { everyone?: boolean; teamId?: string } = {}): RotationMember[] {
    const { teams } = this.settings.routing();
    let members = this.ctx.sql
      .exec<{ id: string; status: string; capacity: number | null; present: number; load: number; in_rotation: number }>(
        "SELECT id, status, capacity, present, load, in_rotation FROM members ORDER BY position",
      )
      .toArray();
    if (options.teamId) {
      const team = teams.find((t) => t.id === options.teamId);
      const order = new Map((team?.memberIds ?? []).map((id, i) => [id, i]));
      members = members.filter((m) => order.has(m.id)).sort((a, b) => order.get(a.id)! - order.get(b.id)!);
    } else if (!options.everyone) {
      members = members.filter((m) => m.in_rotation === 1);
    }
    return members.map((m) => ({ id: m.id, available: m.status === "available", present: m.present === 1, load: m.load, capacity: m.capacity }));
  }

  /**
   * Keeps each member's load (open conversations) and routability current: the columns the rotation index
   * reads. `null` refreshes everyone (configuration changes); events refresh the one or two agents they touch.
   */
  refresh(ids: string[] | null): void {
    const where = ids === null ? "" : "WHERE id IN (SELECT value FROM json_each(?))";
    const args = ids === null ? [] : [JSON.stringify(ids)];
    // One statement: SET reads the row as it was, so `routable` counts the load again rather than reading `load`.
    const openLoad = "(SELECT COUNT(*) FROM conversations c WHERE c.assignee_id = members.id AND c.status = 'open')";
    this.ctx.sql.exec(`UPDATE members SET load = ${openLoad}, routable = ${routableWithLoad(openLoad)} ${where}`,
      ...args,
    );
  }

  /**
   * One open conversation moved to `gained` from `lost` (null: it was waiting in no one's hands). Their loads were
   * exact (every step that changes who holds what, or whether it is open, ends in `refresh`), so they move by one
   * rather than being counted again: a count walks every open conversation the agent holds, and routing does this
   * for every new customer.
   */
  moveOne(gained: string, lost: string | null): void {
    this.loadBy(gained, 1);
    if (lost !== null) this.loadBy(lost, -1);
  }

  /**
   * One statement per member, each naming its row: an UPDATE that may touch two rows makes SQLite copy every page it
   * changes into a statement journal first (atomic-step.ts says what that costs), and one that names one row does not.
   */
  private loadBy(agentId: string, delta: 1 | -1): void {
    this.ctx.sql.exec(
      `UPDATE members SET load = load + ?2, routable = ${routableWithLoad("load + ?2")} WHERE id = ?1`,
      agentId,
      delta,
    );
  }

  /**
   * On start: a member recorded as connected whose socket did not survive (a restart, a deploy) counts as just
   * disconnected, so the grace period covers the panel's reconnect. Sockets that hibernated are still there.
   */
  reconcile(): void {
    const now = this.ctx.now();
    const stale = this.ctx.sql
      .exec<{ id: string }>("SELECT id FROM members WHERE present = 1 AND disconnected_at IS NULL")
      .toArray()
      .filter((m) => !this.sockets.isConnected(m.id));
    for (const { id } of stale) this.ctx.sql.exec("UPDATE members SET disconnected_at = ? WHERE id = ?", now, id);
  }

  isPresent(agentId: string, now: number): boolean {
    const member = this.row(agentId);
    if (!member || member.present !== 1) return false;
    return isPresent({ connected: this.sockets.isConnected(agentId), disconnectedAt: member.disconnected_at as number | null }, now, this.settings.routing().graceMs);
  }

  presentNow(agentId: string): boolean {
    return this.isPresent(agentId, this.ctx.now());
  }

  presenceState(agentId: string): PresenceState {
    const member = this.row(agentId);
    if (!member || !this.presentNow(agentId)) return "offline";
    return member.status === "available" ? "available" : "away";
  }

  setStatus(agentId: string, status: AgentStatus): void {
    this.ctx.sql.exec(
      "UPDATE members SET status = ?, status_changed_at = CASE WHEN status = ? THEN status_changed_at ELSE ? END WHERE id = ?",
      status,
      status,
      this.ctx.now(),
      agentId,
    );
    this.refresh([agentId]);
  }

  /** A deactivated person is Away and gone at once, without a grace period. */
  deactivate(agentId: string): void {
    this.ctx.sql.exec("UPDATE members SET status = 'away', present = 0, disconnected_at = NULL WHERE id = ?", agentId);
    this.refresh([agentId]);
  }

  /** A panel opened: back inside the grace period nothing changed; back after it, they take work again. */
  connected(agentId: string, wasConnected: boolean): void {
    this.ctx.sql.exec("UPDATE members SET disconnected_at = NULL, present = 1 WHERE id = ?", agentId);
    if (!wasConnected) this.ctx.sql.exec("UPDATE members SET status_changed_at = ? WHERE id = ?", this.ctx.now(), agentId);
    this.refresh([agentId]);
  }

  /** Their last panel closed: the grace period starts. */
  disconnected(agentId: string): void {
    const now = this.ctx.now();
    this.ctx.sql.exec("UPDATE members SET disconnected_at = ?, status_changed_at = ? WHERE id = ?", now, now, agentId);
  }

  /** Agents whose grace period ended and who did not come back. */
  graceEnded(now: number): string[] {
    const { graceMs } = this.settings.routing();
    return this.ctx.sql
      .exec<{ id: string }>("SELECT id FROM members WHERE disconnected_at IS NOT NULL AND disconnected_at + ? <= ?", graceMs, now)
      .toArray()
      .filter((m) => !this.sockets.isConnected(m.id))
      .map((m) => m.id);
  }

  /** Offline for routing; supervisors see it. */
  goOffline(agentId: string): void {
    this.ctx.sql.exec("UPDATE members SET disconnected_at = NULL, present = 0 WHERE id = ?", agentId);
    this.refresh([agentId]);
  }

  /** When the earliest grace period ends, for the alarm. */
  nextDeadline(): number | null {
    const disconnected = this.ctx.sql.exec<{ at: number | null }>("SELECT MIN(disconnected_at) AS at FROM members WHERE disconnected_at IS NOT NULL").one().at;
    return graceEndsAt({ connected: false, disconnectedAt: disconnected }, this.settings.routing().graceMs);
  }

  /** Everyone who works on the number, with live status and load: the transfer picker and the floor. */
  agents(): NumberAgent[] {
    const config = this.settings.config();
    const rows = this.ctx.sql
      .exec<{ id: string; name: string; role: Role; in_rotation: number; status_changed_at: number }>(
        "SELECT id, name, role, in_rotation, status_changed_at FROM members ORDER BY position",
      )
      .toArray();
    const facts = new Map(this.facts({ everyone: true }).map((f) => [f.id, f]));
    return rows.map((m) => {
      const f = facts.get(m.id)!;
      return {
        id: m.id,
        name: m.name,
        role: m.role,
        status: f.available ? "available" : "away",
        connected: this.sockets.isConnected(m.id),
        panelOpen: this.sockets.panelOpen(m.id),
        present: f.present,
        load: f.load,
        capacity: f.capacity,
        inRotation: m.in_rotation === 1,
        teamIds: config.teams.filter((t) => t.memberIds.includes(m.id)).map((t) => t.id),
        statusSince: m.status_changed_at,
      };
    });
  }
}
