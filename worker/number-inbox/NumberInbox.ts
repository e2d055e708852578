import { DurableObject } from "cloudflare:workers";
import { SQLSchemaMigrations } from "durable-utils/sql-migrations";
import type { NumberBoard, NumberReportData } from "../../shared/analytics";
import type { BulkRequest, BulkResult, BulkUndoResult } from "../../shared/bulk";
import type { ContactProfile } from "../../shared/catalog";
import type { FloorWaiting } from "../../shared/floor";
import type { Conversation, Message, SearchResult, SendMessageRequest, Template } from "../../shared/inbox";
import type { NewConversationRequest, NewConversationResult } from "../../shared/new-conversation";
import type { AgentStatus } from "../../shared/people";
import type { NumberAgent, TransferRequest } from "../../shared/routing";
import type { UnreadableDelivery, UnreadableList } from "../../shared/unreadable";
import type { Row as ArchiveRow } from "../archive/table-dump";
import { countedEnv } from "../bench-probes/call-count";
import type { Env } from "../env";
import { ok, refuse, type Principal, type Result } from "../lib/result";
import { errorMessage } from "../lib/errors";
import type { LaneStatus } from "../status-lane/lane-message";
import type { NumberBatch } from "../webhook/split";
import { composeNumberInbox, type NumberParts } from "./compose";
import { Clock } from "./context";
import type { ConversationView } from "./conversation-views";
import type { NumberHealth } from "./health";
import { numberInboxMigrations } from "./schema";
import type { NumberConfig } from "./settings";
import type { ListRequest } from "./views";
import type { IngestOutcome, StatusBatchResult } from "./webhook-delivery";

export type { NumberConfig, NumberMember, StoredConfig } from "./settings";
export type { IngestOutcome, IngestResult, StatusBatchResult } from "./webhook-delivery";

/**
 * One WhatsApp business number (one object per phone_number_id, SQLite storage). This class is the shell: the
 * RPC surface the worker and the Workspace call, the guards on who may ask (`fromMeta`, `forOwner`), the alarm, and
 * the hibernatable sockets. The concerns it calls are built in compose.ts, each in a module beside it that owns its
 * tables; README.md maps them.
 */
export class NumberInbox extends DurableObject<Env> {
  private readonly clock = new Clock();
  private readonly parts: NumberParts;

  constructor(ctx: DurableObjectState, env: Env) {
    // The benchmark counts this object's calls to others (BENCH_COUNT_CALLS=1 only; otherwise the env itself).
    super(ctx, (env = countedEnv(env, "NumberInbox")));
    const parts = (this.parts = composeNumberInbox(ctx, env, this.clock));
    const migrations = new SQLSchemaMigrations({ doStorage: ctx.storage, migrations: numberInboxMigrations });
    void ctx.blockConcurrencyWhile(async () => {
      await migrations.runAll();
      parts.roster.reconcile();
    });
    // Answered by the runtime without waking the object, so idle sockets cost nothing.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
  }

  /** Stops the object's clock at an instant (analytics scenarios with hand-computed figures); TEST_CLOCK=1 only. */
  async setClockForTests(at: number | null): Promise<void> {
    if (this.env.TEST_CLOCK !== "1") throw new Error("the test clock is off in this deployment");
    this.clock.freeze(at);
  }

  // ---- configuration pushed by the Workspace ----

  /**
   * The Workspace pushes the number's configuration. A number has one owner: a configuration from another workspace
   * is refused unless it is the operator's explicit move (`handover.from` names the owner it leaves).
   */
  async configure(config: NumberConfig, handover?: { from: string }): Promise<Result<{ ok: true }>> {
    return this.parts.membership.configure(config, handover);
  }

  /** Its owner gives the number up: sockets close and every row goes, so a next owner never sees this one's customers. */
  async release(workspaceId: string): Promise<Result<{ ok: true }>> {
    return this.parts.membership.release(workspaceId);
  }

  /**
   * The one gate inside the number: every call made for a person must come from the workspace that owns it,
   * whatever route it came by. Another workspace learns only that the number is not theirs.
   */
  private forOwner<T>(viewer: Principal, work: () => Result<T> | Promise<Result<T>>): Result<T> | Promise<Result<T>> {
    if (!this.parts.settings.connectedIn(viewer.workspaceId)) return refuse(404, "this number is not connected in your workspace", "number_not_connected");
    return work();
  }

  /** A deactivated person: sockets closed, conversations to someone else; before the configuration without them. */
  async agentDeactivated(agentId: string): Promise<number> {
    return this.parts.membership.agentDeactivated(agentId);
  }

  /** Tells every open panel to fetch the catalog again (a tag renamed, a canned response added…). */
  async catalogChanged(): Promise<void> {
    this.parts.pushes.catalogChanged();
  }

  async setAgentStatus(agentId: string, status: AgentStatus): Promise<void> {
    this.parts.presence.statusChosen(agentId, status);
  }

  /** Counts deliveries for a number nobody connected, so an operator can see Meta is sending them. */
  async unconnectedDeliveries(): Promise<number> {
    return this.parts.health.unconnectedDeliveries();
  }

  // ---- the webhook ----

  /**
   * What Meta's webhook hands this number, by `ingest` (synchronously) and `applyStatuses` (through the status lane).
   * No person stands behind either: the worker checked Meta's signature before splitting the POST by
   * phone_number_id, and the queue carries only what that check let through. So the guard here is the number's own
   * state, not a workspace: a number nobody connected stores nothing and counts the delivery for the operator.
   */
  private fromMeta<T>(unconnected: T, work: () => T | Promise<T>): T | Promise<T> {
    if (!this.parts.settings.stored()) {
      this.parts.health.unconnectedDelivery();
      return unconnected;
    }
    return work();
  }

  /**
   * The webhook batches for this number of the POSTs that reached one isolate together (worker/webhook/shared-calls.ts),
   * one result each, in order: customer messages, errors and unreadable items are stored, and routing and automation
   * decide on them, each batch in a transaction of its own, so concurrent deliveries cannot interleave (a conversation
   * is created once and assigned once); batches that arrive together, in one call or several, share one commit
   * (group-commit.ts). The answer waits for that commit; what the sockets hear goes out once it is done. Statuses
   * come by `applyStatuses`.
   */
  async ingest(batches: NumberBatch[]): Promise<IngestOutcome[]> {
    const unconnected = batches.map(() => ({ connected: false, stored: 0, duplicates: 0, unreadable: 0 }));
    return this.fromMeta<IngestOutcome[]>(unconnected, async () => {
      const receivedAt = this.clock.now();
      const settled = await Promise.allSettled(this.parts.deliveries.submitAll(batches.map((batch) => ({ batch, receivedAt }))));
      // A batch that failed fails alone: the others of the call are stored and answered.
      return settled.map((s) => (s.status === "fulfilled" ? s.value.result : { failed: errorMessage(s.reason) }));
    });
  }

  /** Every status one queue batch of the status lane (worker/status-lane) holds for this number, in one transaction. */
  async applyStatuses(statuses: LaneStatus[], receivedAt: number): Promise<StatusBatchResult> {
    return this.fromMeta<StatusBatchResult>({ connected: false, applied: 0, changed: 0, kept: 0, dropped: statuses.length }, () =>
      this.parts.delivery.applyStatuses(statuses, receivedAt),
    );
  }

  /** What webhooks carried that no conversation could hold, newest first, with why; supervisors and admins. */
  async unreadableDeliveries(viewer: Principal): Promise<Result<UnreadableList>> {
    return this.forOwner(viewer, () => this.parts.unreadable.list(viewer));
  }

  async unreadableDelivery(viewer: Principal, id: string): Promise<Result<UnreadableDelivery>> {
    return this.forOwner(viewer, () => this.parts.unreadable.get(viewer, id));
  }

  async dismissUnreadable(viewer: Principal, id: string): Promise<Result<{ ok: true }>> {
    return this.forOwner(viewer, () => this.parts.unreadable.dismiss(viewer, id));
  }

  // ---- conversations and views ----

  /** One page of a view, newest activity or longest waiting first, with the cursor of the next page. */
  async listConversations(viewer: Principal, request: ListRequest): Promise<Result<{ conversations: Conversation[]; nextCursor: string | null }>> {
    return this.forOwner(viewer, () => this.parts.views.list(viewer, request));
  }

  /** How many conversations each view holds for this person: the numbers on the panel's tabs. */
  async counts(viewer: Principal): Promise<Result<Record<ConversationView, number>>> {
    return this.forOwner(viewer, () => ok(this.parts.views.counts(viewer)));
  }

  async listMessages(viewer: Principal, conversationId: string): Promise<Result<Message[]>> {
    return this.forOwner(viewer, () => this.parts.views.messagesOf(viewer, conversationId));
  }

  /** "Mark read" without opening: the assignee's unread count goes to 0 and the customer sees blue ticks. */
  async markRead(viewer: Principal, conversationId: string): Promise<Result<Conversation>> {
    return this.forOwner(viewer, () => this.parts.views.markRead(viewer, conversationId));
  }

  /** Customers by name or phone, and words in the message history; only what the viewer may open. */
  async search(viewer: Principal, query: string): Promise<Result<SearchResult[]>> {
    return this.forOwner(viewer, () => this.parts.search.find(viewer, query));
  }

  /** A supervisor reads any conversation, resolved or not, with its whole log; nothing is marked read. */
  async review(viewer: Principal, conversationId: string): Promise<Result<{ conversation: Conversation; messages: Message[] }>> {
    return this.forOwner(viewer, () => this.parts.views.review(viewer, conversationId));
  }

  // ---- what agents write ----

  /** Stores an outbound message and its outbox entry in one step, then tries to send it at once. */
  async send(viewer: Principal, conversationId: string, request: SendMessageRequest): Promise<Result<Message>> {
    return this.forOwner(viewer, () => this.parts.replies.send(viewer, conversationId, request));
  }

  /** An agent writes first to a customer with an approved template (`starts.ts`). */
  async startConversation(viewer: Principal, request: NewConversationRequest): Promise<Result<NewConversationResult>> {
    return this.forOwner(viewer, () => this.parts.starts.start(viewer, request));
  }

  /** WhatsApp's typing indicator (which also marks the customer's last message read); lasts 25 s. */
  async typing(viewer: Principal, conversationId: string): Promise<Result<{ ok: true }>> {
    return this.forOwner(viewer, () => this.parts.replies.typing(viewer, conversationId));
  }

  // ---- a conversation's life ----

  async resolve(viewer: Principal, conversationId: string): Promise<Result<Conversation>> {
    return this.forOwner(viewer, () => this.resolveFor(viewer, conversationId));
  }

  private async resolveFor(viewer: Principal, conversationId: string): Promise<Result<Conversation>> {
    const resolved = this.parts.lifecycle.resolve(viewer, conversationId);
    if (!resolved.ok) return resolved;
    await this.parts.deadlines.schedule();
    return ok(this.parts.conversations.byId(resolved.value));
  }

  async reopen(viewer: Principal, conversationId: string): Promise<Result<Conversation>> {
    return this.forOwner(viewer, () => this.parts.lifecycle.reopen(viewer, conversationId));
  }

  /** Mark pending: out of the agent's way (and off their load) until a time or the customer's next message. */
  async snooze(viewer: Principal, conversationId: string, until: number | null): Promise<Result<Conversation>> {
    return this.forOwner(viewer, () => this.snoozeFor(viewer, conversationId, until));
  }

  private async snoozeFor(viewer: Principal, conversationId: string, until: number | null): Promise<Result<Conversation>> {
    const snoozed = this.parts.lifecycle.snooze(viewer, conversationId, until);
    if (!snoozed.ok) return snoozed;
    await this.parts.deadlines.schedule();
    return ok(this.parts.conversations.byId(snoozed.value));
  }

  /**
   * One action on many conversations (assign, transfer, tag, pending, resolve), each by the single action's rules,
   * in one step with its undo record: per conversation done or refused with a code.
   */
  async bulk(viewer: Principal, request: BulkRequest): Promise<Result<BulkResult>> {
    return this.forOwner(viewer, async () => {
      const result = this.parts.atomically(() => this.parts.bulk.run(viewer, request));
      await this.parts.deadlines.schedule();
      return ok(result);
    });
  }

  /** Undoes a bulk action for whoever did it, within its window; conversations changed since are left alone. */
  async undoBulk(viewer: Principal, undoId: string): Promise<Result<BulkUndoResult>> {
    return this.forOwner(viewer, async () => {
      const result = this.parts.atomically(() => this.parts.bulk.undo(viewer, undoId));
      await this.parts.deadlines.schedule();
      return result;
    });
  }

  // ---- who has what: routing, the queue, the floor ----

  /** "Assign to me" from the queue. One object, no await between check and write: two clicks, one owner. */
  async claim(viewer: Principal, conversationId: string): Promise<Result<Conversation>> {
    return this.forOwner(viewer, () => this.parts.assignment.claim(viewer, conversationId));
  }

  async transfer(viewer: Principal, conversationId: string, request: TransferRequest): Promise<Result<Conversation>> {
    return this.forOwner(viewer, () => this.parts.assignment.transfer(viewer, conversationId, request));
  }

  /** Everyone who works on the number, with live status and load: the transfer picker and the floor. */
  async agents(viewer: Principal): Promise<Result<NumberAgent[]>> {
    return this.forOwner(viewer, () => ok(this.parts.roster.agents()));
  }

  /** The floor's view of this number: its members' facts and who waits in its queue, longest first. */
  async floor(): Promise<{ agents: NumberAgent[]; waiting: FloorWaiting[] }> {
    if (!this.parts.settings.stored()) return { agents: [], waiting: [] };
    return { agents: this.parts.roster.agents(), waiting: this.parts.views.waiting() };
  }

  // ---- the customer: profile, tags, attributes ----

  async contactProfile(viewer: Principal, contactId: string): Promise<Result<ContactProfile>> {
    return this.forOwner(viewer, () => this.parts.contacts.profile(viewer, contactId));
  }

  /** Adds or removes a company tag; a tag of a single-choice group replaces the group's other tag. Live for everyone. */
  async changeTag(viewer: Principal, contactId: string, change: { add?: string; remove?: string }): Promise<Result<ContactProfile>> {
    return this.forOwner(viewer, () => this.parts.contacts.changeTag(viewer, contactId, change));
  }

  async setAttribute(viewer: Principal, contactId: string, key: string, value: unknown): Promise<Result<ContactProfile>> {
    return this.forOwner(viewer, () => this.parts.contacts.setAttribute(viewer, contactId, key, value));
  }

  async setContactLanguage(viewer: Principal, contactId: string, language: string): Promise<Result<ContactProfile>> {
    return this.forOwner(viewer, () => this.parts.contacts.setLanguage(viewer, contactId, language));
  }

  /** How many contacts and conversations carry each tag here: the console says so before a tag is deleted. */
  async tagUsage(): Promise<Record<string, { contacts: number; conversations: number }>> {
    return this.parts.contacts.tagUsage();
  }

  /** A deleted tag comes off every contact; returns how many carried it. */
  async removeTag(tagId: string): Promise<number> {
    return this.parts.contacts.removeTag(tagId);
  }

  // ---- media and templates ----

  /** The number's sealed token, for the media route; sealed text only, opened inside the worker. */
  async sealedAccessToken(): Promise<string | null> {
    return this.parts.settings.stored()?.accessTokenSealed ?? null;
  }

  /** Whether this media id belongs to a message the viewer may see (the route then streams it). */
  async mediaVisible(viewer: Principal, mediaId: string): Promise<boolean> {
    if (!this.parts.settings.connectedIn(viewer.workspaceId)) return false;
    return this.parts.messages.conversationsWithMedia(mediaId).some((id) => this.parts.access.conversation(viewer, String(id)).ok);
  }

  async templates(viewer: Principal, refresh: boolean): Promise<Result<Template[]>> {
    return this.forOwner(viewer, () => this.parts.templates.approved(refresh));
  }

  async syncTemplates(): Promise<Result<number>> {
    return this.parts.templates.sync();
  }

  // ---- analytics, the live board, health ----

  async board(): Promise<NumberBoard | null> {
    return this.parts.board.current();
  }

  async reportData(from: number, to: number, bucketStarts: number[], businessHours = false): Promise<NumberReportData> {
    return this.parts.board.report(from, to, bucketStarts, businessHours);
  }

  async health(): Promise<NumberHealth> {
    // Counted from the runtime's own list, so a socket the object forgot to let go of shows up here (the soak watches it).
    return this.parts.health.report(this.parts.outbox.length(), this.parts.sockets.all().length, this.parts.statuses.tally());
  }

  /** Webhook errors and token problems of this number; `detail` is JSON text. */
  async events(viewer: Principal): Promise<Result<{ kind: string; detail: string; at: number }[]>> {
    return this.forOwner(viewer, () => this.parts.health.events(viewer));
  }

  // ---- workspace archive: this number's tables, read for an export and written by an import ----

  async archiveInfo(): Promise<{ schemaVersion: number; tables: string[] }> {
    this.parts.board.flushCounts();
    return this.parts.archive.info();
  }

  async archivePage(table: string, after: number, limit: number): Promise<{ rows: ArchiveRow[]; next: number | null }> {
    this.parts.board.flushCounts();
    return this.parts.archive.page(table, after, limit);
  }

  async beginImport(phoneNumberId: string, schemaVersion: number): Promise<Result<{ ok: true }>> {
    const begun = await this.parts.archive.begin(phoneNumberId, schemaVersion);
    // The import replaces the tables: counts still waiting belong to what was there.
    if (begun.ok) this.parts.board.discardCounts();
    return begun;
  }

  async importRows(table: string, rows: ArchiveRow[]): Promise<string | null> {
    return this.parts.archive.rows(table, rows);
  }

  async finishImport(): Promise<Record<string, number>> {
    return this.parts.archive.finish();
  }

  // ---- the alarm ----

  /** One alarm for every deadline: presence grace, snoozes, no-reply timers, automation, outbox retries (deadlines.ts). */
  override async alarm(): Promise<void> {
    await this.parts.deadlines.runDue();
  }

  // ---- sockets ----

  override async fetch(request: Request): Promise<Response> {
    return this.parts.presence.socketOpened(request);
  }

  override async webSocketMessage(ws: WebSocket, data: string | ArrayBuffer): Promise<void> {
    this.parts.presence.socketSignal(ws, data);
  }

  override async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    await this.parts.presence.socketClosed(ws, code);
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    await this.parts.presence.socketClosed(ws, 1011);
  }
}
