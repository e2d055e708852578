import type { z } from "zod";
import type { AuditEntry, AuditQuery } from "../../shared/audit";
import type {
  attributeRequestSchema,
  attributeUpdateSchema,
  AttributeDefinition,
  CannedImportResult,
  CannedRequest,
  CannedResponse,
  Catalog,
  ContactProfile,
  Tag,
  TagGroup,
  tagGroupRequestSchema,
  tagGroupUpdateSchema,
  tagRequestSchema,
  TagUsage,
  tagUpdateSchema,
} from "../../shared/catalog";
import type { Floor } from "../../shared/floor";
import type { Conversation, ConversationCounts, ConversationView, Message, SearchResult, SendMessageRequest, Template } from "../../shared/inbox";
import type { ConnectNumberRequest, NumberDetail, UpdateNumberRequest, WebhookSetup } from "../../shared/numbers";
import type { Agent, AgentStatus, Invite, InviteRequest, Me, Person, PersonUpdate, Session } from "../../shared/people";
import type { NumberAgent, RoutingSettings, Team, teamRequestSchema, TransferRequest, WorkspaceSettings } from "../../shared/routing";

/** What a form sends: the schema's input, so fields the server defaults may be left out. */
type Body<Schema extends z.ZodType> = z.input<Schema>;

/** A refusal from the server, with the sentence it gave. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Thin typed client of the worker's REST API; types come from the shared schemas. */
export class ApiClient {
  constructor(
    readonly serverUrl: string,
    private readonly token: string | null = null,
    /** Told of every 401 to a signed-in request, so a page can find out whether the session itself ended. */
    private readonly onUnauthorized?: () => void,
  ) {}

  private async request(method: string, path: string, body?: unknown): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(`${this.serverUrl}/api${path}`, {
        method,
        headers: {
          ...(body === undefined ? {} : { "content-type": "application/json" }),
          ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      throw new ApiError(0, "network");
    }
    if (response.status === 401 && this.token) this.onUnauthorized?.();
    return response;
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await this.request(method, path, body);
    const json = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
    if (!response.ok) throw new ApiError(response.status, json?.error?.message ?? `HTTP ${response.status}`);
    return json as T;
  }

  /** A file the server writes (CSV exports), as a Blob to save; errors still carry the server's sentence. */
  private async file(path: string): Promise<Blob> {
    const response = await this.request("GET", path);
    if (!response.ok) {
      const json = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
      throw new ApiError(response.status, json?.error?.message ?? `HTTP ${response.status}`);
    }
    return response.blob();
  }

  signIn(email: string, password: string) {
    return this.call<Session>("POST", "/sessions", { email, password });
  }
  signOut() {
    return this.call<{ ok: true }>("DELETE", "/sessions/current");
  }
  me() {
    return this.call<Me>("GET", "/me");
  }
  setStatus(status: AgentStatus) {
    return this.call<Agent>("PUT", "/me/status", { status });
  }
  socketTicket(phoneNumberId: string) {
    return this.call<{ ticket: string; expiresAt: number }>("POST", "/socket-ticket", { phoneNumberId });
  }
  conversations(
    phoneNumberId: string,
    view: ConversationView = "mine",
    cursor: string | null = null,
    filters: { tag?: string | null; unreadOnly?: boolean; sort?: "newest" | "waiting"; status?: "open" | "pending" | null; team?: string | null } = {},
    limit = 50,
  ) {
    const query = [
      `view=${view}`,
      `limit=${limit}`,
      cursor ? `cursor=${cursor}` : "",
      filters.tag ? `tag=${encodeURIComponent(filters.tag)}` : "",
      filters.unreadOnly ? "unread=true" : "",
      filters.sort ? `sort=${filters.sort}` : "",
      filters.status ? `status=${filters.status}` : "",
      filters.team ? `team=${encodeURIComponent(filters.team)}` : "",
    ]
      .filter(Boolean)
      .join("&");
    return this.call<{ conversations: Conversation[]; nextCursor: string | null }>("GET", `/numbers/${phoneNumberId}/conversations?${query}`);
  }
  search(phoneNumberId: string, q: string) {
    return this.call<{ results: SearchResult[] }>("GET", `/numbers/${phoneNumberId}/search?q=${encodeURIComponent(q)}`);
  }
  createCanned(request: Partial<CannedRequest> & Pick<CannedRequest, "shortcode" | "title" | "body">) {
    return this.call<CannedResponse>("POST", "/canned-responses", request);
  }
  updateCanned(id: string, request: Partial<CannedRequest> & Pick<CannedRequest, "shortcode" | "title" | "body">) {
    return this.call<CannedResponse>("PUT", `/canned-responses/${id}`, request);
  }
  deleteCanned(id: string) {
    return this.call<{ ok: true }>("DELETE", `/canned-responses/${id}`);
  }
  catalog() {
    return this.call<Catalog>("GET", "/catalog");
  }
  contact(phoneNumberId: string, contactId: string) {
    return this.call<ContactProfile>("GET", `/numbers/${phoneNumberId}/contacts/${contactId}`);
  }
  changeTag(phoneNumberId: string, contactId: string, change: { add?: string; remove?: string }) {
    return this.call<ContactProfile>("POST", `/numbers/${phoneNumberId}/contacts/${contactId}/tags`, change);
  }
  setAttribute(phoneNumberId: string, contactId: string, key: string, value: unknown) {
    return this.call<ContactProfile>("PUT", `/numbers/${phoneNumberId}/contacts/${contactId}/attributes/${encodeURIComponent(key)}`, { value });
  }
  counts(phoneNumberId: string) {
    return this.call<ConversationCounts>("GET", `/numbers/${phoneNumberId}/counts`);
  }
  teams() {
    return this.call<{ teams: Team[] }>("GET", "/teams");
  }
  messages(phoneNumberId: string, conversationId: string) {
    return this.call<{ messages: Message[] }>("GET", `/numbers/${phoneNumberId}/conversations/${conversationId}/messages`);
  }
  send(phoneNumberId: string, conversationId: string, request: SendMessageRequest) {
    return this.call<Message>("POST", `/numbers/${phoneNumberId}/conversations/${conversationId}/messages`, request);
  }
  agents(phoneNumberId: string) {
    return this.call<{ agents: NumberAgent[] }>("GET", `/numbers/${phoneNumberId}/agents`);
  }
  conversationAction(phoneNumberId: string, conversationId: string, action: "resolve" | "reopen" | "claim") {
    return this.call<Conversation>("POST", `/numbers/${phoneNumberId}/conversations/${conversationId}/${action}`);
  }
  snooze(phoneNumberId: string, conversationId: string, until: number | null) {
    return this.call<Conversation>("POST", `/numbers/${phoneNumberId}/conversations/${conversationId}/snooze`, { until });
  }
  transfer(phoneNumberId: string, conversationId: string, request: Partial<TransferRequest>) {
    return this.call<Conversation>("POST", `/numbers/${phoneNumberId}/conversations/${conversationId}/transfer`, request);
  }
  typing(phoneNumberId: string, conversationId: string) {
    return this.call<{ ok: true }>("POST", `/numbers/${phoneNumberId}/conversations/${conversationId}/typing`);
  }
  templates(phoneNumberId: string, refresh = false) {
    return this.call<{ templates: Template[] }>("GET", `/numbers/${phoneNumberId}/templates?refresh=${refresh}`);
  }
  /** Media bytes come through the worker with the session token; the panel shows them as blob URLs. */
  async mediaBlob(phoneNumberId: string, mediaId: string): Promise<Blob> {
    const response = await fetch(`${this.serverUrl}/api/numbers/${phoneNumberId}/media/${encodeURIComponent(mediaId)}`, {
      headers: this.token ? { authorization: `Bearer ${this.token}` } : {},
    });
    if (!response.ok) throw new ApiError(response.status, `media ${mediaId}: HTTP ${response.status}`);
    return response.blob();
  }
  async uploadMedia(phoneNumberId: string, file: File): Promise<string> {
    const form = new FormData();
    form.set("file", file, file.name);
    const response = await fetch(`${this.serverUrl}/api/numbers/${phoneNumberId}/media`, {
      method: "POST",
      headers: this.token ? { authorization: `Bearer ${this.token}` } : {},
      body: form,
    });
    const json = (await response.json().catch(() => null)) as { mediaId?: string; error?: { message?: string } } | null;
    if (!response.ok || !json?.mediaId) throw new ApiError(response.status, json?.error?.message ?? `upload failed: HTTP ${response.status}`);
    return json.mediaId;
  }

  // The supervisor console (options page).

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
  workspaceSettings() {
    return this.call<WorkspaceSettings>("GET", "/workspace/settings");
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
  exportAuditCsv(filters: AuditFilters) {
    return this.file(`/audit/export.csv${auditQuery(filters)}`);
  }

  socketUrl(phoneNumberId: string, ticket: string): string {
    return `${this.serverUrl.replace(/^http/, "ws")}/api/numbers/${phoneNumberId}/socket?ticket=${encodeURIComponent(ticket)}`;
  }
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
