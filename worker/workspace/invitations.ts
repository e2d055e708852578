import type { AcceptInviteRequest, Invite, InvitePreview, InviteRequest, Role } from "../../shared/people";
import { sha256Base64Url } from "../lib/bytes";
import { ok, refuse, seesEverything, type Principal, type Result } from "../lib/result";
import { newId, workspaceToken } from "./ids";
import type { Actor, Parts } from "./parts";
import { directoryFor } from "../directory/client";
import { hashPassword } from "./password";

const INVITE_LIFETIME_MS = 7 * 24 * 3600_000;
const RESET_LIFETIME_MS = 24 * 3600_000;

export interface LinkRequest {
  kind: Invite["kind"];
  role: Role;
  numberIds: string[];
  capacity: number | null;
  note: string;
  personId: string | null;
}

/** The invites table: single-use links that create an account (invitation) or set a password (reset). */
export class Invitations {
  constructor(private readonly w: Parts) {}

  async invite(principal: Principal, request: InviteRequest, origin: string): Promise<Result<Invite>> {
    if (!seesEverything(principal)) return refuse(403, "only supervisors and admins invite people", "supervisors_only");
    if (request.role === "admin" && principal.role !== "admin") return refuse(403, "only an admin invites an admin", "admins_only");
    const unknownNumber = request.numberIds.find((id) => !this.w.numbers.row(id));
    if (unknownNumber) return refuse(422, `numberIds: number ${unknownNumber} is not connected`, "invalid_request", { field: "numberIds" });
    const invite = await this.issue(principal, { kind: "invite", role: request.role, numberIds: request.numberIds, capacity: request.capacity, note: request.note, personId: null }, INVITE_LIFETIME_MS, origin);
    this.w.audit.record(principal, { action: "invite.create", target: `invite:${invite.id}`, targetName: request.note || request.role, oldValue: null, newValue: { role: request.role, numberIds: request.numberIds, expiresAt: new Date(invite.expiresAt).toISOString() } });
    return ok(invite);
  }

  async passwordReset(principal: Principal, personId: string, origin: string): Promise<Result<Invite>> {
    const target = this.w.people.manageable(principal, personId);
    if (!target.ok) return target;
    if (target.value.active !== 1) return refuse(409, "reactivate this person first", "person_deactivated");
    const link = await this.issue(principal, { kind: "reset", role: target.value.role, numberIds: [], capacity: null, note: target.value.name, personId }, RESET_LIFETIME_MS, origin);
    this.w.audit.record(principal, { action: "person.password_reset", target: `person:${personId}`, targetName: target.value.name, oldValue: null, newValue: { expiresAt: new Date(link.expiresAt).toISOString() } });
    return ok(link);
  }

  /** What an import hands each person: a link to set a password here, valid as long as an invitation. */
  importLink(actor: Principal, person: { id: string; role: Role; name: string }, origin: string): Promise<Invite> {
    return this.issue(actor, { kind: "reset", role: person.role, numberIds: [], capacity: null, note: person.name, personId: person.id }, INVITE_LIFETIME_MS, origin);
  }

  list(principal: Principal): Result<Invite[]> {
    if (!seesEverything(principal)) return refuse(403, "only supervisors and admins see invitations", "supervisors_only");
    const rows = this.w.sql.exec("SELECT * FROM invites WHERE used_at IS NULL AND expires_at > ? ORDER BY created_at DESC", Date.now()).toArray();
    return ok(rows.map((r) => inviteOf(r)));
  }

  revoke(principal: Principal, inviteId: string): Result<{ ok: true }> {
    if (!seesEverything(principal)) return refuse(403, "only supervisors and admins revoke invitations", "supervisors_only");
    const row = this.w.sql.exec("DELETE FROM invites WHERE id = ? AND used_at IS NULL RETURNING *", inviteId).toArray()[0];
    if (!row) return refuse(404, `no open invitation ${inviteId}`, "not_found");
    this.w.audit.record(principal, { action: "invite.revoke", target: `invite:${inviteId}`, targetName: (row.note as string) || (row.role as string), oldValue: { role: row.role }, newValue: null });
    return ok({ ok: true });
  }

  async preview(token: string): Promise<Result<InvitePreview>> {
    const row = await this.open(token);
    if (!row.ok) return row;
    const r = row.value;
    const email = r.person_id ? (this.w.people.row(r.person_id as string)?.email ?? null) : null;
    const workspaceName = this.w.settings.name()!;
    return ok({ kind: r.kind as Invite["kind"], workspaceName, role: r.role as Role, email, expiresAt: r.expires_at as number });
  }

  /** Accepting an invitation creates the account; accepting a reset sets the password and ends old sessions. */
  async accept(token: string, request: AcceptInviteRequest): Promise<Result<{ email: string }>> {
    const link = await this.open(token);
    if (!link.ok) return link;
    const r = link.value;
    const creator: Actor = { personId: r.created_by as string, name: this.w.people.nameOf(r.created_by as string) };
    const hash = await hashPassword(request.password);
    if (r.kind === "reset") {
      const person = this.w.people.row(r.person_id as string);
      if (!person || person.active !== 1) return refuse(409, "this account is no longer active", "account_deactivated");
      this.w.ctx.storage.transactionSync(() => {
        this.markUsed(r.id as string);
        this.w.people.setPassword(person.id, hash);
        this.w.sessions.endAllOf(person.id);
        this.w.audit.record({ personId: person.id, name: person.name }, { action: "person.password", target: `person:${person.id}`, targetName: person.name, oldValue: null, newValue: "(set with a reset link)" });
      });
      return ok({ email: person.email });
    }
    if (!request.name || !request.email) return refuse(400, "name and email are needed to accept an invitation", "invalid_request", { field: "email" });
    const directory = directoryFor(this.w.env);
    const claimed = await directory.claimEmail(request.email, this.w.settings.id());
    if (!claimed) return refuse(409, `${request.email} already has an account; sign in with it, or use another email`, "email_taken", { email: request.email });
    // Re-read after the await: a second accept of the same link may have won the race.
    const still = this.w.sql.exec("SELECT 1 FROM invites WHERE id = ? AND used_at IS NULL", r.id).toArray().length > 0;
    if (!still) {
      await directory.releaseEmail(request.email);
      return refuse(409, "this invitation was used already", "link_used");
    }
    const numberIds = JSON.parse(r.number_ids as string) as string[];
    this.w.ctx.storage.transactionSync(() => {
      this.markUsed(r.id as string);
      const personId = this.w.people.insert({ name: request.name!, email: request.email!, role: r.role as Role }, hash);
      if (r.capacity !== null) this.w.people.setCapacity(personId, r.capacity as number);
      for (const numberId of numberIds) this.w.numbers.addMember(numberId, personId);
      this.w.audit.record(creator, { action: "invite.accept", target: `person:${personId}`, targetName: request.name!, oldValue: null, newValue: { email: request.email, role: r.role } });
    });
    await Promise.all(numberIds.map((id) => this.w.fanout.pushNumber(id)));
    return ok({ email: request.email });
  }

  private markUsed(id: string): void {
    this.w.sql.exec("UPDATE invites SET used_at = ? WHERE id = ?", Date.now(), id);
  }

  private async issue(principal: Actor, link: LinkRequest, lifetimeMs: number, origin: string): Promise<Invite> {
    const token = workspaceToken(this.w.settings.id());
    const id = newId("i");
    const now = Date.now();
    // A new reset link replaces an older one for the same person.
    if (link.personId) this.w.sql.exec("DELETE FROM invites WHERE person_id = ? AND used_at IS NULL", link.personId);
    this.w.sql.exec(
      `INSERT INTO invites (id, token_hash, kind, role, number_ids, capacity, note, person_id, created_by, created_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      id,
      await sha256Base64Url(token),
      link.kind,
      link.role,
      JSON.stringify(link.numberIds),
      link.capacity,
      link.note,
      link.personId,
      principal.personId,
      now,
      now + lifetimeMs,
    );
    return { ...inviteOf(this.w.sql.exec("SELECT * FROM invites WHERE id = ?", id).one()), url: `${origin}/invite/${token}` };
  }

  private async open(token: string): Promise<Result<Record<string, SqlStorageValue>>> {
    const row = this.w.sql.exec("SELECT * FROM invites WHERE token_hash = ?", await sha256Base64Url(token)).toArray()[0];
    if (!row) return refuse(404, "this link is not valid; ask for a new one", "link_invalid");
    if (row.used_at !== null) return refuse(409, "this link was used already; ask for a new one", "link_used");
    if ((row.expires_at as number) < Date.now()) return refuse(409, "this link has expired; ask for a new one", "link_expired");
    return ok(row);
  }
}

function inviteOf(r: Record<string, SqlStorageValue>): Invite {
  return {
    id: r.id as string,
    kind: r.kind as Invite["kind"],
    role: r.role as Role,
    numberIds: JSON.parse(r.number_ids as string) as string[],
    note: r.note as string,
    personId: (r.person_id as string | null) ?? null,
    createdBy: r.created_by as string,
    createdAt: r.created_at as number,
    expiresAt: r.expires_at as number,
  };
}
