import { DurableObject } from "cloudflare:workers";
import { SQLSchemaMigrations } from "durable-utils/sql-migrations";
import type {
  AcceptInviteRequest,
  Agent,
  AgentStatus,
  CreateAgentRequest,
  Invite,
  InvitePreview,
  InviteRequest,
  Me,
  NumberSummary,
  Person,
  PersonUpdate,
  Role,
  Session,
  WorkspaceEvent,
} from "../../shared/people";
import type { ConnectNumberRequest, NumberDetail, UpdateNumberRequest } from "../../shared/numbers";
import { deploymentMode, deploymentTokenServes } from "../lib/deployment";
import { proveControl } from "./number-proof";
import type { AuditEntry, AuditQuery } from "../../shared/audit";
import type { Floor, FloorAgent } from "../../shared/floor";
import type { CannedImportResult, CannedRequest, TagUsage } from "../../shared/catalog";
import { phoneNumberInfo, type GraphConfig, type GraphResult, type PhoneNumberInfo } from "../graph/client";
import { MissingKeyError, openToken, sealToken } from "../lib/token-vault";
import { queryAudit, recordAudit, type AuditChange } from "./audit-log";
import { readCannedCsv, writeCannedCsv } from "./canned-csv";
import { afterFailure, freshThrottle, lockRemaining, type ThrottleState } from "../lib/sign-in-throttle";
import { automationSettingsSchema, defaultAutomationSettings, type AutomationSettings } from "../../shared/automation";
import type { ReportContext } from "../analytics/merge-report";
import type { Env } from "../env";
import { randomToken, sha256Base64Url } from "../lib/bytes";
import { ok, refuse, seesEverything, type Principal, type Result } from "../lib/result";
import { DEFAULT_GRACE_MS } from "../number-inbox/presence";
import { defaultRoutingSettings, routingSettingsSchema, type RoutingSettings, type Team, type WorkspaceSettings } from "../../shared/routing";
import { buildNumberConfig } from "./number-config";
import type { AttributeDefinition, CannedResponse, Catalog, Tag, TagGroup } from "../../shared/catalog";
import { hashPassword, verifyPassword } from "./password";
import { workspacePolicy } from "../archive/policy";
import { beginStoreImport, finishStoreImport, importStoreRows, importUnfinished, storeInfo, storePage, type Store } from "../archive/store-archive";
import type { Row as ArchiveRow } from "../archive/table-dump";

const SOCKET_TICKET_LIFETIME_MS = 60_000;
const INVITE_LIFETIME_MS = 7 * 24 * 3600_000;
const RESET_LIFETIME_MS = 24 * 3600_000;

interface PersonRow {
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

/** Who the audit log names for what the deployment's operator did with the setup token. */
const OPERATOR = { personId: "operator", name: "Deployment operator" };

/** The same words whoever owns it: a company never learns which other one has a number, nor its id. */
const numberTaken = (phoneNumberId: string) =>
  refuse(409, `number ${phoneNumberId} is connected to another workspace of this deployment; if it is yours, ask the deployment's operator to move it`);

const newId = (prefix: string) => `${prefix}${randomToken(9).replace(/[^a-zA-Z0-9]/g, "x").toLowerCase()}`;

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
        {
          idMonotonicInc: 5,
          description: "supervisor console: deactivation, throttling, invites, sealed number tokens, number health, team supervisors, canned visibility, audit log",
          sql: `
            ALTER TABLE people ADD COLUMN active INTEGER NOT NULL DEFAULT 1;
            ALTER TABLE people ADD COLUMN status_changed_at INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE people ADD COLUMN sign_in_throttle TEXT;
            ALTER TABLE teams ADD COLUMN supervisor_ids TEXT NOT NULL DEFAULT '[]';
            ALTER TABLE numbers ADD COLUMN access_token_sealed TEXT;
            ALTER TABLE numbers ADD COLUMN verified_name TEXT;
            ALTER TABLE numbers ADD COLUMN quality_rating TEXT NOT NULL DEFAULT 'UNKNOWN';
            ALTER TABLE numbers ADD COLUMN checked_at INTEGER;
            ALTER TABLE numbers ADD COLUMN disconnected_at INTEGER;
            ALTER TABLE canned_responses ADD COLUMN team_ids TEXT NOT NULL DEFAULT '[]';
            CREATE TABLE IF NOT EXISTS invites (
              id TEXT PRIMARY KEY, token_hash TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, role TEXT NOT NULL,
              number_ids TEXT NOT NULL DEFAULT '[]', capacity INTEGER, note TEXT NOT NULL DEFAULT '', person_id TEXT,
              created_by TEXT NOT NULL, created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, used_at INTEGER
            );
            CREATE TABLE IF NOT EXISTS audit_log (
              id INTEGER PRIMARY KEY, at INTEGER NOT NULL, actor_id TEXT NOT NULL, actor_name TEXT NOT NULL,
              action TEXT NOT NULL, target TEXT NOT NULL, target_name TEXT NOT NULL, old_value TEXT, new_value TEXT
            );
            CREATE INDEX IF NOT EXISTS audit_by_actor ON audit_log (actor_id, id);
          `,
        },
        {
          idMonotonicInc: 6,
          description: "automation per number: business hours and automatic messages",
          sql: "CREATE TABLE IF NOT EXISTS number_automation (phone_number_id TEXT PRIMARY KEY, settings TEXT NOT NULL)",
        },
        {
          idMonotonicInc: 7,
          description: "numbers the deployment's operator connected, which the deployment's token may serve",
          sql: "ALTER TABLE numbers ADD COLUMN operator_connected INTEGER NOT NULL DEFAULT 0",
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
    const now0 = Date.now();
    const throttle = person?.sign_in_throttle ? (JSON.parse(person.sign_in_throttle) as ThrottleState) : freshThrottle;
    const locked = lockRemaining(throttle, now0);
    if (person && locked > 0) {
      return refuse(429, `too many wrong passwords for this account; try again in ${Math.ceil(locked / 60_000)} min or ask an admin to reset it`);
    }
    // Hash even for an unknown email so the answer takes as long either way.
    const valid = await verifyPassword(password, person?.password_hash ?? "pbkdf2-sha256$100000$AAAAAAAAAAAAAAAAAAAAAA$AAAA");
    if (person && !valid) {
      this.sql.exec("UPDATE people SET sign_in_throttle = ? WHERE id = ?", JSON.stringify(afterFailure(throttle, now0)), person.id);
    }
    if (!person || !valid) return refuse(401, "email or password is wrong");
    if (person.active !== 1) return refuse(401, "this account was deactivated; ask an admin of your team");
    if (person.sign_in_throttle) this.sql.exec("UPDATE people SET sign_in_throttle = NULL WHERE id = ?", person.id);
    const token = `${this.workspaceId()}.${randomToken()}`;
    const now = Date.now();
    this.sql.exec(
      "INSERT INTO sessions (token_hash, person_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
      await sha256Base64Url(token),
      person.id,
      now,
      now + this.sessionLifetimeMs(),
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
    const lifetime = this.sessionLifetimeMs();
    if (row.expires_at - now < lifetime - 3600_000) {
      this.sql.exec("UPDATE sessions SET expires_at = ? WHERE token_hash = ?", now + lifetime, tokenHash);
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
    this.audit(principal, { action: "person.create", target: `person:${id}`, targetName: request.name, oldValue: null, newValue: { email: request.email, role: request.role } });
    return ok(this.agentOf(id));
  }

  /**
   * Connects (or reconnects) a number. Ownership is exclusive and proven: a number another workspace owns is refused
   * first, then Meta must confirm the token reads the number (and lists it in its WABA) before anything is written;
   * the token is then stored sealed, never shown again.
   */
  async connectNumber(principal: Principal, request: ConnectNumberRequest): Promise<Result<NumberDetail>> {
    if (principal.role !== "admin") return refuse(403, "only an admin can connect a number");
    return this.attachNumber(principal, request, { operator: false, moveFrom: null });
  }

  /** The operator's connect (setup token), or the second half of a move: the deployment's token may serve the number. */
  async operatorConnectNumber(request: ConnectNumberRequest, moveFrom: string | null = null): Promise<Result<NumberDetail>> {
    if (!this.exists()) return refuse(404, "no workspace with this id in this deployment");
    return this.attachNumber(OPERATOR, request, { operator: true, moveFrom });
  }

  private async attachNumber(
    actor: Pick<Principal, "personId" | "name">,
    request: ConnectNumberRequest,
    via: { operator: boolean; moveFrom: string | null },
  ): Promise<Result<NumberDetail>> {
    const id = request.phoneNumberId;
    const unknownMember = this.unknownPerson(request.memberIds);
    if (unknownMember) return refuse(422, `memberIds: no person with id ${unknownMember} in this workspace`);
    const directory = this.env.DIRECTORY.getByName("directory");
    const me = this.workspaceId();
    const owner = await directory.ownerOfNumber(id);
    if (owner !== null && owner !== me && owner !== via.moveFrom) return numberTaken(id);
    if (via.moveFrom && owner !== via.moveFrom) return refuse(409, `number ${id} is no longer where the move started; look it up again`);
    const before = via.moveFrom ? undefined : this.numberRow(id);
    const wabaId = request.wabaId ?? (before?.waba_id as string | null | undefined) ?? null;
    const operatorConnected = via.operator || before?.operator_connected === 1;
    const multi = deploymentMode(this.env) === "multi";
    if (multi && !via.operator && wabaId === null) {
      return refuse(422, "wabaId: this deployment serves several companies, so a number is connected with the id of the WhatsApp Business Account it belongs to");
    }
    const sealed = await this.sealIfGiven(id, request.accessToken);
    if (!sealed.ok) return sealed;
    const token = request.accessToken ?? (await this.ownToken(id, before)) ?? (deploymentTokenServes(this.env, { operatorConnected }) ? this.env.WHATSAPP_ACCESS_TOKEN : null);
    if (!token) {
      return refuse(422, "accessToken: this deployment serves several companies, so a company admin proves control of a number with an access token of the business's own (a system user's with whatsapp_business_management and whatsapp_business_messaging) that Meta accepts for it");
    }
    const proof = await proveControl(this.graphWith(token), id, wabaId);
    if (!proof.ok) return proof;
    const claimed = via.moveFrom ? await directory.moveNumber(id, via.moveFrom, me, wabaId) : (await directory.claimNumber(id, wabaId, me)).owner === me;
    if (!claimed) return numberTaken(id);
    const handedOver = via.moveFrom ? await this.env.WORKSPACE.getByName(via.moveFrom).handOverNumber(id) : null;
    const now = Date.now();
    this.ctx.storage.transactionSync(() => {
      this.sql.exec(
        `INSERT INTO numbers (phone_number_id, display_name, display_phone_number, waba_id, connected_at, access_token_sealed, operator_connected) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (phone_number_id) DO UPDATE SET display_name = excluded.display_name,
           display_phone_number = excluded.display_phone_number, waba_id = excluded.waba_id, disconnected_at = NULL,
           access_token_sealed = COALESCE(excluded.access_token_sealed, numbers.access_token_sealed), operator_connected = excluded.operator_connected`,
        id,
        request.displayName,
        proof.value.displayPhoneNumber,
        wabaId,
        now,
        sealed.value,
        operatorConnected ? 1 : 0,
      );
      this.storeCheck(id, proof.value, now);
      this.replaceMemberships(id, request.memberIds);
      this.audit(actor, {
        action: via.moveFrom ? "number.move_in" : before ? "number.reconnect" : "number.connect",
        target: `number:${id}`,
        targetName: request.displayName,
        oldValue: before ? { displayName: before.display_name, connected: before.disconnected_at === null } : handedOver ? { displayName: handedOver.displayName } : null,
        newValue: { displayName: request.displayName, wabaId, memberIds: request.memberIds, accessToken: request.accessToken ? "(replaced)" : "(unchanged)", ...(via.operator ? { by: "deployment operator" } : {}) },
      });
    });
    const pushed = await this.pushNumberConfig(id, via.moveFrom ? { from: via.moveFrom } : undefined);
    if (!pushed.ok) {
      // Only a number whose object still answers to another workspace gets here (storage from before ownership was checked).
      if (!before) {
        this.forgetNumber(id);
        await directory.releaseNumbers([id], me);
      }
      return pushed;
    }
    return ok(await this.numberDetail(id));
  }

  /**
   * The owner gives a number up: audited here, then its object wipes every conversation and closes its sockets (the
   * customers were this company's, not the number's next owner's), and the deployment forgets whose it was.
   */
  async releaseNumber(principal: Principal, phoneNumberId: string, confirm: string): Promise<Result<{ released: string }>> {
    if (principal.role !== "admin") return refuse(403, "only an admin releases a number");
    const row = this.numberRow(phoneNumberId);
    if (!row) return refuse(404, `number ${phoneNumberId} is not connected in this workspace`);
    if (confirm !== phoneNumberId) return refuse(400, "confirm: type the phone number id again to release it; its conversations are deleted from this deployment");
    const wiped = await this.env.NUMBER_INBOX.getByName(phoneNumberId).release(this.workspaceId());
    if (!wiped.ok) return wiped;
    this.ctx.storage.transactionSync(() => {
      this.forgetNumber(phoneNumberId);
      this.audit(principal, { action: "number.release", target: `number:${phoneNumberId}`, targetName: row.display_name as string, oldValue: { displayName: row.display_name, wabaId: row.waba_id }, newValue: null });
    });
    await this.env.DIRECTORY.getByName("directory").releaseNumbers([phoneNumberId], this.workspaceId());
    return ok({ released: phoneNumberId });
  }

  /** The first half of an operator's move: the number leaves this workspace, audited, its conversations going with it. */
  async handOverNumber(phoneNumberId: string): Promise<{ displayName: string } | null> {
    const row = this.numberRow(phoneNumberId);
    if (!row) return null;
    this.ctx.storage.transactionSync(() => {
      this.forgetNumber(phoneNumberId);
      this.audit(OPERATOR, { action: "number.move_out", target: `number:${phoneNumberId}`, targetName: row.display_name as string, oldValue: { displayName: row.display_name }, newValue: { movedTo: "another workspace, by the deployment operator" } });
    });
    return { displayName: row.display_name as string };
  }

  /** What a move needs to know of the number where it is now; for the operator's route only. */
  async numberFacts(phoneNumberId: string): Promise<{ displayName: string; wabaId: string | null } | null> {
    const row = this.numberRow(phoneNumberId);
    return row ? { displayName: row.display_name as string, wabaId: (row.waba_id as string | null) ?? null } : null;
  }

  /** Whose token calls Meta for this number, for the worker's media routes: the sealed text only, opened in the worker. */
  async numberCredentials(phoneNumberId: string): Promise<{ sealed: string | null; operatorConnected: boolean } | null> {
    const row = this.numberRow(phoneNumberId);
    return row ? { sealed: (row.access_token_sealed as string | null) ?? null, operatorConnected: row.operator_connected === 1 } : null;
  }

  private forgetNumber(phoneNumberId: string): void {
    for (const table of ["numbers", "memberships", "number_members", "number_routing", "number_automation", "socket_tickets"]) {
      this.sql.exec(`DELETE FROM ${table} WHERE phone_number_id = ?`, phoneNumberId);
    }
  }

  async updateNumber(principal: Principal, phoneNumberId: string, update: UpdateNumberRequest): Promise<Result<NumberDetail>> {
    if (principal.role !== "admin") return refuse(403, "only an admin changes a number's connection");
    const before = this.numberRow(phoneNumberId);
    if (!before) return refuse(404, `number ${phoneNumberId} is not connected`);
    if (update.memberIds) {
      const unknownMember = this.unknownPerson(update.memberIds);
      if (unknownMember) return refuse(422, `memberIds: no person with id ${unknownMember} in this workspace`);
    }
    const sealed = await this.sealIfGiven(phoneNumberId, update.accessToken);
    if (!sealed.ok) return sealed;
    if (sealed.value && update.accessToken) {
      const proof = await proveControl(this.graphWith(update.accessToken), phoneNumberId, (before.waba_id as string | null) ?? null);
      if (!proof.ok) return proof;
      this.storeCheck(phoneNumberId, proof.value, Date.now());
    }
    const oldMembers = this.explicitMembers(phoneNumberId);
    this.ctx.storage.transactionSync(() => {
      if (update.displayName) this.sql.exec("UPDATE numbers SET display_name = ? WHERE phone_number_id = ?", update.displayName, phoneNumberId);
      if (sealed.value) this.sql.exec("UPDATE numbers SET access_token_sealed = ? WHERE phone_number_id = ?", sealed.value, phoneNumberId);
      if (update.memberIds) this.replaceMemberships(phoneNumberId, update.memberIds);
      this.audit(principal, {
        action: "number.update",
        target: `number:${phoneNumberId}`,
        targetName: (update.displayName ?? before.display_name) as string,
        oldValue: { displayName: before.display_name, memberIds: oldMembers },
        newValue: { displayName: update.displayName ?? before.display_name, memberIds: update.memberIds ?? oldMembers, accessToken: sealed.value ? "(replaced)" : "(unchanged)" },
      });
    });
    await this.pushNumberConfig(phoneNumberId);
    return ok(await this.numberDetail(phoneNumberId));
  }

  /** Asks Meta again: is the token still good, what is the number's quality rating. */
  async checkNumber(principal: Principal, phoneNumberId: string): Promise<Result<NumberDetail>> {
    if (!seesEverything(principal)) return refuse(403, "only supervisors and admins check a number's health");
    const row = this.numberRow(phoneNumberId);
    if (!row) return refuse(404, `number ${phoneNumberId} is not connected`);
    const check = await this.checkWithGraph(phoneNumberId, row);
    if (check.ok) this.storeCheck(phoneNumberId, check.value, Date.now());
    return ok(await this.numberDetail(phoneNumberId, check.ok ? null : check.title));
  }

  /** No more sending; the history stays, readable by supervisors. Connecting again restores it. */
  async disconnectNumber(principal: Principal, phoneNumberId: string): Promise<Result<NumberDetail>> {
    if (principal.role !== "admin") return refuse(403, "only an admin disconnects a number");
    const row = this.numberRow(phoneNumberId);
    if (!row) return refuse(404, `number ${phoneNumberId} is not connected`);
    if (row.disconnected_at === null) {
      this.sql.exec("UPDATE numbers SET disconnected_at = ? WHERE phone_number_id = ?", Date.now(), phoneNumberId);
      this.audit(principal, { action: "number.disconnect", target: `number:${phoneNumberId}`, targetName: row.display_name as string, oldValue: { connected: true }, newValue: { connected: false } });
      await this.pushNumberConfig(phoneNumberId);
    }
    return ok(await this.numberDetail(phoneNumberId));
  }

  async listNumbers(principal: Principal): Promise<Result<NumberDetail[]>> {
    if (!seesEverything(principal)) return refuse(403, "only supervisors and admins manage numbers");
    const ids = this.sql.exec<{ phone_number_id: string }>("SELECT phone_number_id FROM numbers ORDER BY connected_at").toArray();
    return ok(await Promise.all(ids.map((r) => this.numberDetail(r.phone_number_id))));
  }

  async setStatus(principal: Principal, status: AgentStatus): Promise<Agent> {
    await this.applyStatus(principal.personId, status);
    return this.agentOf(principal.personId);
  }

  // ---- people: the console's People page ----

  async listPeople(principal: Principal): Promise<Result<Person[]>> {
    if (!seesEverything(principal)) return refuse(403, "only supervisors and admins see the team's people");
    const ids = this.sql.exec<{ id: string }>("SELECT id FROM people ORDER BY active DESC, created_at").toArray();
    return ok(ids.map((r) => this.personOf(r.id)));
  }

  async updatePerson(principal: Principal, personId: string, update: PersonUpdate): Promise<Result<Person>> {
    const target = this.manageable(principal, personId);
    if (!target.ok) return target;
    if (update.role !== undefined && update.role !== target.value.role && principal.role !== "admin") return refuse(403, "only an admin changes roles");
    if (update.role !== undefined && update.role !== "admin" && target.value.role === "admin" && this.adminCount() === 1) {
      return refuse(409, "this is the workspace's last admin; make someone else admin first");
    }
    const before = this.personOf(personId);
    this.ctx.storage.transactionSync(() => {
      if (update.name !== undefined) this.sql.exec("UPDATE people SET name = ? WHERE id = ?", update.name, personId);
      if (update.role !== undefined) this.sql.exec("UPDATE people SET role = ? WHERE id = ?", update.role, personId);
      if (update.capacity !== undefined) this.sql.exec("UPDATE people SET capacity = ? WHERE id = ?", update.capacity, personId);
      const after = this.personOf(personId);
      this.audit(principal, {
        action: "person.update",
        target: `person:${personId}`,
        targetName: after.name,
        oldValue: pick(before, update),
        newValue: pick(after, update),
      });
    });
    await this.pushAllNumbers();
    return ok(this.personOf(personId));
  }

  /** A supervisor sends a forgotten agent Away (or back to Available); recorded in the audit log. */
  async setPersonStatus(principal: Principal, personId: string, status: AgentStatus): Promise<Result<Person>> {
    const target = this.manageable(principal, personId);
    if (!target.ok) return target;
    if (target.value.active !== 1) return refuse(409, "this person is deactivated");
    const before = target.value.status;
    await this.applyStatus(personId, status);
    this.audit(principal, { action: "person.status", target: `person:${personId}`, targetName: target.value.name, oldValue: before, newValue: status });
    return ok(this.personOf(personId));
  }

  /**
   * Sessions end at once and open sockets close; their conversations go back to routing with the reason
   * "agent deactivated". The email stays reserved, so reactivating restores the same account.
   */
  async deactivatePerson(principal: Principal, personId: string): Promise<Result<Person>> {
    const target = this.manageable(principal, personId);
    if (!target.ok) return target;
    if (personId === principal.personId) return refuse(409, "you cannot deactivate yourself");
    if (target.value.role === "admin" && this.adminCount() === 1) return refuse(409, "this is the workspace's last admin");
    if (target.value.active !== 1) return ok(this.personOf(personId));
    this.ctx.storage.transactionSync(() => {
      this.sql.exec("UPDATE people SET active = 0, status = 'away', status_changed_at = ? WHERE id = ?", Date.now(), personId);
      this.sql.exec("DELETE FROM sessions WHERE person_id = ?", personId);
      this.sql.exec("DELETE FROM socket_tickets WHERE person_id = ?", personId);
      this.audit(principal, { action: "person.deactivate", target: `person:${personId}`, targetName: target.value.name, oldValue: { active: true }, newValue: { active: false } });
    });
    // Sockets of every number, not only the ones they are a member of now: a supervisor may watch any.
    await Promise.all(this.allNumberIds().map((id) => this.env.NUMBER_INBOX.getByName(id).agentDeactivated(personId)));
    await this.pushAllNumbers();
    return ok(this.personOf(personId));
  }

  async reactivatePerson(principal: Principal, personId: string): Promise<Result<Person>> {
    const target = this.manageable(principal, personId);
    if (!target.ok) return target;
    if (target.value.active === 1) return ok(this.personOf(personId));
    this.sql.exec("UPDATE people SET active = 1, sign_in_throttle = NULL WHERE id = ?", personId);
    this.audit(principal, { action: "person.reactivate", target: `person:${personId}`, targetName: target.value.name, oldValue: { active: false }, newValue: { active: true } });
    await this.pushAllNumbers();
    return ok(this.personOf(personId));
  }

  async changePassword(principal: Principal, currentPassword: string, newPassword: string, keepToken: string): Promise<Result<{ ok: true }>> {
    const person = this.sql.exec<PersonRow>("SELECT * FROM people WHERE id = ?", principal.personId).one();
    if (!(await verifyPassword(currentPassword, person.password_hash))) return refuse(403, "the current password is wrong");
    const hash = await hashPassword(newPassword);
    const keep = await sha256Base64Url(keepToken);
    this.ctx.storage.transactionSync(() => {
      this.sql.exec("UPDATE people SET password_hash = ? WHERE id = ?", hash, principal.personId);
      // Other devices signed in with the old password are signed out; this one stays.
      this.sql.exec("DELETE FROM sessions WHERE person_id = ? AND token_hash != ?", principal.personId, keep);
      this.audit(principal, { action: "person.password", target: `person:${principal.personId}`, targetName: person.name, oldValue: null, newValue: "(changed by themselves)" });
    });
    return ok({ ok: true });
  }

  async renameMe(principal: Principal, name: string): Promise<Me> {
    this.sql.exec("UPDATE people SET name = ? WHERE id = ?", name, principal.personId);
    await this.pushAllNumbers();
    return this.describe(principal.personId);
  }

  // ---- invitations and password resets: single-use links ----

  async createInvite(principal: Principal, request: InviteRequest, origin: string): Promise<Result<Invite>> {
    if (!seesEverything(principal)) return refuse(403, "only supervisors and admins invite people");
    if (request.role === "admin" && principal.role !== "admin") return refuse(403, "only an admin invites an admin");
    const unknownNumber = request.numberIds.find((id) => !this.numberRow(id));
    if (unknownNumber) return refuse(422, `numberIds: number ${unknownNumber} is not connected`);
    const invite = await this.issueLink(principal, { kind: "invite", role: request.role, numberIds: request.numberIds, capacity: request.capacity, note: request.note, personId: null }, INVITE_LIFETIME_MS, origin);
    this.audit(principal, { action: "invite.create", target: `invite:${invite.id}`, targetName: request.note || request.role, oldValue: null, newValue: { role: request.role, numberIds: request.numberIds, expiresAt: new Date(invite.expiresAt).toISOString() } });
    return ok(invite);
  }

  async createPasswordReset(principal: Principal, personId: string, origin: string): Promise<Result<Invite>> {
    const target = this.manageable(principal, personId);
    if (!target.ok) return target;
    if (target.value.active !== 1) return refuse(409, "reactivate this person first");
    const link = await this.issueLink(principal, { kind: "reset", role: target.value.role, numberIds: [], capacity: null, note: target.value.name, personId }, RESET_LIFETIME_MS, origin);
    this.audit(principal, { action: "person.password_reset", target: `person:${personId}`, targetName: target.value.name, oldValue: null, newValue: { expiresAt: new Date(link.expiresAt).toISOString() } });
    return ok(link);
  }

  async listInvites(principal: Principal): Promise<Result<Invite[]>> {
    if (!seesEverything(principal)) return refuse(403, "only supervisors and admins see invitations");
    const rows = this.sql.exec("SELECT * FROM invites WHERE used_at IS NULL AND expires_at > ? ORDER BY created_at DESC", Date.now()).toArray();
    return ok(rows.map((r) => inviteOf(r)));
  }

  async revokeInvite(principal: Principal, inviteId: string): Promise<Result<{ ok: true }>> {
    if (!seesEverything(principal)) return refuse(403, "only supervisors and admins revoke invitations");
    const row = this.sql.exec("DELETE FROM invites WHERE id = ? AND used_at IS NULL RETURNING *", inviteId).toArray()[0];
    if (!row) return refuse(404, `no open invitation ${inviteId}`);
    this.audit(principal, { action: "invite.revoke", target: `invite:${inviteId}`, targetName: (row.note as string) || (row.role as string), oldValue: { role: row.role }, newValue: null });
    return ok({ ok: true });
  }

  async previewInvite(token: string): Promise<Result<InvitePreview>> {
    const row = await this.openLink(token);
    if (!row.ok) return row;
    const r = row.value;
    const email = r.person_id ? (this.sql.exec<{ email: string }>("SELECT email FROM people WHERE id = ?", r.person_id).toArray()[0]?.email ?? null) : null;
    const workspaceName = this.workspaceName()!;
    return ok({ kind: r.kind as Invite["kind"], workspaceName, role: r.role as Role, email, expiresAt: r.expires_at as number });
  }

  /** Accepting an invitation creates the account; accepting a reset sets the password and ends old sessions. */
  async acceptInvite(token: string, request: AcceptInviteRequest): Promise<Result<{ email: string }>> {
    const link = await this.openLink(token);
    if (!link.ok) return link;
    const r = link.value;
    const creator = { personId: r.created_by as string, name: this.nameOfPerson(r.created_by as string) };
    const hash = await hashPassword(request.password);
    if (r.kind === "reset") {
      const person = this.sql.exec<PersonRow>("SELECT * FROM people WHERE id = ?", r.person_id).toArray()[0];
      if (!person || person.active !== 1) return refuse(409, "this account is no longer active");
      this.ctx.storage.transactionSync(() => {
        this.sql.exec("UPDATE invites SET used_at = ? WHERE id = ?", Date.now(), r.id);
        this.sql.exec("UPDATE people SET password_hash = ?, sign_in_throttle = NULL WHERE id = ?", hash, person.id);
        this.sql.exec("DELETE FROM sessions WHERE person_id = ?", person.id);
        this.audit({ personId: person.id, name: person.name }, { action: "person.password", target: `person:${person.id}`, targetName: person.name, oldValue: null, newValue: "(set with a reset link)" });
      });
      return ok({ email: person.email });
    }
    if (!request.name || !request.email) return refuse(400, "name and email are needed to accept an invitation");
    const claimed = await this.env.DIRECTORY.getByName("directory").claimEmail(request.email, this.workspaceId());
    if (!claimed) return refuse(409, `${request.email} already has an account; sign in with it, or use another email`);
    // Re-read after the await: a second accept of the same link may have won the race.
    const still = this.sql.exec("SELECT 1 FROM invites WHERE id = ? AND used_at IS NULL", r.id).toArray().length > 0;
    if (!still) {
      await this.env.DIRECTORY.getByName("directory").releaseEmail(request.email);
      return refuse(409, "this invitation was used already");
    }
    let personId = "";
    this.ctx.storage.transactionSync(() => {
      this.sql.exec("UPDATE invites SET used_at = ? WHERE id = ?", Date.now(), r.id);
      personId = this.insertPerson({ name: request.name!, email: request.email!, role: r.role as Role }, hash);
      if (r.capacity !== null) this.sql.exec("UPDATE people SET capacity = ? WHERE id = ?", r.capacity, personId);
      for (const numberId of JSON.parse(r.number_ids as string) as string[]) {
        const position = this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM memberships WHERE phone_number_id = ?", numberId).one().n;
        this.sql.exec("INSERT OR IGNORE INTO memberships (phone_number_id, person_id, position) VALUES (?, ?, ?)", numberId, personId, position);
      }
      this.audit(creator, { action: "invite.accept", target: `person:${personId}`, targetName: request.name!, oldValue: null, newValue: { email: request.email, role: r.role } });
    });
    await Promise.all((JSON.parse(r.number_ids as string) as string[]).map((id) => this.pushNumberConfig(id)));
    return ok({ email: request.email });
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
    const access = await this.numberAccess(principal, phoneNumberId);
    if (access === "not_here") return refuse(404, `number ${phoneNumberId} is not connected in this workspace`);
    if (access === "not_member") return refuse(403, `you are not a member of number ${phoneNumberId}`);
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

  /**
   * The one answer to "may this person touch this number": not at all unless this workspace owns it (the Directory
   * gave it the number, exclusively), and an agent only on the numbers they work on. The worker's number gate and
   * the socket ticket ask it; the number's own object then refuses any other workspace's caller as well.
   */
  async numberAccess(principal: Principal, phoneNumberId: string): Promise<"works_here" | "not_member" | "not_here"> {
    if (principal.workspaceId !== this.workspaceId() || !this.numberRow(phoneNumberId)) return "not_here";
    return this.canUseNumber(principal, phoneNumberId) ? "works_here" : "not_member";
  }

  // ---- workspace archive: export and import into a fresh deployment ----

  private get archiveStore(): Store {
    return { storage: this.ctx.storage, sql: this.sql, policy: workspacePolicy };
  }

  /** What an export reads: this object's tables and schema, and its numbers (with whether each has its own token). */
  async archiveInfo(principal: Principal): Promise<Result<{ id: string; name: string; schemaVersion: number; tables: string[]; numbers: { phoneNumberId: string; ownToken: boolean }[] }>> {
    if (principal.role !== "admin") return refuse(403, "only admins export the workspace's data");
    const listed = this.sql
      .exec<{ phone_number_id: string; own: number }>("SELECT phone_number_id, access_token_sealed IS NOT NULL AS own FROM numbers ORDER BY connected_at")
      .toArray()
      .map((n) => ({ phoneNumberId: n.phone_number_id, ownToken: n.own === 1 }));
    // Only numbers the deployment says are this workspace's: never another company's conversations in this file.
    const directory = this.env.DIRECTORY.getByName("directory");
    const owners = await Promise.all(listed.map((n) => directory.ownerOfNumber(n.phoneNumberId)));
    const numbers = listed.filter((_, i) => owners[i] === this.workspaceId());
    const name = this.workspaceName()!;
    this.audit(principal, { action: "workspace.export", target: `workspace:${this.workspaceId()}`, targetName: name, oldValue: null, newValue: { numbers: numbers.length } });
    return ok({ id: this.workspaceId(), name, ...(await storeInfo(this.archiveStore)), numbers });
  }

  async archivePage(table: string, after: number, limit: number): Promise<{ rows: ArchiveRow[]; next: number | null }> {
    return storePage(this.archiveStore, table, after, limit);
  }

  /** Only into an object that never finished becoming a workspace: a half-done import is wiped and starts again. */
  async beginImport(schemaVersion: number): Promise<Result<{ ok: true }>> {
    if (this.sql.exec("SELECT 1 FROM meta WHERE key = 'id'").toArray().length > 0) {
      return refuse(409, "this workspace already exists in this deployment; an archive imports into a fresh one");
    }
    const refusal = await beginStoreImport(this.archiveStore, schemaVersion, "workspace");
    return refusal ? refuse(422, refusal) : ok({ ok: true });
  }

  async importRows(table: string, rows: ArchiveRow[]): Promise<string | null> {
    return importStoreRows(this.archiveStore, table, rows);
  }

  /**
   * The id goes in last, which is what makes the workspace exist. Then each active person gets a link to set a
   * password here, and every number gets its configuration.
   */
  async finishImport(workspaceId: string, origin: string): Promise<Result<{ name: string; rows: Record<string, number>; people: { name: string; email: string; role: Role; setPasswordUrl: string }[] }>> {
    if (!(await importUnfinished(this.archiveStore))) return refuse(409, "no import of this workspace is under way here; begin it first");
    const name = this.workspaceName();
    if (!name) return refuse(422, "workspace.tables.meta: the archive has no workspace name");
    const admin = this.sql.exec<PersonRow>("SELECT * FROM people WHERE role = 'admin' AND active = 1 ORDER BY created_at LIMIT 1").toArray()[0];
    if (!admin) return refuse(422, "workspace.tables.people: the archive has no active admin, so nobody could manage the workspace");
    const rows = await finishStoreImport(this.archiveStore);
    this.sql.exec("INSERT INTO meta (key, value) VALUES ('id', ?)", workspaceId);
    const importer = { workspaceId, personId: admin.id, name: "Import", role: "admin" as const };
    const people = [];
    for (const p of this.sql.exec<PersonRow>("SELECT * FROM people WHERE active = 1 ORDER BY created_at").toArray()) {
      const link = await this.issueLink(importer, { kind: "reset", role: p.role, numberIds: [], capacity: null, note: p.name, personId: p.id }, INVITE_LIFETIME_MS, origin);
      people.push({ name: p.name, email: p.email, role: p.role, setPasswordUrl: link.url! });
    }
    this.audit(importer, { action: "workspace.import", target: `workspace:${workspaceId}`, targetName: name, oldValue: null, newValue: { people: people.length } });
    await this.pushAllNumbers();
    return ok({ name, rows, people });
  }

  // ---- internals ----

  /** Whether this object is a finished workspace (setup or an import made it one). */
  private exists(): boolean {
    return this.sql.exec("SELECT 1 FROM meta WHERE key = 'id'").toArray().length > 0;
  }

  /** Null only in an object an import is still filling. */
  private workspaceName(): string | null {
    return this.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'name'").toArray()[0]?.value ?? null;
  }

  private workspaceId(): string {
    return this.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'id'").one().value;
  }

  private insertPerson(person: { name: string; email: string; role: Role }, passwordHash: string): string {
    const id = newId("p");
    this.sql.exec(
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

  private principalOf(personId: string): Principal | null {
    const person = this.sql.exec<PersonRow>("SELECT * FROM people WHERE id = ?", personId).toArray()[0];
    if (!person || person.active !== 1) return null;
    return { workspaceId: this.workspaceId(), personId: person.id, name: person.name, role: person.role };
  }

  private agentOf(personId: string): Agent {
    const p = this.sql.exec<PersonRow>("SELECT * FROM people WHERE id = ?", personId).one();
    return { id: p.id, name: p.name, email: p.email, role: p.role, status: p.status };
  }

  private personOf(personId: string): Person {
    const p = this.sql.exec<PersonRow>("SELECT * FROM people WHERE id = ?", personId).one();
    return {
      id: p.id,
      name: p.name,
      email: p.email,
      role: p.role,
      status: p.status,
      statusSince: p.status_changed_at || p.created_at,
      capacity: p.capacity ?? null,
      active: p.active === 1,
      numberIds: this.sql
        .exec<{ phone_number_id: string }>(
          "SELECT phone_number_id FROM number_members WHERE person_id = ? UNION SELECT phone_number_id FROM memberships WHERE person_id = ?",
          personId,
          personId,
        )
        .toArray()
        .map((r) => r.phone_number_id),
      teamIds: this.sql.exec<{ team_id: string }>("SELECT team_id FROM team_members WHERE person_id = ?", personId).toArray().map((r) => r.team_id),
      createdAt: p.created_at,
    };
  }

  /** Whom a principal may manage: supervisors manage everyone but admins; nobody manages a stranger. */
  private manageable(principal: Principal, personId: string): Result<PersonRow> {
    if (!seesEverything(principal)) return refuse(403, "only supervisors and admins manage people");
    const target = this.sql.exec<PersonRow>("SELECT * FROM people WHERE id = ?", personId).toArray()[0];
    if (!target) return refuse(404, `no person ${personId} in this workspace`);
    if (target.role === "admin" && principal.role !== "admin") return refuse(403, "only an admin manages an admin");
    return ok(target);
  }

  private adminCount(): number {
    return this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM people WHERE role = 'admin' AND active = 1").one().n;
  }

  private nameOfPerson(personId: string): string {
    return this.sql.exec<{ name: string }>("SELECT name FROM people WHERE id = ?", personId).toArray()[0]?.name ?? "someone";
  }

  private unknownPerson(ids: string[]): string | undefined {
    return ids.find((id) => this.sql.exec("SELECT 1 FROM people WHERE id = ?", id).toArray().length === 0);
  }

  private audit(actor: Pick<Principal, "personId" | "name">, change: AuditChange): void {
    recordAudit(this.sql, actor, change);
  }

  private async issueLink(
    principal: Principal,
    link: { kind: Invite["kind"]; role: Role; numberIds: string[]; capacity: number | null; note: string; personId: string | null },
    lifetimeMs: number,
    origin: string,
  ): Promise<Invite> {
    const token = `${this.workspaceId()}.${randomToken()}`;
    const id = newId("i");
    const now = Date.now();
    // A new reset link replaces an older one for the same person.
    if (link.personId) this.sql.exec("DELETE FROM invites WHERE person_id = ? AND used_at IS NULL", link.personId);
    this.sql.exec(
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
    return { ...inviteOf(this.sql.exec("SELECT * FROM invites WHERE id = ?", id).one()), url: `${origin}/invite/${token}` };
  }

  private async openLink(token: string): Promise<Result<Record<string, SqlStorageValue>>> {
    const row = this.sql.exec("SELECT * FROM invites WHERE token_hash = ?", await sha256Base64Url(token)).toArray()[0];
    if (!row) return refuse(404, "this link is not valid; ask for a new one");
    if (row.used_at !== null) return refuse(409, "this link was used already; ask for a new one");
    if ((row.expires_at as number) < Date.now()) return refuse(409, "this link has expired; ask for a new one");
    return ok(row);
  }

  private numberRow(phoneNumberId: string): Record<string, SqlStorageValue> | undefined {
    return this.sql.exec("SELECT * FROM numbers WHERE phone_number_id = ?", phoneNumberId).toArray()[0];
  }

  private explicitMembers(phoneNumberId: string): string[] {
    return this.sql
      .exec<{ person_id: string }>("SELECT person_id FROM memberships WHERE phone_number_id = ? ORDER BY position", phoneNumberId)
      .toArray()
      .map((r) => r.person_id);
  }

  private replaceMemberships(phoneNumberId: string, memberIds: string[]): void {
    this.sql.exec("DELETE FROM memberships WHERE phone_number_id = ?", phoneNumberId);
    memberIds.forEach((personId, position) =>
      this.sql.exec("INSERT OR IGNORE INTO memberships (phone_number_id, person_id, position) VALUES (?, ?, ?)", phoneNumberId, personId, position),
    );
  }

  private async sealIfGiven(phoneNumberId: string, token: string | undefined): Promise<Result<string | null>> {
    if (!token) return ok(null);
    try {
      return ok(await sealToken(this.env.TOKEN_ENCRYPTION_KEY, phoneNumberId, token));
    } catch (error) {
      if (error instanceof MissingKeyError) return refuse(503, error.message);
      throw error;
    }
  }

  /** The number's own token, opened only for a call and never leaving the object; null without one. */
  private async ownToken(phoneNumberId: string, row: Record<string, SqlStorageValue> | undefined): Promise<string | null> {
    const sealed = (row?.access_token_sealed as string | null | undefined) ?? null;
    return sealed ? await openToken(this.env.TOKEN_ENCRYPTION_KEY, phoneNumberId, sealed).catch(() => null) : null;
  }

  private graphWith(accessToken: string): GraphConfig {
    return { base: this.env.GRAPH_API_BASE, version: this.env.GRAPH_API_VERSION, accessToken };
  }

  /** Asks Meta about a connected number with the token that serves it: its own, else the deployment's where that may. */
  private async checkWithGraph(phoneNumberId: string, row: Record<string, SqlStorageValue>): Promise<GraphResult<PhoneNumberInfo>> {
    const token = (await this.ownToken(phoneNumberId, row)) ?? (deploymentTokenServes(this.env, { operatorConnected: row.operator_connected === 1 }) ? this.env.WHATSAPP_ACCESS_TOKEN : null);
    if (!token) return { ok: false, code: 0, title: "this number has no access token of its own; an admin enters one (the deployment's token serves only numbers its operator connected)", httpStatus: null };
    return phoneNumberInfo(this.graphWith(token), phoneNumberId);
  }

  private storeCheck(phoneNumberId: string, info: PhoneNumberInfo, now: number): void {
    this.sql.exec(
      "UPDATE numbers SET display_phone_number = ?, verified_name = ?, quality_rating = ?, checked_at = ? WHERE phone_number_id = ?",
      info.displayPhoneNumber,
      info.verifiedName,
      info.qualityRating,
      now,
      phoneNumberId,
    );
  }

  private async numberDetail(phoneNumberId: string, failedCheck: string | null = null): Promise<NumberDetail> {
    const r = this.numberRow(phoneNumberId)!;
    const health = await this.env.NUMBER_INBOX.getByName(phoneNumberId).health();
    const tokenValid = health.tokenValid && failedCheck === null;
    return {
      phoneNumberId,
      wabaId: (r.waba_id as string | null) ?? null,
      displayName: r.display_name as string,
      displayPhoneNumber: r.display_phone_number as string,
      verifiedName: (r.verified_name as string | null) ?? null,
      connected: r.disconnected_at === null,
      connectedAt: r.connected_at as number,
      disconnectedAt: (r.disconnected_at as number | null) ?? null,
      memberIds: this.explicitMembers(phoneNumberId),
      hasOwnToken: r.access_token_sealed !== null,
      deploymentToken: deploymentTokenServes(this.env, { operatorConnected: r.operator_connected === 1 }),
      health: {
        lastWebhookAt: health.lastWebhookAt,
        qualityRating: (r.quality_rating as NumberDetail["health"]["qualityRating"]) ?? "UNKNOWN",
        tokenValid,
        tokenDetail: failedCheck ?? health.detail,
        outboxLength: health.outboxLength,
        openSockets: health.openSockets,
        checkedAt: (r.checked_at as number | null) ?? null,
      },
    };
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
             WHERE m.person_id = ? AND n.disconnected_at IS NULL ORDER BY n.connected_at`,
            personId,
          )
          .toArray();
    return rows.map((r) => ({
      phoneNumberId: r.phone_number_id as string,
      displayName: r.display_name as string,
      displayPhoneNumber: r.display_phone_number as string,
      connected: r.disconnected_at === null,
    }));
  }

  private async applyStatus(personId: string, status: AgentStatus): Promise<void> {
    this.sql.exec(
      "UPDATE people SET status = ?, status_changed_at = CASE WHEN status = ? THEN status_changed_at ELSE ? END WHERE id = ?",
      status,
      status,
      Date.now(),
      personId,
    );
    const numbers = this.sql
      .exec<{ phone_number_id: string }>("SELECT phone_number_id FROM number_members WHERE person_id = ?", personId)
      .toArray();
    await Promise.all(
      numbers.map((n) => this.env.NUMBER_INBOX.getByName(n.phone_number_id).setAgentStatus(personId, status)),
    );
  }

  private async pushNumberConfig(phoneNumberId: string, handover?: { from: string }): Promise<Result<{ ok: true }>> {
    const number = this.sql.exec("SELECT * FROM numbers WHERE phone_number_id = ?", phoneNumberId).one();
    const people = new Map(
      this.sql
        .exec<PersonRow>("SELECT * FROM people WHERE active = 1")
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
      connected: number.disconnected_at === null,
      accessTokenSealed: (number.access_token_sealed as string | null) ?? null,
      operatorConnected: number.operator_connected === 1,
      automation: this.storedAutomation(phoneNumberId),
      explicitMemberIds: this.sql
        .exec<{ person_id: string }>("SELECT person_id FROM memberships WHERE phone_number_id = ? ORDER BY position", phoneNumberId)
        .toArray()
        .map((r) => r.person_id),
      people,
      teams: this.teamList(),
      routing: routingRow ? (JSON.parse(routingRow.settings) as RoutingSettings) : null,
      graceSeconds: this.graceSeconds(),
      timeZone: this.timeZone(),
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
    return this.env.NUMBER_INBOX.getByName(phoneNumberId).configure(config, handover);
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
      .exec<{ id: string; name: string; mode: Team["mode"]; supervisor_ids: string }>("SELECT id, name, mode, supervisor_ids FROM teams ORDER BY created_at")
      .toArray()
      .map((t) => ({
        id: t.id,
        name: t.name,
        mode: t.mode,
        memberIds: members.filter((m) => m.team_id === t.id).map((m) => m.person_id),
        supervisorIds: JSON.parse(t.supervisor_ids) as string[],
      }));
  }

  // ---- catalog: tags, attributes, canned responses ----

  /** What an agent works with: company tags and attributes, company canned responses and their own. */
  async catalog(principal: Principal): Promise<Catalog> {
    return {
      tagGroups: this.tagGroupList(),
      tags: this.tagList(),
      attributes: this.attributeList(),
      canned: this.cannedList("(owner_id IS NULL OR owner_id = ?)", principal.personId).filter((c) => this.cannedVisibleTo(c, principal)),
    };
  }

  /** A company response limited to teams is seen by those teams' members and by every supervisor and admin. */
  private cannedVisibleTo(c: CannedResponse, principal: Principal): boolean {
    if (c.ownerId !== null || c.teamIds.length === 0 || seesEverything(principal)) return true;
    const mine = new Set(this.sql.exec<{ team_id: string }>("SELECT team_id FROM team_members WHERE person_id = ?", principal.personId).toArray().map((r) => r.team_id));
    return c.teamIds.some((id) => mine.has(id));
  }

  private cannedList(where: string, ...args: SqlStorageValue[]): CannedResponse[] {
    return this.sql
      .exec<{ id: string; shortcode: string; title: string; body: string; language: string; owner_id: string | null; team_ids: string }>(
        `SELECT * FROM canned_responses WHERE ${where} ORDER BY owner_id IS NOT NULL, shortcode, language`,
        ...args,
      )
      .toArray()
      .map((r) => ({ id: r.id, shortcode: r.shortcode, title: r.title, body: r.body, language: r.language, ownerId: r.owner_id, teamIds: JSON.parse(r.team_ids) as string[] }));
  }

  /** The whole company library, team-limited responses included: what the console edits and exports. */
  async cannedLibrary(principal: Principal): Promise<Result<CannedResponse[]>> {
    if (!seesEverything(principal)) return refuse(403, "only supervisors and admins manage the company library");
    return ok(this.cannedList("owner_id IS NULL"));
  }

  async exportCanned(principal: Principal): Promise<Result<string>> {
    const library = await this.cannedLibrary(principal);
    if (!library.ok) return library;
    const teams = new Map(this.teamList().map((t) => [t.id, t.name]));
    return ok(writeCannedCsv(library.value, (id) => teams.get(id) ?? id));
  }

  /**
   * Imports a CSV into the company library: a row whose shortcode and language exist updates that response,
   * others are added. Bad rows are reported by row number and skipped; the good ones are saved.
   */
  async importCanned(principal: Principal, csv: string): Promise<Result<CannedImportResult>> {
    if (!seesEverything(principal)) return refuse(403, "only supervisors and admins import into the company library");
    const teams = this.teamList();
    const { outcomes, problem } = readCannedCsv(csv, (name) => teams.find((t) => t.name === name)?.id ?? null);
    if (problem) return refuse(400, `csv: ${problem}`);
    let imported = 0;
    let updated = 0;
    const errors: CannedImportResult["errors"] = [];
    this.ctx.storage.transactionSync(() => {
      for (const outcome of outcomes) {
        if ("error" in outcome) {
          errors.push({ row: outcome.row, message: outcome.error });
          continue;
        }
        const existing = this.sql
          .exec<{ id: string }>("SELECT id FROM canned_responses WHERE owner_id IS NULL AND shortcode = ? AND language = ?", outcome.request.shortcode, outcome.request.language)
          .toArray()[0];
        this.writeCanned(existing?.id ?? newId("c"), outcome.request, null);
        if (existing) updated++;
        else imported++;
      }
      this.audit(principal, { action: "canned.import", target: "canned:library", targetName: "company library", oldValue: null, newValue: { imported, updated, refusedRows: errors.map((e) => e.row) } });
    });
    if (imported + updated > 0) await this.announceCatalogChange();
    return ok({ imported, updated, errors });
  }

  private writeCanned(id: string, request: CannedRequest, ownerId: string | null): void {
    this.sql.exec(
      `INSERT INTO canned_responses (id, shortcode, title, body, language, owner_id, created_at, team_ids) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET shortcode = excluded.shortcode, title = excluded.title, body = excluded.body,
         language = excluded.language, team_ids = excluded.team_ids`,
      id,
      request.shortcode,
      request.title,
      request.body,
      request.language,
      ownerId,
      Date.now(),
      JSON.stringify(ownerId === null ? request.teamIds : []),
    );
  }

  async createTagGroup(principal: Principal, request: { name: string; singleChoice: boolean }): Promise<Result<TagGroup>> {
    if (!seesEverything(principal)) return refuse(403, "only supervisors and admins manage tags");
    const id = newId("g");
    const position = this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM tag_groups").one().n;
    this.sql.exec("INSERT INTO tag_groups (id, name, single_choice, position) VALUES (?, ?, ?, ?)", id, request.name, request.singleChoice ? 1 : 0, position);
    const group = { id, name: request.name, singleChoice: request.singleChoice };
    this.audit(principal, { action: "tag_group.create", target: `tag_group:${id}`, targetName: request.name, oldValue: null, newValue: group });
    await this.pushAllNumbers();
    return ok(group);
  }

  async updateTagGroup(principal: Principal, id: string, update: { name?: string; singleChoice?: boolean }): Promise<Result<TagGroup>> {
    if (!seesEverything(principal)) return refuse(403, "only supervisors and admins manage tags");
    const before = this.tagGroupList().find((g) => g.id === id);
    if (!before) return refuse(404, `no tag group ${id}`);
    const after = { ...before, ...update };
    this.sql.exec("UPDATE tag_groups SET name = ?, single_choice = ? WHERE id = ?", after.name, after.singleChoice ? 1 : 0, id);
    this.audit(principal, { action: "tag_group.update", target: `tag_group:${id}`, targetName: after.name, oldValue: before, newValue: after });
    await this.pushAllNumbers();
    return ok(after);
  }

  /** Its tags stay, ungrouped: deleting a group must not strip tags off customers. */
  async deleteTagGroup(principal: Principal, id: string): Promise<Result<{ ok: true }>> {
    if (!seesEverything(principal)) return refuse(403, "only supervisors and admins manage tags");
    const before = this.tagGroupList().find((g) => g.id === id);
    if (!before) return refuse(404, `no tag group ${id}`);
    this.ctx.storage.transactionSync(() => {
      this.sql.exec("UPDATE tags SET group_id = NULL WHERE group_id = ?", id);
      this.sql.exec("DELETE FROM tag_groups WHERE id = ?", id);
      this.audit(principal, { action: "tag_group.delete", target: `tag_group:${id}`, targetName: before.name, oldValue: before, newValue: null });
    });
    await this.pushAllNumbers();
    return ok({ ok: true });
  }

  async createTag(principal: Principal, request: { name: string; color: string; groupId: string | null }): Promise<Result<Tag>> {
    if (!seesEverything(principal)) return refuse(403, "only supervisors and admins manage tags");
    const problem = this.tagProblem(null, request.name, request.groupId);
    if (problem) return problem;
    const id = newId("t");
    const position = this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM tags").one().n;
    this.sql.exec("INSERT INTO tags (id, name, color, group_id, position) VALUES (?, ?, ?, ?, ?)", id, request.name, request.color, request.groupId, position);
    const tag = { id, name: request.name, color: request.color, groupId: request.groupId };
    this.audit(principal, { action: "tag.create", target: `tag:${id}`, targetName: request.name, oldValue: null, newValue: tag });
    await this.pushAllNumbers();
    return ok(tag);
  }

  /** Contacts carry the tag's id, so a rename shows everywhere at once, in every number and every panel. */
  async updateTag(principal: Principal, id: string, update: { name?: string; color?: string; groupId?: string | null }): Promise<Result<Tag>> {
    if (!seesEverything(principal)) return refuse(403, "only supervisors and admins manage tags");
    const before = this.tagList().find((t) => t.id === id);
    if (!before) return refuse(404, `no tag ${id}`);
    const after = { ...before, ...update };
    const problem = this.tagProblem(id, after.name, after.groupId);
    if (problem) return problem;
    this.sql.exec("UPDATE tags SET name = ?, color = ?, group_id = ? WHERE id = ?", after.name, after.color, after.groupId, id);
    this.audit(principal, { action: before.name !== after.name ? "tag.rename" : "tag.update", target: `tag:${id}`, targetName: after.name, oldValue: before, newValue: after });
    await this.pushAllNumbers();
    return ok(after);
  }

  async deleteTag(principal: Principal, id: string): Promise<Result<{ ok: true; removedFrom: number }>> {
    if (!seesEverything(principal)) return refuse(403, "only supervisors and admins manage tags");
    const before = this.tagList().find((t) => t.id === id);
    if (!before) return refuse(404, `no tag ${id}`);
    this.sql.exec("DELETE FROM tags WHERE id = ?", id);
    const removed = await Promise.all(this.allNumberIds().map((n) => this.env.NUMBER_INBOX.getByName(n).removeTag(id)));
    const removedFrom = removed.reduce((a, b) => a + b, 0);
    this.audit(principal, { action: "tag.delete", target: `tag:${id}`, targetName: before.name, oldValue: before, newValue: { removedFromContacts: removedFrom } });
    await this.pushAllNumbers();
    return ok({ ok: true, removedFrom });
  }

  /** Summed over every number's object, asked in parallel. */
  async tagUsage(principal: Principal): Promise<Result<TagUsage>> {
    if (!seesEverything(principal)) return refuse(403, "only supervisors and admins manage tags");
    const perNumber = await Promise.all(this.allNumberIds().map((n) => this.env.NUMBER_INBOX.getByName(n).tagUsage()));
    const usage: TagUsage = {};
    for (const tag of this.tagList()) usage[tag.id] = { contacts: 0, conversations: 0 };
    for (const counts of perNumber) {
      for (const [tagId, c] of Object.entries(counts)) {
        const sum = (usage[tagId] ??= { contacts: 0, conversations: 0 });
        sum.contacts += c.contacts;
        sum.conversations += c.conversations;
      }
    }
    return ok(usage);
  }

  /** Canned responses are not part of a number's configuration, so their changes are announced separately. */
  private async announceCatalogChange(): Promise<void> {
    await Promise.all(this.allNumberIds().map((n) => this.env.NUMBER_INBOX.getByName(n).catalogChanged()));
  }

  private tagProblem(id: string | null, name: string, groupId: string | null) {
    if (groupId && this.sql.exec("SELECT 1 FROM tag_groups WHERE id = ?", groupId).toArray().length === 0) return refuse(422, `groupId: no tag group ${groupId}`);
    if (this.sql.exec("SELECT 1 FROM tags WHERE name = ? AND id IS NOT ?", name, id).toArray().length > 0) return refuse(409, `a tag named ${name} exists`);
    return null;
  }

  private tagGroupList(): TagGroup[] {
    return this.sql
      .exec<{ id: string; name: string; single_choice: number }>("SELECT * FROM tag_groups ORDER BY position")
      .toArray()
      .map((g) => ({ id: g.id, name: g.name, singleChoice: g.single_choice === 1 }));
  }

  private allNumberIds(): string[] {
    return this.sql.exec<{ phone_number_id: string }>("SELECT phone_number_id FROM numbers").toArray().map((n) => n.phone_number_id);
  }

  async createAttribute(principal: Principal, request: AttributeDefinition): Promise<Result<AttributeDefinition>> {
    if (!seesEverything(principal)) return refuse(403, "only supervisors and admins define contact attributes");
    if (this.sql.exec("SELECT 1 FROM attribute_defs WHERE key = ?", request.key).toArray().length > 0) return refuse(409, `attribute ${request.key} exists`);
    return this.writeAttribute(principal, request, null);
  }

  async updateAttribute(principal: Principal, key: string, update: Omit<AttributeDefinition, "key">): Promise<Result<AttributeDefinition>> {
    if (!seesEverything(principal)) return refuse(403, "only supervisors and admins define contact attributes");
    const before = this.attributeList().find((a) => a.key === key);
    if (!before) return refuse(404, `no attribute ${key}`);
    return this.writeAttribute(principal, { ...update, key }, before);
  }

  /** Values already stored on contacts stay in the history but are no longer shown or editable. */
  async deleteAttribute(principal: Principal, key: string): Promise<Result<{ ok: true }>> {
    if (!seesEverything(principal)) return refuse(403, "only supervisors and admins define contact attributes");
    const before = this.attributeList().find((a) => a.key === key);
    if (!before) return refuse(404, `no attribute ${key}`);
    this.sql.exec("DELETE FROM attribute_defs WHERE key = ?", key);
    this.audit(principal, { action: "attribute.delete", target: `attribute:${key}`, targetName: before.labelEn, oldValue: before, newValue: null });
    await this.pushAllNumbers();
    return ok({ ok: true });
  }

  private async writeAttribute(principal: Principal, request: AttributeDefinition, before: AttributeDefinition | null): Promise<Result<AttributeDefinition>> {
    if ((request.type === "single_choice" || request.type === "multi_choice") && request.options.length === 0) {
      return refuse(400, "options: a choice attribute needs at least one option");
    }
    const position = before ? null : this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM attribute_defs").one().n;
    this.sql.exec(
      `INSERT INTO attribute_defs (key, label_en, label_zh, type, options, agents_can_edit, position) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET label_en = excluded.label_en, label_zh = excluded.label_zh, type = excluded.type,
         options = excluded.options, agents_can_edit = excluded.agents_can_edit`,
      request.key,
      request.labelEn,
      request.labelZh,
      request.type,
      JSON.stringify(request.options),
      request.agentsCanEdit ? 1 : 0,
      position ?? 0,
    );
    this.audit(principal, { action: before ? "attribute.update" : "attribute.create", target: `attribute:${request.key}`, targetName: request.labelEn, oldValue: before, newValue: request });
    await this.pushAllNumbers();
    return ok(request);
  }

  /** Agents keep personal responses; company ones are edited by supervisors. */
  async saveCanned(principal: Principal, id: string | null, request: CannedRequest): Promise<Result<CannedResponse>> {
    const company = request.company;
    if (company && !seesEverything(principal)) return refuse(403, "only supervisors and admins edit the company library");
    const unknownTeam = request.teamIds.find((t) => this.sql.exec("SELECT 1 FROM teams WHERE id = ?", t).toArray().length === 0);
    if (unknownTeam) return refuse(422, `teamIds: no team ${unknownTeam}`);
    const ownerId = company ? null : principal.personId;
    let before: CannedResponse | undefined;
    if (id) {
      before = this.cannedList("id = ?", id)[0];
      if (!before) return refuse(404, `no canned response ${id}`);
      if (before.ownerId === null ? !seesEverything(principal) : before.ownerId !== principal.personId) return refuse(403, "this canned response is not yours to edit");
    }
    const savedId = id ?? newId("c");
    this.writeCanned(savedId, request, ownerId);
    const saved = this.cannedList("id = ?", savedId)[0]!;
    if (saved.ownerId === null) {
      this.audit(principal, { action: id ? "canned.update" : "canned.create", target: `canned:${savedId}`, targetName: `/${saved.shortcode}`, oldValue: before ?? null, newValue: saved });
      await this.announceCatalogChange();
    }
    return ok(saved);
  }

  async deleteCanned(principal: Principal, id: string): Promise<Result<{ ok: true }>> {
    const row = this.cannedList("id = ?", id)[0];
    if (!row) return refuse(404, `no canned response ${id}`);
    if (row.ownerId === null ? !seesEverything(principal) : row.ownerId !== principal.personId) return refuse(403, "this canned response is not yours to delete");
    this.sql.exec("DELETE FROM canned_responses WHERE id = ?", id);
    if (row.ownerId === null) {
      this.audit(principal, { action: "canned.delete", target: `canned:${id}`, targetName: `/${row.shortcode}`, oldValue: row, newValue: null });
      await this.announceCatalogChange();
    }
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

  async saveTeam(
    principal: Principal,
    teamId: string | null,
    request: { name: string; memberIds: string[]; supervisorIds: string[]; mode: Team["mode"] },
  ): Promise<Result<Team>> {
    if (!seesEverything(principal)) return refuse(403, "only supervisors and admins manage teams");
    const unknown = this.unknownPerson(request.memberIds);
    if (unknown) return refuse(422, `memberIds: no person with id ${unknown} in this workspace`);
    const unknownSupervisor = this.unknownPerson(request.supervisorIds);
    if (unknownSupervisor) return refuse(422, `supervisorIds: no person with id ${unknownSupervisor} in this workspace`);
    const before = teamId ? this.teamList().find((t) => t.id === teamId) : undefined;
    if (teamId && !before) return refuse(404, `no team ${teamId}`);
    const id = teamId ?? newId("t");
    this.ctx.storage.transactionSync(() => {
      this.sql.exec(
        `INSERT INTO teams (id, name, mode, created_at, supervisor_ids) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, mode = excluded.mode, supervisor_ids = excluded.supervisor_ids`,
        id,
        request.name,
        request.mode,
        Date.now(),
        JSON.stringify(request.supervisorIds),
      );
      this.sql.exec("DELETE FROM team_members WHERE team_id = ?", id);
      request.memberIds.forEach((personId, position) =>
        this.sql.exec("INSERT OR IGNORE INTO team_members (team_id, person_id, position) VALUES (?, ?, ?)", id, personId, position),
      );
      const after = this.teamList().find((t) => t.id === id)!;
      this.audit(principal, { action: before ? "team.update" : "team.create", target: `team:${id}`, targetName: after.name, oldValue: before ?? null, newValue: after });
    });
    await this.pushAllNumbers();
    return ok(this.teamList().find((t) => t.id === id)!);
  }

  /** A team still named in a number's rotation cannot go: the rotation would silently lose people. */
  async deleteTeam(principal: Principal, teamId: string): Promise<Result<{ ok: true }>> {
    if (!seesEverything(principal)) return refuse(403, "only supervisors and admins manage teams");
    const before = this.teamList().find((t) => t.id === teamId);
    if (!before) return refuse(404, `no team ${teamId}`);
    const usedBy = this.sql
      .exec<{ phone_number_id: string; settings: string }>("SELECT phone_number_id, settings FROM number_routing")
      .toArray()
      .filter((r) => (JSON.parse(r.settings) as RoutingSettings).rotation.some((e) => e.type === "team" && e.id === teamId))
      .map((r) => this.numberRow(r.phone_number_id)?.display_name ?? r.phone_number_id);
    if (usedBy.length) return refuse(409, `team ${before.name} is in the rotation of ${usedBy.join(", ")}; take it out of the rules first`);
    this.ctx.storage.transactionSync(() => {
      this.sql.exec("DELETE FROM team_members WHERE team_id = ?", teamId);
      this.sql.exec("DELETE FROM teams WHERE id = ?", teamId);
      this.audit(principal, { action: "team.delete", target: `team:${teamId}`, targetName: before.name, oldValue: before, newValue: null });
    });
    await this.pushAllNumbers();
    return ok({ ok: true });
  }

  async routingSettings(principal: Principal, phoneNumberId: string): Promise<Result<RoutingSettings>> {
    if (!this.canUseNumber(principal, phoneNumberId)) return refuse(403, `you do not work on number ${phoneNumberId}`);
    return ok(this.storedRouting(phoneNumberId));
  }

  private storedRouting(phoneNumberId: string): RoutingSettings {
    const row = this.sql.exec<{ settings: string }>("SELECT settings FROM number_routing WHERE phone_number_id = ?", phoneNumberId).toArray()[0];
    // Parsed through the schema so settings saved before a field existed get its default.
    if (row) return routingSettingsSchema.parse(JSON.parse(row.settings));
    return { ...defaultRoutingSettings, rotation: this.explicitMembers(phoneNumberId).map((id) => ({ type: "agent" as const, id })) };
  }

  /** Takes effect for the very next conversation: pushed to the number's object now, never read per message. */
  async saveRoutingSettings(principal: Principal, phoneNumberId: string, settings: RoutingSettings): Promise<Result<RoutingSettings>> {
    if (!seesEverything(principal)) return refuse(403, "only supervisors and admins change assignment rules");
    const number = this.numberRow(phoneNumberId);
    if (!number) return refuse(404, `number ${phoneNumberId} is not connected`);
    for (const entry of settings.rotation) {
      const table = entry.type === "agent" ? "people" : "teams";
      if (this.sql.exec(`SELECT 1 FROM ${table} WHERE id = ?`, entry.id).toArray().length === 0) {
        return refuse(422, `rotation: no ${entry.type} with id ${entry.id} in this workspace`);
      }
    }
    const before = this.storedRouting(phoneNumberId);
    this.ctx.storage.transactionSync(() => {
      this.sql.exec(
        "INSERT INTO number_routing (phone_number_id, settings) VALUES (?, ?) ON CONFLICT (phone_number_id) DO UPDATE SET settings = excluded.settings",
        phoneNumberId,
        JSON.stringify(settings),
      );
      this.audit(principal, { action: "routing.update", target: `number:${phoneNumberId}`, targetName: number.display_name as string, oldValue: before, newValue: settings });
    });
    await this.pushNumberConfig(phoneNumberId);
    return ok(settings);
  }

  // ---- automation per number ----

  private storedAutomation(phoneNumberId: string): AutomationSettings {
    const row = this.sql.exec<{ settings: string }>("SELECT settings FROM number_automation WHERE phone_number_id = ?", phoneNumberId).toArray()[0];
    // Through the schema, so settings saved before a field existed get its default.
    return row ? automationSettingsSchema.parse(JSON.parse(row.settings)) : defaultAutomationSettings;
  }

  async automationSettings(principal: Principal, phoneNumberId: string): Promise<Result<AutomationSettings>> {
    if (!seesEverything(principal)) return refuse(403, "only supervisors and admins see automation settings");
    if (!this.numberRow(phoneNumberId)) return refuse(404, `number ${phoneNumberId} is not connected`);
    return ok(this.storedAutomation(phoneNumberId));
  }

  /** Pushed to the number's object at once: the next customer message follows the new settings. */
  async saveAutomationSettings(principal: Principal, phoneNumberId: string, settings: AutomationSettings): Promise<Result<AutomationSettings>> {
    if (!seesEverything(principal)) return refuse(403, "only supervisors and admins change automation");
    const number = this.numberRow(phoneNumberId);
    if (!number) return refuse(404, `number ${phoneNumberId} is not connected`);
    if (settings.languageAttribute && !this.attributeList().some((a) => a.key === settings.languageAttribute)) {
      return refuse(422, `languageAttribute: no contact attribute ${settings.languageAttribute}`);
    }
    const before = this.storedAutomation(phoneNumberId);
    this.ctx.storage.transactionSync(() => {
      this.sql.exec(
        "INSERT INTO number_automation (phone_number_id, settings) VALUES (?, ?) ON CONFLICT (phone_number_id) DO UPDATE SET settings = excluded.settings",
        phoneNumberId,
        JSON.stringify(settings),
      );
      this.audit(principal, { action: "automation.update", target: `number:${phoneNumberId}`, targetName: number.display_name as string, oldValue: before, newValue: settings });
    });
    await this.pushNumberConfig(phoneNumberId);
    return ok(settings);
  }

  async workspaceSettings(): Promise<WorkspaceSettings> {
    return { graceSeconds: this.graceSeconds(), timeZone: this.timeZone(), sessionDays: this.sessionDays() };
  }

  /** Sessions expire after this many days without use (sliding); 30 unless the workspace chose otherwise. */
  private sessionDays(): number {
    return Number(this.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'session_days'").toArray()[0]?.value ?? 30);
  }

  private sessionLifetimeMs(): number {
    return this.sessionDays() * 86_400_000;
  }

  private timeZone(): string {
    return this.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'time_zone'").toArray()[0]?.value ?? "Asia/Shanghai";
  }

  async saveWorkspaceSettings(principal: Principal, settings: Partial<WorkspaceSettings>): Promise<Result<WorkspaceSettings>> {
    if (!seesEverything(principal)) return refuse(403, "only supervisors and admins change workspace settings");
    const before = await this.workspaceSettings();
    this.ctx.storage.transactionSync(() => {
      const save = (key: string, value: string) =>
        this.sql.exec("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", key, value);
      if (settings.graceSeconds !== undefined) save("grace_seconds", String(settings.graceSeconds));
      if (settings.timeZone !== undefined) save("time_zone", settings.timeZone);
      if (settings.sessionDays !== undefined) {
        save("session_days", String(settings.sessionDays));
        // Shorter from now on for everyone signed in, too: no session outlives the new limit.
        this.sql.exec("UPDATE sessions SET expires_at = MIN(expires_at, ?)", Date.now() + settings.sessionDays * 86_400_000);
      }
      this.audit(principal, { action: "workspace.settings", target: "workspace", targetName: "workspace settings", oldValue: before, newValue: { ...before, ...settings } });
    });
    await this.pushAllNumbers();
    return ok(await this.workspaceSettings());
  }

  // ---- floor and audit ----

  /** Every agent and every queue, asked of the number objects in parallel and merged per person. */
  async floor(principal: Principal): Promise<Result<Floor>> {
    if (!seesEverything(principal)) return refuse(403, "only supervisors and admins watch the floor");
    const numbers = this.sql
      .exec<{ phone_number_id: string; display_name: string }>("SELECT phone_number_id, display_name FROM numbers WHERE disconnected_at IS NULL ORDER BY connected_at")
      .toArray();
    const views = await Promise.all(numbers.map((n) => this.env.NUMBER_INBOX.getByName(n.phone_number_id).floor()));
    const agents = new Map<string, FloorAgent>();
    for (const p of this.sql.exec<PersonRow>("SELECT * FROM people WHERE active = 1 ORDER BY created_at").toArray()) {
      agents.set(p.id, {
        id: p.id,
        name: p.name,
        role: p.role,
        status: p.status,
        statusSince: p.status_changed_at || p.created_at,
        connected: false,
        load: 0,
        capacity: p.capacity ?? null,
        numberIds: [],
      });
    }
    views.forEach((view, i) => {
      for (const a of view.agents) {
        const agent = agents.get(a.id);
        if (!agent) continue;
        agent.connected ||= a.connected;
        agent.load += a.load;
        agent.numberIds.push(numbers[i]!.phone_number_id);
        // Connecting or dropping also starts a new "time in status".
        agent.statusSince = Math.max(agent.statusSince, a.statusSince);
      }
    });
    return ok({
      agents: [...agents.values()],
      queues: numbers.map((n, i) => ({ phoneNumberId: n.phone_number_id, displayName: n.display_name, waiting: views[i]!.waiting })),
      at: Date.now(),
    });
  }

  /** Names for a report or the board: people, teams, connected numbers, tags, and the workspace's time zone. */
  async reportContext(principal: Principal): Promise<Result<ReportContext>> {
    if (!seesEverything(principal)) return refuse(403, "only supervisors and admins read reports");
    return ok({
      timeZone: this.timeZone(),
      people: this.sql.exec<{ id: string; name: string }>("SELECT id, name FROM people ORDER BY active DESC, created_at").toArray().map((p) => ({ id: p.id, name: p.name })),
      teams: this.teamList().map((t) => ({ id: t.id, name: t.name, memberIds: t.memberIds })),
      numbers: this.sql
        .exec<{ phone_number_id: string; display_name: string }>("SELECT phone_number_id, display_name FROM numbers ORDER BY connected_at")
        .toArray()
        .map((n) => ({ phoneNumberId: n.phone_number_id, displayName: n.display_name })),
      tags: this.tagList().map((t) => ({ id: t.id, name: t.name })),
    });
  }

  async auditLog(principal: Principal, query: AuditQuery): Promise<Result<AuditEntry[]>> {
    if (!seesEverything(principal)) return refuse(403, "only supervisors and admins read the audit log");
    return ok(queryAudit(this.sql, query));
  }
}

function pick(person: Person, update: PersonUpdate): Partial<Person> {
  return Object.fromEntries(Object.keys(update).map((k) => [k, person[k as keyof Person]]));
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
