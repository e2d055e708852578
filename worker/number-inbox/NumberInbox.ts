import { DurableObject } from "cloudflare:workers";
import { SQLSchemaMigrations } from "durable-utils/sql-migrations";
import type { Conversation, Message, SearchResult, SendMessageRequest, Template } from "../../shared/inbox";
import type { ContactProfile } from "../../shared/catalog";
import type { AgentStatus, Role } from "../../shared/people";
import type { NumberAgent, TransferRequest } from "../../shared/routing";
import type { Env } from "../env";
import { markReadBody } from "../graph/bodies";
import { postStatus } from "../graph/client";
import { ok, refuse, seesEverything, type Principal, type Result } from "../lib/result";
import type { NumberBatch } from "../webhook/split";
import { CONVERSATION_SELECT, toMessage } from "./rows";
import { decodeCursor, encodeCursor, viewQuery, type ConversationSort, type ConversationView } from "./conversation-views";
import { numberInboxMigrations } from "./schema";
import { planSearch, snippet } from "./search-plan";
import { numberPolicy } from "../archive/policy";
import { beginStoreImport, finishStoreImport, importStoreRows, importUnfinished, storeInfo, storePage, type Store } from "../archive/store-archive";
import { hasRows, type Row as ArchiveRow } from "../archive/table-dump";
import type { FloorWaiting } from "../../shared/floor";
import type { NumberBoard, NumberReportData } from "../../shared/analytics";
import { ActivityLog } from "./activity";
import { Board } from "./board";
import { Clock, inboxContext } from "./context";
import { Conversations } from "./conversations";
import { Health, type NumberHealth } from "./health";
import { Messages } from "./messages";
import { Pushes } from "./pushes";
import { Roster } from "./roster";
import { Settings, type NumberConfig } from "./settings";
import { Sockets } from "./sockets";
import { Access } from "./access";
import { Contacts } from "./contacts";
import { Outbox } from "./outbox";
import { Replies } from "./replies";
import { Statuses } from "./statuses";
import { TemplateLibrary } from "./template-library";
import { Assignment } from "./assignment";
import { AutomaticMessages } from "./automatic-messages";
import { AutoReplies } from "./auto-replies";
import { Inbound } from "./inbound";
import { Lifecycle } from "./lifecycle";
import { Survey } from "./survey";

export type { NumberConfig, NumberMember, StoredConfig } from "./settings";

export interface IngestResult {
  connected: boolean;
  stored: number;
  duplicates: number;
  statusesApplied: number;
}


export class NumberInbox extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private readonly clock = new Clock();
  private readonly settings: Settings;
  private readonly sockets: Sockets;
  private readonly roster: Roster;
  private readonly conversations: Conversations;
  private readonly messages: Messages;
  private readonly analytics: Board;
  private readonly pushes: Pushes;
  private readonly numberHealth: Health;
  private readonly activity: ActivityLog;
  private readonly access: Access;
  private readonly contacts: Contacts;
  private readonly statuses: Statuses;
  private readonly outbox: Outbox;
  private readonly templateLibrary: TemplateLibrary;
  private readonly replies: Replies;
  private readonly assignment: Assignment;
  private readonly automatic: AutomaticMessages;
  private readonly survey: Survey;
  private readonly autoReplies: AutoReplies;
  private readonly lifecycle: Lifecycle;
  private readonly inbound: Inbound;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    const context = inboxContext(ctx.storage, this.clock);
    this.settings = new Settings(this.sql, env);
    this.sockets = new Sockets(ctx, context.now);
    this.roster = new Roster(context, this.settings, this.sockets);
    this.conversations = new Conversations(context, this.settings);
    this.messages = new Messages(context);
    this.analytics = new Board(context, this.settings, this.roster, this.sockets);
    this.pushes = new Pushes(this.sockets, this.settings, this.conversations, this.messages, this.roster, this.analytics);
    this.numberHealth = new Health(context, this.settings, this.pushes);
    this.activity = new ActivityLog(context, this.messages, this.pushes);
    this.access = new Access(this.settings, this.conversations, this.messages, this.roster);
    this.contacts = new Contacts(context, this.settings, this.access, this.conversations, this.pushes);
    this.statuses = new Statuses(context, this.messages, this.numberHealth);
    this.outbox = new Outbox(context, this.settings, this.statuses, this.numberHealth, this.pushes, () => this.scheduleAlarm());
    this.templateLibrary = new TemplateLibrary(context, this.settings);
    this.replies = new Replies(
      context, this.settings, this.access, this.conversations, this.messages, this.contacts, this.roster, this.templateLibrary, this.outbox, this.analytics, this.pushes,
    );
    this.assignment = new Assignment(context, this.settings, this.access, this.roster, this.conversations, this.activity, this.analytics, this.pushes);
    this.automatic = new AutomaticMessages(this.settings, this.conversations, this.messages, this.contacts, this.outbox, this.numberHealth, this.analytics, this.pushes);
    this.survey = new Survey(context, this.settings, this.automatic, this.activity, this.analytics);
    this.autoReplies = new AutoReplies(
      context, this.settings, this.conversations, this.automatic, this.survey, this.assignment, this.roster, this.activity, this.analytics, this.pushes,
    );
    this.lifecycle = new Lifecycle(context, this.access, this.conversations, this.roster, this.assignment, this.survey, this.activity, this.analytics, this.pushes);
    this.inbound = new Inbound(this.settings, this.contacts, this.conversations, this.messages, this.roster, this.survey, this.activity, this.analytics, this.pushes);
    const migrations = new SQLSchemaMigrations({ doStorage: ctx.storage, migrations: numberInboxMigrations });
    void ctx.blockConcurrencyWhile(async () => {
      await migrations.runAll();
      this.roster.reconcile();
    });
    // Answered by the runtime without waking the object, so idle sockets cost nothing.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
  }

  private now(): number {
    return this.clock.now();
  }

  /** Stops the object's clock at an instant (analytics scenarios with hand-computed figures); TEST_CLOCK=1 only. */
  async setClockForTests(at: number | null): Promise<void> {
    if (this.env.TEST_CLOCK !== "1") throw new Error("the test clock is off in this deployment");
    this.clock.freeze(at);
  }

  // ---- configuration pushed by the Workspace ----

  async configure(config: NumberConfig): Promise<void> {
    const { members, ...stored } = config;
    const previous = this.settings.stored();
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
    this.sockets.revokeAgentsOutside(staying, "you no longer work on this number");
    if (previous && JSON.stringify(previous.catalog) !== JSON.stringify(config.catalog)) await this.catalogChanged();
    this.assignment.drainQueue();
    void this.outbox.drain();
    await this.scheduleAlarm();
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

  /** An agent's status or presence changed: everyone on the number hears it, and analytics log it. */
  private presenceChanged(agentId: string): void {
    this.pushes.presence(agentId);
    this.analytics.notePresence(agentId);
  }

  /** Counts deliveries for a number nobody connected, so an operator can see Meta is sending them. */
  async unconnectedDeliveries(): Promise<number> {
    return this.numberHealth.unconnectedDeliveries();
  }

  // ---- webhook ingest ----

  /**
   * One webhook batch for this number: customer messages, statuses and errors are stored in one transaction;
   * routing and automation follow without an await in between, so concurrent deliveries cannot interleave (a
   * conversation is created once and assigned once); what the sockets hear goes out once the step is done.
   */
  async ingest(batch: NumberBatch): Promise<IngestResult> {
    if (!this.settings.stored()) {
      this.numberHealth.unconnectedDelivery();
      return { connected: false, stored: 0, duplicates: 0, statusesApplied: 0 };
    }
    const now = this.now();
    const { inbound, statuses } = this.pushes.collect(() => {
      const stored = this.ctx.storage.transactionSync(() => {
        this.numberHealth.webhookArrived(now);
        const inbound = this.inbound.store(batch.messages, now);
        const statuses = this.statuses.applyAll(batch.statuses);
        for (const error of batch.errors) this.numberHealth.record("webhook_error", error);
        return { inbound, statuses };
      });
      // Route first, then push: a new conversation's first message then goes to its assignee only, not to
      // every agent who can see the queue.
      for (const [conversationId, first] of stored.inbound.touched) {
        this.assignment.afterInbound(conversationId, first.reopened, now);
        this.autoReplies.afterInbound(conversationId, first, now);
      }
      for (const conversationId of stored.inbound.rated) this.survey.thank(conversationId, now);
      for (const id of new Set([...stored.inbound.changed, ...stored.statuses.changed])) this.pushes.message(id);
      return stored;
    });
    if (inbound.touched.size > 0 || inbound.rated.size > 0) await this.scheduleAlarm();
    return { connected: true, stored: inbound.stored, duplicates: inbound.duplicates, statusesApplied: statuses.applied };
  }

  // ---- agent API ----

  /** One page of a view, newest activity or longest waiting first, with the cursor of the next page. */
  async listConversations(
    viewer: Principal,
    request: {
      view: ConversationView;
      sort?: ConversationSort;
      cursor?: string;
      limit?: number;
      tag?: string;
      unread?: "true" | "false";
      status?: "open" | "pending";
      team?: string;
    },
  ): Promise<Result<{ conversations: Conversation[]; nextCursor: string | null }>> {
    const query = viewQuery(request.view, request.sort, { personId: viewer.personId, supervisor: seesEverything(viewer) }, this.settings.config().routing, {
      tagId: request.tag,
      unreadOnly: request.unread === "true",
      status: request.status,
      agentIds: request.team ? (this.settings.config().teams.find((t) => t.id === request.team)?.memberIds ?? []) : undefined,
    });
    if ("refused" in query) return refuse(403, query.refused);
    const limit = Math.min(Math.max(request.limit ?? 50, 1), 200);
    const cursor = decodeCursor(request.cursor);
    const comparison = query.direction === "DESC" ? "<" : ">";
    const page = cursor ? ` AND (${query.key} ${comparison} ? OR (${query.key} = ? AND c.id ${comparison} ?))` : "";
    const select = CONVERSATION_SELECT.replace("SELECT", `SELECT ${query.key} AS sort_key,`);
    const rows = this.sql
      .exec(
        `${select} WHERE ${query.where}${page} ORDER BY ${query.key} ${query.direction}, c.id ${query.direction} LIMIT ?`,
        ...query.args,
        ...(cursor ? [cursor.value, cursor.value, cursor.id] : []),
        limit + 1,
      )
      .toArray();
    const more = rows.length > limit;
    const pageRows = rows.slice(0, limit);
    const last = pageRows[pageRows.length - 1];
    return ok({
      conversations: pageRows.map((r) => this.conversations.toApi(r)),
      nextCursor: more && last ? encodeCursor(Number(last.sort_key), Number(last.id)) : null,
    });
  }

  /**
   * Search by customer name, phone, and words in the message history (FTS5 trigram; under three characters a
   * LIKE match). Only conversations the viewer may open are returned; history hits point at their message.
   */
  async search(viewer: Principal, query: string): Promise<Result<SearchResult[]>> {
    const plan = planSearch(query);
    if (!plan) return refuse(400, "q: type something to search for");
    const results: SearchResult[] = [];
    const seen = new Set<string>();
    const add = (conversationId: number, message: SearchResult["message"]) => {
      const key = `${conversationId}:${message?.id ?? ""}`;
      if (seen.has(key) || results.length >= 50) return;
      const visible = this.access.conversation(viewer, String(conversationId));
      if (!visible.ok) return;
      seen.add(key);
      results.push({ conversation: this.conversations.toApi(visible.value), message });
    };
    const contacts = this.sql
      .exec<{ id: number }>(
        // instr, not LIKE: the query may be 200 characters long and SQLite refuses LIKE patterns over 50 bytes.
        `SELECT id FROM contacts WHERE instr(lower(name), lower(?)) > 0 ${plan.digits ? "OR instr(wa_id, ?) > 0" : ""} LIMIT 50`,
        plan.text,
        ...(plan.digits ? [plan.digits] : []),
      )
      .toArray();
    for (const { id } of contacts) {
      const latest = this.sql.exec<{ id: number }>("SELECT id FROM conversations WHERE contact_id = ? ORDER BY id DESC LIMIT 1", id).toArray()[0];
      if (latest) add(latest.id, null);
    }
    const messages = plan.ftsPhrase
      ? this.sql
          .exec<{ id: number; conversation_id: number; text: string; timestamp: number }>(
            `SELECT m.id, m.conversation_id, m.text, m.timestamp FROM messages_fts f JOIN messages m ON m.id = f.rowid
             WHERE messages_fts MATCH ? ORDER BY m.timestamp DESC LIMIT 100`,
            plan.ftsPhrase,
          )
          .toArray()
      : this.sql
          .exec<{ id: number; conversation_id: number; text: string; timestamp: number }>(
            `SELECT id, conversation_id, text, timestamp FROM messages WHERE direction != 'activity' AND text LIKE ? ESCAPE '\\'
             ORDER BY timestamp DESC LIMIT 100`,
            plan.likePattern,
          )
          .toArray();
    for (const m of messages) add(m.conversation_id, { id: String(m.id), snippet: snippet(m.text, query), timestamp: m.timestamp });
    return ok(results);
  }

  // ---- the customer: profile, tags, attributes ----

  async contactProfile(viewer: Principal, contactId: string): Promise<Result<ContactProfile>> {
    return this.contacts.profile(viewer, contactId);
  }

  /** Adds or removes a company tag; a tag of a single-choice group replaces the group's other tag. Live for everyone. */
  async changeTag(viewer: Principal, contactId: string, change: { add?: string; remove?: string }): Promise<Result<ContactProfile>> {
    return this.contacts.changeTag(viewer, contactId, change);
  }

  async setAttribute(viewer: Principal, contactId: string, key: string, value: unknown): Promise<Result<ContactProfile>> {
    return this.contacts.setAttribute(viewer, contactId, key, value);
  }

  /** How many conversations each view holds for this person: the numbers on the panel's tabs. */
  async counts(viewer: Principal): Promise<Record<ConversationView, number>> {
    // One indexed count per tab (conversations_by_assignee, conversations_queue, conversations_by_status):
    // panels ask after every change they hear of, so a full scan per question would not scale.
    const count = (query: string, ...args: SqlStorageValue[]) => this.sql.exec<{ n: number }>(query, ...args).one().n;
    return {
      mine: count("SELECT COUNT(*) AS n FROM conversations WHERE assignee_id = ? AND status IN ('open', 'pending')", viewer.personId),
      unassigned: count("SELECT COUNT(*) AS n FROM conversations WHERE assignee_id IS NULL AND status = 'open'"),
      all: count("SELECT COUNT(*) AS n FROM conversations WHERE status IN ('open', 'pending')"),
      resolved: seesEverything(viewer)
        ? count("SELECT COUNT(*) AS n FROM conversations WHERE status = 'resolved'")
        : count("SELECT COUNT(*) AS n FROM conversations WHERE assignee_id = ? AND status = 'resolved'", viewer.personId),
    };
  }

  async listMessages(viewer: Principal, conversationId: string): Promise<Result<Message[]>> {
    const conversation = this.access.conversation(viewer, conversationId);
    if (!conversation.ok) return conversation;
    const id = Number(conversationId);
    if (conversation.value.assignee_id === viewer.personId && Number(conversation.value.unread) > 0) {
      this.sql.exec("UPDATE conversations SET unread = 0 WHERE id = ?", id);
      this.pushes.conversation(id);
      // The customer sees blue ticks once the assignee has opened the conversation.
      const lastInbound = this.messages.lastInboundWamid(id);
      if (lastInbound) void this.settings.graph().then((graph) => postStatus(graph, this.settings.config().phoneNumberId, markReadBody(lastInbound))).catch(() => undefined);
    }
    const rows = this.sql.exec("SELECT * FROM messages WHERE conversation_id = ? ORDER BY timestamp, id LIMIT 1000", id).toArray();
    return ok(rows.map(toMessage));
  }

  /** Stores an outbound message and its outbox entry in one step, then tries to send it at once. */
  async send(viewer: Principal, conversationId: string, request: SendMessageRequest): Promise<Result<Message>> {
    return this.replies.send(viewer, conversationId, request);
  }

  /** WhatsApp's typing indicator (which also marks the customer's last message read); lasts 25 s. */
  async typing(viewer: Principal, conversationId: string): Promise<Result<{ ok: true }>> {
    return this.replies.typing(viewer, conversationId);
  }

  async resolve(viewer: Principal, conversationId: string): Promise<Result<Conversation>> {
    const resolved = this.lifecycle.resolve(viewer, conversationId);
    if (!resolved.ok) return resolved;
    await this.scheduleAlarm();
    return ok(this.conversations.byId(resolved.value));
  }

  async reopen(viewer: Principal, conversationId: string): Promise<Result<Conversation>> {
    return this.lifecycle.reopen(viewer, conversationId);
  }

  /** Mark pending: out of the agent's way (and off their load) until a time or the customer's next message. */
  async snooze(viewer: Principal, conversationId: string, until: number | null): Promise<Result<Conversation>> {
    const snoozed = this.lifecycle.snooze(viewer, conversationId, until);
    if (!snoozed.ok) return snoozed;
    await this.scheduleAlarm();
    return ok(this.conversations.byId(snoozed.value));
  }

  /** "Assign to me" from the queue. One object, no await between check and write: two clicks, one owner. */
  async claim(viewer: Principal, conversationId: string): Promise<Result<Conversation>> {
    return this.assignment.claim(viewer, conversationId);
  }

  async transfer(viewer: Principal, conversationId: string, request: TransferRequest): Promise<Result<Conversation>> {
    return this.assignment.transfer(viewer, conversationId, request);
  }

  /** Everyone who works on the number, with live status and load: the transfer picker and the floor. */
  async agents(viewer: Principal): Promise<Result<NumberAgent[]>> {
    void viewer;
    return ok(this.roster.agents());
  }

  /** The number's sealed token, for the media route; sealed text only, opened inside the worker. */
  async sealedAccessToken(): Promise<string | null> {
    return this.settings.stored()?.accessTokenSealed ?? null;
  }

  /** Whether this media id belongs to a message the viewer may see (the route then streams it). */
  async mediaVisible(viewer: Principal, mediaId: string): Promise<boolean> {
    return this.messages.conversationsWithMedia(mediaId).some((id) => this.access.conversation(viewer, String(id)).ok);
  }

  async templates(viewer: Principal, refresh: boolean): Promise<Result<Template[]>> {
    void viewer;
    return this.templateLibrary.approved(refresh);
  }

  async syncTemplates(): Promise<Result<number>> {
    return this.templateLibrary.sync();
  }

  // ---- workspace archive: this number's tables, read for an export and written by an import ----

  private get archiveStore(): Store {
    return { storage: this.ctx.storage, sql: this.sql, policy: numberPolicy };
  }

  async archiveInfo(): Promise<{ schemaVersion: number; tables: string[] }> {
    return storeInfo(this.archiveStore);
  }

  async archivePage(table: string, after: number, limit: number): Promise<{ rows: ArchiveRow[]; next: number | null }> {
    return storePage(this.archiveStore, table, after, limit);
  }

  /** Refused when this deployment already holds conversations of the number, unless an import of it stopped half-way. */
  async beginImport(phoneNumberId: string, schemaVersion: number): Promise<Result<{ ok: true }>> {
    if (!(await importUnfinished(this.archiveStore)) && hasRows(this.sql, "conversations")) {
      return refuse(409, `number ${phoneNumberId} already holds conversations in this deployment; import into a fresh one`);
    }
    const refusal = await beginStoreImport(this.archiveStore, schemaVersion, `number ${phoneNumberId}`);
    if (refusal) return refuse(422, refusal);
    this.settings.forget();
    return ok({ ok: true });
  }

  async importRows(table: string, rows: ArchiveRow[]): Promise<string | null> {
    return importStoreRows(this.archiveStore, table, rows);
  }

  /** The search index is rebuilt from the imported messages, as the migration that introduced it built it. */
  async finishImport(): Promise<Record<string, number>> {
    this.messages.rebuildIndex();
    this.settings.forget();
    return finishStoreImport(this.archiveStore);
  }

  /** Webhook errors and token problems of this number; `detail` is JSON text. */
  async events(viewer: Principal): Promise<Result<{ kind: string; detail: string; at: number }[]>> {
    return this.numberHealth.events(viewer);
  }

  async health(): Promise<NumberHealth> {
    // Counted from the runtime's own list, so a socket the object forgot to let go of shows up here (the soak watches it).
    return this.numberHealth.report(this.outbox.length(), this.sockets.all().length);
  }

  /** The floor's view of this number: its members' facts and who waits in its queue, longest first. */
  async floor(): Promise<{ agents: NumberAgent[]; waiting: FloorWaiting[] }> {
    if (!this.settings.stored()) return { agents: [], waiting: [] };
    const agents = await this.agents({ workspaceId: "", personId: "", name: "", role: "admin" });
    const waiting = this.conversations
      .waitingRows()
      .map((row) => {
        const c = this.conversations.toApi(row);
        return {
          conversationId: c.id,
          contactName: c.contact.name ?? (c.contact.waId ? `+${c.contact.waId}` : "customer"),
          waitingSince: c.queuedAt ?? c.createdAt,
          teamId: c.teamId,
          preview: c.lastMessagePreview,
        };
      });
    return { agents: agents.ok ? agents.value : [], waiting };
  }

  /** How many contacts and conversations carry each tag here: the console says so before a tag is deleted. */
  async tagUsage(): Promise<Record<string, { contacts: number; conversations: number }>> {
    return this.contacts.tagUsage();
  }

  /** A deleted tag comes off every contact; returns how many carried it. */
  async removeTag(tagId: string): Promise<number> {
    return this.contacts.removeTag(tagId);
  }

  /** One alarm for every deadline: presence grace, snoozes, no-reply timers, automation, outbox retries. Each step is idempotent. */
  override async alarm(): Promise<void> {
    const now = this.now();
    if (this.settings.stored()) {
      this.pushes.collect(() => {
        this.expireGrace(now);
        this.lifecycle.wakeSnoozed(now);
        this.autoReplies.nudgeBeforeReassigning(now);
        this.assignment.reassignUnanswered(now);
        this.autoReplies.sendQueueUpdates(now);
        this.autoReplies.resolveInactive(now);
      });
    }
    await this.outbox.drain();
    await this.scheduleAlarm();
  }

  // ---- sockets ----

  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("upgrade") !== "websocket") return new Response("expected a WebSocket upgrade", { status: 426 });
    const agentId = request.headers.get("x-agent-id");
    const role = request.headers.get("x-agent-role") as Role | null;
    if (!agentId || !role) return new Response("missing identity", { status: 400 });
    if (request.headers.get("x-watch-only") === "1") return this.sockets.acceptWatcher(agentId, role);
    const wasPresent = this.roster.isPresent(agentId, this.now());
    const wasConnected = this.sockets.isConnected(agentId);
    const response = this.sockets.acceptAgent(agentId, role);
    this.roster.connected(agentId, wasConnected);
    this.presenceChanged(agentId);
    if (!wasPresent) this.assignment.drainQueue();
    return response;
  }

  /** The only things a panel says over its socket: what it shows and that its agent types (collision guard). */
  override async webSocketMessage(ws: WebSocket, data: string | ArrayBuffer): Promise<void> {
    this.sockets.signal(ws, data);
  }

  override async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    const agentId = this.sockets.closed(ws, code);
    if (!agentId) return;
    this.roster.disconnected(agentId);
    this.presenceChanged(agentId);
    await this.scheduleAlarm();
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    await this.webSocketClose(ws, 1011);
  }

  // ---- inbound internals ----

  // ---- routing ----

  /** Agents whose grace period ended are offline for routing; supervisors see it. */
  private expireGrace(now: number): void {
    for (const id of this.roster.graceEnded(now)) {
      this.roster.goOffline(id);
      this.presenceChanged(id);
    }
  }

  /** The alarm is set to the earliest deadline any concern has; never earlier than needed, never polling. */
  private async scheduleAlarm(): Promise<void> {
    if (!this.settings.stored()) return;
    const deadlines = [
      this.outbox.nextDeadline(),
      this.lifecycle.nextDeadline(),
      this.roster.nextDeadline(),
      this.assignment.nextDeadline(),
      ...this.autoReplies.deadlines(),
    ].filter((at): at is number => at !== null);
    if (deadlines.length === 0) return;
    const next = Math.max(Math.min(...deadlines), this.now() + 10);
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > next || current < this.now()) await this.ctx.storage.setAlarm(next);
  }

  // ---- automation: welcome, away, queue updates, nudges, auto-resolve, satisfaction survey ----

  // ---- outbound internals ----

  // ---- statuses ----

  // ---- reads ----

  // ---- pushing to side panels ----

  // ---- analytics: recorded with the event, read by the live board and reports ----

  /** A supervisor reads any conversation, resolved or not, with its whole log; nothing is marked read. */
  async review(viewer: Principal, conversationId: string): Promise<Result<{ conversation: Conversation; messages: Message[] }>> {
    if (!seesEverything(viewer)) return refuse(403, "only supervisors and admins review conversations");
    const id = Number(conversationId);
    const row = this.sql.exec(`${CONVERSATION_SELECT} WHERE c.id = ?`, id).toArray()[0];
    if (!row) return refuse(404, `no conversation ${conversationId} on this number`);
    const messages = this.sql.exec("SELECT * FROM messages WHERE conversation_id = ? ORDER BY timestamp, id LIMIT 2000", id).toArray();
    return ok({ conversation: this.conversations.toApi(row), messages: messages.map(toMessage) });
  }

  async board(): Promise<NumberBoard | null> {
    return this.analytics.current();
  }

  async reportData(from: number, to: number, bucketStarts: number[]): Promise<NumberReportData> {
    return this.analytics.report(from, to, bucketStarts);
  }

}
