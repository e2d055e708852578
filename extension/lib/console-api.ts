import type { z } from "zod";
import type { Board, Report } from "../../shared/analytics";
import type { AuditEntry, AuditQuery } from "../../shared/audit";
import type { AutomationSettings } from "../../shared/automation";
import type {
  attributeRequestSchema,
  attributeUpdateSchema,
  AttributeDefinition,
  CannedImportResult,
  CannedResponse,
  Tag,
  TagGroup,
  tagGroupRequestSchema,
  tagGroupUpdateSchema,
  tagRequestSchema,
  TagUsage,
  tagUpdateSchema,
} from "../../shared/catalog";
import type { Floor } from "../../shared/floor";
import type { Conversation, Message } from "../../shared/inbox";
import type { ConnectNumberRequest, NumberDetail, UpdateNumberRequest, WebhookSetup } from "../../shared/numbers";
import type { AgentStatus, Invite, InviteRequest, Me, Person, PersonUpdate } from "../../shared/people";
import type { ReportTable } from "../../shared/report-csv";
import type { RoutingSettings, Team, teamRequestSchema, WorkspaceSettings } from "../../shared/routing";
import type { UnreadableDelivery, UnreadableList } from "../../shared/unreadable";
import { ApiClient, refusal } from "./api";

/** What a form sends: the schema's input, so fields the server defaults may be left out. */
type Body<Schema extends z.ZodType> = z.input<Schema>;

/**
 * The supervisor console's routes (the options page). A subclass, so the side panel, which never calls them,
 * does not carry them in its bundle.
 */
export class ConsoleClient extends ApiClient {
  /** A file the server writes (CSV exports), as a Blob to save; errors still carry the server's sentence. */
  private async file(path: string): Promise<Blob> {
    const response = await this.request("GET", path);
    if (!response.ok) throw await refusal(response);
    return response.blob();
  }

  updateMe(request: { name: string }) {
    return this.call<Me>("PUT", "/me", request);
  }
  changePassword(currentPassword: string, newPassword: string) {
    return this.call<{ ok: true }>("PUT", "/me/password", { currentPassword, newPassword });
  }
  people() {
    return this.call<{ people: Person[] }>("GET", "/people");
  }
  updatePerson(id: string, update: PersonUpdate) {
    return this.call<Person>("PUT", `/people/${id}`, update);
  }
  setPersonStatus(id: string, status: AgentStatus) {
    return this.call<Person>("PUT", `/people/${id}/status`, { status });
  }
  deactivatePerson(id: string) {
    return this.call<Person>("POST", `/people/${id}/deactivate`);
  }
  reactivatePerson(id: string) {
    return this.call<Person>("POST", `/people/${id}/reactivate`);
  }
  resetPassword(id: string) {
    return this.call<Invite>("POST", `/people/${id}/password-reset`);
  }
  invite(request: InviteRequest) {
    return this.call<Invite>("POST", "/invites", request);
  }
  invites() {
    return this.call<{ invites: Invite[] }>("GET", "/invites");
  }
  revokeInvite(id: string) {
    return this.call<{ ok: true }>("DELETE", `/invites/${id}`);
  }
  numbers() {
    return this.call<{ numbers: NumberDetail[] }>("GET", "/numbers");
  }
  /** What a number's webhooks carried that no conversation could hold (issue #19). */
  unreadable(phoneNumberId: string) {
    return this.call<UnreadableList>("GET", `/numbers/${phoneNumberId}/unreadable`);
  }
  unreadableDelivery(phoneNumberId: string, id: string) {
    return this.call<UnreadableDelivery>("GET", `/numbers/${phoneNumberId}/unreadable/${id}`);
  }
  dismissUnreadable(phoneNumberId: string, id: string) {
    return this.call<{ ok: true }>("POST", `/numbers/${phoneNumberId}/unreadable/${id}/dismiss`);
  }
  connectNumber(request: ConnectNumberRequest) {
    return this.call<NumberDetail>("POST", "/numbers", request);
  }
  updateNumber(phoneNumberId: string, update: UpdateNumberRequest) {
    return this.call<NumberDetail>("PUT", `/numbers/${phoneNumberId}`, update);
  }
  checkNumber(phoneNumberId: string) {
    return this.call<NumberDetail>("POST", `/numbers/${phoneNumberId}/check`);
  }
  disconnectNumber(phoneNumberId: string) {
    return this.call<NumberDetail>("POST", `/numbers/${phoneNumberId}/disconnect`);
  }
  webhookSetup(phoneNumberId: string) {
    return this.call<WebhookSetup>("GET", `/numbers/${phoneNumberId}/webhook-setup`);
  }
  routing(phoneNumberId: string) {
    return this.call<RoutingSettings>("GET", `/numbers/${phoneNumberId}/routing`);
  }
  saveRouting(phoneNumberId: string, settings: RoutingSettings) {
    return this.call<RoutingSettings>("PUT", `/numbers/${phoneNumberId}/routing`, settings);
  }
  automation(phoneNumberId: string) {
    return this.call<AutomationSettings>("GET", `/numbers/${phoneNumberId}/automation`);
  }
  /** The whole settings, as the server keeps them; it answers with what it saved. */
  saveAutomation(phoneNumberId: string, settings: AutomationSettings) {
    return this.call<AutomationSettings>("PUT", `/numbers/${phoneNumberId}/automation`, settings);
  }
  workspaceSettings() {
    return this.call<WorkspaceSettings>("GET", "/workspace/settings");
  }
  /** Only the fields given change (the time zone alone, say); the server answers with the whole settings. */
  saveWorkspaceSettings(change: Partial<WorkspaceSettings>) {
    return this.call<WorkspaceSettings>("PUT", "/workspace/settings", change);
  }
  createTeam(request: Body<typeof teamRequestSchema>) {
    return this.call<Team>("POST", "/teams", request);
  }
  updateTeam(id: string, request: Body<typeof teamRequestSchema>) {
    return this.call<Team>("PUT", `/teams/${id}`, request);
  }
  deleteTeam(id: string) {
    return this.call<{ ok: true }>("DELETE", `/teams/${id}`);
  }
  createTagGroup(request: Body<typeof tagGroupRequestSchema>) {
    return this.call<TagGroup>("POST", "/tag-groups", request);
  }
  updateTagGroup(id: string, update: Body<typeof tagGroupUpdateSchema>) {
    return this.call<TagGroup>("PUT", `/tag-groups/${id}`, update);
  }
  deleteTagGroup(id: string) {
    return this.call<{ ok: true }>("DELETE", `/tag-groups/${id}`);
  }
  createTag(request: Body<typeof tagRequestSchema>) {
    return this.call<Tag>("POST", "/tags", request);
  }
  updateTag(id: string, update: Body<typeof tagUpdateSchema>) {
    return this.call<Tag>("PUT", `/tags/${id}`, update);
  }
  deleteTag(id: string) {
    return this.call<{ ok: true; removedFrom: number }>("DELETE", `/tags/${id}`);
  }
  tagUsage() {
    return this.call<{ usage: TagUsage }>("GET", "/tags/usage");
  }
  createAttribute(request: Body<typeof attributeRequestSchema>) {
    return this.call<AttributeDefinition>("POST", "/attributes", request);
  }
  updateAttribute(key: string, update: Body<typeof attributeUpdateSchema>) {
    return this.call<AttributeDefinition>("PUT", `/attributes/${encodeURIComponent(key)}`, update);
  }
  deleteAttribute(key: string) {
    return this.call<{ ok: true }>("DELETE", `/attributes/${encodeURIComponent(key)}`);
  }
  cannedLibrary() {
    return this.call<{ canned: CannedResponse[] }>("GET", "/canned-responses/library");
  }
  exportCannedCsv() {
    return this.file("/canned-responses/export.csv");
  }
  importCannedCsv(csv: string) {
    return this.call<CannedImportResult>("POST", "/canned-responses/import", { csv });
  }
  floor() {
    return this.call<Floor>("GET", "/floor");
  }
  audit(filters: AuditFilters) {
    return this.call<{ entries: AuditEntry[] }>("GET", `/audit${auditQuery(filters)}`);
  }
  /** The whole workspace as one JSON archive (admins only; it carries no credentials). */
  exportWorkspace() {
    return this.file("/workspace/export");
  }
  exportAuditCsv(filters: AuditFilters) {
    return this.file(`/audit/export.csv${auditQuery(filters)}`);
  }
  /** Every number's live figures now; each number's socket then pushes its own as `board` events. */
  board() {
    return this.call<Board>("GET", "/board");
  }
  report(query: ReportParams) {
    return this.call<Report>("GET", `/reports?${reportParams(query)}`);
  }
  /** The server's CSV of one table; the console builds the same file itself from the report it shows. */
  exportReport(query: ReportParams, table: ReportTable) {
    return this.file(`/reports/export.csv?${reportParams(query)}&table=${table}`);
  }
  /** Any conversation with its whole log, read-only: nothing is marked read. */
  review(phoneNumberId: string, conversationId: string) {
    return this.call<{ conversation: Conversation; messages: Message[] }>(
      "GET",
      `/numbers/${encodeURIComponent(phoneNumberId)}/conversations/${encodeURIComponent(conversationId)}/review`,
    );
  }
}

/** A report's range (instants), buckets and filters, as GET /reports takes them. */
export interface ReportParams {
  from: number;
  to: number;
  bucket: "hour" | "day";
  /** First response and resolution times counted in business hours only. */
  businessHours: boolean;
  /** One number; all of them when left out. */
  phoneNumberId?: string;
}

function reportParams(query: ReportParams): string {
  const params = new URLSearchParams({ from: String(query.from), to: String(query.to), bucket: query.bucket, businessHours: String(query.businessHours) });
  if (query.phoneNumberId) params.set("phoneNumberId", query.phoneNumberId);
  return params.toString();
}

export type AuditFilters = Partial<AuditQuery>;

/** The audit filters as a query string; empty filters are left out rather than sent blank. */
function auditQuery(filters: AuditFilters): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) {
    if (value !== undefined && value !== "") params.set(key, String(value));
  }
  const query = params.toString();
  return query ? `?${query}` : "";
}
