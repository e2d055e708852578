import type { ErrorBody } from "../../shared/error-codes";
import { t } from "./i18n";
import type { BulkRequest, BulkResult, BulkUndoResult } from "../../shared/bulk";
import type { CannedRequest, CannedResponse, Catalog, ContactLanguageRequest, ContactProfile } from "../../shared/catalog";
import type { Conversation, ConversationCounts, ConversationView, Message, SearchResult, SendMessageRequest, Template } from "../../shared/inbox";
import type { NewConversationRequest } from "../../shared/new-conversation";
import type { Agent, AgentStatus, Me, Session } from "../../shared/people";

/** The request as the client sends it (defaults such as assignTo and empty variables may be left out). */
export type NewConversationInput = Omit<NewConversationRequest, "template" | "assignTo"> & {
  template: Pick<NewConversationRequest["template"], "name" | "language"> & Partial<NewConversationRequest["template"]>;
  assignTo?: NewConversationRequest["assignTo"];
};
import type { NumberAgent, Team, TransferRequest } from "../../shared/routing";

/**
 * A refusal from the server: its `message` is in the reader's language (from the server's code), `code` and `params`
 * as the server sent them.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
    readonly params: Record<string, string | number> = {},
  ) {
    super(message);
  }
}

/**
 * A response that is not ok, as an error saying what the server said (shared/error-codes.ts) in the reader's
 * language. The codes' sentences load with the first refusal, so they weigh nothing on the panel's first load.
 */
export async function refusal(response: Response): Promise<ApiError> {
  const json = (await response.json().catch(() => null)) as Partial<ErrorBody> | null;
  const error = json?.error;
  const { errorText } = await import("./error-text");
  return new ApiError(response.status, errorText(error?.code, error?.params ?? {}, error?.message ?? `HTTP ${response.status}`, response.status), error?.code, error?.params);
}

/** Thin typed client of the worker's REST API; types come from the shared schemas. */
export class ApiClient {
  constructor(
    readonly serverUrl: string,
    private readonly token: string | null = null,
    /** Told of every 401 to a signed-in request, so a page can find out whether the session itself ended. */
    private readonly onUnauthorized?: () => void,
  ) {}

  protected async request(method: string, path: string, body?: unknown): Promise<Response> {
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
      throw new ApiError(0, t("error.network"), "network");
    }
    if (response.status === 401 && this.token) this.onUnauthorized?.();
    return response;
  }

  protected async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await this.request(method, path, body);
    if (!response.ok) throw await refusal(response);
    return (await response.json().catch(() => null)) as T;
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
  /**
   * Writes first to a customer with an approved template (issue #23). The answer as it came: the dialog that asks
   * (a lazy chunk) reads the refusal's code and parameters, to say it in the reader's language.
   */
  startConversation(phoneNumberId: string, request: NewConversationInput) {
    return this.request("POST", `/numbers/${phoneNumberId}/conversations`, request);
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
  /** The customer's language as detected on this device, for supervisors to filter and report by (404 until the server has the route). */
  setContactLanguage(phoneNumberId: string, contactId: string, language: string) {
    return this.call<ContactProfile>("PUT", `/numbers/${phoneNumberId}/contacts/${contactId}/language`, { language } satisfies ContactLanguageRequest);
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
  markRead(phoneNumberId: string, conversationId: string) {
    return this.call<Conversation>("POST", `/numbers/${phoneNumberId}/conversations/${conversationId}/read`);
  }
  bulk(phoneNumberId: string, request: BulkRequest) {
    return this.call<BulkResult>("POST", `/numbers/${phoneNumberId}/conversations/bulk`, request);
  }
  undoBulk(phoneNumberId: string, undoId: string) {
    return this.call<BulkUndoResult>("POST", `/numbers/${phoneNumberId}/conversations/bulk/${undoId}/undo`);
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
    if (!response.ok) throw await refusal(response);
    const json = (await response.json().catch(() => null)) as { mediaId?: string } | null;
    if (!json?.mediaId) throw new ApiError(response.status, `upload failed: HTTP ${response.status}`);
    return json.mediaId;
  }

  /** `watch`: the console's floor, which follows the number without counting as its supervisor being online. */
  socketUrl(phoneNumberId: string, ticket: string, watch = false): string {
    return `${this.serverUrl.replace(/^http/, "ws")}/api/numbers/${phoneNumberId}/socket?ticket=${encodeURIComponent(ticket)}${watch ? "&watch=1" : ""}`;
  }
}
