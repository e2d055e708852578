import { DurableObject } from "cloudflare:workers";
import { SQLSchemaMigrations } from "durable-utils/sql-migrations";
import type { Conversation, Message, SearchResult, SendMessageRequest, Template } from "../../shared/inbox";
import type { MessageContent } from "../../shared/message-content";
import type { ContactProfile } from "../../shared/catalog";
import type { AgentStatus, Role } from "../../shared/people";
import type { NumberAgent, TransferRequest } from "../../shared/routing";
import type { WebhookContact, WebhookMessage } from "../../shared/webhook";
import type { Env } from "../env";
import { listBody, markReadBody, textBody } from "../graph/bodies";
import { postStatus } from "../graph/client";
import { ok, refuse, seesEverything, type Principal, type Result } from "../lib/result";
import type { NumberBatch } from "../webhook/split";
import { describeInbound, previewOf } from "./message-content";
import { arrayRotation, chooseAgent, describeReason, isRoutable, type AssignmentReason } from "./routing";
import { CONVERSATION_SELECT, CUSTOMER_SERVICE_WINDOW_MS, toMessage } from "./rows";
import { decodeCursor, encodeCursor, viewQuery, type ConversationSort, type ConversationView } from "./conversation-views";
import { numberInboxMigrations } from "./schema";
import { planSearch, snippet } from "./search-plan";
import { SqlRotation } from "./sql-rotation";
import { numberPolicy } from "../archive/policy";
import { beginStoreImport, finishStoreImport, importStoreRows, importUnfinished, storeInfo, storePage, type Store } from "../archive/store-archive";
import { hasRows, type Row as ArchiveRow } from "../archive/table-dump";
import type { AutomationKind } from "../../shared/automation";
import { customerLanguage, fillAutomationText, type AutomationLanguage } from "../../shared/automation-text";
import {
  autoResolveAt,
  awayDue,
  backAtPhrase,
  CSAT_ANSWER_WINDOW_MS,
  CSAT_COMMENT_WINDOW_MS,
  csatRows,
  describeWait,
  estimateWaitMs,
  nextQueueUpdateAt,
  nudgeAt,
  parseCsatChoice,
  queueUpdateDue,
  welcomeDue,
} from "./automation";
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
    // Conversations of people who no longer work on the number go back to routing rather than waiting on them.
    const orphaned = this.sql
      .exec<{ id: number; assignee_id: string }>("SELECT id, assignee_id FROM conversations WHERE assignee_id IS NOT NULL AND status != 'resolved'")
      .toArray()
      .filter((c) => !staying.has(c.assignee_id))
      .map((c) => ({ ...c, name: this.roster.nameOf(c.assignee_id) }));
    this.ctx.storage.transactionSync(() => {
      this.settings.saveConfig(stored);
      this.roster.replace(members, this.sockets.connectedAgentIds());
    });
    // A new token may be the fix for the one Meta refused: the held replies are tried again now.
    if (previous && previous.accessTokenSealed !== config.accessTokenSealed && this.numberHealth.tokenInvalid()) {
      this.outbox.retryNow();
      this.numberHealth.tokenWorks();
    }
    for (const c of orphaned) {
      this.route(c.id, { now: this.now(), exclude: [c.assignee_id], reason: { kind: "member_removed", fromName: c.name } });
    }
    this.sockets.revokeAgentsOutside(staying, "you no longer work on this number");
    if (previous && JSON.stringify(previous.catalog) !== JSON.stringify(config.catalog)) await this.catalogChanged();
    this.drainQueue();
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
    const held = this.sql
      .exec<{ id: number }>("SELECT id FROM conversations WHERE assignee_id = ? AND status != 'resolved' ORDER BY id", agentId)
      .toArray();
    const now = this.now();
    for (const { id } of held) this.route(id, { now, exclude: [agentId], reason: { kind: "agent_deactivated", from: agentId } });
    this.presenceChanged(agentId);
    return held.length;
  }

  /** Tells every open panel to fetch the catalog again (a tag renamed, a canned response added…). */
  async catalogChanged(): Promise<void> {
    this.pushes.catalogChanged();
  }

  async setAgentStatus(agentId: string, status: AgentStatus): Promise<void> {
    this.roster.setStatus(agentId, status);
    this.presenceChanged(agentId);
    if (status === "available") this.drainQueue();
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

  async ingest(batch: NumberBatch): Promise<IngestResult> {
    if (!this.settings.stored()) {
      this.numberHealth.unconnectedDelivery();
      return { connected: false, stored: 0, duplicates: 0, statusesApplied: 0 };
    }
    const reopened = new Set<number>();
    const touched = new Set<number>();
    /** The first new message per conversation in this delivery, and when the customer wrote before it. */
    const firstNew = new Map<number, { wamid: string; previousInboundAt: number | null }>();
    const rated = new Set<number>();
    const changedMessages = new Set<number>();
    let stored = 0;
    let duplicates = 0;
    let statusesApplied = 0;
    const now = this.now();
    // Storing and routing run without an await in between, so concurrent deliveries cannot interleave:
    // a conversation is created once and assigned once.
    this.ctx.storage.transactionSync(() => {
      this.numberHealth.webhookArrived(now);
      for (const { message, contact } of batch.messages) {
        if (this.sql.exec("SELECT 1 FROM messages WHERE wamid = ?", message.id).toArray().length > 0) {
          duplicates++;
          continue;
        }
        const { messageId, conversationId, targetId, wasResolved, previousInboundAt, survey } = this.storeInbound(message, contact, now);
        stored++;
        changedMessages.add(messageId);
        if (survey) {
          // A survey answer or its comment: stored on the resolved conversation, which stays resolved and unrouted.
          if (survey === "rated") rated.add(conversationId);
          this.pushes.conversation(conversationId);
          continue;
        }
        touched.add(conversationId);
        if (!firstNew.has(conversationId)) firstNew.set(conversationId, { wamid: message.id, previousInboundAt });
        if (wasResolved) reopened.add(conversationId);
        changedMessages.add(messageId);
        if (targetId !== null) changedMessages.add(targetId);
      }
      const statuses = this.statuses.applyAll(batch.statuses);
      statusesApplied = statuses.applied;
      for (const id of statuses.changed) changedMessages.add(id);
      for (const error of batch.errors) this.numberHealth.record("webhook_error", error);
    });
    // Route first, then push: a new conversation's first message then goes to its assignee only, not to
    // every agent who can see the queue.
    for (const conversationId of touched) {
      this.afterInbound(conversationId, reopened.has(conversationId), now);
      this.automateInbound(conversationId, firstNew.get(conversationId)!, now);
    }
    for (const conversationId of rated) this.thankForRating(conversationId, now);
    for (const id of changedMessages) this.pushes.message(id);
    if (touched.size > 0 || rated.size > 0) await this.scheduleAlarm();
    return { connected: true, stored, duplicates, statusesApplied };
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
    const conversation = this.access.conversation(viewer, conversationId);
    if (!conversation.ok) return conversation;
    if (!this.access.mayReply(viewer, conversation.value)) return refuse(403, "only the assigned agent or a supervisor can resolve this conversation");
    if (conversation.value.status === "resolved") return refuse(409, "this conversation is already resolved");
    const id = Number(conversationId);
    const now = this.now();
    this.sql.exec("UPDATE conversations SET status = 'resolved', resolved_at = ?, awaiting_reply_since = NULL WHERE id = ?", now, id);
    this.analytics.noteResolved(id, (conversation.value.assignee_id as string | null) ?? viewer.personId, now, false);
    if (conversation.value.assignee_id) this.roster.refresh([conversation.value.assignee_id as string]);
    this.activity.add(id, { kind: "resolved", agentId: conversation.value.assignee_id as string | null, actorId: viewer.personId, reason: null, note: null });
    // The survey credits whoever resolved it: the agent themselves, or the assignee when a supervisor closes it.
    this.offerSurvey(id, viewer.role === "agent" ? viewer.personId : ((conversation.value.assignee_id as string | null) ?? viewer.personId), now);
    this.pushes.conversation(id);
    // A resolved conversation frees capacity: the queue moves at once.
    this.drainQueue();
    await this.scheduleAlarm();
    return ok(this.conversations.byId(id));
  }

  async reopen(viewer: Principal, conversationId: string): Promise<Result<Conversation>> {
    const conversation = this.access.conversation(viewer, conversationId);
    if (!conversation.ok) return conversation;
    if (conversation.value.status === "open") return refuse(409, "this conversation is already open");
    const id = Number(conversationId);
    this.sql.exec("UPDATE conversations SET status = 'open', resolved_at = NULL, resolve_reason = NULL WHERE id = ?", id);
    if (conversation.value.assignee_id) this.roster.refresh([conversation.value.assignee_id as string]);
    this.activity.add(id, { kind: "reopened", agentId: conversation.value.assignee_id as string | null, actorId: viewer.personId, reason: null, note: null });
    if (conversation.value.assignee_id === null) this.route(id, { now: this.now() });
    this.pushes.conversation(id);
    return ok(this.conversations.byId(id));
  }

  /** Mark pending: out of the agent's way (and off their load) until a time or the customer's next message. */
  async snooze(viewer: Principal, conversationId: string, until: number | null): Promise<Result<Conversation>> {
    const conversation = this.access.conversation(viewer, conversationId);
    if (!conversation.ok) return conversation;
    const c = conversation.value;
    if (!this.access.mayReply(viewer, c)) return refuse(403, "only the assigned agent or a supervisor can mark this conversation pending");
    if (c.status === "resolved") return refuse(409, "reopen the conversation before marking it pending");
    if (c.assignee_id === null) return refuse(409, "a conversation in the queue cannot be snoozed; assign it first");
    if (until !== null && until <= this.now()) return refuse(400, "until: pick a time in the future");
    const id = Number(conversationId);
    this.sql.exec("UPDATE conversations SET status = 'pending', snoozed_until = ?, awaiting_reply_since = NULL WHERE id = ?", until, id);
    this.roster.refresh([c.assignee_id as string]);
    this.activity.add(id, {
      kind: "snoozed",
      agentId: c.assignee_id as string,
      actorId: viewer.personId,
      reason: until === null ? "until the customer writes" : `until ${new Date(until).toISOString()}`,
      note: null,
    });
    this.pushes.conversation(id);
    this.drainQueue();
    await this.scheduleAlarm();
    return ok(this.conversations.byId(id));
  }

  /** "Assign to me" from the queue. One object, no await between check and write: two clicks, one owner. */
  async claim(viewer: Principal, conversationId: string): Promise<Result<Conversation>> {
    const id = Number(conversationId);
    const row = Number.isInteger(id) ? this.sql.exec(`${CONVERSATION_SELECT} WHERE c.id = ?`, id).toArray()[0] : undefined;
    if (!row) return refuse(404, `conversation ${conversationId} does not exist on this number`);
    if (!seesEverything(viewer) && !this.settings.config().routing.agentsSeeQueue) return refuse(403, "on this number only supervisors take from the queue");
    if (row.assignee_id !== null) {
      const owner = row.assignee_id === viewer.personId ? "you" : this.roster.nameOf(row.assignee_id as string);
      return refuse(409, `already taken by ${owner}`);
    }
    if (row.status !== "open") return refuse(409, "this conversation is resolved");
    if (!this.roster.row(viewer.personId)) return refuse(403, "you do not work on this number");
    this.assign(id, viewer.personId, { kind: "claimed" }, { actorId: viewer.personId, leftQueue: true });
    return ok(this.conversations.byId(id));
  }

  async transfer(viewer: Principal, conversationId: string, request: TransferRequest): Promise<Result<Conversation>> {
    const conversation = this.access.conversation(viewer, conversationId);
    if (!conversation.ok) return conversation;
    const c = conversation.value;
    const supervisor = seesEverything(viewer);
    if (!supervisor && c.assignee_id !== viewer.personId) return refuse(403, "only the assigned agent or a supervisor can transfer this conversation");
    if (request.force && !supervisor) return refuse(403, "only a supervisor can force a transfer to someone who cannot take it");
    if (c.status !== "open") return refuse(409, "reopen the conversation before transferring it");
    const id = Number(conversationId);
    const now = this.now();
    const note = request.note ?? null;

    if (request.toAgentId) {
      const target = this.roster.facts({ everyone: true }).find((m) => m.id === request.toAgentId);
      if (!target) return refuse(422, `toAgentId: ${request.toAgentId} does not work on this number`);
      if (target.id === c.assignee_id) return refuse(409, "the conversation is already theirs");
      if (!isRoutable(target) && !request.force) {
        const why = !target.available ? "is Away" : !target.present ? "is offline" : "is at capacity";
        return refuse(409, `${this.roster.nameOf(target.id)} ${why}; pick someone Available${supervisor ? " or force it" : ""}`);
      }
      this.assign(id, target.id, { kind: "transfer", by: viewer.personId }, { actorId: viewer.personId, note, transfer: true });
    } else {
      const team = this.settings.config().teams.find((t) => t.id === request.toTeamId);
      if (!team) return refuse(422, `toTeamId: no team ${request.toTeamId} works on this number`);
      this.sql.exec("UPDATE conversations SET team_id = ? WHERE id = ?", team.id, id);
      const agentId = this.route(id, {
        now,
        exclude: c.assignee_id ? [c.assignee_id as string] : [],
        reason: { kind: "team", teamName: team.name, by: viewer.personId },
        actorId: viewer.personId,
        note,
        transfer: true,
      });
      if (!agentId) {
        this.activity.add(id, { kind: "queued", agentId: null, actorId: viewer.personId, reason: `waiting for team ${team.name}`, note });
      }
    }
    // The previous assignee's capacity is free again.
    this.drainQueue();
    return ok(this.conversations.byId(id));
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

  /** One alarm for every deadline: presence grace, no-reply timers, outbox retries. Each step is idempotent. */
  override async alarm(): Promise<void> {
    const now = this.now();
    if (this.settings.stored()) {
      this.expireGrace(now);
      this.wakeSnoozed(now);
      this.nudgeBeforeReassigning(now);
      this.reassignUnanswered(now);
      this.sendQueueUpdates(now);
      this.resolveInactive(now);
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
    if (!wasPresent) this.drainQueue();
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

  private storeInbound(message: WebhookMessage, contact: WebhookContact | null, now: number) {
    const contactId = this.contacts.upsert(message, contact, now);
    const previousInboundAt = this.sql
      .exec<{ at: number | null }>("SELECT MAX(last_inbound_at) AS at FROM conversations WHERE contact_id = ?", contactId)
      .one().at;
    const { kind, text, content } = describeInbound(message);
    const survey = this.surveyAnswer(contactId, kind, text, content, now);
    const { conversationId, wasResolved } = survey ? { conversationId: survey.conversationId, wasResolved: false } : this.conversationForInbound(contactId, now);
    const timestamp = Number.isFinite(message.timestamp) && message.timestamp > 0 ? message.timestamp * 1000 : now;
    const { id: messageId } = this.sql
      .exec<{ id: number }>(
        `INSERT INTO messages (wamid, conversation_id, direction, kind, text, content, timestamp, raw)
         VALUES (?, ?, 'in', ?, ?, ?, ?, ?) RETURNING id`,
        message.id,
        conversationId,
        kind,
        text,
        JSON.stringify(content),
        timestamp,
        JSON.stringify(message),
      )
      .one();
    if (text) this.sql.exec("INSERT INTO messages_fts (rowid, text) VALUES (?, ?)", messageId, text);
    this.sql.exec(
      `UPDATE conversations SET last_message_at = MAX(last_message_at, ?), last_inbound_at = MAX(COALESCE(last_inbound_at, 0), ?),
         last_preview = ?, unread = unread + ?, awaiting_reply_since = CASE WHEN ? THEN awaiting_reply_since ELSE COALESCE(awaiting_reply_since, ?) END
       WHERE id = ?`,
      timestamp,
      // The window runs from when the customer wrote, even if Meta delivers it late.
      Math.min(timestamp, now),
      previewOf(kind, text, content),
      survey ? 0 : 1,
      survey ? 1 : 0,
      now,
      conversationId,
    );
    this.analytics.count("messages_in", null, now);
    if (survey?.stars !== undefined) {
      this.sql.exec("UPDATE conversations SET csat_stars = ?, csat_rated_at = ? WHERE id = ?", survey.stars, now, conversationId);
      this.analytics.sample("csat", survey.agentId, conversationId, survey.stars, null, now);
      this.activity.add(conversationId, { kind: "rated", agentId: survey.agentId, actorId: null, reason: `${"★".repeat(survey.stars)} ${survey.stars}/5`, note: null });
    } else if (survey?.comment !== undefined) {
      this.sql.exec("UPDATE conversations SET csat_comment = ? WHERE id = ?", survey.comment, conversationId);
    }
    const targetId = kind === "edit" || kind === "revoke" ? this.applyEditOrRevoke(kind, content, text) : null;
    return { messageId, conversationId, targetId, wasResolved, previousInboundAt, survey: survey ? (survey.stars !== undefined ? "rated" : "comment") : null };
  }

  /**
   * A tap on the survey (its row id names the conversation), or the customer's next text within ten minutes of
   * rating, belongs to the resolved conversation: it is stored there and neither reopens it nor queues it.
   */
  private surveyAnswer(contactId: number, kind: string, text: string | null, content: MessageContent, now: number) {
    const choice = parseCsatChoice(content.choice?.id);
    if (choice) {
      const row = this.sql
        .exec<{ csat_sent_at: number | null; csat_stars: number | null; csat_agent_id: string | null; status: string }>(
          "SELECT csat_sent_at, csat_stars, csat_agent_id, status FROM conversations WHERE id = ? AND contact_id = ?",
          choice.conversationId,
          contactId,
        )
        .toArray()[0];
      if (row && row.status === "resolved" && row.csat_sent_at !== null && row.csat_stars === null && now - row.csat_sent_at <= CSAT_ANSWER_WINDOW_MS) {
        return { conversationId: choice.conversationId, stars: choice.stars, agentId: row.csat_agent_id, comment: undefined };
      }
      return null;
    }
    if (kind !== "text" || !text) return null;
    const last = this.sql
      .exec<{ id: number; status: string; csat_rated_at: number | null; csat_comment: string | null; csat_agent_id: string | null }>(
        "SELECT id, status, csat_rated_at, csat_comment, csat_agent_id FROM conversations WHERE contact_id = ? ORDER BY id DESC LIMIT 1",
        contactId,
      )
      .toArray()[0];
    if (last && last.status === "resolved" && last.csat_rated_at !== null && last.csat_comment === null && now - last.csat_rated_at <= CSAT_COMMENT_WINDOW_MS) {
      return { conversationId: last.id, stars: undefined, agentId: last.csat_agent_id, comment: text };
    }
    return null;
  }

  /** An edit replaces the text of the message it edits; a revoke marks it deleted. The original stays stored. */
  private applyEditOrRevoke(kind: string, content: MessageContent, text: string | null): number | null {
    if (!content.targetWamid) return null;
    const target = this.sql
      .exec<{ id: number; content: string | null; text: string | null }>("SELECT id, content, text FROM messages WHERE wamid = ?", content.targetWamid)
      .toArray()[0];
    if (!target) return null;
    const previous = JSON.parse(target.content ?? "{}") as MessageContent;
    if (kind === "revoke") {
      this.sql.exec("UPDATE messages SET content = ? WHERE id = ?", JSON.stringify({ ...previous, deleted: true }), target.id);
    } else {
      const { targetWamid: _, ...edited } = content;
      this.sql.exec("UPDATE messages SET text = ?, content = ? WHERE id = ?", text, JSON.stringify({ ...previous, ...edited, edited: true }), target.id);
      // The search index follows the edit: the old words out, the new ones in.
      if (target.text) this.sql.exec("INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', ?, ?)", target.id, target.text);
      if (text) this.sql.exec("INSERT INTO messages_fts (rowid, text) VALUES (?, ?)", target.id, text);
    }
    return target.id;
  }

  /** The customer's open conversation, their last one reopened if it was resolved recently, or a new one. */
  private conversationForInbound(contactId: number, now: number): { conversationId: number; wasResolved: boolean } {
    const last = this.sql
      .exec<{ id: number; status: string; resolved_at: number | null }>(
        "SELECT id, status, resolved_at FROM conversations WHERE contact_id = ? ORDER BY id DESC LIMIT 1",
        contactId,
      )
      .toArray()[0];
    if (last?.status === "open") return { conversationId: last.id, wasResolved: false };
    if (last?.status === "pending") {
      // Snoozed until the customer's next message (or a time that has not come): it wakes, still its agent's.
      this.sql.exec("UPDATE conversations SET status = 'open', snoozed_until = NULL WHERE id = ?", last.id);
      const assignee = this.sql.exec<{ assignee_id: string | null }>("SELECT assignee_id FROM conversations WHERE id = ?", last.id).one().assignee_id;
      if (assignee) this.roster.refresh([assignee]);
      this.activity.add(last.id, { kind: "reopened", agentId: assignee, actorId: null, reason: "the customer wrote again", note: null });
      return { conversationId: last.id, wasResolved: false };
    }
    const reopenWithinMs = (this.settings.config().routing.reopenWithinHours ?? 168) * 3600_000;
    if (last && (last.resolved_at === null || now - last.resolved_at <= reopenWithinMs)) {
      // A reopened conversation starts a new wait for a first response, and a new resolution time.
      this.sql.exec("UPDATE conversations SET status = 'open', resolved_at = NULL, resolve_reason = NULL, frt_pending_since = ?, opened_at = ? WHERE id = ?", now, now, last.id);
      this.analytics.count("conversations_reopened", null, now);
      return { conversationId: last.id, wasResolved: true };
    }
    const { id } = this.sql
      .exec<{ id: number }>(
        `INSERT INTO conversations (contact_id, status, created_at, last_message_at, queued_at, frt_pending_since, opened_at) VALUES (?, 'open', ?, ?, ?, ?, ?) RETURNING id`,
        contactId,
        now,
        now,
        now,
        now,
        now,
      )
      .one();
    this.analytics.count("conversations_new", null, now);
    return { conversationId: id, wasResolved: false };
  }

  /**
   * After a customer message: a new or queued conversation is routed; a reopened one stays with its agent only
   * if they can take it now; one whose agent went offline (past the grace period) goes to someone who is here.
   */
  private afterInbound(conversationId: number, reopened: boolean, now: number): void {
    const row = this.sql.exec<{ assignee_id: string | null; status: string }>("SELECT assignee_id, status FROM conversations WHERE id = ?", conversationId).one();
    const assignee = row.assignee_id;
    if (reopened) {
      if (assignee) this.roster.refresh([assignee]);
      this.activity.add(conversationId, { kind: "reopened", agentId: assignee, actorId: null, reason: "the customer wrote again", note: null });
    }
    if (assignee === null) {
      this.route(conversationId, { now });
    } else if (reopened) {
      const facts = this.roster.facts({ everyone: true }).find((m) => m.id === assignee);
      if (facts && isRoutable({ ...facts, load: Math.max(0, facts.load - 1) })) {
        this.recordAssignment(conversationId, assignee, assignee, { kind: "reopened" }, now);
        this.pushes.conversation(conversationId);
      } else {
        this.route(conversationId, { now, exclude: [assignee] });
      }
    } else if (!this.roster.isPresent(assignee, now)) {
      this.route(conversationId, { now, exclude: [assignee], reason: { kind: "assignee_offline", from: assignee } });
    } else {
      this.pushes.conversation(conversationId);
    }
  }

  // ---- routing ----

  /**
   * Picks an agent by the number's rules (or the conversation's team's) and assigns, or leaves it queued.
   * Returns who got it.
   */
  private route(
    conversationId: number,
    options: {
      now: number;
      exclude?: string[];
      reason?: AssignmentReason;
      actorId?: string;
      note?: string | null;
      transfer?: boolean;
      /** Taken from the queue: the reason says how long it waited. */
      fromQueue?: boolean;
    },
  ): string | null {
    const row = this.sql.exec(`${CONVERSATION_SELECT} WHERE c.id = ?`, conversationId).one();
    const settings = this.settings.routing();
    const teamId = (row.team_id as string | null) ?? null;
    const team = teamId ? settings.teams.find((t) => t.id === teamId) : undefined;
    const cursorKey = team ? `last_assigned:team:${team.id}` : "last_assigned";
    const decision = chooseAgent({
      // Teams are small: their members' facts are read directly. The number's rotation is answered by index.
      rotation: team ? arrayRotation(this.roster.facts({ teamId: team.id })) : new SqlRotation(this.sql),
      mode: team?.mode ?? settings.mode,
      lastAssignedId: this.settings.get<string>(cursorKey),
      lastServed: row.last_agent_id && row.last_served_at ? { agentId: row.last_agent_id as string, at: row.last_served_at as number } : null,
      stickyWindowMs: settings.sticky.enabled ? settings.sticky.windowDays * 86_400_000 : null,
      now: options.now,
      exclude: options.exclude ?? [],
    });
    if (!decision) {
      if (row.assignee_id !== null) {
        // Its agent is gone and nobody can take it: it waits in the queue rather than with someone absent.
        const previous = row.assignee_id as string;
        this.sql.exec("UPDATE conversations SET assignee_id = NULL, assignment_reason = NULL, queued_at = ? WHERE id = ?", options.now, conversationId);
        this.roster.refresh([previous]);
        const why = options.reason ? `${describeReason(options.reason, options.now, (id) => this.roster.nameOf(id))}; ` : "";
        this.activity.add(conversationId, { kind: "unassigned", agentId: previous, actorId: options.actorId ?? null, reason: `${why}nobody can take it now; waiting in the queue`, note: null });
        this.pushes.notice(previous, "unassigned", conversationId, "A conversation went back to the queue");
        this.pushes.conversation(conversationId, [previous]);
      } else {
        this.sql.exec("UPDATE conversations SET queued_at = COALESCE(queued_at, ?) WHERE id = ?", options.now, conversationId);
        this.pushes.conversation(conversationId);
      }
      return null;
    }
    const queuedAt = row.queued_at as number | null;
    const waited = row.assignee_id === null && queuedAt !== null ? options.now - queuedAt : 0;
    const reason: AssignmentReason =
      options.reason ?? (decision.reason.kind === "round_robin" && options.fromQueue ? { kind: "queue", waitedMs: waited } : decision.reason);
    this.assign(conversationId, decision.agentId, reason, {
      actorId: options.actorId ?? null,
      note: options.note ?? null,
      transfer: options.transfer,
      cursorKey: decision.reason.kind === "round_robin" ? cursorKey : null,
      leftQueue: options.fromQueue === true,
    });
    return decision.agentId;
  }

  private assign(
    conversationId: number,
    agentId: string,
    reason: AssignmentReason,
    options: { actorId?: string | null; note?: string | null; transfer?: boolean; cursorKey?: string | null; leftQueue?: boolean } = {},
  ): void {
    const now = this.now();
    const previous = this.sql.exec<{ assignee_id: string | null }>("SELECT assignee_id FROM conversations WHERE id = ?", conversationId).one().assignee_id;
    this.sql.exec(
      `UPDATE conversations SET assignee_id = ?, queued_at = NULL, team_id = NULL,
         awaiting_reply_since = CASE WHEN awaiting_reply_since IS NULL THEN NULL ELSE ? END WHERE id = ?`,
      agentId,
      now,
      conversationId,
    );
    const text = this.recordAssignment(conversationId, agentId, previous, reason, now);
    // A hand-over from one agent to another; a supervisor assigning a waiting customer is no transfer.
    if (options.transfer && previous && previous !== agentId) this.analytics.count("conversations_transferred", agentId, now);
    const touched = previous && previous !== agentId ? [agentId, previous] : [agentId];
    this.roster.refresh(touched);
    this.pushes.load(touched);
    if (options.cursorKey) this.settings.set(options.cursorKey, agentId);
    this.activity.add(conversationId, {
      kind: options.transfer ? "transferred" : "assigned",
      agentId,
      actorId: options.actorId ?? null,
      reason: text,
      note: options.note ?? null,
    });
    // Leaving the queue is news for everyone watching it; a new conversation routed at once was never in it.
    this.pushes.conversation(conversationId, previous && previous !== agentId ? [previous] : [], options.leftQueue === true);
    const contact = this.conversations.byId(conversationId).contact;
    const who = contact.name ?? (contact.waId ? `+${contact.waId}` : "a customer");
    this.pushes.notice(
      agentId,
      options.transfer ? "transferred_in" : reason.kind === "no_reply" ? "reassigned_no_reply" : "assigned",
      conversationId,
      options.note ? `${who}: ${text} — “${options.note}”` : `${who}: ${text}`,
    );
    if (previous && previous !== agentId) this.pushes.notice(previous, "unassigned", conversationId, `${who}: ${text}`);
  }

  /** Stores why the conversation is with this agent (on the conversation and in the history); returns the sentence. */
  private recordAssignment(conversationId: number, agentId: string, previous: string | null, reason: AssignmentReason, now: number): string {
    const text = describeReason(reason, now, (id) => this.roster.nameOf(id));
    this.sql.exec("UPDATE conversations SET assignment_reason = ? WHERE id = ?", text, conversationId);
    this.sql.exec(
      "INSERT INTO assignments (conversation_id, agent_id, previous_agent_id, reason_kind, reason, at, waited_ms) VALUES (?, ?, ?, ?, ?, ?, ?)",
      conversationId,
      agentId,
      previous,
      reason.kind,
      text,
      now,
      reason.kind === "queue" ? reason.waitedMs : null,
    );
    this.analytics.count(`assigned:${reason.kind}`, agentId, now);
    return text;
  }

  /** Hands waiting conversations, longest waiting first, to whoever can take them now. Event-driven, never polled. */
  private drainQueue(): void {
    if (!this.settings.stored()) return;
    const now = this.now();
    const queued = this.sql
      .exec<{ id: number; team_id: string | null }>(
        "SELECT id, team_id FROM conversations WHERE assignee_id IS NULL AND status = 'open' ORDER BY queued_at, id",
      )
      .toArray();
    const blocked = new Set<string>();
    for (const { id, team_id } of queued) {
      const queue = team_id ?? "";
      if (blocked.has(queue)) continue;
      if (!this.route(id, { now, fromQueue: true })) blocked.add(queue);
    }
  }

  /** Agents whose grace period ended are offline for routing; supervisors see it. */
  private expireGrace(now: number): void {
    for (const id of this.roster.graceEnded(now)) {
      this.roster.goOffline(id);
      this.presenceChanged(id);
    }
  }

  /** Snoozed conversations whose time has come are open again, with their agent, who is told. */
  private wakeSnoozed(now: number): void {
    const due = this.sql
      .exec<{ id: number; assignee_id: string | null }>(
        "SELECT id, assignee_id FROM conversations WHERE status = 'pending' AND snoozed_until IS NOT NULL AND snoozed_until <= ?",
        now,
      )
      .toArray();
    for (const { id, assignee_id } of due) {
      this.sql.exec("UPDATE conversations SET status = 'open', snoozed_until = NULL WHERE id = ?", id);
      if (assignee_id) this.roster.refresh([assignee_id]);
      this.activity.add(id, { kind: "reopened", agentId: assignee_id, actorId: null, reason: "the snooze ended", note: null });
      this.pushes.conversation(id);
      if (assignee_id) this.pushes.notice(assignee_id, "assigned", id, `${this.conversations.byId(id).contact.name ?? "A customer"}: the snooze ended`);
    }
  }

  /** No-reply reassignment: the customer waited N minutes without an answer, so someone else takes it. */
  private reassignUnanswered(now: number): void {
    const minutes = this.settings.config().routing.noReplyMinutes;
    if (!minutes) return;
    const due = this.sql
      .exec<{ id: number; assignee_id: string }>(
        `SELECT id, assignee_id FROM conversations WHERE status = 'open' AND assignee_id IS NOT NULL
           AND awaiting_reply_since IS NOT NULL AND awaiting_reply_since <= ?`,
        now - minutes * 60_000,
      )
      .toArray();
    for (const { id, assignee_id } of due) {
      const next = this.route(id, { now, exclude: [assignee_id], reason: { kind: "no_reply", minutes, from: assignee_id } });
      // Nobody else can take it: the timer restarts so the current agent is not reassigned in a loop.
      if (!next) this.sql.exec("UPDATE conversations SET awaiting_reply_since = ? WHERE id = ? AND assignee_id IS NOT NULL", now, id);
    }
  }

  private async scheduleAlarm(): Promise<void> {
    if (!this.settings.stored()) return;
    const { noReplyMinutes } = this.settings.routing();
    const deadlines: number[] = [];
    const outbox = this.outbox.nextDeadline();
    if (outbox !== null) deadlines.push(outbox);
    const snoozed = this.conversations.nextWake();
    if (snoozed !== null) deadlines.push(snoozed);
    const grace = this.roster.nextDeadline();
    if (grace !== null) deadlines.push(grace);
    if (noReplyMinutes) {
      const waiting = this.sql
        .exec<{ at: number | null }>(
          "SELECT MIN(awaiting_reply_since) AS at FROM conversations WHERE awaiting_reply_since IS NOT NULL AND assignee_id IS NOT NULL AND status = 'open'",
        )
        .one().at;
      if (waiting !== null) deadlines.push(waiting + noReplyMinutes * 60_000);
    }
    deadlines.push(...this.automationDeadlines());
    if (deadlines.length === 0) return;
    const next = Math.max(Math.min(...deadlines), this.now() + 10);
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > next || current < this.now()) await this.ctx.storage.setAlarm(next);
  }

  // ---- automation: welcome, away, queue updates, nudges, auto-resolve, satisfaction survey ----

  /** After a customer message is stored and routed: the welcome and the away message, each once per message. */
  private automateInbound(conversationId: number, first: { wamid: string; previousInboundAt: number | null }, now: number): void {
    const settings = this.settings.automation();
    if (welcomeDue(settings, first.previousInboundAt, now)) {
      this.sendAutomatic(conversationId, "welcome", `auto:welcome:${first.wamid}`, now, (language, names) => ({
        text: fillAutomationText(settings.welcome.text[language], names),
      }));
    }
    const row = this.sql.exec<{ assignee_id: string | null; last_away_at: number | null }>("SELECT assignee_id, last_away_at FROM conversations WHERE id = ?", conversationId).one();
    const reason = awayDue(settings, { assigned: row.assignee_id !== null, lastAwayAt: row.last_away_at }, now);
    if (reason) {
      const sent = this.sendAutomatic(conversationId, "away", `auto:away:${first.wamid}`, now, (language, names) => ({
        text: fillAutomationText(settings.away.text[language], { ...names, backAt: backAtPhrase(settings, reason, now, language) }),
      }));
      if (sent) this.sql.exec("UPDATE conversations SET last_away_at = ? WHERE id = ?", now, conversationId);
    }
  }

  /** Queue updates: position among those waiting for the same queue, and a wait estimated from recent waits. */
  private sendQueueUpdates(now: number): void {
    const settings = this.settings.automation();
    if (!settings.queueUpdate.enabled) return;
    const waiting = this.sql
      .exec<{ id: number; queued_at: number; last_queue_update_at: number | null; queue_updates: number; team_id: string | null }>(
        "SELECT id, queued_at, last_queue_update_at, queue_updates, team_id FROM conversations WHERE assignee_id IS NULL AND status = 'open' ORDER BY queued_at, id",
      )
      .toArray();
    const recentWaits = this.sql
      .exec<{ waited_ms: number }>("SELECT waited_ms FROM assignments WHERE waited_ms IS NOT NULL ORDER BY id DESC LIMIT 50")
      .toArray()
      .map((r) => r.waited_ms);
    const positions = new Map<string, number>();
    for (const c of waiting) {
      const queue = c.team_id ?? "";
      const position = (positions.get(queue) ?? 0) + 1;
      positions.set(queue, position);
      if (!queueUpdateDue(settings, { queuedAt: c.queued_at, lastUpdateAt: c.last_queue_update_at }, now)) continue;
      this.sendAutomatic(c.id, "queue_update", `auto:queue:${c.id}:${c.queue_updates + 1}`, now, (language, names) => ({
        text: fillAutomationText(settings.queueUpdate.text[language], { ...names, position, wait: describeWait(estimateWaitMs(position, recentWaits), language) }),
      }));
      // Counted even when skipped (window closed), so the next try waits its interval rather than retrying each alarm.
      this.sql.exec("UPDATE conversations SET last_queue_update_at = ?, queue_updates = queue_updates + 1 WHERE id = ?", now, c.id);
    }
  }

  /** Tells the agent shortly before the no-reply reassignment takes the conversation from them. */
  private nudgeBeforeReassigning(now: number): void {
    const settings = this.settings.automation();
    const minutes = this.settings.config().routing.noReplyMinutes;
    if (!settings.noReplyNudge.enabled || !minutes) return;
    const due = this.sql
      .exec<{ id: number; assignee_id: string; awaiting_reply_since: number }>(
        `SELECT id, assignee_id, awaiting_reply_since FROM conversations WHERE status = 'open' AND assignee_id IS NOT NULL
           AND awaiting_reply_since IS NOT NULL AND (nudged_at IS NULL OR nudged_at < awaiting_reply_since)`,
      )
      .toArray()
      .filter((c) => (nudgeAt(settings, minutes, c.awaiting_reply_since) ?? Infinity) <= now);
    for (const c of due) {
      this.sql.exec("UPDATE conversations SET nudged_at = ? WHERE id = ?", now, c.id);
      const left = Math.max(1, Math.round((c.awaiting_reply_since + minutes * 60_000 - now) / 60_000));
      const who = this.conversations.byId(c.id).contact.name ?? "A customer";
      this.pushes.notice(c.assignee_id, "no_reply_nudge", c.id, `${who} is waiting for your reply: it goes to a colleague in ${left} min`);
    }
  }

  /** Conversations whose customer went silent after our answer are resolved as "inactive", with a closing message. */
  private resolveInactive(now: number): void {
    const settings = this.settings.automation();
    if (!settings.autoResolve.enabled) return;
    const due = this.sql
      .exec<{ id: number; assignee_id: string; last_inbound_at: number }>(
        `SELECT id, assignee_id, last_inbound_at FROM conversations WHERE status = 'open' AND assignee_id IS NOT NULL
           AND awaiting_reply_since IS NULL AND last_inbound_at IS NOT NULL AND last_inbound_at <= ?`,
        now - settings.autoResolve.afterMinutes * 60_000,
      )
      .toArray();
    for (const c of due) {
      this.sendAutomatic(c.id, "closing", `auto:closing:${c.id}:${c.last_inbound_at}`, now, (language, names) => ({
        text: fillAutomationText(settings.autoResolve.closingText[language], names),
      }));
      const minutes = settings.autoResolve.afterMinutes;
      const silence = minutes % 60 === 0 ? `${minutes / 60} h` : `${minutes} min`;
      this.sql.exec("UPDATE conversations SET status = 'resolved', resolved_at = ?, resolve_reason = 'inactive' WHERE id = ?", now, c.id);
      this.analytics.noteResolved(c.id, c.assignee_id, now, true);
      this.roster.refresh([c.assignee_id]);
      this.activity.add(c.id, { kind: "resolved", agentId: c.assignee_id, actorId: null, reason: `inactive: the customer was silent for ${silence}`, note: null });
      this.offerSurvey(c.id, c.assignee_id, now);
      this.pushes.conversation(c.id);
    }
    if (due.length) this.drainQueue();
  }

  /** On resolve, while the window is open: five ratings as an interactive list, credited to the resolving agent. */
  private offerSurvey(conversationId: number, agentId: string, now: number): void {
    const settings = this.settings.automation();
    if (!settings.csat.enabled) return;
    const sent = this.sendAutomatic(conversationId, "csat", `auto:csat:${conversationId}:${now}`, now, (language, names) => {
      const question = fillAutomationText(settings.csat.question[language], names);
      const button = language === "zh" ? "选择评分" : "Rate us";
      const rows = csatRows(conversationId, language);
      return {
        text: question,
        content: { list: { button, rows: rows.map((r) => ({ ...r, description: r.description })) } },
        body: (to: string) => listBody({ to }, { body: question, button, rows }),
      };
    });
    if (sent) {
      this.sql.exec(
        "UPDATE conversations SET csat_sent_at = ?, csat_agent_id = ?, csat_stars = NULL, csat_rated_at = NULL, csat_comment = NULL WHERE id = ?",
        now,
        agentId,
        conversationId,
      );
    }
  }

  private thankForRating(conversationId: number, now: number): void {
    const settings = this.settings.automation();
    this.sendAutomatic(conversationId, "csat_thanks", `auto:csat_thanks:${conversationId}:${now}`, now, (language, names) => ({
      text: fillAutomationText(settings.csat.thanks[language], names),
    }));
  }

  /**
   * Queues one automatic message, at most once for its key (the key is the message's client id, unique in the
   * table), in the same synchronous step as the event that caused it, so a crash, a redelivery or an alarm retry
   * cannot send it twice. Outside the 24-hour window it is not sent; the conversation's log says so instead.
   */
  private sendAutomatic(
    conversationId: number,
    kind: AutomationKind,
    key: string,
    now: number,
    compose: (
      language: AutomationLanguage,
      names: { customerName: string | null; numberName: string },
    ) => { text: string; content?: Partial<MessageContent>; body?: (to: string) => unknown },
  ): boolean {
    if (this.sql.exec("SELECT 1 FROM messages WHERE client_id = ?", key).toArray().length > 0) return false;
    const c = this.sql.exec(`${CONVERSATION_SELECT} WHERE c.id = ?`, conversationId).one();
    const language = this.languageOf(c.contact_id as number);
    const composed = compose(language, { customerName: (c.contact_name as string | null) ?? null, numberName: this.settings.config().displayName });
    if (!composed.text) return false;
    const to = c.wa_id as string | null;
    const windowOpen = c.last_inbound_at !== null && now < Number(c.last_inbound_at) + CUSTOMER_SERVICE_WINDOW_MS;
    const label = { welcome: "Welcome message", away: "Away message", queue_update: "Queue update", closing: "Closing message", csat: "Satisfaction survey", csat_thanks: "Thank-you for the rating" }[kind];
    const problem = !windowOpen ? "the 24-hour window is closed" : !to ? "the customer has no phone number to write to" : this.settings.config().connected === false ? "the number is disconnected" : null;
    if (problem) {
      const { id } = this.sql
        .exec<{ id: number }>(
          `INSERT INTO messages (client_id, conversation_id, direction, kind, text, content, author_id, timestamp) VALUES (?, ?, 'activity', 'automation_skipped', ?, ?, NULL, ?) RETURNING id`,
          key,
          conversationId,
          `${label} not sent: ${problem}`,
          JSON.stringify({ activity: { kind: "automation_skipped", agentId: null, actorId: null, reason: `${label} not sent: ${problem}`, note: null }, automation: kind }),
          now,
        )
        .one();
      this.numberHealth.record("automation_skipped", { conversationId, kind, reason: problem });
      this.pushes.message(id);
      return false;
    }
    const content: MessageContent = { ...composed.content, automation: kind };
    const body = composed.body ? composed.body(to!) : textBody({ to: to! }, composed.text);
    const { id } = this.sql
      .exec<{ id: number }>(
        `INSERT INTO messages (client_id, conversation_id, direction, kind, text, content, status, author_id, timestamp)
         VALUES (?, ?, 'out', ?, ?, ?, 'pending', NULL, ?) RETURNING id`,
        key,
        conversationId,
        composed.body ? "interactive" : "text",
        composed.text,
        JSON.stringify(content),
        now,
      )
      .one();
    this.sql.exec("INSERT INTO messages_fts (rowid, text) VALUES (?, ?)", id, composed.text);
    this.outbox.enqueue(id, conversationId, body, now);
    this.sql.exec("UPDATE conversations SET last_message_at = ?, last_preview = ? WHERE id = ?", now, composed.text.slice(0, 120), conversationId);
    this.analytics.count("messages_auto", null, now);
    this.pushes.message(id);
    return true;
  }

  /** The customer's language from the attribute the settings name (e.g. 语言), else the number's default. */
  private languageOf(contactId: number): AutomationLanguage {
    const settings = this.settings.automation();
    if (!settings.languageAttribute) return settings.defaultLanguage;
    return customerLanguage(settings, this.contacts.attribute(contactId, settings.languageAttribute));
  }

  /** The earliest automation deadline: queue updates, nudges, auto-resolve. */
  private automationDeadlines(): number[] {
    const settings = this.settings.automation();
    const out: number[] = [];
    if (settings.queueUpdate.enabled) {
      const waiting = this.sql
        .exec<{ queued_at: number; last_queue_update_at: number | null }>(
          "SELECT queued_at, last_queue_update_at FROM conversations WHERE assignee_id IS NULL AND status = 'open' ORDER BY queued_at LIMIT 200",
        )
        .toArray();
      for (const w of waiting) {
        const at = nextQueueUpdateAt(settings, { queuedAt: w.queued_at, lastUpdateAt: w.last_queue_update_at });
        if (at !== null) out.push(at);
      }
    }
    const noReply = this.settings.config().routing.noReplyMinutes;
    if (settings.noReplyNudge.enabled && noReply) {
      const oldest = this.sql
        .exec<{ at: number | null }>(
          `SELECT MIN(awaiting_reply_since) AS at FROM conversations WHERE status = 'open' AND assignee_id IS NOT NULL
             AND awaiting_reply_since IS NOT NULL AND (nudged_at IS NULL OR nudged_at < awaiting_reply_since)`,
        )
        .one().at;
      const at = nudgeAt(settings, noReply, oldest);
      if (at !== null) out.push(at);
    }
    if (settings.autoResolve.enabled) {
      const oldest = this.sql
        .exec<{ at: number | null }>(
          "SELECT MIN(last_inbound_at) AS at FROM conversations WHERE status = 'open' AND assignee_id IS NOT NULL AND awaiting_reply_since IS NULL",
        )
        .one().at;
      const at = autoResolveAt(settings, { assigneeId: "any", lastInboundAt: oldest, awaitingReplySince: null });
      if (at !== null) out.push(at);
    }
    return out;
  }

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
