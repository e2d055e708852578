import type { Agent, AgentStatus, CreateAgentRequest, Me, Person, PersonUpdate, Role } from "../../shared/people";
import { sha256Base64Url } from "../lib/bytes";
import { ok, refuse, seesEverything, type Principal, type Result } from "../lib/result";
import { newId } from "./ids";
import type { PersonFacts } from "./number-config";
import type { Parts } from "./parts";
import { directoryFor } from "../directory/client";
import { hashPassword, verifyPassword } from "./password";

export interface PersonRow {
  id: string;
  name: string;
  email: string;
  role: Role;
  status: AgentStatus;
  password_hash: string;
  capacity: number | null;
  active: number;
  status_changed_at: number;
  sign_in_throttle: string | null;
  created_at: number;
  [key: string]: SqlStorageValue;
}

/** The people table: who works here, their role, status, capacity, password hash and sign-in throttle. */
export class People {
  constructor(private readonly w: Parts) {}

  // ---- reads ----

  row(personId: string): PersonRow | undefined {
    return this.w.sql.exec<PersonRow>("SELECT * FROM people WHERE id = ?", personId).toArray()[0];
  }

  byEmail(email: string): PersonRow | undefined {
    return this.w.sql.exec<PersonRow>("SELECT * FROM people WHERE email = ?", email).toArray()[0];
  }

  /** Active people, oldest first. */
  active(): PersonRow[] {
    return this.w.sql.exec<PersonRow>("SELECT * FROM people WHERE active = 1 ORDER BY created_at").toArray();
  }

  /** Everyone ever here, active first: names for reports of past work. */
  names(): { id: string; name: string }[] {
    return this.w.sql.exec<{ id: string; name: string }>("SELECT id, name FROM people ORDER BY active DESC, created_at").toArray().map((p) => ({ id: p.id, name: p.name }));
  }

  /** What a number's configuration needs of each active person. */
  facts(): Map<string, PersonFacts> {
    return new Map(this.active().map((p) => [p.id, { id: p.id, name: p.name, role: p.role, status: p.status, capacity: (p.capacity as number | null) ?? null }]));
  }

  firstActiveAdmin(): PersonRow | undefined {
    return this.w.sql.exec<PersonRow>("SELECT * FROM people WHERE role = 'admin' AND active = 1 ORDER BY created_at LIMIT 1").toArray()[0];
  }

  exists(personId: string): boolean {
    return this.w.sql.exec("SELECT 1 FROM people WHERE id = ?", personId).toArray().length > 0;
  }

  /** The first id naming nobody of this workspace. */
  unknown(ids: string[]): string | undefined {
    return ids.find((id) => !this.exists(id));
  }

  nameOf(personId: string): string {
    return this.w.sql.exec<{ name: string }>("SELECT name FROM people WHERE id = ?", personId).toArray()[0]?.name ?? "someone";
  }

  private adminCount(): number {
    return this.w.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM people WHERE role = 'admin' AND active = 1").one().n;
  }

  principalOf(personId: string): Principal | null {
    const person = this.row(personId);
    if (!person || person.active !== 1) return null;
    return { workspaceId: this.w.settings.id(), personId: person.id, name: person.name, role: person.role };
  }

  agent(personId: string): Agent {
    const p = this.w.sql.exec<PersonRow>("SELECT * FROM people WHERE id = ?", personId).one();
    return { id: p.id, name: p.name, email: p.email, role: p.role, status: p.status };
  }

  person(personId: string): Person {
    const p = this.w.sql.exec<PersonRow>("SELECT * FROM people WHERE id = ?", personId).one();
    return {
      id: p.id,
      name: p.name,
      email: p.email,
      role: p.role,
      status: p.status,
      statusSince: p.status_changed_at || p.created_at,
      capacity: p.capacity ?? null,
      active: p.active === 1,
      numberIds: this.w.numbers.numberIdsOf(personId),
      teamIds: this.w.teams.teamIdsOf(personId),
      createdAt: p.created_at,
    };
  }

  describe(personId: string): Me {
    const agent = this.agent(personId);
    return { agent, numbers: this.w.numbers.summariesFor(personId, agent.role) };
  }

  // ---- writes other concerns make ----

  insert(person: { name: string; email: string; role: Role }, passwordHash: string): string {
    const id = newId("p");
    this.w.sql.exec(
      "INSERT INTO people (id, name, email, role, status, password_hash, created_at, status_changed_at) VALUES (?, ?, ?, ?, 'away', ?, ?, ?)",
      id,
      person.name,
      person.email,
      person.role,
      passwordHash,
      Date.now(),
      Date.now(),
    );
    return id;
  }

  setThrottle(personId: string, state: string | null): void {
    this.w.sql.exec("UPDATE people SET sign_in_throttle = ? WHERE id = ?", state, personId);
  }

  /** A new password (from a reset link): the throttle starts over. */
  setPassword(personId: string, passwordHash: string): void {
    this.w.sql.exec("UPDATE people SET password_hash = ?, sign_in_throttle = NULL WHERE id = ?", passwordHash, personId);
  }

  setCapacity(personId: string, capacity: number | null): void {
    this.w.sql.exec("UPDATE people SET capacity = ? WHERE id = ?", capacity, personId);
  }

  /** Stored here and told to every number the person works on. */
  async applyStatus(personId: string, status: AgentStatus): Promise<void> {
    this.w.sql.exec(
      "UPDATE people SET status = ?, status_changed_at = CASE WHEN status = ? THEN status_changed_at ELSE ? END WHERE id = ?",
      status,
      status,
      Date.now(),
      personId,
    );
    await Promise.all(this.w.numbers.workedOnBy(personId).map((id) => this.w.env.NUMBER_INBOX.getByName(id).setAgentStatus(personId, status)));
  }

  // ---- the people's own operations ----

  async create(principal: Principal, request: CreateAgentRequest): Promise<Result<Agent>> {
    if (principal.role !== "admin") return refuse(403, "only an admin can add people", "admins_only");
    const claimed = await directoryFor(this.w.env).claimEmail(request.email, this.w.settings.id());
    if (!claimed) return refuse(409, `${request.email} already has an account`, "email_taken", { email: request.email });
    const passwordHash = await hashPassword(request.password);
    const id = this.insert(request, passwordHash);
    this.w.audit.record(principal, { action: "person.create", target: `person:${id}`, targetName: request.name, oldValue: null, newValue: { email: request.email, role: request.role } });
    return ok(this.agent(id));
  }

  async setMyStatus(principal: Principal, status: AgentStatus): Promise<Agent> {
    await this.applyStatus(principal.personId, status);
    return this.agent(principal.personId);
  }

  list(principal: Principal): Result<Person[]> {
    if (!seesEverything(principal)) return refuse(403, "only supervisors and admins see the team's people", "supervisors_only");
    const ids = this.w.sql.exec<{ id: string }>("SELECT id FROM people ORDER BY active DESC, created_at").toArray();
    return ok(ids.map((r) => this.person(r.id)));
  }

  async update(principal: Principal, personId: string, update: PersonUpdate): Promise<Result<Person>> {
    const target = this.manageable(principal, personId);
    if (!target.ok) return target;
    if (update.role !== undefined && update.role !== target.value.role && principal.role !== "admin") return refuse(403, "only an admin changes roles", "admins_only");
    if (update.role !== undefined && update.role !== "admin" && target.value.role === "admin" && this.adminCount() === 1) {
      return refuse(409, "this is the workspace's last admin; make someone else admin first", "last_admin");
    }
    const before = this.person(personId);
    this.w.ctx.storage.transactionSync(() => {
      if (update.name !== undefined) this.w.sql.exec("UPDATE people SET name = ? WHERE id = ?", update.name, personId);
      if (update.role !== undefined) this.w.sql.exec("UPDATE people SET role = ? WHERE id = ?", update.role, personId);
      if (update.capacity !== undefined) this.w.sql.exec("UPDATE people SET capacity = ? WHERE id = ?", update.capacity, personId);
      const after = this.person(personId);
      this.w.audit.record(principal, { action: "person.update", target: `person:${personId}`, targetName: after.name, oldValue: pick(before, update), newValue: pick(after, update) });
    });
    await this.w.fanout.pushAll();
    return ok(this.person(personId));
  }

  /** A supervisor sends a forgotten agent Away (or back to Available); recorded in the audit log. */
  async setStatusOf(principal: Principal, personId: string, status: AgentStatus): Promise<Result<Person>> {
    const target = this.manageable(principal, personId);
    if (!target.ok) return target;
    if (target.value.active !== 1) return refuse(409, "this person is deactivated", "person_deactivated");
    const before = target.value.status;
    await this.applyStatus(personId, status);
    this.w.audit.record(principal, { action: "person.status", target: `person:${personId}`, targetName: target.value.name, oldValue: before, newValue: status });
    return ok(this.person(personId));
  }

  /**
   * Sessions end at once and open sockets close; their conversations go back to routing with the reason
   * "agent deactivated". The email stays reserved, so reactivating restores the same account.
   */
  async deactivate(principal: Principal, personId: string): Promise<Result<Person>> {
    const target = this.manageable(principal, personId);
    if (!target.ok) return target;
    if (personId === principal.personId) return refuse(409, "you cannot deactivate yourself", "cannot_deactivate_self");
    if (target.value.role === "admin" && this.adminCount() === 1) return refuse(409, "this is the workspace's last admin", "last_admin");
    if (target.value.active !== 1) return ok(this.person(personId));
    this.w.ctx.storage.transactionSync(() => {
      this.w.sql.exec("UPDATE people SET active = 0, status = 'away', status_changed_at = ? WHERE id = ?", Date.now(), personId);
      this.w.sessions.endAllOf(personId);
      this.w.tickets.forgetPerson(personId);
      this.w.audit.record(principal, { action: "person.deactivate", target: `person:${personId}`, targetName: target.value.name, oldValue: { active: true }, newValue: { active: false } });
    });
    // Sockets of every number, not only the ones they are a member of now: a supervisor may watch any.
    await Promise.all(this.w.numbers.allIds().map((id) => this.w.env.NUMBER_INBOX.getByName(id).agentDeactivated(personId)));
    await this.w.fanout.pushAll();
    return ok(this.person(personId));
  }

  async reactivate(principal: Principal, personId: string): Promise<Result<Person>> {
    const target = this.manageable(principal, personId);
    if (!target.ok) return target;
    if (target.value.active === 1) return ok(this.person(personId));
    this.w.sql.exec("UPDATE people SET active = 1, sign_in_throttle = NULL WHERE id = ?", personId);
    this.w.audit.record(principal, { action: "person.reactivate", target: `person:${personId}`, targetName: target.value.name, oldValue: { active: false }, newValue: { active: true } });
    await this.w.fanout.pushAll();
    return ok(this.person(personId));
  }

  async changePassword(principal: Principal, currentPassword: string, newPassword: string, keepToken: string): Promise<Result<{ ok: true }>> {
    const person = this.w.sql.exec<PersonRow>("SELECT * FROM people WHERE id = ?", principal.personId).one();
    if (!(await verifyPassword(currentPassword, person.password_hash))) return refuse(403, "the current password is wrong", "password_wrong");
    const hash = await hashPassword(newPassword);
    const keep = await sha256Base64Url(keepToken);
    this.w.ctx.storage.transactionSync(() => {
      this.w.sql.exec("UPDATE people SET password_hash = ? WHERE id = ?", hash, principal.personId);
      // Other devices signed in with the old password are signed out; this one stays.
      this.w.sessions.endAllOf(principal.personId, keep);
      this.w.audit.record(principal, { action: "person.password", target: `person:${principal.personId}`, targetName: person.name, oldValue: null, newValue: "(changed by themselves)" });
    });
    return ok({ ok: true });
  }

  async rename(principal: Principal, name: string): Promise<Me> {
    this.w.sql.exec("UPDATE people SET name = ? WHERE id = ?", name, principal.personId);
    await this.w.fanout.pushAll();
    return this.describe(principal.personId);
  }

  /** Whom a principal may manage: supervisors manage everyone but admins; nobody manages a stranger. */
  manageable(principal: Principal, personId: string): Result<PersonRow> {
    if (!seesEverything(principal)) return refuse(403, "only supervisors and admins manage people", "supervisors_only");
    const target = this.row(personId);
    if (!target) return refuse(404, `no person ${personId} in this workspace`, "not_found");
    if (target.role === "admin" && principal.role !== "admin") return refuse(403, "only an admin manages an admin", "admins_only");
    return ok(target);
  }
}

function pick(person: Person, update: PersonUpdate): Partial<Person> {
  return Object.fromEntries(Object.keys(update).map((k) => [k, person[k as keyof Person]]));
}
