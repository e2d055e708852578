import { DurableObject } from "cloudflare:workers";
import { SQLSchemaMigrations } from "durable-utils/sql-migrations";
import { clientSignalSchema, type ClientSignal } from "../../shared/inbox";
import type { Conversation, DeliveryStatus, Message, SearchResult, SendMessageRequest, SocketEvent, Template } from "../../shared/inbox";
import type { MessageContent } from "../../shared/message-content";
import type { AttributeDefinition, ContactProfile, Tag } from "../../shared/catalog";
import type { AgentStatus, Role } from "../../shared/people";
import type { NumberAgent, RoutingSettings, TransferRequest } from "../../shared/routing";
import type { WebhookContact, WebhookMessage } from "../../shared/webhook";
import type { Env } from "../env";
import { listBody, markReadBody, mediaBody, reactionBody, templateBody, textBody } from "../graph/bodies";
import { listTemplates, postStatus, sendMessage, type GraphConfig } from "../graph/client";
import { ok, refuse, seesEverything, type Principal, type Refusal, type Result } from "../lib/result";
import { deploymentTokenServes } from "../lib/deployment";
import { clearTables } from "../archive/table-dump";
import type { NumberBatch } from "../webhook/split";
import { advanceDelivery, isDeliveryStatus } from "./delivery";
import { describeInbound, previewOf } from "./message-content";
import { classifyFailure, throughputDelay } from "./outbox-policy";
import { DEFAULT_GRACE_MS, graceEndsAt, isPresent } from "./presence";
import { arrayRotation, chooseAgent, describeReason, isRoutable, type AssignmentReason, type RotationMember } from "./routing";
import { CONVERSATION_SELECT, CUSTOMER_SERVICE_WINDOW_MS, toConversation, toMessage, type Row } from "./rows";
import { decodeCursor, encodeCursor, viewQuery, type ConversationSort, type ConversationView } from "./conversation-views";
import { numberInboxMigrations } from "./schema";
import { planSearch, snippet } from "./search";
import { validateAttribute } from "./attribute-value";
import { mentionedMembers } from "./mentions";
import { SqlRotation } from "./sql-rotation";
import { renderTemplate, summarizeTemplate } from "./templates";
import { openToken } from "../lib/token-vault";
import { numberPolicy } from "../archive/policy";
import { beginStoreImport, finishStoreImport, importStoreRows, importUnfinished, storeInfo, storePage, type Store } from "../archive/store-archive";
import { hasRows, type Row as ArchiveRow } from "../archive/table-dump";
import { defaultAutomationSettings, type AutomationKind, type AutomationSettings } from "../../shared/automation";
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
import { businessMsBetween, localDate, zonedInstant } from "../../shared/business-hours";
import { boardFigures, countEvent, logPresence, reportData, sampleEvent, type PresenceState } from "./analytics";

export interface NumberMember {
  id: string;
  name: string;
  role: Role;
  status: AgentStatus;
  capacity: number | null;
  inRotation: boolean;
}

/** What the Workspace pushes when a number, its people or its rules change; never read per message. */
export interface NumberConfig {
  workspaceId: string;
  phoneNumberId: string;
  wabaId: string | null;
  displayName: string;
  displayPhoneNumber: string;
  /** Everyone who works on the number; those in rotation are in rotation order. */
  members: NumberMember[];
  teams: { id: string; name: string; memberIds: string[]; mode: "round_robin" | "least_loaded" }[];
  routing: Omit<RoutingSettings, "rotation">;
  graceMs: number;
  /** Tag and attribute definitions: enforce single-choice groups and attribute types on this number's contacts. */
  catalog: { tags: Tag[]; singleChoiceGroups: string[]; attributes: AttributeDefinition[] };
  /** Meta's default per-number throughput. */
  messagesPerSecond?: number;
  /** False once an admin disconnects the number: nothing is sent, the history stays readable. */
  connected: boolean;
  /** The number's own access token, sealed with TOKEN_ENCRYPTION_KEY; null uses the deployment's token if it may. */
  accessTokenSealed: string | null;
  /** Connected by the deployment's operator (setup token): only then may the deployment's token serve it (multi-company). */
  operatorConnected?: boolean;
  /** Business hours and automatic messages; absent before they were ever set. */
  automation?: AutomationSettings;
  /** The workspace's time zone: where "today" starts on the live board. */
  timeZone?: string;
}

/** The configuration as stored: everything but the members, which have a table of their own. */
export type StoredConfig = Omit<NumberConfig, "members">;

export interface IngestResult {
  connected: boolean;
  stored: number;
  duplicates: number;
  statusesApplied: number;
}

interface SocketIdentity {
  agentId: string;
  role: Role;
  /** The console's floor watching the number: it receives events but is not the person working here. */
  watchOnly?: boolean;
  /** The conversation this panel shows, and when its agent last typed in it (collision guard). */
  viewing?: string | null;
  typingAt?: number;
}

const TYPING_SHOWN_MS = 6_000;


const DEFAULT_MESSAGES_PER_SECOND = 80;

/** A socket may be closing while we push; the panel catches up from the API when it reconnects. */
function sendQuietly(ws: WebSocket, data: string): void {
  try {
    ws.send(data);
  } catch {
    // closing or closed
  }
}

export class NumberInbox extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  /** Guards against two overlapping outbox passes in this instance; the outbox itself lives in SQLite. */
  private draining = false;
  private readonly recentSends: number[] = [];
  /** Parsed copy of the stored configuration; the SQLite row is the truth, reloaded after `configure`. */
  private cachedConfig: StoredConfig | null | undefined;
  private openedToken: { sealed: string; token: string } | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    const migrations = new SQLSchemaMigrations({ doStorage: ctx.storage, migrations: numberInboxMigrations });
    void ctx.blockConcurrencyWhile(async () => {
      await migrations.runAll();
      this.reconcilePresence();
    });
    // Answered by the runtime without waking the object, so idle sockets cost nothing.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
  }

  /**
   * The object's clock. Tests of time-based behaviour (analytics scenarios with hand-computed figures) stop it at
   * an instant of their choosing through `setClockForTests`, which only a deployment with TEST_CLOCK=1 accepts.
   */
  private frozenAt: number | null = null;
  private now(): number {
    return this.frozenAt ?? Date.now();
  }

  async setClockForTests(at: number | null): Promise<void> {
    if (this.env.TEST_CLOCK !== "1") throw new Error("the test clock is off in this deployment");
    this.frozenAt = at;
  }

  // ---- configuration pushed by the Workspace ----

  async configure(config: NumberConfig, handover?: { from: string }): Promise<Result<{ ok: true }>> {
    const { members: _, ...stored } = config;
    const previous = this.storedConfig();
    if (previous && previous.workspaceId !== config.workspaceId && previous.workspaceId !== handover?.from) return refuse(409, "this number belongs to another workspace");
    this.cachedConfig = undefined;
    const staying = new Set(config.members.map((m) => m.id));
    // Conversations of people who no longer work on the number go back to routing rather than waiting on them.
    const orphaned = this.sql
      .exec<{ id: number; assignee_id: string }>("SELECT id, assignee_id FROM conversations WHERE assignee_id IS NOT NULL AND status != 'resolved'")
      .toArray()
      .filter((c) => !staying.has(c.assignee_id))
      .map((c) => ({ ...c, name: this.nameOf(c.assignee_id) }));
    this.ctx.storage.transactionSync(() => {
      // Members live in their own table; the setting stays small because it is read on every message.
      this.setSetting("config", stored);
      // One bound JSON array rather than one variable per member: SQLite caps bound variables.
      this.sql.exec("DELETE FROM members WHERE id NOT IN (SELECT value FROM json_each(?))", JSON.stringify(config.members.map((m) => m.id)));
      config.members.forEach((m, position) =>
        // Presence (disconnected_at) survives a configuration change.
        this.sql.exec(
          `INSERT INTO members (id, name, role, status, position, capacity, in_rotation) VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET name = excluded.name, role = excluded.role, status = excluded.status,
             position = excluded.position, capacity = excluded.capacity, in_rotation = excluded.in_rotation`,
          m.id,
          m.name,
          m.role,
          m.status,
          position,
          m.capacity,
          m.inRotation ? 1 : 0,
        ),
      );
      // Whoever has a socket open is present, even if they were just (re)added.
      const connected = new Set(this.ctx.getWebSockets().map((ws) => ws.deserializeAttachment() as SocketIdentity | null).filter((i) => i && !i.watchOnly).map((i) => i!.agentId));
      this.sql.exec("UPDATE members SET present = 1, disconnected_at = NULL WHERE id IN (SELECT value FROM json_each(?))", JSON.stringify([...connected]));
      this.refreshMembers(null);
    });
    // A new token may be the fix for the one Meta refused: the held replies are tried again now.
    if (previous && previous.accessTokenSealed !== config.accessTokenSealed && this.getSetting<string>("token_invalid")) {
      this.sql.exec("DELETE FROM settings WHERE key = 'token_invalid'");
      this.sql.exec("UPDATE outbox SET next_attempt_at = ?", this.now());
      this.pushHealth(true, "ok");
    }
    for (const c of orphaned) {
      this.route(c.id, { now: this.now(), exclude: [c.assignee_id], reason: { kind: "member_removed", fromName: c.name } });
    }
    for (const ws of this.ctx.getWebSockets()) {
      const identity = ws.deserializeAttachment() as SocketIdentity | null;
      // A number handed to another workspace closes every socket: they all belong to the workspace it left.
      if (identity && ((identity.role === "agent" && !staying.has(identity.agentId)) || (previous && previous.workspaceId !== config.workspaceId))) this.revokeSocket(ws, "you no longer work on this number");
    }
    if (previous && JSON.stringify(previous.catalog) !== JSON.stringify(config.catalog)) await this.catalogChanged();
    this.drainQueue();
    void this.drainOutbox();
    await this.scheduleAlarm();
    return ok({ ok: true });
  }

  /** Its owner gives the number up: sockets close and every row goes, so a next owner never sees this one's customers. */
  async release(workspaceId: string): Promise<Result<{ ok: true }>> {
    if (this.storedConfig() && this.storedConfig()!.workspaceId !== workspaceId) return refuse(409, "this number belongs to another workspace");
    for (const ws of this.ctx.getWebSockets()) this.revokeSocket(ws, "this number was released by its workspace");
    this.ctx.storage.transactionSync(() => {
      clearTables(this.sql);
      this.sql.exec("INSERT INTO messages_fts (messages_fts) VALUES ('delete-all')");
    });
    this.cachedConfig = undefined;
    this.openedToken = null;
    await this.ctx.storage.deleteAlarm();
    return ok({ ok: true });
  }

  /** Every call made for a person must come from the workspace that owns this number, whatever route it came by. */
  private stranger(viewer: Principal): Refusal | null {
    return this.storedConfig()?.workspaceId === viewer.workspaceId ? null : refuse(404, "this number is not connected in your workspace");
  }

  /**
   * A deactivated person: their sockets close at once and their conversations go to someone else, with the
   * reason shown in each conversation. Runs before the Workspace pushes the configuration without them.
   */
  async agentDeactivated(agentId: string): Promise<number> {
    for (const ws of [...this.ctx.getWebSockets(agentId), ...this.ctx.getWebSockets(`watch:${agentId}`)]) this.revokeSocket(ws, "your account was deactivated");
    if (!this.memberRow(agentId)) return 0;
    this.sql.exec("UPDATE members SET status = 'away', present = 0, disconnected_at = NULL WHERE id = ?", agentId);
    this.refreshMembers([agentId]);
    const held = this.sql
      .exec<{ id: number }>("SELECT id FROM conversations WHERE assignee_id = ? AND status != 'resolved' ORDER BY id", agentId)
      .toArray();
    const now = this.now();
    for (const { id } of held) this.route(id, { now, exclude: [agentId], reason: { kind: "agent_deactivated", from: agentId } });
    this.broadcastPresence(agentId);
    return held.length;
  }

  /** Tells every open panel to fetch the catalog again (a tag renamed, a canned response added…). */
  async catalogChanged(): Promise<void> {
    const data = JSON.stringify({ type: "catalog_changed" } satisfies SocketEvent);
    for (const ws of this.ctx.getWebSockets()) sendQuietly(ws, data);
  }

  private revokeSocket(ws: WebSocket, reason: string): void {
    sendQuietly(ws, JSON.stringify({ type: "revoked", reason } satisfies SocketEvent));
    try {
      ws.close(4003, reason.slice(0, 100));
    } catch {
      // Already closing.
    }
  }

  async setAgentStatus(agentId: string, status: AgentStatus): Promise<void> {
    this.sql.exec("UPDATE members SET status = ?, status_changed_at = CASE WHEN status = ? THEN status_changed_at ELSE ? END WHERE id = ?", status, status, this.now(), agentId);
    this.refreshMembers([agentId]);
    this.broadcastPresence(agentId);
    if (status === "available") this.drainQueue();
  }

  /** Counts deliveries for a number nobody connected, so an operator can see Meta is sending them. */
  async unconnectedDeliveries(): Promise<number> {
    return this.getSetting<number>("unconnected_deliveries") ?? 0;
  }

  // ---- webhook ingest ----

  async ingest(batch: NumberBatch): Promise<IngestResult> {
    const config = this.storedConfig();
    if (!config) {
      this.setSetting("unconnected_deliveries", (this.getSetting<number>("unconnected_deliveries") ?? 0) + 1);
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
      this.setSetting("last_webhook_at", now);
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
          this.broadcastConversation(conversationId);
          continue;
        }
        touched.add(conversationId);
        if (!firstNew.has(conversationId)) firstNew.set(conversationId, { wamid: message.id, previousInboundAt });
        if (wasResolved) reopened.add(conversationId);
        changedMessages.add(messageId);
        if (targetId !== null) changedMessages.add(targetId);
      }
      for (const status of batch.statuses) {
        if (!isDeliveryStatus(status.status)) {
          this.recordEvent("unknown_status", status);
          continue;
        }
        const error = status.errors?.[0];
        const applied = this.applyStatus(status.id, status.status, error?.code ?? null, error?.title ?? error?.message ?? null);
        if (!applied) continue;
        statusesApplied++;
        if (applied.changed) changedMessages.add(applied.messageId);
      }
      for (const error of batch.errors) this.recordEvent("webhook_error", error);
    });
    // Route first, then push: a new conversation's first message then goes to its assignee only, not to
    // every agent who can see the queue.
    for (const conversationId of touched) {
      this.afterInbound(conversationId, reopened.has(conversationId), now);
      this.automateInbound(conversationId, firstNew.get(conversationId)!, now);
    }
    for (const conversationId of rated) this.thankForRating(conversationId, now);
    for (const id of changedMessages) this.broadcastMessage(id);
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
    const stranger = this.stranger(viewer); if (stranger) return stranger;
    const query = viewQuery(request.view, request.sort, { personId: viewer.personId, supervisor: seesEverything(viewer) }, this.config().routing, {
      tagId: request.tag,
      unreadOnly: request.unread === "true",
      status: request.status,
      agentIds: request.team ? (this.config().teams.find((t) => t.id === request.team)?.memberIds ?? []) : undefined,
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
      conversations: pageRows.map((r) => this.conversation(r)),
      nextCursor: more && last ? encodeCursor(Number(last.sort_key), Number(last.id)) : null,
    });
  }

  /**
   * Search by customer name, phone, and words in the message history (FTS5 trigram; under three characters a
   * LIKE match). Only conversations the viewer may open are returned; history hits point at their message.
   */
  async search(viewer: Principal, query: string): Promise<Result<SearchResult[]>> {
    const stranger = this.stranger(viewer); if (stranger) return stranger;
    const plan = planSearch(query);
    if (!plan) return refuse(400, "q: type something to search for");
    const results: SearchResult[] = [];
    const seen = new Set<string>();
    const add = (conversationId: number, message: SearchResult["message"]) => {
      const key = `${conversationId}:${message?.id ?? ""}`;
      if (seen.has(key) || results.length >= 50) return;
      const visible = this.visibleConversation(viewer, String(conversationId));
      if (!visible.ok) return;
      seen.add(key);
      results.push({ conversation: this.conversation(visible.value), message });
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
    const stranger = this.stranger(viewer); if (stranger) return stranger;
    const allowed = this.contactVisible(viewer, contactId);
    if (!allowed.ok) return allowed;
    const id = Number(contactId);
    const contact = this.sql.exec("SELECT * FROM contacts WHERE id = ?", id).one();
    return ok({
      id: contactId,
      name: (contact.name as string | null) ?? null,
      waId: (contact.wa_id as string | null) ?? null,
      profileName: (contact.name as string | null) ?? null,
      firstSeenAt: contact.first_seen_at as number,
      tags: this.sql
        .exec<{ tag_id: string; added_by: string | null; added_at: number }>("SELECT * FROM contact_tags WHERE contact_id = ? ORDER BY added_at", id)
        .toArray()
        .map((t) => ({ tagId: t.tag_id, addedBy: t.added_by, addedAt: t.added_at })),
      attributes: this.sql
        .exec<{ key: string; value: string; updated_by: string | null; updated_at: number }>("SELECT * FROM contact_attributes WHERE contact_id = ?", id)
        .toArray()
        .map((a) => ({ key: a.key, value: JSON.parse(a.value) as unknown, updatedBy: a.updated_by, updatedAt: a.updated_at })),
      conversations: this.sql
        .exec<{ id: number; status: string; created_at: number; last_preview: string; assignee_id: string | null }>(
          "SELECT id, status, created_at, last_preview, assignee_id FROM conversations WHERE contact_id = ? ORDER BY id DESC LIMIT 20",
          id,
        )
        .toArray()
        .map((c) => ({ id: String(c.id), status: c.status, createdAt: c.created_at, lastMessagePreview: c.last_preview, assigneeId: c.assignee_id })),
    });
  }

  /** Adds or removes a company tag; a tag of a single-choice group replaces the group's other tag. Live for everyone. */
  async changeTag(viewer: Principal, contactId: string, change: { add?: string; remove?: string }): Promise<Result<ContactProfile>> {
    const stranger = this.stranger(viewer); if (stranger) return stranger;
    const allowed = this.contactVisible(viewer, contactId);
    if (!allowed.ok) return allowed;
    const id = Number(contactId);
    const { tags, singleChoiceGroups } = this.config().catalog;
    if (change.add) {
      const tag = tags.find((t) => t.id === change.add);
      if (!tag) return refuse(422, `add: no tag ${change.add}`);
      this.ctx.storage.transactionSync(() => {
        if (tag.groupId && singleChoiceGroups.includes(tag.groupId)) {
          const siblings = tags.filter((t) => t.groupId === tag.groupId && t.id !== tag.id).map((t) => t.id);
          this.sql.exec("DELETE FROM contact_tags WHERE contact_id = ? AND tag_id IN (SELECT value FROM json_each(?))", id, JSON.stringify(siblings));
        }
        this.sql.exec("INSERT OR IGNORE INTO contact_tags (contact_id, tag_id, added_by, added_at) VALUES (?, ?, ?, ?)", id, tag.id, viewer.personId, this.now());
      });
    } else if (change.remove) {
      this.sql.exec("DELETE FROM contact_tags WHERE contact_id = ? AND tag_id = ?", id, change.remove);
    }
    this.broadcastContact(id);
    return this.contactProfile(viewer, contactId);
  }

  async setAttribute(viewer: Principal, contactId: string, key: string, value: unknown): Promise<Result<ContactProfile>> {
    const stranger = this.stranger(viewer); if (stranger) return stranger;
    const allowed = this.contactVisible(viewer, contactId);
    if (!allowed.ok) return allowed;
    const def = this.config().catalog.attributes.find((a) => a.key === key);
    if (!def) return refuse(404, `no contact attribute ${key}`);
    if (!def.agentsCanEdit && !seesEverything(viewer)) return refuse(403, `${key} is edited by supervisors only`);
    const valid = validateAttribute(def, value);
    if (!valid.ok) return valid;
    const id = Number(contactId);
    if (valid.value === null) this.sql.exec("DELETE FROM contact_attributes WHERE contact_id = ? AND key = ?", id, key);
    else {
      this.sql.exec(
        `INSERT INTO contact_attributes (contact_id, key, value, updated_by, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (contact_id, key) DO UPDATE SET value = excluded.value, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
        id,
        key,
        JSON.stringify(valid.value),
        viewer.personId,
        this.now(),
      );
    }
    return this.contactProfile(viewer, contactId);
  }

  /** A contact is the viewer's to see and edit when one of its conversations is. */
  private contactVisible(viewer: Principal, contactId: string): Result<true> {
    const id = Number(contactId);
    const conversations = Number.isInteger(id)
      ? this.sql.exec<{ id: number }>("SELECT id FROM conversations WHERE contact_id = ? ORDER BY id DESC LIMIT 50", id).toArray()
      : [];
    if (conversations.length === 0) return refuse(404, `no customer ${contactId} on this number`);
    return conversations.some((c) => this.visibleConversation(viewer, String(c.id)).ok) ? ok(true) : refuse(403, "this customer's conversations are assigned to someone else");
  }

  /** After a tag change every open conversation with this customer is pushed again, so lists and filters follow. */
  private broadcastContact(contactId: number): void {
    for (const { id } of this.sql.exec<{ id: number }>("SELECT id FROM conversations WHERE contact_id = ? AND status = 'open'", contactId).toArray()) {
      this.broadcastConversation(id);
    }
  }

  /** How many conversations each view holds for this person: the numbers on the panel's tabs. */
  async counts(viewer: Principal): Promise<Result<Record<ConversationView, number>>> {
    const stranger = this.stranger(viewer); if (stranger) return stranger;
    // One indexed count per tab (conversations_by_assignee, conversations_queue, conversations_by_status):
    // panels ask after every change they hear of, so a full scan per question would not scale.
    const count = (query: string, ...args: SqlStorageValue[]) => this.sql.exec<{ n: number }>(query, ...args).one().n;
    return ok({
      mine: count("SELECT COUNT(*) AS n FROM conversations WHERE assignee_id = ? AND status IN ('open', 'pending')", viewer.personId),
      unassigned: count("SELECT COUNT(*) AS n FROM conversations WHERE assignee_id IS NULL AND status = 'open'"),
      all: count("SELECT COUNT(*) AS n FROM conversations WHERE status IN ('open', 'pending')"),
      resolved: seesEverything(viewer)
        ? count("SELECT COUNT(*) AS n FROM conversations WHERE status = 'resolved'")
        : count("SELECT COUNT(*) AS n FROM conversations WHERE assignee_id = ? AND status = 'resolved'", viewer.personId),
    });
  }

  async listMessages(viewer: Principal, conversationId: string): Promise<Result<Message[]>> {
    const stranger = this.stranger(viewer); if (stranger) return stranger;
    const conversation = this.visibleConversation(viewer, conversationId);
    if (!conversation.ok) return conversation;
    const id = Number(conversationId);
    if (conversation.value.assignee_id === viewer.personId && Number(conversation.value.unread) > 0) {
      this.sql.exec("UPDATE conversations SET unread = 0 WHERE id = ?", id);
      this.broadcastConversation(id);
      // The customer sees blue ticks once the assignee has opened the conversation.
      const lastInbound = this.lastInboundWamid(id);
      if (lastInbound) void this.graph().then((graph) => postStatus(graph, this.config().phoneNumberId, markReadBody(lastInbound))).catch(() => undefined);
    }
    const rows = this.sql.exec("SELECT * FROM messages WHERE conversation_id = ? ORDER BY timestamp, id LIMIT 1000", id).toArray();
    return ok(rows.map(toMessage));
  }

  /** Stores an outbound message and its outbox entry in one step, then tries to send it at once. */
  async send(viewer: Principal, conversationId: string, request: SendMessageRequest): Promise<Result<Message>> {
    const stranger = this.stranger(viewer); if (stranger) return stranger;
    const conversation = this.visibleConversation(viewer, conversationId);
    if (!conversation.ok) return conversation;
    const c = conversation.value;
    if (!this.mayReply(viewer, c)) return refuse(403, "only the assigned agent or a supervisor can reply in this conversation");
    if (request.type !== "note" && this.config().connected === false) {
      return refuse(409, "this number was disconnected: its history stays readable, but nothing can be sent from it");
    }
    const existing = this.sql.exec("SELECT * FROM messages WHERE client_id = ?", request.clientId).toArray()[0];
    if (existing) return ok(toMessage(existing));
    if (request.type === "note") return ok(this.addNote(viewer, c, request.text, request.clientId));

    const to = c.wa_id as string | null;
    if (!to) return refuse(422, "this customer wrote with a business-scoped id only; WhatsApp gives no number to reply to");
    const now = this.now();
    const windowOpen = c.last_inbound_at !== null && now < Number(c.last_inbound_at) + CUSTOMER_SERVICE_WINDOW_MS;
    if (request.type !== "template" && !windowOpen) {
      return refuse(422, "the 24-hour customer service window is closed: only a template message can be sent now");
    }
    const built = this.buildOutbound(request, to);
    if (!built.ok) return built;
    const { body, kind, text, content } = built.value;

    const id = this.ctx.storage.transactionSync(() => {
      const { id } = this.sql
        .exec<{ id: number }>(
          `INSERT INTO messages (client_id, conversation_id, direction, kind, text, content, status, author_id, timestamp)
           VALUES (?, ?, 'out', ?, ?, ?, 'pending', ?, ?) RETURNING id`,
          request.clientId,
          Number(conversationId),
          kind,
          text,
          JSON.stringify(content),
          viewer.personId,
          now,
        )
        .one();
      if (text) this.sql.exec("INSERT INTO messages_fts (rowid, text) VALUES (?, ?)", id, text);
      this.sql.exec(
        "INSERT INTO outbox (message_id, conversation_id, body, next_attempt_at) VALUES (?, ?, ?, ?)",
        id,
        Number(conversationId),
        JSON.stringify(body),
        now,
      );
      // The customer has an answer: the no-reply timer stops, and this agent is the one who served them.
      this.sql.exec(
        "UPDATE conversations SET last_message_at = ?, last_preview = ?, awaiting_reply_since = NULL WHERE id = ?",
        now,
        previewOf(kind, text, content),
        Number(conversationId),
      );
      this.sql.exec("UPDATE contacts SET last_agent_id = ?, last_served_at = ? WHERE id = ?", viewer.personId, now, c.contact_id);
      this.recordReply(Number(conversationId), viewer.personId, now);
      return id;
    });
    this.broadcastMessage(id);
    this.broadcastConversation(Number(conversationId));
    await this.drainOutbox();
    return ok(this.messageById(id));
  }

  /** A private note for colleagues: stored and pushed, never sent to WhatsApp; `@name` tells that colleague. */
  private addNote(viewer: Principal, conversation: Row, text: string, clientId: string): Message {
    const conversationId = Number(conversation.id);
    const members = this.sql.exec<{ id: string; name: string }>("SELECT id, name FROM members").toArray();
    const mentioned = mentionedMembers(text, members).filter((id) => id !== viewer.personId);
    const id = this.ctx.storage.transactionSync(() => {
      const { id } = this.sql
        .exec<{ id: number }>(
          `INSERT INTO messages (client_id, conversation_id, direction, kind, text, content, author_id, timestamp)
           VALUES (?, ?, 'note', 'note', ?, '{}', ?, ?) RETURNING id`,
          clientId,
          conversationId,
          text,
          viewer.personId,
          this.now(),
        )
        .one();
      this.sql.exec("INSERT INTO messages_fts (rowid, text) VALUES (?, ?)", id, text);
      for (const agentId of mentioned) {
        this.sql.exec("INSERT OR IGNORE INTO note_mentions (conversation_id, agent_id, message_id) VALUES (?, ?, ?)", conversationId, agentId, id);
      }
      return id;
    });
    const message = this.messageById(id);
    this.pushToViewers((conversation.assignee_id as string | null) ?? null, { type: "message", message }, mentioned);
    const who = (conversation.contact_name as string | null) ?? `+${conversation.wa_id ?? ""}`;
    for (const agentId of mentioned) this.notify(agentId, "mention", conversationId, `${viewer.name} @ ${who}: ${text.slice(0, 140)}`);
    return message;
  }

  /** WhatsApp's typing indicator (which also marks the customer's last message read); lasts 25 s. */
  async typing(viewer: Principal, conversationId: string): Promise<Result<{ ok: true }>> {
    const stranger = this.stranger(viewer); if (stranger) return stranger;
    const conversation = this.visibleConversation(viewer, conversationId);
    if (!conversation.ok) return conversation;
    const wamid = this.lastInboundWamid(Number(conversationId));
    if (!wamid) return refuse(422, "the customer has not written yet");
    const result = await postStatus(await this.graph(), this.config().phoneNumberId, markReadBody(wamid, true));
    return result.ok ? ok({ ok: true }) : refuse(502, `WhatsApp refused the typing indicator: ${result.title}`);
  }

  async resolve(viewer: Principal, conversationId: string): Promise<Result<Conversation>> {
    const stranger = this.stranger(viewer); if (stranger) return stranger;
    const conversation = this.visibleConversation(viewer, conversationId);
    if (!conversation.ok) return conversation;
    if (!this.mayReply(viewer, conversation.value)) return refuse(403, "only the assigned agent or a supervisor can resolve this conversation");
    if (conversation.value.status === "resolved") return refuse(409, "this conversation is already resolved");
    const id = Number(conversationId);
    const now = this.now();
    this.sql.exec("UPDATE conversations SET status = 'resolved', resolved_at = ?, awaiting_reply_since = NULL WHERE id = ?", now, id);
    this.recordResolved(id, (conversation.value.assignee_id as string | null) ?? viewer.personId, now, false);
    if (conversation.value.assignee_id) this.refreshMembers([conversation.value.assignee_id as string]);
    this.addActivity(id, { kind: "resolved", agentId: conversation.value.assignee_id as string | null, actorId: viewer.personId, reason: null, note: null });
    // The survey credits whoever resolved it: the agent themselves, or the assignee when a supervisor closes it.
    this.offerSurvey(id, viewer.role === "agent" ? viewer.personId : ((conversation.value.assignee_id as string | null) ?? viewer.personId), now);
    this.broadcastConversation(id);
    // A resolved conversation frees capacity: the queue moves at once.
    this.drainQueue();
    await this.scheduleAlarm();
    return ok(this.conversationById(id));
  }

  async reopen(viewer: Principal, conversationId: string): Promise<Result<Conversation>> {
    const stranger = this.stranger(viewer); if (stranger) return stranger;
    const conversation = this.visibleConversation(viewer, conversationId);
    if (!conversation.ok) return conversation;
    if (conversation.value.status === "open") return refuse(409, "this conversation is already open");
    const id = Number(conversationId);
    this.sql.exec("UPDATE conversations SET status = 'open', resolved_at = NULL, resolve_reason = NULL WHERE id = ?", id);
    if (conversation.value.assignee_id) this.refreshMembers([conversation.value.assignee_id as string]);
    this.addActivity(id, { kind: "reopened", agentId: conversation.value.assignee_id as string | null, actorId: viewer.personId, reason: null, note: null });
    if (conversation.value.assignee_id === null) this.route(id, { now: this.now() });
    this.broadcastConversation(id);
    return ok(this.conversationById(id));
  }

  /** Mark pending: out of the agent's way (and off their load) until a time or the customer's next message. */
  async snooze(viewer: Principal, conversationId: string, until: number | null): Promise<Result<Conversation>> {
    const stranger = this.stranger(viewer); if (stranger) return stranger;
    const conversation = this.visibleConversation(viewer, conversationId);
    if (!conversation.ok) return conversation;
    const c = conversation.value;
    if (!this.mayReply(viewer, c)) return refuse(403, "only the assigned agent or a supervisor can mark this conversation pending");
    if (c.status === "resolved") return refuse(409, "reopen the conversation before marking it pending");
    if (c.assignee_id === null) return refuse(409, "a conversation in the queue cannot be snoozed; assign it first");
    if (until !== null && until <= this.now()) return refuse(400, "until: pick a time in the future");
    const id = Number(conversationId);
    this.sql.exec("UPDATE conversations SET status = 'pending', snoozed_until = ?, awaiting_reply_since = NULL WHERE id = ?", until, id);
    this.refreshMembers([c.assignee_id as string]);
    this.addActivity(id, {
      kind: "snoozed",
      agentId: c.assignee_id as string,
      actorId: viewer.personId,
      reason: until === null ? "until the customer writes" : `until ${new Date(until).toISOString()}`,
      note: null,
    });
    this.broadcastConversation(id);
    this.drainQueue();
    await this.scheduleAlarm();
    return ok(this.conversationById(id));
  }

  /** "Assign to me" from the queue. One object, no await between check and write: two clicks, one owner. */
  async claim(viewer: Principal, conversationId: string): Promise<Result<Conversation>> {
    const stranger = this.stranger(viewer); if (stranger) return stranger;
    const id = Number(conversationId);
    const row = Number.isInteger(id) ? this.sql.exec(`${CONVERSATION_SELECT} WHERE c.id = ?`, id).toArray()[0] : undefined;
    if (!row) return refuse(404, `conversation ${conversationId} does not exist on this number`);
    if (!seesEverything(viewer) && !this.config().routing.agentsSeeQueue) return refuse(403, "on this number only supervisors take from the queue");
    if (row.assignee_id !== null) {
      const owner = row.assignee_id === viewer.personId ? "you" : this.nameOf(row.assignee_id as string);
      return refuse(409, `already taken by ${owner}`);
    }
    if (row.status !== "open") return refuse(409, "this conversation is resolved");
    if (!this.memberRow(viewer.personId)) return refuse(403, "you do not work on this number");
    this.assign(id, viewer.personId, { kind: "claimed" }, { actorId: viewer.personId, leftQueue: true });
    return ok(this.conversationById(id));
  }

  async transfer(viewer: Principal, conversationId: string, request: TransferRequest): Promise<Result<Conversation>> {
    const stranger = this.stranger(viewer); if (stranger) return stranger;
    const conversation = this.visibleConversation(viewer, conversationId);
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
      const target = this.rotationFacts(now, { everyone: true }).find((m) => m.id === request.toAgentId);
      if (!target) return refuse(422, `toAgentId: ${request.toAgentId} does not work on this number`);
      if (target.id === c.assignee_id) return refuse(409, "the conversation is already theirs");
      if (!isRoutable(target) && !request.force) {
        const why = !target.available ? "is Away" : !target.present ? "is offline" : "is at capacity";
        return refuse(409, `${this.nameOf(target.id)} ${why}; pick someone Available${supervisor ? " or force it" : ""}`);
      }
      this.assign(id, target.id, { kind: "transfer", by: viewer.personId }, { actorId: viewer.personId, note, transfer: true });
    } else {
      const team = this.config().teams.find((t) => t.id === request.toTeamId);
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
        this.addActivity(id, { kind: "queued", agentId: null, actorId: viewer.personId, reason: `waiting for team ${team.name}`, note });
      }
    }
    // The previous assignee's capacity is free again.
    this.drainQueue();
    return ok(this.conversationById(id));
  }

  /** Everyone who works on the number, with live status and load: the transfer picker and the floor. */
  async agents(viewer: Principal): Promise<Result<NumberAgent[]>> {
    const stranger = this.stranger(viewer); if (stranger) return stranger;
    void viewer;
    const now = this.now();
    const config = this.config();
    const rows = this.sql
      .exec<{ id: string; name: string; role: Role; in_rotation: number; status_changed_at: number }>(
        "SELECT id, name, role, in_rotation, status_changed_at FROM members ORDER BY position",
      )
      .toArray();
    const facts = new Map(this.rotationFacts(now, { everyone: true }).map((f) => [f.id, f]));
    return ok(
      rows.map((m) => {
        const f = facts.get(m.id)!;
        return {
          id: m.id,
          name: m.name,
          role: m.role,
          status: f.available ? "available" : "away",
          connected: this.isConnected(m.id),
          present: f.present,
          load: f.load,
          capacity: f.capacity,
          inRotation: m.in_rotation === 1,
          teamIds: config.teams.filter((t) => t.memberIds.includes(m.id)).map((t) => t.id),
          statusSince: m.status_changed_at,
        };
      }),
    );
  }

  /** The number's sealed token, for the media route; sealed text only, opened inside the worker. */
  async sealedAccessToken(): Promise<string | null> {
    return this.storedConfig()?.accessTokenSealed ?? null;
  }

  /** Whether this media id belongs to a message the viewer may see (the route then streams it). */
  async mediaVisible(viewer: Principal, mediaId: string): Promise<boolean> {
    if (this.stranger(viewer)) return false;
    const rows = this.sql
      .exec<{ conversation_id: number }>("SELECT conversation_id FROM messages WHERE json_extract(content, '$.media.id') = ? LIMIT 20", mediaId)
      .toArray();
    return rows.some((r) => this.visibleConversation(viewer, String(r.conversation_id)).ok);
  }

  async templates(viewer: Principal, refresh: boolean): Promise<Result<Template[]>> {
    const stranger = this.stranger(viewer); if (stranger) return stranger;
    void viewer;
    if (refresh || this.sql.exec("SELECT 1 FROM templates LIMIT 1").toArray().length === 0) {
      const synced = await this.syncTemplates();
      if (!synced.ok && refresh) return synced;
    }
    const rows = this.sql.exec("SELECT * FROM templates WHERE status = 'APPROVED' ORDER BY name, language").toArray();
    return ok(
      rows.map((r) =>
        summarizeTemplate({
          name: r.name as string,
          language: r.language as string,
          status: r.status as string,
          category: (r.category as string | null) ?? undefined,
          components: JSON.parse(r.components as string) as unknown[],
        }),
      ),
    );
  }

  async syncTemplates(): Promise<Result<number>> {
    const wabaId = this.config().wabaId;
    if (!wabaId) return refuse(422, "this number has no WhatsApp Business Account id, so its templates cannot be read");
    const result = await listTemplates(await this.graph(), wabaId);
    if (!result.ok) return refuse(502, `the Graph API refused the template list: ${result.title}`);
    const now = this.now();
    this.ctx.storage.transactionSync(() => {
      this.sql.exec("DELETE FROM templates");
      for (const t of result.value) {
        this.sql.exec(
          "INSERT OR REPLACE INTO templates (name, language, status, category, components, synced_at) VALUES (?, ?, ?, ?, ?, ?)",
          t.name,
          t.language,
          t.status,
          t.category ?? null,
          JSON.stringify(t.components ?? []),
          now,
        );
      }
    });
    return ok(result.value.length);
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
    this.cachedConfig = undefined;
    return ok({ ok: true });
  }

  async importRows(table: string, rows: ArchiveRow[]): Promise<string | null> {
    return importStoreRows(this.archiveStore, table, rows);
  }

  /** The search index is rebuilt from the imported messages, as the migration that introduced it built it. */
  async finishImport(): Promise<Record<string, number>> {
    this.ctx.storage.transactionSync(() => {
      this.sql.exec("INSERT INTO messages_fts (messages_fts) VALUES ('delete-all')");
      this.sql.exec("INSERT INTO messages_fts (rowid, text) SELECT id, text FROM messages WHERE text IS NOT NULL AND direction != 'activity'");
    });
    this.cachedConfig = undefined;
    return finishStoreImport(this.archiveStore);
  }

  /** Webhook errors and token problems of this number; `detail` is JSON text. */
  async events(viewer: Principal): Promise<Result<{ kind: string; detail: string; at: number }[]>> {
    const stranger = this.stranger(viewer); if (stranger) return stranger;
    if (!seesEverything(viewer)) return refuse(403, "only supervisors and admins read the number's events");
    return ok(this.sql.exec<{ kind: string; detail: string; at: number }>("SELECT kind, detail, at FROM events ORDER BY id DESC LIMIT 200").toArray());
  }

  async health(): Promise<{ tokenValid: boolean; detail: string; outboxLength: number; lastWebhookAt: number | null; openSockets: number }> {
    const invalid = this.getSetting<string>("token_invalid");
    const outboxLength = this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM outbox").one().n;
    // Counted from the runtime's own list, so a socket the object forgot to let go of shows up here (the soak watches it).
    const openSockets = this.ctx.getWebSockets().length;
    return { tokenValid: !invalid, detail: invalid ?? "ok", outboxLength, lastWebhookAt: this.getSetting<number>("last_webhook_at"), openSockets };
  }

  /** The floor's view of this number: its members' facts and who waits in its queue, longest first. */
  async floor(): Promise<{ agents: NumberAgent[]; waiting: FloorWaiting[] }> {
    if (!this.storedConfig()) return { agents: [], waiting: [] };
    const agents = await this.agents({ workspaceId: this.config().workspaceId, personId: "", name: "", role: "admin" });
    const waiting = this.sql
      .exec(`${CONVERSATION_SELECT} WHERE c.assignee_id IS NULL AND c.status = 'open' ORDER BY c.queued_at, c.id LIMIT 500`)
      .toArray()
      .map((row) => {
        const c = this.conversation(row);
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
    const rows = this.sql
      .exec<{ tag_id: string; contacts: number; conversations: number }>(
        `SELECT t.tag_id, COUNT(DISTINCT t.contact_id) AS contacts,
           (SELECT COUNT(*) FROM conversations c WHERE c.contact_id IN (SELECT contact_id FROM contact_tags x WHERE x.tag_id = t.tag_id)) AS conversations
         FROM contact_tags t GROUP BY t.tag_id`,
      )
      .toArray();
    return Object.fromEntries(rows.map((r) => [r.tag_id, { contacts: r.contacts, conversations: r.conversations }]));
  }

  /** A deleted tag comes off every contact; returns how many carried it. */
  async removeTag(tagId: string): Promise<number> {
    const contacts = this.sql
      .exec<{ contact_id: number }>("DELETE FROM contact_tags WHERE tag_id = ? RETURNING contact_id", tagId)
      .toArray()
      .map((r) => r.contact_id);
    for (const id of contacts) this.broadcastContact(id);
    return contacts.length;
  }

  /** One alarm for every deadline: presence grace, no-reply timers, outbox retries. Each step is idempotent. */
  override async alarm(): Promise<void> {
    const now = this.now();
    if (this.storedConfig()) {
      this.expireGrace(now);
      this.wakeSnoozed(now);
      this.nudgeBeforeReassigning(now);
      this.reassignUnanswered(now);
      this.sendQueueUpdates(now);
      this.resolveInactive(now);
    }
    await this.drainOutbox();
    await this.scheduleAlarm();
  }

  // ---- sockets ----

  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("upgrade") !== "websocket") return new Response("expected a WebSocket upgrade", { status: 426 });
    const agentId = request.headers.get("x-agent-id");
    const role = request.headers.get("x-agent-role") as Role | null;
    if (!agentId || !role) return new Response("missing identity", { status: 400 });
    if (request.headers.get("x-workspace-id") !== this.storedConfig()?.workspaceId) return new Response("this number is not connected in your workspace", { status: 404 });
    if (request.headers.get("x-watch-only") === "1") {
      // Tagged apart from the agent's own sockets: it neither makes them present nor receives their notices.
      const { 0: client, 1: server } = new WebSocketPair();
      this.ctx.acceptWebSocket(server, [`watch:${agentId}`, `role:${role}`]);
      server.serializeAttachment({ agentId, role, watchOnly: true } satisfies SocketIdentity);
      server.send(JSON.stringify({ type: "ready", agentId } satisfies SocketEvent));
      return new Response(null, { status: 101, webSocket: client });
    }
    const wasPresent = this.presenceOf(agentId, this.now());
    const wasConnected = this.isConnected(agentId);
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server, [agentId, `role:${role}`]);
    server.serializeAttachment({ agentId, role } satisfies SocketIdentity);
    server.send(JSON.stringify({ type: "ready", agentId } satisfies SocketEvent));
    // Back inside the grace period: nothing changed. Back after it: they take work again.
    this.sql.exec("UPDATE members SET disconnected_at = NULL, present = 1 WHERE id = ?", agentId);
    if (!wasConnected) this.sql.exec("UPDATE members SET status_changed_at = ? WHERE id = ?", this.now(), agentId);
    this.refreshMembers([agentId]);
    this.broadcastPresence(agentId);
    if (!wasPresent) this.drainQueue();
    return new Response(null, { status: 101, webSocket: client });
  }

  /** The only things a panel says over its socket: what it shows and that its agent types (collision guard). */
  override async webSocketMessage(ws: WebSocket, data: string | ArrayBuffer): Promise<void> {
    const identity = ws.deserializeAttachment() as SocketIdentity | null;
    if (!identity || typeof data !== "string") return;
    let signal: ClientSignal;
    try {
      const parsed = clientSignalSchema.safeParse(JSON.parse(data));
      if (!parsed.success) return;
      signal = parsed.data;
    } catch {
      return;
    }
    const before = identity.viewing ?? null;
    const next: SocketIdentity =
      signal.type === "viewing"
        ? { ...identity, viewing: signal.conversationId, typingAt: 0 }
        : { ...identity, viewing: signal.conversationId, typingAt: this.now() };
    ws.serializeAttachment(next);
    if (before && before !== next.viewing) this.pushCollision(before);
    if (next.viewing) this.pushCollision(next.viewing);
  }

  /** Tells everyone looking at a conversation who else is looking, and who is typing. */
  private pushCollision(conversationId: string): void {
    const sockets = this.ctx.getWebSockets().filter((ws) => (ws.deserializeAttachment() as SocketIdentity | null)?.viewing === conversationId && ws.readyState === WebSocket.OPEN);
    const now = this.now();
    const viewers = new Map<string, boolean>();
    for (const ws of sockets) {
      const identity = ws.deserializeAttachment() as SocketIdentity;
      viewers.set(identity.agentId, (viewers.get(identity.agentId) ?? false) || now - (identity.typingAt ?? 0) < TYPING_SHOWN_MS);
    }
    const data = JSON.stringify({
      type: "collision",
      conversationId,
      viewers: [...viewers].map(([agentId, typing]) => ({ agentId, typing })),
    } satisfies SocketEvent);
    for (const ws of sockets) sendQuietly(ws, data);
  }

  override async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    const identity = ws.deserializeAttachment() as SocketIdentity | null;
    try {
      ws.close(code === 1005 ? 1000 : code, "closed");
    } catch {
      // already closed
    }
    if (identity?.viewing) this.pushCollision(identity.viewing);
    if (!identity || identity.watchOnly || this.isConnected(identity.agentId, ws)) return;
    this.sql.exec("UPDATE members SET disconnected_at = ?, status_changed_at = ? WHERE id = ?", this.now(), this.now(), identity.agentId);
    this.broadcastPresence(identity.agentId);
    await this.scheduleAlarm();
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    await this.webSocketClose(ws, 1011);
  }

  // ---- inbound internals ----

  private storeInbound(message: WebhookMessage, contact: WebhookContact | null, now: number) {
    const contactId = this.upsertContact(message, contact, now);
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
    countEvent(this.sql, "messages_in", null, now);
    if (survey?.stars !== undefined) {
      this.sql.exec("UPDATE conversations SET csat_stars = ?, csat_rated_at = ? WHERE id = ?", survey.stars, now, conversationId);
      sampleEvent(this.sql, "csat", survey.agentId, conversationId, survey.stars, null, now);
      this.addActivity(conversationId, { kind: "rated", agentId: survey.agentId, actorId: null, reason: `${"★".repeat(survey.stars)} ${survey.stars}/5`, note: null });
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

  /**
   * Contacts are found by phone (wa_id) or by business-scoped user id, whichever the payload carries,
   * and the two are linked the first time both appear, so a BSUID-only payload lands in the same conversation.
   */
  private upsertContact(message: WebhookMessage, contact: WebhookContact | null, now: number): number {
    const waId = contact?.wa_id ?? message.from ?? null;
    const userId = contact?.user_id ?? message.from_user_id ?? null;
    const name = contact?.profile?.name ?? null;
    const byWa = waId ? this.sql.exec<{ id: number }>("SELECT id FROM contacts WHERE wa_id = ?", waId).toArray()[0] : undefined;
    const byUser = userId ? this.sql.exec<{ id: number }>("SELECT id FROM contacts WHERE user_id = ?", userId).toArray()[0] : undefined;
    const existing = byWa ?? byUser;
    if (existing) {
      this.sql.exec(
        `UPDATE contacts SET last_seen_at = ?, name = COALESCE(?, name),
           wa_id = COALESCE(wa_id, ?), user_id = COALESCE(user_id, ?) WHERE id = ?`,
        now,
        name,
        byWa ? null : waId,
        byUser ? null : userId,
        existing.id,
      );
      return existing.id;
    }
    return this.sql
      .exec<{ id: number }>(
        `INSERT INTO contacts (wa_key, wa_id, user_id, name, first_seen_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
        waId ?? (userId ? `user:${userId}` : `unknown:${message.id}`),
        waId,
        userId,
        name,
        now,
        now,
      )
      .one().id;
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
      if (assignee) this.refreshMembers([assignee]);
      this.addActivity(last.id, { kind: "reopened", agentId: assignee, actorId: null, reason: "the customer wrote again", note: null });
      return { conversationId: last.id, wasResolved: false };
    }
    const reopenWithinMs = (this.config().routing.reopenWithinHours ?? 168) * 3600_000;
    if (last && (last.resolved_at === null || now - last.resolved_at <= reopenWithinMs)) {
      // A reopened conversation starts a new wait for a first response, and a new resolution time.
      this.sql.exec("UPDATE conversations SET status = 'open', resolved_at = NULL, resolve_reason = NULL, frt_pending_since = ?, opened_at = ? WHERE id = ?", now, now, last.id);
      countEvent(this.sql, "conversations_reopened", null, now);
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
    countEvent(this.sql, "conversations_new", null, now);
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
      if (assignee) this.refreshMembers([assignee]);
      this.addActivity(conversationId, { kind: "reopened", agentId: assignee, actorId: null, reason: "the customer wrote again", note: null });
    }
    if (assignee === null) {
      this.route(conversationId, { now });
    } else if (reopened) {
      const facts = this.rotationFacts(now, { everyone: true }).find((m) => m.id === assignee);
      if (facts && isRoutable({ ...facts, load: Math.max(0, facts.load - 1) })) {
        this.recordAssignment(conversationId, assignee, assignee, { kind: "reopened" }, now);
        this.broadcastConversation(conversationId);
      } else {
        this.route(conversationId, { now, exclude: [assignee] });
      }
    } else if (!this.presenceOf(assignee, now)) {
      this.route(conversationId, { now, exclude: [assignee], reason: { kind: "assignee_offline", from: assignee } });
    } else {
      this.broadcastConversation(conversationId);
    }
  }

  // ---- routing ----

  private routingConfig() {
    const config = this.config();
    return { ...config.routing, graceMs: config.graceMs ?? DEFAULT_GRACE_MS, teams: config.teams };
  }

  /** Members with their live facts, in rotation order: a team's, the rotation's, or everyone's. O(members). */
  private rotationFacts(now: number, options: { everyone?: boolean; teamId?: string } = {}): RotationMember[] {
    void now;
    const { teams } = this.routingConfig();
    let members = this.sql
      .exec<{ id: string; status: string; capacity: number | null; present: number; load: number; in_rotation: number }>(
        "SELECT id, status, capacity, present, load, in_rotation FROM members ORDER BY position",
      )
      .toArray();
    if (options.teamId) {
      const team = teams.find((t) => t.id === options.teamId);
      const order = new Map((team?.memberIds ?? []).map((id, i) => [id, i]));
      members = members.filter((m) => order.has(m.id)).sort((a, b) => order.get(a.id)! - order.get(b.id)!);
    } else if (!options.everyone) {
      members = members.filter((m) => m.in_rotation === 1);
    }
    return members.map((m) => ({ id: m.id, available: m.status === "available", present: m.present === 1, load: m.load, capacity: m.capacity }));
  }

  /**
   * Keeps each member's load (open conversations) and routability current: the columns the rotation index
   * reads. `null` refreshes everyone (configuration changes); events refresh the one or two agents they touch.
   */
  private refreshMembers(ids: string[] | null): void {
    const where = ids === null ? "" : "WHERE id IN (SELECT value FROM json_each(?))";
    const args = ids === null ? [] : [JSON.stringify(ids)];
    this.sql.exec(
      `UPDATE members SET load = (SELECT COUNT(*) FROM conversations c WHERE c.assignee_id = members.id AND c.status = 'open') ${where}`,
      ...args,
    );
    this.sql.exec(
      `UPDATE members SET routable = CASE WHEN status = 'available' AND present = 1 AND (capacity IS NULL OR load < capacity)
         THEN 1 ELSE 0 END ${where}`,
      ...args,
    );
  }

  /**
   * On start: a member recorded as connected whose socket did not survive (a restart, a deploy) counts as just
   * disconnected, so the grace period covers the panel's reconnect. Sockets that hibernated are still there.
   */
  private reconcilePresence(): void {
    const now = this.now();
    const stale = this.sql
      .exec<{ id: string }>("SELECT id FROM members WHERE present = 1 AND disconnected_at IS NULL")
      .toArray()
      .filter((m) => !this.isConnected(m.id));
    for (const { id } of stale) this.sql.exec("UPDATE members SET disconnected_at = ? WHERE id = ?", now, id);
  }

  private presenceOf(agentId: string, now: number): boolean {
    const member = this.memberRow(agentId);
    if (!member || member.present !== 1) return false;
    return isPresent({ connected: this.isConnected(agentId), disconnectedAt: member.disconnected_at as number | null }, now, this.routingConfig().graceMs);
  }

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
    const settings = this.routingConfig();
    const teamId = (row.team_id as string | null) ?? null;
    const team = teamId ? settings.teams.find((t) => t.id === teamId) : undefined;
    const cursorKey = team ? `last_assigned:team:${team.id}` : "last_assigned";
    const decision = chooseAgent({
      // Teams are small: their members' facts are read directly. The number's rotation is answered by index.
      rotation: team ? arrayRotation(this.rotationFacts(options.now, { teamId: team.id })) : new SqlRotation(this.sql),
      mode: team?.mode ?? settings.mode,
      lastAssignedId: this.getSetting<string>(cursorKey),
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
        this.refreshMembers([previous]);
        const why = options.reason ? `${describeReason(options.reason, options.now, (id) => this.nameOf(id))}; ` : "";
        this.addActivity(conversationId, { kind: "unassigned", agentId: previous, actorId: options.actorId ?? null, reason: `${why}nobody can take it now; waiting in the queue`, note: null });
        this.notify(previous, "unassigned", conversationId, "A conversation went back to the queue");
        this.broadcastConversation(conversationId, [previous]);
      } else {
        this.sql.exec("UPDATE conversations SET queued_at = COALESCE(queued_at, ?) WHERE id = ?", options.now, conversationId);
        this.broadcastConversation(conversationId);
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
    if (options.transfer && previous && previous !== agentId) countEvent(this.sql, "conversations_transferred", agentId, now);
    const touched = previous && previous !== agentId ? [agentId, previous] : [agentId];
    this.refreshMembers(touched);
    this.pushLoad(touched);
    if (options.cursorKey) this.setSetting(options.cursorKey, agentId);
    this.addActivity(conversationId, {
      kind: options.transfer ? "transferred" : "assigned",
      agentId,
      actorId: options.actorId ?? null,
      reason: text,
      note: options.note ?? null,
    });
    // Leaving the queue is news for everyone watching it; a new conversation routed at once was never in it.
    this.broadcastConversation(conversationId, previous && previous !== agentId ? [previous] : [], options.leftQueue === true);
    const contact = this.conversationById(conversationId).contact;
    const who = contact.name ?? (contact.waId ? `+${contact.waId}` : "a customer");
    this.notify(
      agentId,
      options.transfer ? "transferred_in" : reason.kind === "no_reply" ? "reassigned_no_reply" : "assigned",
      conversationId,
      options.note ? `${who}: ${text} — “${options.note}”` : `${who}: ${text}`,
    );
    if (previous && previous !== agentId) this.notify(previous, "unassigned", conversationId, `${who}: ${text}`);
  }

  /** Stores why the conversation is with this agent (on the conversation and in the history); returns the sentence. */
  private recordAssignment(conversationId: number, agentId: string, previous: string | null, reason: AssignmentReason, now: number): string {
    const text = describeReason(reason, now, (id) => this.nameOf(id));
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
    countEvent(this.sql, `assigned:${reason.kind}`, agentId, now);
    return text;
  }

  /** Hands waiting conversations, longest waiting first, to whoever can take them now. Event-driven, never polled. */
  private drainQueue(): void {
    if (!this.storedConfig()) return;
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
    const { graceMs } = this.routingConfig();
    const expired = this.sql
      .exec<{ id: string }>("SELECT id FROM members WHERE disconnected_at IS NOT NULL AND disconnected_at + ? <= ?", graceMs, now)
      .toArray()
      .filter((m) => !this.isConnected(m.id));
    for (const { id } of expired) {
      this.sql.exec("UPDATE members SET disconnected_at = NULL, present = 0 WHERE id = ?", id);
      this.refreshMembers([id]);
      this.broadcastPresence(id);
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
      if (assignee_id) this.refreshMembers([assignee_id]);
      this.addActivity(id, { kind: "reopened", agentId: assignee_id, actorId: null, reason: "the snooze ended", note: null });
      this.broadcastConversation(id);
      if (assignee_id) this.notify(assignee_id, "assigned", id, `${this.conversationById(id).contact.name ?? "A customer"}: the snooze ended`);
    }
  }

  /** No-reply reassignment: the customer waited N minutes without an answer, so someone else takes it. */
  private reassignUnanswered(now: number): void {
    const minutes = this.config().routing.noReplyMinutes;
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
    if (!this.storedConfig()) return;
    const { graceMs, noReplyMinutes } = this.routingConfig();
    const deadlines: number[] = [];
    const outbox = this.sql.exec<{ at: number | null }>("SELECT MIN(next_attempt_at) AS at FROM outbox").one().at;
    if (outbox !== null) deadlines.push(outbox);
    const snoozed = this.sql.exec<{ at: number | null }>("SELECT MIN(snoozed_until) AS at FROM conversations WHERE status = 'pending'").one().at;
    if (snoozed !== null) deadlines.push(snoozed);
    const disconnected = this.sql.exec<{ at: number | null }>("SELECT MIN(disconnected_at) AS at FROM members WHERE disconnected_at IS NOT NULL").one().at;
    const grace = graceEndsAt({ connected: false, disconnectedAt: disconnected }, graceMs);
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

  private automation(): AutomationSettings {
    return this.storedConfig()?.automation ?? defaultAutomationSettings;
  }

  /** After a customer message is stored and routed: the welcome and the away message, each once per message. */
  private automateInbound(conversationId: number, first: { wamid: string; previousInboundAt: number | null }, now: number): void {
    const settings = this.automation();
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
    const settings = this.automation();
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
    const settings = this.automation();
    const minutes = this.config().routing.noReplyMinutes;
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
      const who = this.conversationById(c.id).contact.name ?? "A customer";
      this.notify(c.assignee_id, "no_reply_nudge", c.id, `${who} is waiting for your reply: it goes to a colleague in ${left} min`);
    }
  }

  /** Conversations whose customer went silent after our answer are resolved as "inactive", with a closing message. */
  private resolveInactive(now: number): void {
    const settings = this.automation();
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
      this.recordResolved(c.id, c.assignee_id, now, true);
      this.refreshMembers([c.assignee_id]);
      this.addActivity(c.id, { kind: "resolved", agentId: c.assignee_id, actorId: null, reason: `inactive: the customer was silent for ${silence}`, note: null });
      this.offerSurvey(c.id, c.assignee_id, now);
      this.broadcastConversation(c.id);
    }
    if (due.length) this.drainQueue();
  }

  /** On resolve, while the window is open: five ratings as an interactive list, credited to the resolving agent. */
  private offerSurvey(conversationId: number, agentId: string, now: number): void {
    const settings = this.automation();
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
    const settings = this.automation();
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
    const composed = compose(language, { customerName: (c.contact_name as string | null) ?? null, numberName: this.config().displayName });
    if (!composed.text) return false;
    const to = c.wa_id as string | null;
    const windowOpen = c.last_inbound_at !== null && now < Number(c.last_inbound_at) + CUSTOMER_SERVICE_WINDOW_MS;
    const label = { welcome: "Welcome message", away: "Away message", queue_update: "Queue update", closing: "Closing message", csat: "Satisfaction survey", csat_thanks: "Thank-you for the rating" }[kind];
    const problem = !windowOpen ? "the 24-hour window is closed" : !to ? "the customer has no phone number to write to" : this.config().connected === false ? "the number is disconnected" : null;
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
      this.recordEvent("automation_skipped", { conversationId, kind, reason: problem });
      this.broadcastMessage(id);
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
    this.sql.exec("INSERT INTO outbox (message_id, conversation_id, body, next_attempt_at) VALUES (?, ?, ?, ?)", id, conversationId, JSON.stringify(body), now);
    this.sql.exec("UPDATE conversations SET last_message_at = ?, last_preview = ? WHERE id = ?", now, composed.text.slice(0, 120), conversationId);
    countEvent(this.sql, "messages_auto", null, now);
    this.broadcastMessage(id);
    return true;
  }

  /** The customer's language from the attribute the settings name (e.g. 语言), else the number's default. */
  private languageOf(contactId: number): AutomationLanguage {
    const settings = this.automation();
    if (!settings.languageAttribute) return settings.defaultLanguage;
    const row = this.sql
      .exec<{ value: string }>("SELECT value FROM contact_attributes WHERE contact_id = ? AND key = ?", contactId, settings.languageAttribute)
      .toArray()[0];
    return customerLanguage(settings, row ? (JSON.parse(row.value) as unknown) : null);
  }

  /** The earliest automation deadline: queue updates, nudges, auto-resolve. */
  private automationDeadlines(): number[] {
    const settings = this.automation();
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
    const noReply = this.config().routing.noReplyMinutes;
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

  private mayReply(viewer: Principal, conversation: Row): boolean {
    if (seesEverything(viewer) || conversation.assignee_id === viewer.personId) return true;
    return this.config().routing.ownership === "any_member" && this.memberRow(viewer.personId) !== undefined;
  }

  private buildOutbound(
    request: SendMessageRequest,
    to: string,
  ): Result<{ body: unknown; kind: string; text: string | null; content: MessageContent }> {
    const replyTo = "replyToId" in request && request.replyToId ? this.wamidOf(request.replyToId) : null;
    if ("replyToId" in request && request.replyToId && !replyTo) {
      return refuse(422, `replyToId: message ${request.replyToId} has no WhatsApp id to quote`);
    }
    const content: MessageContent = replyTo ? { replyToWamid: replyTo } : {};
    switch (request.type) {
      case "note":
        return refuse(400, "a note is not sent to WhatsApp");
      case "text":
        return ok({ body: textBody({ to, replyToWamid: replyTo }, request.text), kind: "text", text: request.text, content });
      case "media":
        content.media = { id: request.mediaId ?? null, link: request.link ?? null, mimeType: null, filename: request.filename ?? null, voice: false, animated: false };
        if (request.caption) content.caption = request.caption;
        return ok({
          body: mediaBody({ to, replyToWamid: replyTo }, request.mediaKind, request),
          kind: request.mediaKind,
          text: request.caption ?? request.filename ?? null,
          content,
        });
      case "reaction": {
        const target = this.wamidOf(request.targetId);
        if (!target) return refuse(422, `targetId: message ${request.targetId} has no WhatsApp id to react to`);
        content.reaction = { targetWamid: target, emoji: request.emoji || null };
        return ok({ body: reactionBody(to, target, request.emoji), kind: "reaction", text: request.emoji || null, content });
      }
      case "template": {
        const row = this.sql.exec("SELECT * FROM templates WHERE name = ? AND language = ?", request.name, request.language).toArray()[0];
        if (!row) return refuse(422, `template ${request.name} (${request.language}) is not approved for this number; refresh the templates`);
        const summary = summarizeTemplate({
          name: request.name,
          language: request.language,
          status: row.status as string,
          components: JSON.parse(row.components as string) as unknown[],
        });
        if (request.body.length !== summary.bodyVariables || request.header.length !== summary.headerVariables) {
          return refuse(
            400,
            `template ${request.name} needs ${summary.headerVariables} header and ${summary.bodyVariables} body variables; got ${request.header.length} and ${request.body.length}`,
          );
        }
        content.template = { name: request.name, language: request.language };
        const text = [summary.header && renderTemplate(summary.header, request.header), renderTemplate(summary.body, request.body)]
          .filter(Boolean)
          .join("\n");
        return ok({ body: templateBody(to, request.name, request.language, request), kind: "template", text, content });
      }
    }
  }

  /**
   * Sends what is due, oldest first and only the oldest unsent message of each conversation, so replies
   * arrive in order. Every entry has one identity (its message row) from the agent's click to Meta's wamid.
   */
  private async drainOutbox(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      // A disconnected number keeps its queue; nothing leaves until it is connected again.
      if (this.storedConfig()?.connected === false) return;
      const perSecond = this.storedConfig()?.messagesPerSecond ?? DEFAULT_MESSAGES_PER_SECOND;
      for (let guard = 0; guard < 1000; guard++) {
        const now = this.now();
        const entry = this.sql
          .exec<{ id: number; message_id: number; body: string; attempts: number }>(
            `SELECT o.id, o.message_id, o.body, o.attempts FROM outbox o
             WHERE o.next_attempt_at <= ?
               AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.conversation_id = o.conversation_id AND p.id < o.id)
             ORDER BY o.id LIMIT 1`,
            now,
          )
          .toArray()[0];
        if (!entry) break;
        const wait = throughputDelay(this.recentSends, now, perSecond);
        if (wait > 0) {
          await new Promise((r) => setTimeout(r, wait));
          continue;
        }
        this.recentSends.push(now);
        if (this.recentSends.length > perSecond) this.recentSends.splice(0, this.recentSends.length - perSecond);
        const attempt = entry.attempts + 1;
        this.sql.exec("UPDATE outbox SET attempts = ? WHERE id = ?", attempt, entry.id);
        const result = await sendMessage(await this.graph(), this.config().phoneNumberId, JSON.parse(entry.body));
        if (result.ok) {
          this.onSent(entry.id, entry.message_id, result.value);
          continue;
        }
        const decision = classifyFailure(result, attempt);
        if (decision.action === "fail") {
          this.sql.exec("DELETE FROM outbox WHERE id = ?", entry.id);
          this.setDelivery(entry.message_id, "failed", result.code, decision.reason);
        } else {
          this.sql.exec(
            "UPDATE outbox SET next_attempt_at = ?, last_error = ? WHERE id = ?",
            this.now() + decision.delayMs,
            `${result.code}: ${result.title}`,
            entry.id,
          );
          if (decision.action === "pause") {
            // Nothing can be sent with a bad token: hold the whole queue, keep it, and tell the admins.
            this.sql.exec("UPDATE outbox SET next_attempt_at = MAX(next_attempt_at, ?)", this.now() + decision.delayMs);
            this.markTokenInvalid(decision.reason);
          }
        }
        this.broadcastMessage(entry.message_id);
      }
    } finally {
      this.draining = false;
      await this.scheduleAlarm();
    }
  }

  private onSent(outboxId: number, messageId: number, wamid: string): void {
    this.ctx.storage.transactionSync(() => {
      this.sql.exec("DELETE FROM outbox WHERE id = ?", outboxId);
      this.sql.exec("UPDATE messages SET wamid = ? WHERE id = ?", wamid, messageId);
      this.setDelivery(messageId, "accepted", null, null);
      // A status webhook can outrun the Graph API's answer; apply what arrived early.
      for (const early of this.sql.exec("SELECT * FROM early_statuses WHERE wamid = ?", wamid).toArray()) {
        this.setDelivery(messageId, early.status as DeliveryStatus, early.error_code as number | null, early.error_title as string | null);
      }
      this.sql.exec("DELETE FROM early_statuses WHERE wamid = ?", wamid);
    });
    if (this.getSetting<string>("token_invalid")) {
      this.sql.exec("DELETE FROM settings WHERE key = 'token_invalid'");
      this.pushHealth(true, "ok");
    }
    this.broadcastMessage(messageId);
  }

  private markTokenInvalid(reason: string): void {
    if (this.getSetting<string>("token_invalid")) return;
    this.setSetting("token_invalid", reason);
    this.recordEvent("token_invalid", { reason });
    this.pushHealth(false, reason);
  }

  // ---- statuses ----

  /** Returns the message a status belongs to, or null when it is not known (yet) and is kept for later. */
  private applyStatus(wamid: string, status: DeliveryStatus, code: number | null, title: string | null) {
    const row = this.sql.exec<{ id: number }>("SELECT id FROM messages WHERE wamid = ?", wamid).toArray()[0];
    if (!row) {
      this.sql.exec(
        "INSERT OR IGNORE INTO early_statuses (wamid, status, error_code, error_title) VALUES (?, ?, ?, ?)",
        wamid,
        status,
        code,
        title,
      );
      return null;
    }
    return { messageId: row.id, changed: this.setDelivery(row.id, status, code, title) };
  }

  /** Moves a message's delivery status forward; returns whether it changed. */
  private setDelivery(messageId: number, incoming: DeliveryStatus, code: number | null, title: string | null): boolean {
    const current = this.sql.exec<{ status: string | null }>("SELECT status FROM messages WHERE id = ?", messageId).one();
    const from = (current.status ?? "pending") as DeliveryStatus;
    const next = advanceDelivery(from, incoming);
    if (next === from) return false;
    this.sql.exec(
      "UPDATE messages SET status = ?, error_code = ?, error_title = ? WHERE id = ?",
      next,
      next === "failed" ? code : null,
      next === "failed" ? title : null,
      messageId,
    );
    return true;
  }

  // ---- reads ----

  private storedConfig(): StoredConfig | null {
    if (this.cachedConfig === undefined) this.cachedConfig = this.getSetting<StoredConfig>("config");
    return this.cachedConfig;
  }

  private config(): StoredConfig {
    const config = this.storedConfig();
    if (!config) throw new Error("number is not connected");
    return config;
  }

  /** The number's own token when one was saved (opened only here, in memory), else the deployment's. */
  private async graph(): Promise<GraphConfig> {
    const config = this.config();
    // No token at all rather than the deployment's for a number a company admin connected: Meta answers 190 and the queue holds.
    let accessToken = deploymentTokenServes(this.env, config) ? this.env.WHATSAPP_ACCESS_TOKEN : "";
    if (config.accessTokenSealed) {
      if (this.openedToken?.sealed !== config.accessTokenSealed) {
        const opened = await openToken(this.env.TOKEN_ENCRYPTION_KEY, config.phoneNumberId, config.accessTokenSealed);
        this.openedToken = { sealed: config.accessTokenSealed, token: opened ?? "" };
      }
      accessToken = this.openedToken.token;
    }
    return { base: this.env.GRAPH_API_BASE, version: this.env.GRAPH_API_VERSION, accessToken };
  }

  private memberRow(agentId: string): Row | undefined {
    return this.sql.exec("SELECT * FROM members WHERE id = ?", agentId).toArray()[0];
  }

  private nameOf(agentId: string): string {
    return (this.memberRow(agentId)?.name as string | undefined) ?? "someone";
  }

  private wamidOf(messageId: string): string | null {
    return this.sql.exec<{ wamid: string | null }>("SELECT wamid FROM messages WHERE id = ?", Number(messageId)).toArray()[0]?.wamid ?? null;
  }

  private lastInboundWamid(conversationId: number): string | null {
    return (
      this.sql
        .exec<{ wamid: string }>(
          "SELECT wamid FROM messages WHERE conversation_id = ? AND direction = 'in' ORDER BY timestamp DESC, id DESC LIMIT 1",
          conversationId,
        )
        .toArray()[0]?.wamid ?? null
    );
  }

  /** Agents see their own conversations, the queue where the number allows, and everything under shared ownership. */
  private visibleConversation(viewer: Principal, conversationId: string): Result<Row> {
    const id = Number(conversationId);
    const row = Number.isInteger(id) ? this.sql.exec(`${CONVERSATION_SELECT} WHERE c.id = ?`, id).toArray()[0] : undefined;
    if (!row) return refuse(404, `conversation ${conversationId} does not exist on this number`);
    if (seesEverything(viewer) || row.assignee_id === viewer.personId) return ok(row);
    const routing = this.config().routing;
    if (routing.ownership === "any_member") return ok(row);
    if (row.assignee_id === null && row.status === "open" && routing.agentsSeeQueue) return ok(row);
    // A colleague mentioned in a private note may open the conversation to answer it.
    if (this.sql.exec("SELECT 1 FROM note_mentions WHERE conversation_id = ? AND agent_id = ? LIMIT 1", id, viewer.personId).toArray().length > 0) {
      return ok(row);
    }
    return refuse(403, "this conversation is assigned to someone else");
  }

  private isConnected(agentId: string, except?: WebSocket): boolean {
    return this.ctx.getWebSockets(agentId).some((ws) => ws !== except && ws.readyState === WebSocket.OPEN);
  }

  private conversation(row: Row): Conversation {
    return toConversation(row, this.storedConfig()?.phoneNumberId ?? "");
  }

  private conversationById(id: number): Conversation {
    return this.conversation(this.sql.exec(`${CONVERSATION_SELECT} WHERE c.id = ?`, id).one());
  }

  private messageById(id: number): Message {
    return toMessage(this.sql.exec("SELECT * FROM messages WHERE id = ?", id).one());
  }

  private addActivity(conversationId: number, activity: NonNullable<MessageContent["activity"]>): void {
    const { id } = this.sql
      .exec<{ id: number }>(
        `INSERT INTO messages (conversation_id, direction, kind, text, content, author_id, timestamp)
         VALUES (?, 'activity', ?, ?, ?, ?, ?) RETURNING id`,
        conversationId,
        activity.kind,
        activity.reason,
        JSON.stringify({ activity }),
        activity.actorId,
        this.now(),
      )
      .one();
    this.broadcastMessage(id);
  }

  private recordEvent(kind: string, detail: unknown): void {
    this.sql.exec("INSERT INTO events (kind, detail, at) VALUES (?, ?, ?)", kind, JSON.stringify(detail), this.now());
  }

  // ---- pushing to side panels ----

  /**
   * Sends to the people allowed to see a conversation: its assignee, everyone named, every supervisor and admin,
   * and every agent while it waits in a queue they may see. Sockets are found by tag, not by scanning them all.
   */
  private pushToViewers(assigneeId: string | null, event: SocketEvent, alsoTo: string[] = []): void {
    const data = JSON.stringify(event);
    const queueVisible = assigneeId === null && (this.storedConfig()?.routing.agentsSeeQueue ?? false);
    const tags = new Set<string>(["role:admin", "role:supervisor", ...alsoTo]);
    if (assigneeId) tags.add(assigneeId);
    if (queueVisible) tags.add("role:agent");
    const sent = new Set<WebSocket>();
    for (const tag of tags) {
      for (const ws of this.ctx.getWebSockets(tag)) {
        if (sent.has(ws)) continue;
        sent.add(ws);
        sendQuietly(ws, data);
      }
    }
  }

  private notify(agentId: string, kind: Extract<SocketEvent, { type: "notice" }>["kind"], conversationId: number, text: string): void {
    const event: SocketEvent = { type: "notice", kind, phoneNumberId: this.config().phoneNumberId, conversationId: String(conversationId), text };
    const data = JSON.stringify(event);
    for (const ws of this.ctx.getWebSockets(agentId)) sendQuietly(ws, data);
  }

  private pushHealth(tokenValid: boolean, detail: string): void {
    const config = this.config();
    const data = JSON.stringify({ type: "number_health", phoneNumberId: config.phoneNumberId, tokenValid, detail } satisfies SocketEvent);
    for (const ws of this.ctx.getWebSockets()) {
      const identity = ws.deserializeAttachment() as SocketIdentity | null;
      if (identity && identity.role !== "agent") sendQuietly(ws, data);
    }
  }

  private broadcastConversation(conversationId: number, alsoTo: string[] = [], toQueueWatchers = false): void {
    this.scheduleBoardPush();
    const row = this.sql.exec(`${CONVERSATION_SELECT} WHERE c.id = ?`, conversationId).one();
    const watchers = toQueueWatchers && this.config().routing.agentsSeeQueue ? ["role:agent"] : [];
    this.pushToViewers((row.assignee_id as string | null) ?? null, { type: "conversation", conversation: this.conversation(row) }, [...alsoTo, ...watchers]);
  }

  private broadcastMessage(messageId: number): void {
    const message = this.messageById(messageId);
    const assignee = this.sql
      .exec<{ assignee_id: string | null }>("SELECT assignee_id FROM conversations WHERE id = ?", Number(message.conversationId))
      .one().assignee_id;
    this.pushToViewers(assignee, { type: "message", message });
  }

  private broadcastPresence(agentId: string): void {
    const member = this.memberRow(agentId);
    if (!member) return;
    // Everyone on the number: supervisors watch the floor, agents pick whom to transfer to.
    const data = JSON.stringify(this.presenceEvent(member));
    for (const ws of this.ctx.getWebSockets()) sendQuietly(ws, data);
    logPresence(this.sql, agentId, this.presenceState(agentId), this.now());
    this.scheduleBoardPush();
  }

  private presenceState(agentId: string): PresenceState {
    const member = this.memberRow(agentId);
    if (!member || !this.presenceOf(agentId, this.now())) return "offline";
    return member.status === "available" ? "available" : "away";
  }

  // ---- analytics: recorded with the event, read by the live board and reports ----

  /** An agent's reply: counted, and if the customer was waiting for a first response, that response's time. */
  private recordReply(conversationId: number, agentId: string, now: number): void {
    countEvent(this.sql, "messages_out", agentId, now);
    const pending = this.sql.exec<{ since: number | null }>("SELECT frt_pending_since AS since FROM conversations WHERE id = ?", conversationId).one().since;
    if (pending === null) return;
    this.sql.exec("UPDATE conversations SET frt_pending_since = NULL WHERE id = ?", conversationId);
    sampleEvent(this.sql, "first_response", agentId, conversationId, now - pending, businessMsBetween(this.automation().businessHours, pending, now), now);
  }

  private recordResolved(conversationId: number, agentId: string, now: number, automatically: boolean): void {
    countEvent(this.sql, "conversations_resolved", agentId, now);
    if (automatically) countEvent(this.sql, "conversations_auto_resolved", agentId, now);
    const opened = this.sql.exec<{ at: number | null }>("SELECT COALESCE(opened_at, created_at) AS at FROM conversations WHERE id = ?", conversationId).one().at ?? now;
    sampleEvent(this.sql, "resolution", agentId, conversationId, now - opened, businessMsBetween(this.automation().businessHours, opened, now), now);
  }

  private boardTimer: ReturnType<typeof setTimeout> | null = null;

  /** Supervisors' boards follow every change within a fraction of a second; bursts coalesce into one push. */
  private scheduleBoardPush(): void {
    if (this.boardTimer || !this.storedConfig()) return;
    if (this.ctx.getWebSockets("role:admin").length === 0 && this.ctx.getWebSockets("role:supervisor").length === 0) return;
    this.boardTimer = setTimeout(() => {
      this.boardTimer = null;
      const data = JSON.stringify({ type: "board", board: this.boardSnapshot() } satisfies SocketEvent);
      for (const ws of [...this.ctx.getWebSockets("role:admin"), ...this.ctx.getWebSockets("role:supervisor")]) sendQuietly(ws, data);
    }, 50);
  }

  private boardSnapshot(): NumberBoard {
    const config = this.config();
    const now = this.now();
    const timeZone = config.timeZone ?? "Asia/Shanghai";
    const todayStart = zonedInstant(localDate(now, timeZone), "00:00", timeZone);
    const routableState = (agentId: string) => this.presenceState(agentId);
    return {
      phoneNumberId: config.phoneNumberId,
      at: now,
      ...boardFigures(this.sql, { agentIds: null, teamId: null, todayStart, routableState }),
      teams: config.teams.map((t) => ({ id: t.id, name: t.name, ...boardFigures(this.sql, { agentIds: t.memberIds, teamId: t.id, todayStart, routableState }) })),
    };
  }

  /** A supervisor reads any conversation, resolved or not, with its whole log; nothing is marked read. */
  async review(viewer: Principal, conversationId: string): Promise<Result<{ conversation: Conversation; messages: Message[] }>> {
    const stranger = this.stranger(viewer); if (stranger) return stranger;
    if (!seesEverything(viewer)) return refuse(403, "only supervisors and admins review conversations");
    const id = Number(conversationId);
    const row = this.sql.exec(`${CONVERSATION_SELECT} WHERE c.id = ?`, id).toArray()[0];
    if (!row) return refuse(404, `no conversation ${conversationId} on this number`);
    const messages = this.sql.exec("SELECT * FROM messages WHERE conversation_id = ? ORDER BY timestamp, id LIMIT 2000", id).toArray();
    return ok({ conversation: this.conversation(row), messages: messages.map(toMessage) });
  }

  async board(): Promise<NumberBoard | null> {
    return this.storedConfig() ? this.boardSnapshot() : null;
  }

  async reportData(from: number, to: number, bucketStarts: number[]): Promise<NumberReportData> {
    return reportData(this.sql, this.storedConfig()?.phoneNumberId ?? "", from, to, bucketStarts);
  }

  private presenceEvent(member: Row): SocketEvent {
    const agentId = member.id as string;
    return {
      type: "agent_status",
      agentId,
      status: member.status as AgentStatus,
      connected: this.isConnected(agentId),
      present: this.presenceOf(agentId, this.now()),
      statusSince: member.status_changed_at as number,
      load: member.load as number,
      capacity: (member.capacity as number | null) ?? null,
    };
  }

  /** A load change is news only for the floor: supervisors' sockets get it, agents' panels do not. */
  private pushLoad(agentIds: string[]): void {
    const sockets = [...this.ctx.getWebSockets("role:admin"), ...this.ctx.getWebSockets("role:supervisor")];
    if (sockets.length === 0) return;
    for (const agentId of agentIds) {
      const member = this.memberRow(agentId);
      if (!member) continue;
      const data = JSON.stringify(this.presenceEvent(member));
      for (const ws of sockets) sendQuietly(ws, data);
    }
  }

  private getSetting<T>(key: string): T | null {
    const row = this.sql.exec<{ value: string }>("SELECT value FROM settings WHERE key = ?", key).toArray()[0];
    return row ? (JSON.parse(row.value) as T) : null;
  }

  private setSetting(key: string, value: unknown): void {
    this.sql.exec(
      "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      key,
      JSON.stringify(value),
    );
  }
}
