import { DurableObject } from "cloudflare:workers";
import { SQLSchemaMigrations } from "durable-utils/sql-migrations";
import type {
  Agent,
  AgentStatus,
  ConnectNumberRequest,
  CreateAgentRequest,
  Me,
  NumberSummary,
  Role,
  Session,
  WorkspaceEvent,
} from "../../shared/people";
import type { Env } from "../env";
import { randomToken, sha256Base64Url } from "../lib/bytes";
import { ok, refuse, seesEverything, type Principal, type Result } from "../lib/result";
import { DEFAULT_GRACE_MS } from "../number-inbox/presence";
import { defaultRoutingSettings, type RoutingSettings, type Team, type WorkspaceSettings } from "../../shared/routing";
import { buildNumberConfig } from "./number-config";
import type { AttributeDefinition, CannedResponse, Catalog, Tag, TagGroup } from "../../shared/catalog";
import { hashPassword, verifyPassword } from "./password";

const SESSION_LIFETIME_MS = 30 * 24 * 3600_000;
const SOCKET_TICKET_LIFETIME_MS = 60_000;

interface PersonRow {
  id: string;
  name: string;
  email: string;
  role: Role;
  status: AgentStatus;
  password_hash: string;
  [key: string]: SqlStorageValue;
}

/** Bearer tokens and socket tickets start with the workspace id, so a request finds its object without a lookup. */
export function workspaceIdOfToken(token: string): string | null {
  const match = /^(w[a-z0-9]{10,40})\.[A-Za-z0-9_-]{20,}$/.exec(token);
  return match?.[1] ?? null;
}

export class Workspace extends DurableObject<Env> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    const migrations = new SQLSchemaMigrations({
      doStorage: ctx.storage,
      migrations: [
        {
          idMonotonicInc: 1,
          description: "people, sessions, numbers, memberships, socket tickets",
          sql: `
            CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS people (
              id TEXT PRIMARY KEY,
              name TEXT NOT NULL,
              email TEXT NOT NULL UNIQUE,
              role TEXT NOT NULL,
              status TEXT NOT NULL DEFAULT 'away',
              password_hash TEXT NOT NULL,
              created_at INTEGER NOT NULL
            );
            CREATE TABLE IF NOT EXISTS sessions (
              token_hash TEXT PRIMARY KEY,
              person_id TEXT NOT NULL,
              created_at INTEGER NOT NULL,
              expires_at INTEGER NOT NULL
            );
            CREATE TABLE IF NOT EXISTS numbers (
              phone_number_id TEXT PRIMARY KEY,
              display_name TEXT NOT NULL,
              display_phone_number TEXT NOT NULL,
              connected_at INTEGER NOT NULL
            );
            CREATE TABLE IF NOT EXISTS memberships (
              phone_number_id TEXT NOT NULL,
              person_id TEXT NOT NULL,
              position INTEGER NOT NULL,
              PRIMARY KEY (phone_number_id, person_id)
            );
            CREATE TABLE IF NOT EXISTS socket_tickets (
              ticket_hash TEXT PRIMARY KEY,
              person_id TEXT NOT NULL,
              phone_number_id TEXT NOT NULL,
              expires_at INTEGER NOT NULL
            );
          `,
        },
        {
          idMonotonicInc: 2,
          description: "WABA per number, workspace events from account-level webhooks",
          sql: `
            ALTER TABLE numbers ADD COLUMN waba_id TEXT;
            CREATE TABLE IF NOT EXISTS events (
              id INTEGER PRIMARY KEY,
              field TEXT NOT NULL,
              phone_number_id TEXT,
              waba_id TEXT,
              detail TEXT NOT NULL,
              at INTEGER NOT NULL
            );
          `,
        },
        {
          idMonotonicInc: 3,
          description: "teams, capacity, per-number routing rules, derived number membership",
          sql: `
            ALTER TABLE people ADD COLUMN capacity INTEGER;
            CREATE TABLE IF NOT EXISTS teams (
              id TEXT PRIMARY KEY,
              name TEXT NOT NULL,
              mode TEXT NOT NULL DEFAULT 'round_robin',
              created_at INTEGER NOT NULL
            );
            CREATE TABLE IF NOT EXISTS team_members (
              team_id TEXT NOT NULL,
              person_id TEXT NOT NULL,
              position INTEGER NOT NULL,
              PRIMARY KEY (team_id, person_id)
            );
            CREATE TABLE IF NOT EXISTS number_routing (phone_number_id TEXT PRIMARY KEY, settings TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS number_members (
              phone_number_id TEXT NOT NULL,
              person_id TEXT NOT NULL,
              PRIMARY KEY (phone_number_id, person_id)
            );
          `,
        },
        {
          idMonotonicInc: 4,
          description: "company tags and groups, contact attribute definitions, canned responses",
          sql: `
            CREATE TABLE IF NOT EXISTS tag_groups (id TEXT PRIMARY KEY, name TEXT NOT NULL, single_choice INTEGER NOT NULL DEFAULT 0, position INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS tags (id TEXT PRIMARY KEY, name TEXT NOT NULL, color TEXT NOT NULL, group_id TEXT, position INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS attribute_defs (
              key TEXT PRIMARY KEY, label_en TEXT NOT NULL, label_zh TEXT NOT NULL, type TEXT NOT NULL,
              options TEXT NOT NULL DEFAULT '[]', agents_can_edit INTEGER NOT NULL DEFAULT 1, position INTEGER NOT NULL
            );
            CREATE TABLE IF NOT EXISTS canned_responses (
              id TEXT PRIMARY KEY, shortcode TEXT NOT NULL, title TEXT NOT NULL, body TEXT NOT NULL,
              language TEXT NOT NULL, owner_id TEXT, created_at INTEGER NOT NULL
            );
          `,
        },
      ],
    });
    void ctx.blockConcurrencyWhile(async () => {
      await migrations.runAll();
    });
  }

  // ---- creation and sign-in ----

  async initialize(workspaceId: string, name: string, admin: { name: string; email: string; password: string }) {
    if (this.sql.exec("SELECT 1 FROM meta WHERE key = 'id'").toArray().length > 0) {
      return refuse(409, "this workspace already exists");
    }
    const passwordHash = await hashPassword(admin.password);
    this.ctx.storage.transactionSync(() => {
      this.sql.exec("INSERT INTO meta (key, value) VALUES ('id', ?), ('name', ?)", workspaceId, name);
      this.insertPerson({ ...admin, role: "admin" }, passwordHash);
    });
    return ok({ workspaceId });
  }

  async signIn(email: string, password: string): Promise<Result<Session>> {
    const person = this.sql.exec<PersonRow>("SELECT * FROM people WHERE email = ?", email).toArray()[0];
    // Hash even for an unknown email so the answer takes as long either way.
    const valid = await verifyPassword(password, person?.password_hash ?? "pbkdf2-sha256$100000$AAAAAAAAAAAAAAAAAAAAAA$AAAA");
    if (!person || !valid) return refuse(401, "email or password is wrong");
    const token = `${this.workspaceId()}.${randomToken()}`;
    const now = Date.now();
    this.sql.exec(
      "INSERT INTO sessions (token_hash, person_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
      await sha256Base64Url(token),
      person.id,
      now,
      now + SESSION_LIFETIME_MS,
    );
    // A fresh sign-in starts Away: nobody receives conversations before they say they are ready.
    await this.applyStatus(person.id, "away");
    return ok({ token, ...this.describe(person.id) });
  }

  async authenticate(token: string): Promise<Principal | null> {
    const tokenHash = await sha256Base64Url(token);
    const now = Date.now();
    const row = this.sql
      .exec<{ person_id: string; expires_at: number }>("SELECT person_id, expires_at FROM sessions WHERE token_hash = ?", tokenHash)
      .toArray()[0];
    if (!row || row.expires_at < now) return null;
    // Sliding expiry, written at most once an hour per session.
    if (row.expires_at - now < SESSION_LIFETIME_MS - 3600_000) {
      this.sql.exec("UPDATE sessions SET expires_at = ? WHERE token_hash = ?", now + SESSION_LIFETIME_MS, tokenHash);
    }
    return this.principalOf(row.person_id);
  }

  async signOut(token: string): Promise<void> {
    this.sql.exec("DELETE FROM sessions WHERE token_hash = ?", await sha256Base64Url(token));
  }

  async me(principal: Principal): Promise<Me> {
    return this.describe(principal.personId);
  }

  // ---- people and numbers ----

  async createPerson(principal: Principal, request: CreateAgentRequest): Promise<Result<Agent>> {
    if (principal.role !== "admin") return refuse(403, "only an admin can add people");
    const claimed = await this.env.DIRECTORY.getByName("directory").claimEmail(request.email, this.workspaceId());
    if (!claimed) return refuse(409, `${request.email} already has an account`);
    const passwordHash = await hashPassword(request.password);
    const id = this.insertPerson(request, passwordHash);
    return ok(this.agentOf(id));
  }

  async connectNumber(principal: Principal, request: ConnectNumberRequest): Promise<Result<NumberSummary>> {
    if (principal.role !== "admin") return refuse(403, "only an admin can connect a number");
    for (const memberId of request.memberIds) {
      if (this.sql.exec("SELECT 1 FROM people WHERE id = ?", memberId).toArray().length === 0) {
        return refuse(422, `memberIds: no person with id ${memberId} in this workspace`);
      }
    }
    this.ctx.storage.transactionSync(() => {
      this.sql.exec(
        `INSERT INTO numbers (phone_number_id, display_name, display_phone_number, waba_id, connected_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (phone_number_id) DO UPDATE SET display_name = excluded.display_name,
           display_phone_number = excluded.display_phone_number, waba_id = excluded.waba_id`,
        request.phoneNumberId,
        request.displayName,
        request.displayPhoneNumber,
        request.wabaId ?? null,
        Date.now(),
      );
      this.sql.exec("DELETE FROM memberships WHERE phone_number_id = ?", request.phoneNumberId);
      request.memberIds.forEach((personId, position) =>
        this.sql.exec(
          "INSERT INTO memberships (phone_number_id, person_id, position) VALUES (?, ?, ?)",
          request.phoneNumberId,
          personId,
          position,
        ),
      );
    });
    await this.env.DIRECTORY.getByName("directory").registerNumber(request.phoneNumberId, request.wabaId ?? null, this.workspaceId());
    await this.pushNumberConfig(request.phoneNumberId);
    return ok({
      phoneNumberId: request.phoneNumberId,
      displayName: request.displayName,
      displayPhoneNumber: request.displayPhoneNumber,
    });
  }

  async setStatus(principal: Principal, status: AgentStatus): Promise<Agent> {
    await this.applyStatus(principal.personId, status);
    return this.agentOf(principal.personId);
  }

  // ---- account-level webhook events ----

  async recordEvents(changes: { entryId: string; phoneNumberId: string | null; field: string; value: unknown }[]): Promise<void> {
    const now = Date.now();
    for (const change of changes) {
      this.sql.exec(
        "INSERT INTO events (field, phone_number_id, waba_id, detail, at) VALUES (?, ?, ?, ?, ?)",
        change.field,
        change.phoneNumberId,
        change.entryId,
        JSON.stringify(change.value ?? null),
        now,
      );
    }
  }

  /** `detail` is Meta's JSON as text: RPC return types must be serialisable, and `unknown` is not. */
  async listEvents(principal: Principal): Promise<Result<(Omit<WorkspaceEvent, "detail"> & { detail: string })[]>> {
    if (!seesEverything(principal)) return refuse(403, "only supervisors and admins read workspace events");
    const rows = this.sql.exec("SELECT * FROM events ORDER BY id DESC LIMIT 500").toArray();
    return ok(
      rows.map((r) => ({
        id: String(r.id),
        field: r.field as string,
        phoneNumberId: (r.phone_number_id as string | null) ?? null,
        wabaId: (r.waba_id as string | null) ?? null,
        detail: r.detail as string,
        at: r.at as number,
      })),
    );
  }

  // ---- sockets ----

  async issueSocketTicket(principal: Principal, phoneNumberId: string): Promise<Result<{ ticket: string; expiresAt: number }>> {
    if (!this.canUseNumber(principal, phoneNumberId)) return refuse(403, `you are not a member of number ${phoneNumberId}`);
    const ticket = `${this.workspaceId()}.${randomToken()}`;
    const expiresAt = Date.now() + SOCKET_TICKET_LIFETIME_MS;
    this.sql.exec("DELETE FROM socket_tickets WHERE expires_at < ?", Date.now());
    this.sql.exec(
      "INSERT INTO socket_tickets (ticket_hash, person_id, phone_number_id, expires_at) VALUES (?, ?, ?, ?)",
      await sha256Base64Url(ticket),
      principal.personId,
      phoneNumberId,
      expiresAt,
    );
    return ok({ ticket, expiresAt });
  }

  /** Single use: the ticket is deleted whether or not it is still valid. */
  async redeemSocketTicket(ticket: string, phoneNumberId: string): Promise<Principal | null> {
    const ticketHash = await sha256Base64Url(ticket);
    const row = this.sql
      .exec<{ person_id: string; phone_number_id: string; expires_at: number }>(
        "DELETE FROM socket_tickets WHERE ticket_hash = ? RETURNING person_id, phone_number_id, expires_at",
        ticketHash,
      )
      .toArray()[0];
    if (!row || row.expires_at < Date.now() || row.phone_number_id !== phoneNumberId) return null;
    return this.principalOf(row.person_id);
  }

  canUseNumber(principal: Principal, phoneNumberId: string): boolean {
    return this.numbersOf(principal.personId, principal.role).some((n) => n.phoneNumberId === phoneNumberId);
  }

  async assertNumberAccess(principal: Principal, phoneNumberId: string): Promise<boolean> {
    return this.canUseNumber(principal, phoneNumberId);
  }

  // ---- internals ----

  private workspaceId(): string {
    return this.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'id'").one().value;
  }

  private insertPerson(person: { name: string; email: string; role: Role }, passwordHash: string): string {
    const id = `p${randomToken(9).replace(/[-_]/g, "x").toLowerCase()}`;
    this.sql.exec(
      "INSERT INTO people (id, name, email, role, status, password_hash, created_at) VALUES (?, ?, ?, ?, 'away', ?, ?)",
      id,
      person.name,
      person.email,
      person.role,
      passwordHash,
      Date.now(),
    );
    return id;
  }

  private principalOf(personId: string): Principal | null {
    const person = this.sql.exec<PersonRow>("SELECT * FROM people WHERE id = ?", personId).toArray()[0];
    if (!person) return null;
    return { workspaceId: this.workspaceId(), personId: person.id, name: person.name, role: person.role };
  }

  private agentOf(personId: string): Agent {
    const p = this.sql.exec<PersonRow>("SELECT * FROM people WHERE id = ?", personId).one();
    return { id: p.id, name: p.name, email: p.email, role: p.role, status: p.status };
  }

  private describe(personId: string): Me {
    const agent = this.agentOf(personId);
    return { agent, numbers: this.numbersOf(personId, agent.role) };
  }

  /** Supervisors and admins work on every number; agents on the ones they belong to. */
  private numbersOf(personId: string, role: Role): NumberSummary[] {
    const rows = seesEverything({ role })
      ? this.sql.exec("SELECT * FROM numbers ORDER BY connected_at").toArray()
      : this.sql
          .exec(
            `SELECT n.* FROM numbers n JOIN number_members m ON m.phone_number_id = n.phone_number_id
             WHERE m.person_id = ? ORDER BY n.connected_at`,
            personId,
          )
          .toArray();
    return rows.map((r) => ({
      phoneNumberId: r.phone_number_id as string,
      displayName: r.display_name as string,
      displayPhoneNumber: r.display_phone_number as string,
    }));
  }

  private async applyStatus(personId: string, status: AgentStatus): Promise<void> {
    this.sql.exec("UPDATE people SET status = ? WHERE id = ?", status, personId);
    const numbers = this.sql
      .exec<{ phone_number_id: string }>("SELECT phone_number_id FROM number_members WHERE person_id = ?", personId)
      .toArray();
    await Promise.all(
      numbers.map((n) => this.env.NUMBER_INBOX.getByName(n.phone_number_id).setAgentStatus(personId, status)),
    );
  }

  private async pushNumberConfig(phoneNumberId: string): Promise<void> {
    const number = this.sql.exec("SELECT * FROM numbers WHERE phone_number_id = ?", phoneNumberId).one();
    const people = new Map(
      this.sql
        .exec<PersonRow>("SELECT * FROM people")
        .toArray()
        .map((p) => [p.id, { id: p.id, name: p.name, role: p.role, status: p.status, capacity: (p.capacity as number | null) ?? null }]),
    );
    const routingRow = this.sql.exec<{ settings: string }>("SELECT settings FROM number_routing WHERE phone_number_id = ?", phoneNumberId).toArray()[0];
    const config = buildNumberConfig({
      workspaceId: this.workspaceId(),
      number: {
        phoneNumberId,
        wabaId: (number.waba_id as string | null) ?? null,
        displayName: number.display_name as string,
        displayPhoneNumber: number.display_phone_number as string,
      },
      explicitMemberIds: this.sql
        .exec<{ person_id: string }>("SELECT person_id FROM memberships WHERE phone_number_id = ? ORDER BY position", phoneNumberId)
        .toArray()
        .map((r) => r.person_id),
      people,
      teams: this.teamList(),
      routing: routingRow ? (JSON.parse(routingRow.settings) as RoutingSettings) : null,
      graceSeconds: this.graceSeconds(),
      catalog: {
        tags: this.tagList(),
        singleChoiceGroups: this.sql.exec<{ id: string }>("SELECT id FROM tag_groups WHERE single_choice = 1").toArray().map((g) => g.id),
        attributes: this.attributeList(),
      },
    });
    // Who may open the number's inbox follows from its rotation and teams; kept derived for sign-in and checks.
    this.ctx.storage.transactionSync(() => {
      this.sql.exec("DELETE FROM number_members WHERE phone_number_id = ?", phoneNumberId);
      for (const m of config.members) {
        this.sql.exec("INSERT INTO number_members (phone_number_id, person_id) VALUES (?, ?)", phoneNumberId, m.id);
      }
    });
    await this.env.NUMBER_INBOX.getByName(phoneNumberId).configure(config);
  }

  private async pushAllNumbers(): Promise<void> {
    const numbers = this.sql.exec<{ phone_number_id: string }>("SELECT phone_number_id FROM numbers").toArray();
    await Promise.all(numbers.map((n) => this.pushNumberConfig(n.phone_number_id)));
  }

  private graceSeconds(): number {
    const row = this.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'grace_seconds'").toArray()[0];
    return row ? Number(row.value) : DEFAULT_GRACE_MS / 1000;
  }

  private teamList(): Team[] {
    const members = this.sql
      .exec<{ team_id: string; person_id: string }>("SELECT team_id, person_id FROM team_members ORDER BY position")
      .toArray();
    return this.sql
      .exec<{ id: string; name: string; mode: Team["mode"] }>("SELECT id, name, mode FROM teams ORDER BY created_at")
      .toArray()
      .map((t) => ({ id: t.id, name: t.name, mode: t.mode, memberIds: members.filter((m) => m.team_id === t.id).map((m) => m.person_id) }));
  }

  // ---- catalog: tags, attributes, canned responses ----

  /** What an agent works with: company tags and attributes, company canned responses and their own. */
  async catalog(principal: Principal): Promise<Catalog> {
    return {
      tagGroups: this.sql
        .exec<{ id: string; name: string; single_choice: number }>("SELECT * FROM tag_groups ORDER BY position")
        .toArray()
        .map((g) => ({ id: g.id, name: g.name, singleChoice: g.single_choice === 1 })),
      tags: this.tagList(),
      attributes: this.attributeList(),
      canned: this.sql
        .exec<{ id: string; shortcode: string; title: string; body: string; language: string; owner_id: string | null }>(
          "SELECT * FROM canned_responses WHERE owner_id IS NULL OR owner_id = ? ORDER BY owner_id IS NOT NULL, shortcode, language",
          principal.personId,
        )
        .toArray()
        .map((r) => ({ id: r.id, shortcode: r.shortcode, title: r.title, body: r.body, language: r.language, ownerId: r.owner_id })),
    };
  }

  async createTagGroup(principal: Principal, request: { name: string; singleChoice: boolean }): Promise<Result<TagGroup>> {
    if (!seesEverything(principal)) return refuse(403, "only supervisors and admins manage tags");
    const id = `g${randomToken(9).replace(/[^a-zA-Z0-9]/g, "x").toLowerCase()}`;
    const position = this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM tag_groups").one().n;
    this.sql.exec("INSERT INTO tag_groups (id, name, single_choice, position) VALUES (?, ?, ?, ?)", id, request.name, request.singleChoice ? 1 : 0, position);
    await this.pushAllNumbers();
    return ok({ id, name: request.name, singleChoice: request.singleChoice });
  }

  async createTag(principal: Principal, request: { name: string; color: string; groupId: string | null }): Promise<Result<Tag>> {
    if (!seesEverything(principal)) return refuse(403, "only supervisors and admins manage tags");
    if (request.groupId && this.sql.exec("SELECT 1 FROM tag_groups WHERE id = ?", request.groupId).toArray().length === 0) {
      return refuse(422, `groupId: no tag group ${request.groupId}`);
    }
    if (this.sql.exec("SELECT 1 FROM tags WHERE name = ?", request.name).toArray().length > 0) return refuse(409, `a tag named ${request.name} exists`);
    const id = `t${randomToken(9).replace(/[^a-zA-Z0-9]/g, "x").toLowerCase()}`;
    const position = this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM tags").one().n;
    this.sql.exec("INSERT INTO tags (id, name, color, group_id, position) VALUES (?, ?, ?, ?, ?)", id, request.name, request.color, request.groupId, position);
    await this.pushAllNumbers();
    return ok({ id, name: request.name, color: request.color, groupId: request.groupId });
  }

  async createAttribute(principal: Principal, request: AttributeDefinition): Promise<Result<AttributeDefinition>> {
    if (!seesEverything(principal)) return refuse(403, "only supervisors and admins define contact attributes");
    if ((request.type === "single_choice" || request.type === "multi_choice") && request.options.length === 0) {
      return refuse(400, "options: a choice attribute needs at least one option");
    }
    if (this.sql.exec("SELECT 1 FROM attribute_defs WHERE key = ?", request.key).toArray().length > 0) return refuse(409, `attribute ${request.key} exists`);
    const position = this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM attribute_defs").one().n;
    this.sql.exec(
      "INSERT INTO attribute_defs (key, label_en, label_zh, type, options, agents_can_edit, position) VALUES (?, ?, ?, ?, ?, ?, ?)",
      request.key,
      request.labelEn,
      request.labelZh,
      request.type,
      JSON.stringify(request.options),
      request.agentsCanEdit ? 1 : 0,
      position,
    );
    await this.pushAllNumbers();
    return ok(request);
  }

  /** Agents keep personal responses; company ones are edited by supervisors. */
  async saveCanned(
    principal: Principal,
    id: string | null,
    request: { shortcode: string; title: string; body: string; language: string; company: boolean },
  ): Promise<Result<CannedResponse>> {
    const company = request.company;
    if (company && !seesEverything(principal)) return refuse(403, "only supervisors and admins edit the company library");
    const ownerId = company ? null : principal.personId;
    if (id) {
      const row = this.sql.exec<{ owner_id: string | null }>("SELECT owner_id FROM canned_responses WHERE id = ?", id).toArray()[0];
      if (!row) return refuse(404, `no canned response ${id}`);
      if (row.owner_id === null ? !seesEverything(principal) : row.owner_id !== principal.personId) return refuse(403, "this canned response is not yours to edit");
    }
    const newId = id ?? `c${randomToken(9).replace(/[^a-zA-Z0-9]/g, "x").toLowerCase()}`;
    this.sql.exec(
      `INSERT INTO canned_responses (id, shortcode, title, body, language, owner_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET shortcode = excluded.shortcode, title = excluded.title, body = excluded.body, language = excluded.language`,
      newId,
      request.shortcode,
      request.title,
      request.body,
      request.language,
      ownerId,
      Date.now(),
    );
    return ok({ id: newId, shortcode: request.shortcode, title: request.title, body: request.body, language: request.language, ownerId });
  }

  async deleteCanned(principal: Principal, id: string): Promise<Result<{ ok: true }>> {
    const row = this.sql.exec<{ owner_id: string | null }>("SELECT owner_id FROM canned_responses WHERE id = ?", id).toArray()[0];
    if (!row) return refuse(404, `no canned response ${id}`);
    if (row.owner_id === null ? !seesEverything(principal) : row.owner_id !== principal.personId) return refuse(403, "this canned response is not yours to delete");
    this.sql.exec("DELETE FROM canned_responses WHERE id = ?", id);
    return ok({ ok: true });
  }

  private tagList(): Tag[] {
    return this.sql
      .exec<{ id: string; name: string; color: string; group_id: string | null }>("SELECT * FROM tags ORDER BY position")
      .toArray()
      .map((t) => ({ id: t.id, name: t.name, color: t.color, groupId: t.group_id }));
  }

  private attributeList(): AttributeDefinition[] {
    return this.sql
      .exec<{ key: string; label_en: string; label_zh: string; type: AttributeDefinition["type"]; options: string; agents_can_edit: number }>(
        "SELECT * FROM attribute_defs ORDER BY position",
      )
      .toArray()
      .map((a) => ({ key: a.key, labelEn: a.label_en, labelZh: a.label_zh, type: a.type, options: JSON.parse(a.options) as string[], agentsCanEdit: a.agents_can_edit === 1 }));
  }

  // ---- teams and routing rules ----

  async listTeams(): Promise<Team[]> {
    return this.teamList();
  }

  async saveTeam(principal: Principal, teamId: string | null, request: { name: string; memberIds: string[]; mode: Team["mode"] }): Promise<Result<Team>> {
    if (!seesEverything(principal)) return refuse(403, "only supervisors and admins manage teams");
    const unknown = request.memberIds.find((id) => this.sql.exec("SELECT 1 FROM people WHERE id = ?", id).toArray().length === 0);
    if (unknown) return refuse(422, `memberIds: no person with id ${unknown} in this workspace`);
    if (teamId && this.sql.exec("SELECT 1 FROM teams WHERE id = ?", teamId).toArray().length === 0) return refuse(404, `no team ${teamId}`);
    const id = teamId ?? `t${randomToken(9).replace(/[^a-zA-Z0-9]/g, "x").toLowerCase()}`;
    this.ctx.storage.transactionSync(() => {
      this.sql.exec(
        `INSERT INTO teams (id, name, mode, created_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, mode = excluded.mode`,
        id,
        request.name,
        request.mode,
        Date.now(),
      );
      this.sql.exec("DELETE FROM team_members WHERE team_id = ?", id);
      request.memberIds.forEach((personId, position) =>
        this.sql.exec("INSERT OR IGNORE INTO team_members (team_id, person_id, position) VALUES (?, ?, ?)", id, personId, position),
      );
    });
    await this.pushAllNumbers();
    return ok(this.teamList().find((t) => t.id === id)!);
  }

  async routingSettings(principal: Principal, phoneNumberId: string): Promise<Result<RoutingSettings>> {
    if (!this.canUseNumber(principal, phoneNumberId)) return refuse(403, `you do not work on number ${phoneNumberId}`);
    const row = this.sql.exec<{ settings: string }>("SELECT settings FROM number_routing WHERE phone_number_id = ?", phoneNumberId).toArray()[0];
    if (row) return ok(JSON.parse(row.settings) as RoutingSettings);
    const members = this.sql
      .exec<{ person_id: string }>("SELECT person_id FROM memberships WHERE phone_number_id = ? ORDER BY position", phoneNumberId)
      .toArray();
    return ok({ ...defaultRoutingSettings, rotation: members.map((m) => ({ type: "agent" as const, id: m.person_id })) });
  }

  /** Takes effect for the very next conversation: pushed to the number's object now, never read per message. */
  async saveRoutingSettings(principal: Principal, phoneNumberId: string, settings: RoutingSettings): Promise<Result<RoutingSettings>> {
    if (!seesEverything(principal)) return refuse(403, "only supervisors and admins change assignment rules");
    if (this.sql.exec("SELECT 1 FROM numbers WHERE phone_number_id = ?", phoneNumberId).toArray().length === 0) {
      return refuse(404, `number ${phoneNumberId} is not connected`);
    }
    for (const entry of settings.rotation) {
      const table = entry.type === "agent" ? "people" : "teams";
      if (this.sql.exec(`SELECT 1 FROM ${table} WHERE id = ?`, entry.id).toArray().length === 0) {
        return refuse(422, `rotation: no ${entry.type} with id ${entry.id} in this workspace`);
      }
    }
    this.sql.exec(
      "INSERT INTO number_routing (phone_number_id, settings) VALUES (?, ?) ON CONFLICT (phone_number_id) DO UPDATE SET settings = excluded.settings",
      phoneNumberId,
      JSON.stringify(settings),
    );
    await this.pushNumberConfig(phoneNumberId);
    return ok(settings);
  }

  async saveWorkspaceSettings(principal: Principal, settings: WorkspaceSettings): Promise<Result<WorkspaceSettings>> {
    if (!seesEverything(principal)) return refuse(403, "only supervisors and admins change workspace settings");
    this.sql.exec(
      "INSERT INTO meta (key, value) VALUES ('grace_seconds', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      String(settings.graceSeconds),
    );
    await this.pushAllNumbers();
    return ok({ graceSeconds: this.graceSeconds() });
  }

  async updatePerson(principal: Principal, personId: string, update: { capacity: number | null }): Promise<Result<Agent>> {
    if (!seesEverything(principal)) return refuse(403, "only supervisors and admins change an agent's capacity");
    if (this.sql.exec("SELECT 1 FROM people WHERE id = ?", personId).toArray().length === 0) return refuse(404, `no person ${personId}`);
    this.sql.exec("UPDATE people SET capacity = ? WHERE id = ?", update.capacity, personId);
    await this.pushAllNumbers();
    return ok(this.agentOf(personId));
  }
}
