import { DurableObject } from "cloudflare:workers";
import { SQLSchemaMigrations } from "durable-utils/sql-migrations";
import type { AuditEntry, AuditQuery } from "../../shared/audit";
import type { AutomationSettings } from "../../shared/automation";
import type { AttributeDefinition, CannedImportResult, CannedRequest, CannedResponse, Catalog as CatalogView, Tag, TagGroup, TagUsage } from "../../shared/catalog";
import type { Floor } from "../../shared/floor";
import type { ConnectNumberRequest, NumberDetail, UpdateNumberRequest } from "../../shared/numbers";
import type { AcceptInviteRequest, Agent, AgentStatus, CreateAgentRequest, Invite, InvitePreview, InviteRequest, Me, Person, PersonUpdate, Role, Session, WorkspaceEvent } from "../../shared/people";
import type { RoutingSettings, Team, WorkspaceSettings } from "../../shared/routing";
import type { ReportContext } from "../analytics/merge-report";
import type { Row as ArchiveRow } from "../archive/table-dump";
import type { Env } from "../env";
import type { Principal, Result } from "../lib/result";
import { AuditLog } from "./audit-log";
import { AutomationRules } from "./automation-rules";
import { CannedResponses } from "./canned";
import { Catalog } from "./catalog";
import { AccountEvents } from "./events";
import { Fanout } from "./fanout";
import { FloorView } from "./floor";
import { Invitations } from "./invitations";
import { NumberOwnership } from "./number-ownership";
import { Numbers } from "./numbers";
import type { Parts } from "./parts";
import { People } from "./people";
import { workspaceMigrations } from "./schema";
import { Sessions } from "./sessions";
import { Settings } from "./settings";
import { SocketTickets } from "./socket-tickets";
import { Teams } from "./teams";
import { WorkspaceArchive } from "./workspace-archive";
import { countedEnv } from "../bench-probes/call-count";

export { workspaceIdOfToken } from "./ids";


/**
 * One company: its people and sessions, numbers and their ownership, teams and rules, catalogue, automation, audit
 * log and archive. This class is the shell: the RPC surface, each call handed to the concern that owns the tables
 * it touches. Every change is role-checked there, audited in the same step, and pushed to the number objects it
 * affects (fanout.ts); nothing here is read per message.
 *
 * Table of contents (module → tables):
 *   settings.ts        meta                                 sessions.ts       sessions
 *   people.ts          people                               socket-tickets.ts socket_tickets
 *   invitations.ts     invites                              numbers.ts        numbers, memberships, number_members
 *   number-ownership.ts  (the Directory's claim, Meta's proof, release and the operator's move)
 *   teams.ts           teams, team_members, number_routing  automation-rules.ts number_automation
 *   catalog.ts         tag_groups, tags, attribute_defs     canned.ts         canned_responses
 *   events.ts          events                               audit-log.ts      audit_log
 *   floor.ts, fanout.ts, workspace-archive.ts: no tables of their own. schema.ts: the migrations.
 */
export class Workspace extends DurableObject<Env> {
  private readonly w: Parts;

  constructor(ctx: DurableObjectState, env: Env) {
    // The benchmark counts this object's calls to others (BENCH_COUNT_CALLS=1 only; otherwise the env itself).
    super(ctx, (env = countedEnv(env, "Workspace")));
    this.w = assemble(ctx, env);
    const migrations = new SQLSchemaMigrations({ doStorage: ctx.storage, migrations: workspaceMigrations });
    void ctx.blockConcurrencyWhile(async () => {
      await migrations.runAll();
    });
  }

  // ---- creation, sign-in, me ----

  async initialize(workspaceId: string, name: string, admin: { name: string; email: string; password: string }): Promise<Result<{ workspaceId: string }>> {
    return this.w.settings.initialize(workspaceId, name, admin);
  }
  async signIn(email: string, password: string): Promise<Result<Session>> {
    return this.w.sessions.signIn(email, password);
  }
  async authenticate(token: string): Promise<Principal | null> {
    return this.w.sessions.authenticate(token);
  }
  async signOut(token: string): Promise<void> {
    return this.w.sessions.signOut(token);
  }
  async me(principal: Principal): Promise<Me> {
    return this.w.people.describe(principal.personId);
  }
  async setStatus(principal: Principal, status: AgentStatus): Promise<Agent> {
    return this.w.people.setMyStatus(principal, status);
  }
  async renameMe(principal: Principal, name: string): Promise<Me> {
    return this.w.people.rename(principal, name);
  }
  async changePassword(principal: Principal, currentPassword: string, newPassword: string, keepToken: string): Promise<Result<{ ok: true }>> {
    return this.w.people.changePassword(principal, currentPassword, newPassword, keepToken);
  }

  // ---- people ----

  async createPerson(principal: Principal, request: CreateAgentRequest): Promise<Result<Agent>> {
    return this.w.people.create(principal, request);
  }
  async listPeople(principal: Principal): Promise<Result<Person[]>> {
    return this.w.people.list(principal);
  }
  async updatePerson(principal: Principal, personId: string, update: PersonUpdate): Promise<Result<Person>> {
    return this.w.people.update(principal, personId, update);
  }
  async setPersonStatus(principal: Principal, personId: string, status: AgentStatus): Promise<Result<Person>> {
    return this.w.people.setStatusOf(principal, personId, status);
  }
  async deactivatePerson(principal: Principal, personId: string): Promise<Result<Person>> {
    return this.w.people.deactivate(principal, personId);
  }
  async reactivatePerson(principal: Principal, personId: string): Promise<Result<Person>> {
    return this.w.people.reactivate(principal, personId);
  }

  // ---- invitations and password resets ----

  async createInvite(principal: Principal, request: InviteRequest, origin: string): Promise<Result<Invite>> {
    return this.w.invitations.invite(principal, request, origin);
  }
  async createPasswordReset(principal: Principal, personId: string, origin: string): Promise<Result<Invite>> {
    return this.w.invitations.passwordReset(principal, personId, origin);
  }
  async listInvites(principal: Principal): Promise<Result<Invite[]>> {
    return this.w.invitations.list(principal);
  }
  async revokeInvite(principal: Principal, inviteId: string): Promise<Result<{ ok: true }>> {
    return this.w.invitations.revoke(principal, inviteId);
  }
  async previewInvite(token: string): Promise<Result<InvitePreview>> {
    return this.w.invitations.preview(token);
  }
  async acceptInvite(token: string, request: AcceptInviteRequest): Promise<Result<{ email: string }>> {
    return this.w.invitations.accept(token, request);
  }

  // ---- numbers and their ownership ----

  async connectNumber(principal: Principal, request: ConnectNumberRequest): Promise<Result<NumberDetail>> {
    return this.w.ownership.connect(principal, request);
  }
  async operatorConnectNumber(request: ConnectNumberRequest, moveFrom: string | null = null): Promise<Result<NumberDetail>> {
    return this.w.ownership.operatorConnect(request, moveFrom);
  }
  async releaseNumber(principal: Principal, phoneNumberId: string, confirm: string): Promise<Result<{ released: string }>> {
    return this.w.ownership.release(principal, phoneNumberId, confirm);
  }
  async handOverNumber(phoneNumberId: string): Promise<{ displayName: string } | null> {
    return this.w.ownership.handOver(phoneNumberId);
  }
  async numberFacts(phoneNumberId: string): Promise<{ displayName: string; wabaId: string | null } | null> {
    return this.w.ownership.facts(phoneNumberId);
  }
  async numberCredentials(phoneNumberId: string): Promise<{ sealed: string | null; operatorConnected: boolean } | null> {
    return this.w.numbers.credentials(phoneNumberId);
  }
  async numberAccess(principal: Principal, phoneNumberId: string): Promise<"works_here" | "not_member" | "not_here"> {
    return this.w.numbers.access(principal, phoneNumberId);
  }
  async listNumbers(principal: Principal): Promise<Result<NumberDetail[]>> {
    return this.w.numbers.list(principal);
  }
  async updateNumber(principal: Principal, phoneNumberId: string, update: UpdateNumberRequest): Promise<Result<NumberDetail>> {
    return this.w.numbers.update(principal, phoneNumberId, update);
  }
  async checkNumber(principal: Principal, phoneNumberId: string): Promise<Result<NumberDetail>> {
    return this.w.numbers.check(principal, phoneNumberId);
  }
  async disconnectNumber(principal: Principal, phoneNumberId: string): Promise<Result<NumberDetail>> {
    return this.w.numbers.disconnect(principal, phoneNumberId);
  }

  // ---- sockets ----

  async issueSocketTicket(principal: Principal, phoneNumberId: string): Promise<Result<{ ticket: string; expiresAt: number }>> {
    return this.w.tickets.issue(principal, phoneNumberId);
  }
  async redeemSocketTicket(ticket: string, phoneNumberId: string): Promise<Principal | null> {
    return this.w.tickets.redeem(ticket, phoneNumberId);
  }

  // ---- teams, assignment rules, automation, workspace settings ----

  async listTeams(): Promise<Team[]> {
    return this.w.teams.list();
  }
  async saveTeam(principal: Principal, teamId: string | null, request: { name: string; memberIds: string[]; supervisorIds: string[]; mode: Team["mode"]; waitTargetMinutes: number }): Promise<Result<Team>> {
    return this.w.teams.save(principal, teamId, request);
  }
  async deleteTeam(principal: Principal, teamId: string): Promise<Result<{ ok: true }>> {
    return this.w.teams.delete(principal, teamId);
  }
  async routingSettings(principal: Principal, phoneNumberId: string): Promise<Result<RoutingSettings>> {
    return this.w.teams.routing(principal, phoneNumberId);
  }
  async saveRoutingSettings(principal: Principal, phoneNumberId: string, settings: RoutingSettings): Promise<Result<RoutingSettings>> {
    return this.w.teams.saveRouting(principal, phoneNumberId, settings);
  }
  async automationSettings(principal: Principal, phoneNumberId: string): Promise<Result<AutomationSettings>> {
    return this.w.automation.get(principal, phoneNumberId);
  }
  async saveAutomationSettings(principal: Principal, phoneNumberId: string, settings: AutomationSettings): Promise<Result<AutomationSettings>> {
    return this.w.automation.save(principal, phoneNumberId, settings);
  }
  async workspaceSettings(): Promise<WorkspaceSettings> {
    return this.w.settings.current();
  }
  async saveWorkspaceSettings(principal: Principal, settings: Partial<WorkspaceSettings>): Promise<Result<WorkspaceSettings>> {
    return this.w.settings.save(principal, settings);
  }

  // ---- catalogue: tags, attributes, canned responses ----

  async catalog(principal: Principal): Promise<CatalogView> {
    return this.w.catalog.forPerson(principal);
  }
  async createTagGroup(principal: Principal, request: { name: string; singleChoice: boolean }): Promise<Result<TagGroup>> {
    return this.w.catalog.createTagGroup(principal, request);
  }
  async updateTagGroup(principal: Principal, id: string, update: { name?: string; singleChoice?: boolean }): Promise<Result<TagGroup>> {
    return this.w.catalog.updateTagGroup(principal, id, update);
  }
  async deleteTagGroup(principal: Principal, id: string): Promise<Result<{ ok: true }>> {
    return this.w.catalog.deleteTagGroup(principal, id);
  }
  async createTag(principal: Principal, request: { name: string; color: string; groupId: string | null }): Promise<Result<Tag>> {
    return this.w.catalog.createTag(principal, request);
  }
  async updateTag(principal: Principal, id: string, update: { name?: string; color?: string; groupId?: string | null }): Promise<Result<Tag>> {
    return this.w.catalog.updateTag(principal, id, update);
  }
  async deleteTag(principal: Principal, id: string): Promise<Result<{ ok: true; removedFrom: number }>> {
    return this.w.catalog.deleteTag(principal, id);
  }
  async tagUsage(principal: Principal): Promise<Result<TagUsage>> {
    return this.w.catalog.tagUsage(principal);
  }
  async createAttribute(principal: Principal, request: AttributeDefinition): Promise<Result<AttributeDefinition>> {
    return this.w.catalog.createAttribute(principal, request);
  }
  async updateAttribute(principal: Principal, key: string, update: Omit<AttributeDefinition, "key">): Promise<Result<AttributeDefinition>> {
    return this.w.catalog.updateAttribute(principal, key, update);
  }
  async deleteAttribute(principal: Principal, key: string): Promise<Result<{ ok: true }>> {
    return this.w.catalog.deleteAttribute(principal, key);
  }
  async cannedLibrary(principal: Principal): Promise<Result<CannedResponse[]>> {
    return this.w.canned.library(principal);
  }
  async exportCanned(principal: Principal): Promise<Result<string>> {
    return this.w.canned.exportCsv(principal);
  }
  async importCanned(principal: Principal, csv: string): Promise<Result<CannedImportResult>> {
    return this.w.canned.importCsv(principal, csv);
  }
  async saveCanned(principal: Principal, id: string | null, request: CannedRequest): Promise<Result<CannedResponse>> {
    return this.w.canned.save(principal, id, request);
  }
  async deleteCanned(principal: Principal, id: string): Promise<Result<{ ok: true }>> {
    return this.w.canned.delete(principal, id);
  }

  // ---- supervisors: floor, reports, audit log, account events ----

  async floor(principal: Principal): Promise<Result<Floor>> {
    return this.w.floor.floor(principal);
  }
  async reportContext(principal: Principal): Promise<Result<ReportContext>> {
    return this.w.floor.reportContext(principal);
  }
  async auditLog(principal: Principal, query: AuditQuery): Promise<Result<AuditEntry[]>> {
    return this.w.audit.list(principal, query);
  }
  async recordEvents(changes: { entryId: string; phoneNumberId: string | null; field: string; value: unknown }[]): Promise<void> {
    this.w.events.record(changes);
  }
  async listEvents(principal: Principal): Promise<Result<(Omit<WorkspaceEvent, "detail"> & { detail: string })[]>> {
    return this.w.events.list(principal);
  }

  // ---- archive: export, and import into a fresh deployment ----

  async archiveInfo(principal: Principal): Promise<Result<{ id: string; name: string; schemaVersion: number; tables: string[]; numbers: { phoneNumberId: string; ownToken: boolean }[] }>> {
    return this.w.archive.info(principal);
  }
  async archivePage(table: string, after: number, limit: number): Promise<{ rows: ArchiveRow[]; next: number | null }> {
    return this.w.archive.page(table, after, limit);
  }
  async beginImport(schemaVersion: number): Promise<Result<{ ok: true }>> {
    return this.w.archive.begin(schemaVersion);
  }
  async importRows(table: string, rows: ArchiveRow[]): Promise<string | null> {
    return this.w.archive.rows(table, rows);
  }
  async finishImport(workspaceId: string, origin: string): Promise<Result<{ name: string; rows: Record<string, number>; people: { name: string; email: string; role: Role; setPasswordUrl: string }[] }>> {
    return this.w.archive.finish(workspaceId, origin);
  }
}

/** Builds every concern once, each handed the same Parts so it reaches the others through their verbs. */
function assemble(ctx: DurableObjectState, env: Env): Parts {
  const w = { ctx, sql: ctx.storage.sql, env } as { -readonly [K in keyof Parts]: Parts[K] };
  w.settings = new Settings(w);
  w.people = new People(w);
  w.sessions = new Sessions(w);
  w.tickets = new SocketTickets(w);
  w.invitations = new Invitations(w);
  w.numbers = new Numbers(w);
  w.ownership = new NumberOwnership(w);
  w.teams = new Teams(w);
  w.automation = new AutomationRules(w);
  w.catalog = new Catalog(w);
  w.canned = new CannedResponses(w);
  w.events = new AccountEvents(w);
  w.audit = new AuditLog(w.sql);
  w.fanout = new Fanout(w);
  w.floor = new FloorView(w);
  w.archive = new WorkspaceArchive(w);
  return w;
}

