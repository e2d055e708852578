import { DurableObject } from "cloudflare:workers";
import { SQLSchemaMigrations } from "durable-utils/sql-migrations";
import type { NumberBoard, NumberReportData } from "../../shared/analytics";
import type { ContactProfile } from "../../shared/catalog";
import type { UnreadableDelivery, UnreadableList } from "../../shared/unreadable";
import type { FloorWaiting } from "../../shared/floor";
import type { BulkRequest, BulkResult, BulkUndoResult } from "../../shared/bulk";
import type { Conversation, Message, SearchResult, SendMessageRequest, Template } from "../../shared/inbox";
import type { NewConversationRequest, NewConversationResult } from "../../shared/new-conversation";
import type { AgentStatus, Role } from "../../shared/people";
import type { NumberAgent, TransferRequest } from "../../shared/routing";
import type { Row as ArchiveRow } from "../archive/table-dump";
import type { Env } from "../env";
import { ok, refuse, type Principal, type Result } from "../lib/result";
import type { LaneStatus } from "../status-lane/lane-message";
import type { NumberBatch } from "../webhook/split";
import { Access } from "./access";
import { ActivityLog } from "./activity";
import { atomicStep, type AtomicStep } from "./atomic-step";
import { NumberArchive } from "./archive";
import { Assignment } from "./assignment";
import { AutoReplies } from "./auto-replies";
import { AutomaticMessages } from "./automatic-messages";
import { Board } from "./board";
import { Bulk } from "./bulk";
import { Contacts } from "./contacts";
import { Clock, inboxContext } from "./context";
import type { ConversationView } from "./conversation-views";
import { Conversations } from "./conversations";
import { EarlyStatuses } from "./early-statuses";
import { Health, type NumberHealth } from "./health";
import { Coexistence } from "./coexistence";
import { Deadlines } from "./deadlines";
import { Inbound } from "./inbound";
import { Lifecycle } from "./lifecycle";
import { Messages } from "./messages";
import { Outbox } from "./outbox";
import { Pushes } from "./pushes";
import { Replies } from "./replies";
import { Roster } from "./roster";
import { numberInboxMigrations } from "./schema";
import { Search } from "./search";
import { Starts } from "./starts";
import { Settings, type NumberConfig } from "./settings";
import { Sockets } from "./sockets";
import { Statuses } from "./statuses";
import { Survey } from "./survey";
import { TemplateLibrary } from "./template-library";
import { Unreadable } from "./unreadable";
import { Views, type ListRequest } from "./views";
import { MAX_DELIVERIES_PER_COMMIT, WebhookDelivery, type Delivered, type Delivery, type IngestResult, type StatusBatchResult } from "./webhook-delivery";
import { GroupCommit } from "./group-commit";
import { countedEnv } from "../bench-probes/call-count";

export type { NumberConfig, NumberMember, StoredConfig } from "./settings";
export type { IngestResult, StatusBatchResult } from "./webhook-delivery";

/**
 * One WhatsApp business number (one object per phone_number_id, SQLite storage). This class is the shell: the
 * RPC surface the worker and the Workspace call, the one transaction per webhook batch, the alarm, and the
 * hibernatable sockets. Each concern lives in a module beside it that owns its tables; README.md maps them.
 */
export class NumberInbox extends DurableObject<Env> {
  private readonly clock = new Clock();
  private readonly settings: Settings;
  private readonly sockets: Sockets;
  private readonly roster: Roster;
  private readonly conversations: Conversations;
  private readonly messages: Messages;
  private readonly analytics: Board;
  private readonly pushes: Pushes;
  private readonly numberHealth: Health;
  private readonly access: Access;
  private readonly contacts: Contacts;
  private readonly statuses: Statuses;
  private readonly outbox: Outbox;
  private readonly templateLibrary: TemplateLibrary;
  private readonly replies: Replies;
  private readonly starts: Starts;
  private readonly assignment: Assignment;
  private readonly lifecycle: Lifecycle;
  private readonly bulkActions: Bulk;
  private readonly views: Views;
  private readonly finder: Search;
  private readonly archive: NumberArchive;
  private readonly unreadable: Unreadable;
  private readonly atomically: AtomicStep;
  private readonly delivery: WebhookDelivery;
  /** Webhook deliveries that arrive together, each its own transaction, share one commit (group-commit.ts). */
  private readonly deliveries: GroupCommit<Delivery, Delivered>;
  private readonly deadlines: Deadlines;

  constructor(ctx: DurableObjectState, env: Env) {
    // The benchmark counts this object's calls to others (BENCH_COUNT_CALLS=1 only; otherwise the env itself).
    super(ctx, (env = countedEnv(env, "NumberInbox")));
    const c = inboxContext(ctx.storage, this.clock);
    // Tables and the runtime first, then the concerns that use them; no module reaches back up this list.
    const settings = (this.settings = new Settings(ctx.storage.sql, env));
    const sockets = (this.sockets = new Sockets(ctx, c.now));
    const roster = (this.roster = new Roster(c, settings, sockets));
    const conversations = (this.conversations = new Conversations(c, settings));
    const messages = (this.messages = new Messages(c));
    const board = (this.analytics = new Board(c, settings, roster, sockets));
    const pushes = (this.pushes = new Pushes(sockets, settings, conversations, messages, roster, board));
    const health = (this.numberHealth = new Health(c, settings, pushes));
    const activity = new ActivityLog(c, messages, pushes, (id) => roster.nameOf(id));
    const unreadable = (this.unreadable = new Unreadable(c, settings));
    const access = (this.access = new Access(settings, conversations, messages, roster));
    const contacts = (this.contacts = new Contacts(c, settings, access, conversations, pushes));
    const statuses = (this.statuses = new Statuses(c, messages, new EarlyStatuses(c), health));
    const outbox = (this.outbox = new Outbox(c, settings, statuses, health, pushes, () => this.deadlines.schedule()));
    const templates = (this.templateLibrary = new TemplateLibrary(c, settings));
    this.replies = new Replies(c, settings, access, conversations, messages, contacts, roster, templates, outbox, board, pushes);
    const assignment = (this.assignment = new Assignment(c, settings, access, roster, conversations, activity, board, pushes));
    const automatic = new AutomaticMessages(settings, conversations, messages, contacts, outbox, health, board, pushes);
    this.starts = new Starts(c, settings, roster, conversations, messages, contacts, templates, assignment, outbox, health, board, pushes);
    const survey = new Survey(c, settings, automatic, activity, board);
    const autoReplies = new AutoReplies(c, settings, conversations, automatic, survey, assignment, roster, activity, board, pushes);
    const lifecycle = (this.lifecycle = new Lifecycle(c, access, conversations, roster, assignment, survey, activity, board, pushes));
    this.bulkActions = new Bulk(c, conversations, contacts, assignment, lifecycle);
    const inbound = new Inbound(c, settings, contacts, conversations, messages, roster, survey, activity, board, pushes, unreadable, health);
    const coexistence = new Coexistence(c, contacts, conversations, messages, board, unreadable, health);
    this.views = new Views(settings, access, conversations, messages, pushes);
    this.finder = new Search(access, contacts, conversations, messages);
    this.archive = new NumberArchive(ctx.storage, settings, messages);
    const atomically = (this.atomically = atomicStep(ctx.storage, pushes, board));
    const delivery = (this.delivery = new WebhookDelivery(c, atomically, health, inbound, coexistence, assignment, autoReplies, survey, statuses, pushes));
    this.deliveries = new GroupCommit<Delivery, Delivered>({
      run: (one) => delivery.deliver(one),
      afterwards: async (done) => {
        if (done.some((d) => d.customerWrote)) await this.deadlines.schedule("customer_message");
      },
      defer: (flush) => setTimeout(flush, 0),
      maxGroup: MAX_DELIVERIES_PER_COMMIT,
    });
    this.deadlines = new Deadlines(c, ctx.storage, settings, roster, outbox, lifecycle, assignment, autoReplies, board, pushes, (id) => this.presenceChanged(id));

    const migrations = new SQLSchemaMigrations({ doStorage: ctx.storage, migrations: numberInboxMigrations });
    void ctx.blockConcurrencyWhile(async () => {
      await migrations.runAll();
      roster.reconcile();
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
    const { members, ...stored } = config;
    const previous = this.settings.stored();
    const ownerChanges = previous !== null && previous.workspaceId !== config.workspaceId;
    if (ownerChanges && previous.workspaceId !== handover?.from) return refuse(409, "this number belongs to another workspace", "number_elsewhere");
    this.settings.forget();
    const staying = new Set(members.map((m) => m.id));
    const leaving = this.assignment.heldByLeavers(staying);
    this.ctx.storage.transactionSync(() => {
      this.settings.saveConfig(stored);
      this.roster.replace(members, this.sockets.connectedAgentIds());
    });
    // A new token may be the fix for the one Meta refused: the held replies are tried again now.
    if (previous && previous.accessTokenSealed !== config.accessTokenSealed && this.numberHealth.tokenInvalid()) {
      this.outbox.retryNow();
      this.numberHealth.tokenWorks();
    }
    this.assignment.reassignFromLeavers(leaving);
    // A number handed to another workspace closes every socket: they all belong to the workspace it left.
    if (ownerChanges) this.sockets.revokeAll("you no longer work on this number");
    else this.sockets.revokeAgentsOutside(staying, "you no longer work on this number");
    if (previous && JSON.stringify(previous.catalog) !== JSON.stringify(config.catalog)) await this.catalogChanged();
    this.assignment.drainQueue();
    void this.outbox.drain();
    await this.deadlines.schedule();
    return ok({ ok: true });
  }

  /** Its owner gives the number up: sockets close and every row goes, so a next owner never sees this one's customers. */
  async release(workspaceId: string): Promise<Result<{ ok: true }>> {
    const stored = this.settings.stored();
    if (stored && stored.workspaceId !== workspaceId) return refuse(409, "this number belongs to another workspace", "number_elsewhere");
    this.sockets.revokeAll("this number was released by its workspace");
    this.analytics.discardCounts();
    this.archive.clear();
    await this.deadlines.clear();
    return ok({ ok: true });
  }

  /**
   * The one gate inside the number: every call made for a person must come from the workspace that owns it,
   * whatever route it came by. Another workspace learns only that the number is not theirs.
   */
  private forOwner<T>(viewer: Principal, work: () => Result<T> | Promise<Result<T>>): Result<T> | Promise<Result<T>> {
    if (this.settings.stored()?.workspaceId !== viewer.workspaceId) return refuse(404, "this number is not connected in your workspace", "number_not_connected");
    return work();
  }

  /**
   * A deactivated person: their sockets close at once and their conversations go to someone else, with the
   * reason shown in each conversation. Runs before the Workspace pushes the configuration without them.
   */
  async agentDeactivated(agentId: string): Promise<number> {
    this.sockets.revokePerson(agentId, "your account was deactivated");
    if (!this.roster.row(agentId)) return 0;
    this.roster.deactivate(agentId);
    const held = this.assignment.reassignFromDeactivated(agentId);
    this.presenceChanged(agentId);
    return held;
  }

  /** Tells every open panel to fetch the catalog again (a tag renamed, a canned response added…). */
  async catalogChanged(): Promise<void> {
    this.pushes.catalogChanged();
  }

  async setAgentStatus(agentId: string, status: AgentStatus): Promise<void> {
    this.roster.setStatus(agentId, status);
    this.presenceChanged(agentId);
    if (status === "available") this.assignment.drainQueue();
  }

  /** Counts deliveries for a number nobody connected, so an operator can see Meta is sending them. */
  async unconnectedDeliveries(): Promise<number> {
    return this.numberHealth.unconnectedDeliveries();
  }

  // ---- the webhook ----

  /**
   * What Meta's webhook hands this number, by `ingest` (synchronously) and `applyStatuses` (through the status lane).
   * No person stands behind either: the worker checked Meta's signature before splitting the POST by
   * phone_number_id, and the queue carries only what that check let through. So the guard here is the number's own
   * state, not a workspace: a number nobody connected stores nothing and counts the delivery for the operator.
   */
  private fromMeta<T>(unconnected: T, work: () => T | Promise<T>): T | Promise<T> {
    if (!this.settings.stored()) {
      this.numberHealth.unconnectedDelivery();
      return unconnected;
    }
    return work();
  }

  /**
   * One webhook batch for this number: customer messages, errors and unreadable items are stored, and routing and
   * automation decide on them, in one transaction, so concurrent deliveries cannot interleave (a conversation is
   * created once and assigned once); deliveries that arrive together share one commit (group-commit.ts). The answer
   * waits for that commit; what the sockets hear goes out once it is done. Statuses come by `applyStatuses`.
   */
  async ingest(batch: NumberBatch): Promise<IngestResult> {
    return this.fromMeta<IngestResult>({ connected: false, stored: 0, duplicates: 0, unreadable: 0 }, async () => {
      const { result } = await this.deliveries.submit({ batch, receivedAt: this.clock.now() });
      return result;
    });
  }

  /** Every status one queue batch of the status lane (worker/status-lane) holds for this number, in one transaction. */
  async applyStatuses(statuses: LaneStatus[], receivedAt: number): Promise<StatusBatchResult> {
    return this.fromMeta<StatusBatchResult>({ connected: false, applied: 0, changed: 0, kept: 0, dropped: statuses.length }, () =>
      this.delivery.applyStatuses(statuses, receivedAt),
    );
  }

  /** What webhooks carried that no conversation could hold, newest first, with why; supervisors and admins. */
  async unreadableDeliveries(viewer: Principal): Promise<Result<UnreadableList>> {
    return this.forOwner(viewer, () => this.unreadable.list(viewer));
  }

  async unreadableDelivery(viewer: Principal, id: string): Promise<Result<UnreadableDelivery>> {
    return this.forOwner(viewer, () => this.unreadable.get(viewer, id));
  }

  async dismissUnreadable(viewer: Principal, id: string): Promise<Result<{ ok: true }>> {
    return this.forOwner(viewer, () => this.unreadable.dismiss(viewer, id));
  }

  // ---- conversations and views ----

  /** One page of a view, newest activity or longest waiting first, with the cursor of the next page. */
  async listConversations(viewer: Principal, request: ListRequest): Promise<Result<{ conversations: Conversation[]; nextCursor: string | null }>> {
    return this.forOwner(viewer, () => this.views.list(viewer, request));
  }

  /** How many conversations each view holds for this person: the numbers on the panel's tabs. */
  async counts(viewer: Principal): Promise<Result<Record<ConversationView, number>>> {
    return this.forOwner(viewer, () => ok(this.views.counts(viewer)));
  }

  async listMessages(viewer: Principal, conversationId: string): Promise<Result<Message[]>> {
    return this.forOwner(viewer, () => this.views.messagesOf(viewer, conversationId));
  }

  /** "Mark read" without opening: the assignee's unread count goes to 0 and the customer sees blue ticks. */
  async markRead(viewer: Principal, conversationId: string): Promise<Result<Conversation>> {
    return this.forOwner(viewer, () => this.views.markRead(viewer, conversationId));
  }

  /** Customers by name or phone, and words in the message history; only what the viewer may open. */
  async search(viewer: Principal, query: string): Promise<Result<SearchResult[]>> {
    return this.forOwner(viewer, () => this.finder.find(viewer, query));
  }

  /** A supervisor reads any conversation, resolved or not, with its whole log; nothing is marked read. */
  async review(viewer: Principal, conversationId: string): Promise<Result<{ conversation: Conversation; messages: Message[] }>> {
    return this.forOwner(viewer, () => this.views.review(viewer, conversationId));
  }

  // ---- what agents write ----

  /** Stores an outbound message and its outbox entry in one step, then tries to send it at once. */
  async send(viewer: Principal, conversationId: string, request: SendMessageRequest): Promise<Result<Message>> {
    return this.forOwner(viewer, () => this.replies.send(viewer, conversationId, request));
  }

  /** An agent writes first to a customer with an approved template (`starts.ts`). */
  async startConversation(viewer: Principal, request: NewConversationRequest): Promise<Result<NewConversationResult>> {
    return this.forOwner(viewer, () => this.starts.start(viewer, request));
  }

  /** WhatsApp's typing indicator (which also marks the customer's last message read); lasts 25 s. */
  async typing(viewer: Principal, conversationId: string): Promise<Result<{ ok: true }>> {
    return this.forOwner(viewer, () => this.replies.typing(viewer, conversationId));
  }

  // ---- a conversation's life ----

  async resolve(viewer: Principal, conversationId: string): Promise<Result<Conversation>> {
    return this.forOwner(viewer, () => this.resolveFor(viewer, conversationId));
  }

  private async resolveFor(viewer: Principal, conversationId: string): Promise<Result<Conversation>> {
    const resolved = this.lifecycle.resolve(viewer, conversationId);
    if (!resolved.ok) return resolved;
    await this.deadlines.schedule();
    return ok(this.conversations.byId(resolved.value));
  }

  async reopen(viewer: Principal, conversationId: string): Promise<Result<Conversation>> {
    return this.forOwner(viewer, () => this.lifecycle.reopen(viewer, conversationId));
  }

  /** Mark pending: out of the agent's way (and off their load) until a time or the customer's next message. */
  async snooze(viewer: Principal, conversationId: string, until: number | null): Promise<Result<Conversation>> {
    return this.forOwner(viewer, () => this.snoozeFor(viewer, conversationId, until));
  }

  private async snoozeFor(viewer: Principal, conversationId: string, until: number | null): Promise<Result<Conversation>> {
    const snoozed = this.lifecycle.snooze(viewer, conversationId, until);
    if (!snoozed.ok) return snoozed;
    await this.deadlines.schedule();
    return ok(this.conversations.byId(snoozed.value));
  }

  /**
   * One action on many conversations (assign, transfer, tag, pending, resolve), each by the single action's rules,
   * in one step with its undo record: per conversation done or refused with a code.
   */
  async bulk(viewer: Principal, request: BulkRequest): Promise<Result<BulkResult>> {
    return this.forOwner(viewer, async () => {
      const result = this.atomically(() => this.bulkActions.run(viewer, request));
      await this.deadlines.schedule();
      return ok(result);
    });
  }

  /** Undoes a bulk action for whoever did it, within its window; conversations changed since are left alone. */
  async undoBulk(viewer: Principal, undoId: string): Promise<Result<BulkUndoResult>> {
    return this.forOwner(viewer, async () => {
      const result = this.atomically(() => this.bulkActions.undo(viewer, undoId));
      await this.deadlines.schedule();
      return result;
    });
  }

  // ---- who has what: routing, the queue, the floor ----

  /** "Assign to me" from the queue. One object, no await between check and write: two clicks, one owner. */
  async claim(viewer: Principal, conversationId: string): Promise<Result<Conversation>> {
    return this.forOwner(viewer, () => this.assignment.claim(viewer, conversationId));
  }

  async transfer(viewer: Principal, conversationId: string, request: TransferRequest): Promise<Result<Conversation>> {
    return this.forOwner(viewer, () => this.assignment.transfer(viewer, conversationId, request));
  }

  /** Everyone who works on the number, with live status and load: the transfer picker and the floor. */
  async agents(viewer: Principal): Promise<Result<NumberAgent[]>> {
    return this.forOwner(viewer, () => ok(this.roster.agents()));
  }

  /** The floor's view of this number: its members' facts and who waits in its queue, longest first. */
  async floor(): Promise<{ agents: NumberAgent[]; waiting: FloorWaiting[] }> {
    if (!this.settings.stored()) return { agents: [], waiting: [] };
    return { agents: this.roster.agents(), waiting: this.views.waiting() };
  }

  // ---- the customer: profile, tags, attributes ----

  async contactProfile(viewer: Principal, contactId: string): Promise<Result<ContactProfile>> {
    return this.forOwner(viewer, () => this.contacts.profile(viewer, contactId));
  }

  /** Adds or removes a company tag; a tag of a single-choice group replaces the group's other tag. Live for everyone. */
  async changeTag(viewer: Principal, contactId: string, change: { add?: string; remove?: string }): Promise<Result<ContactProfile>> {
    return this.forOwner(viewer, () => this.contacts.changeTag(viewer, contactId, change));
  }

  async setAttribute(viewer: Principal, contactId: string, key: string, value: unknown): Promise<Result<ContactProfile>> {
    return this.forOwner(viewer, () => this.contacts.setAttribute(viewer, contactId, key, value));
  }

  async setContactLanguage(viewer: Principal, contactId: string, language: string): Promise<Result<ContactProfile>> {
    return this.forOwner(viewer, () => this.contacts.setLanguage(viewer, contactId, language));
  }

  /** How many contacts and conversations carry each tag here: the console says so before a tag is deleted. */
  async tagUsage(): Promise<Record<string, { contacts: number; conversations: number }>> {
    return this.contacts.tagUsage();
  }

  /** A deleted tag comes off every contact; returns how many carried it. */
  async removeTag(tagId: string): Promise<number> {
    return this.contacts.removeTag(tagId);
  }

  // ---- media and templates ----

  /** The number's sealed token, for the media route; sealed text only, opened inside the worker. */
  async sealedAccessToken(): Promise<string | null> {
    return this.settings.stored()?.accessTokenSealed ?? null;
  }

  /** Whether this media id belongs to a message the viewer may see (the route then streams it). */
  async mediaVisible(viewer: Principal, mediaId: string): Promise<boolean> {
    if (this.settings.stored()?.workspaceId !== viewer.workspaceId) return false;
    return this.messages.conversationsWithMedia(mediaId).some((id) => this.access.conversation(viewer, String(id)).ok);
  }

  async templates(viewer: Principal, refresh: boolean): Promise<Result<Template[]>> {
    return this.forOwner(viewer, () => this.templateLibrary.approved(refresh));
  }

  async syncTemplates(): Promise<Result<number>> {
    return this.templateLibrary.sync();
  }

  // ---- analytics, the live board, health ----

  async board(): Promise<NumberBoard | null> {
    return this.analytics.current();
  }

  async reportData(from: number, to: number, bucketStarts: number[], businessHours = false): Promise<NumberReportData> {
    return this.analytics.report(from, to, bucketStarts, businessHours);
  }

  async health(): Promise<NumberHealth> {
    // Counted from the runtime's own list, so a socket the object forgot to let go of shows up here (the soak watches it).
    return this.numberHealth.report(this.outbox.length(), this.sockets.all().length, this.statuses.tally());
  }

  /** Webhook errors and token problems of this number; `detail` is JSON text. */
  async events(viewer: Principal): Promise<Result<{ kind: string; detail: string; at: number }[]>> {
    return this.forOwner(viewer, () => this.numberHealth.events(viewer));
  }

  // ---- workspace archive: this number's tables, read for an export and written by an import ----

  async archiveInfo(): Promise<{ schemaVersion: number; tables: string[] }> {
    this.analytics.flushCounts();
    return this.archive.info();
  }

  async archivePage(table: string, after: number, limit: number): Promise<{ rows: ArchiveRow[]; next: number | null }> {
    this.analytics.flushCounts();
    return this.archive.page(table, after, limit);
  }

  async beginImport(phoneNumberId: string, schemaVersion: number): Promise<Result<{ ok: true }>> {
    const begun = await this.archive.begin(phoneNumberId, schemaVersion);
    // The import replaces the tables: counts still waiting belong to what was there.
    if (begun.ok) this.analytics.discardCounts();
    return begun;
  }

  async importRows(table: string, rows: ArchiveRow[]): Promise<string | null> {
    return this.archive.rows(table, rows);
  }

  async finishImport(): Promise<Record<string, number>> {
    return this.archive.finish();
  }

  // ---- the alarm ----

  /** One alarm for every deadline: presence grace, snoozes, no-reply timers, automation, outbox retries (deadlines.ts). */
  override async alarm(): Promise<void> {
    await this.deadlines.runDue();
  }

  // ---- sockets ----

  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("upgrade") !== "websocket") return new Response("expected a WebSocket upgrade", { status: 426 });
    const agentId = request.headers.get("x-agent-id");
    const role = request.headers.get("x-agent-role") as Role | null;
    if (!agentId || !role) return new Response("missing identity", { status: 400 });
    if (request.headers.get("x-workspace-id") !== this.settings.stored()?.workspaceId) return new Response("this number is not connected in your workspace", { status: 404 });
    if (request.headers.get("x-watch-only") === "1") return this.sockets.acceptWatcher(agentId, role);
    const wasPresent = this.roster.isPresent(agentId, this.clock.now());
    const wasConnected = this.sockets.isConnected(agentId);
    const response = this.sockets.acceptAgent(agentId, role);
    this.roster.connected(agentId, wasConnected);
    this.presenceChanged(agentId);
    if (!wasPresent) this.assignment.drainQueue();
    return response;
  }

  /** The only things a browser says over its socket: what its panel shows, that its agent types, and whether the panel is open. */
  override async webSocketMessage(ws: WebSocket, data: string | ArrayBuffer): Promise<void> {
    const panelChanged = this.sockets.signal(ws, data);
    // The floor shows who is Available with the panel closed; routing does not change (the socket is what counts).
    if (panelChanged) this.pushes.presence(panelChanged);
  }

  override async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    const agentId = this.sockets.closed(ws, code);
    if (!agentId) return;
    this.roster.disconnected(agentId);
    this.presenceChanged(agentId);
    await this.deadlines.schedule();
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    await this.webSocketClose(ws, 1011);
  }

  /** An agent's status or presence changed: everyone on the number hears it, and analytics log it. */
  private presenceChanged(agentId: string): void {
    this.pushes.presence(agentId);
    this.analytics.notePresence(agentId);
  }
}
