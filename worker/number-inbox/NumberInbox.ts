import { DurableObject } from "cloudflare:workers";
import { SQLSchemaMigrations } from "durable-utils/sql-migrations";
import type { Conversation, DeliveryStatus, Message, SendMessageRequest, SocketEvent, Template } from "../../shared/inbox";
import type { MessageContent } from "../../shared/message-content";
import type { AgentStatus, Role } from "../../shared/people";
import type { WebhookContact, WebhookMessage } from "../../shared/webhook";
import type { Env } from "../env";
import { markReadBody, mediaBody, reactionBody, templateBody, textBody } from "../graph/bodies";
import { listTemplates, postStatus, sendMessage, type GraphConfig } from "../graph/client";
import { ok, refuse, seesEverything, type Principal, type Result } from "../lib/result";
import type { NumberBatch } from "../webhook/split";
import { advanceDelivery, isDeliveryStatus } from "./delivery";
import { describeInbound, previewOf } from "./message-content";
import { classifyFailure, throughputDelay } from "./outbox-policy";
import { pickRoundRobin, type RotationMember } from "./routing";
import { numberInboxMigrations } from "./schema";
import { renderTemplate, summarizeTemplate } from "./templates";

/** What the Workspace pushes when a number is connected or its people change; never read per message. */
export interface NumberConfig {
  workspaceId: string;
  phoneNumberId: string;
  wabaId: string | null;
  displayName: string;
  displayPhoneNumber: string;
  /** In rotation order. */
  members: { id: string; name: string; role: Role; status: AgentStatus }[];
  /** Meta's default per-number throughput. */
  messagesPerSecond?: number;
}

export interface IngestResult {
  connected: boolean;
  stored: number;
  duplicates: number;
  statusesApplied: number;
}

interface SocketIdentity {
  agentId: string;
  role: Role;
}

type Row = Record<string, SqlStorageValue>;

export const CUSTOMER_SERVICE_WINDOW_MS = 24 * 3600_000;
const DEFAULT_MESSAGES_PER_SECOND = 80;

/** A socket may be closing while we push; the panel catches up from the API when it reconnects. */
function sendQuietly(ws: WebSocket, data: string): void {
  try {
    ws.send(data);
  } catch {
    // closing or closed
  }
}

const CONVERSATION_SELECT = `
  SELECT c.id, c.status, c.assignee_id, c.assignment_reason, c.created_at, c.last_message_at, c.last_preview,
         c.unread, c.queued_at, c.contact_id, c.last_inbound_at, k.wa_id, k.user_id, k.name AS contact_name
  FROM conversations c JOIN contacts k ON k.id = c.contact_id`;

export class NumberInbox extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  /** Guards against two overlapping outbox passes in this instance; the outbox itself lives in SQLite. */
  private draining = false;
  private readonly recentSends: number[] = [];

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    const migrations = new SQLSchemaMigrations({ doStorage: ctx.storage, migrations: numberInboxMigrations });
    void ctx.blockConcurrencyWhile(async () => {
      await migrations.runAll();
    });
    // Answered by the runtime without waking the object, so idle sockets cost nothing.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
  }

  // ---- configuration pushed by the Workspace ----

  async configure(config: NumberConfig): Promise<void> {
    this.ctx.storage.transactionSync(() => {
      this.setSetting("config", config);
      this.sql.exec("DELETE FROM members");
      config.members.forEach((m, position) =>
        this.sql.exec(
          "INSERT INTO members (id, name, role, status, position) VALUES (?, ?, ?, ?, ?)",
          m.id,
          m.name,
          m.role,
          m.status,
          position,
        ),
      );
    });
    this.drainQueue();
  }

  async setAgentStatus(agentId: string, status: AgentStatus): Promise<void> {
    this.sql.exec("UPDATE members SET status = ? WHERE id = ?", status, agentId);
    this.broadcastPresence(agentId);
    if (status === "available") this.drainQueue();
  }

  /** Counts deliveries for a number nobody connected, so an operator can see Meta is sending them. */
  async unconnectedDeliveries(): Promise<number> {
    return this.getSetting<number>("unconnected_deliveries") ?? 0;
  }

  // ---- webhook ingest ----

  async ingest(batch: NumberBatch): Promise<IngestResult> {
    const config = this.getSetting<NumberConfig>("config");
    if (!config) {
      this.setSetting("unconnected_deliveries", (this.getSetting<number>("unconnected_deliveries") ?? 0) + 1);
      return { connected: false, stored: 0, duplicates: 0, statusesApplied: 0 };
    }
    const touched = new Set<number>();
    const changedMessages = new Set<number>();
    let stored = 0;
    let duplicates = 0;
    let statusesApplied = 0;
    const now = Date.now();
    // One synchronous transaction: either the whole batch is stored or none of it, and the
    // answer to Meta waits for it.
    this.ctx.storage.transactionSync(() => {
      for (const { message, contact } of batch.messages) {
        if (this.sql.exec("SELECT 1 FROM messages WHERE wamid = ?", message.id).toArray().length > 0) {
          duplicates++;
          continue;
        }
        const { messageId, conversationId, targetId } = this.storeInbound(message, contact, now);
        stored++;
        touched.add(conversationId);
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
    for (const conversationId of touched) this.routeIfNeeded(conversationId);
    for (const id of changedMessages) this.broadcastMessage(id);
    return { connected: true, stored, duplicates, statusesApplied };
  }

  // ---- agent API ----

  async listConversations(viewer: Principal, view: "mine" | "all"): Promise<Result<Conversation[]>> {
    if (view === "all" && !seesEverything(viewer)) return refuse(403, "only supervisors and admins see all conversations");
    const rows =
      view === "mine"
        ? this.sql
            .exec(
              `${CONVERSATION_SELECT} WHERE c.assignee_id = ? AND c.status = 'open' ORDER BY c.last_message_at DESC LIMIT 500`,
              viewer.personId,
            )
            .toArray()
        : this.sql.exec(`${CONVERSATION_SELECT} ORDER BY c.last_message_at DESC LIMIT 500`).toArray();
    return ok(rows.map((r) => this.toConversation(r)));
  }

  async listMessages(viewer: Principal, conversationId: string): Promise<Result<Message[]>> {
    const conversation = this.visibleConversation(viewer, conversationId);
    if (!conversation.ok) return conversation;
    const id = Number(conversationId);
    if (conversation.value.assignee_id === viewer.personId && Number(conversation.value.unread) > 0) {
      this.sql.exec("UPDATE conversations SET unread = 0 WHERE id = ?", id);
      this.broadcastConversation(id);
      // The customer sees blue ticks once the assignee has opened the conversation.
      const lastInbound = this.lastInboundWamid(id);
      if (lastInbound) void postStatus(this.graph(), this.config().phoneNumberId, markReadBody(lastInbound)).catch(() => undefined);
    }
    const rows = this.sql
      .exec("SELECT * FROM messages WHERE conversation_id = ? ORDER BY timestamp, id LIMIT 1000", id)
      .toArray();
    return ok(rows.map((r) => this.toMessage(r)));
  }

  /** Stores an outbound message and its outbox entry in one step, then tries to send it at once. */
  async send(viewer: Principal, conversationId: string, request: SendMessageRequest): Promise<Result<Message>> {
    const conversation = this.visibleConversation(viewer, conversationId);
    if (!conversation.ok) return conversation;
    const c = conversation.value;
    if (!seesEverything(viewer) && c.assignee_id !== viewer.personId) {
      return refuse(403, "only the assigned agent or a supervisor can reply in this conversation");
    }
    const existing = this.sql.exec("SELECT * FROM messages WHERE client_id = ?", request.clientId).toArray()[0];
    if (existing) return ok(this.toMessage(existing));

    const to = c.wa_id as string | null;
    if (!to) return refuse(422, "this customer wrote with a business-scoped id only; WhatsApp gives no number to reply to");
    const now = Date.now();
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
      this.sql.exec(
        "INSERT INTO outbox (message_id, conversation_id, body, next_attempt_at) VALUES (?, ?, ?, ?)",
        id,
        Number(conversationId),
        JSON.stringify(body),
        now,
      );
      this.sql.exec(
        "UPDATE conversations SET last_message_at = ?, last_preview = ? WHERE id = ?",
        now,
        previewOf(kind, text, content),
        Number(conversationId),
      );
      return id;
    });
    this.broadcastMessage(id);
    this.broadcastConversation(Number(conversationId));
    await this.drainOutbox();
    return ok(this.messageById(id));
  }

  /** WhatsApp's typing indicator (which also marks the customer's last message read); lasts 25 s. */
  async typing(viewer: Principal, conversationId: string): Promise<Result<{ ok: true }>> {
    const conversation = this.visibleConversation(viewer, conversationId);
    if (!conversation.ok) return conversation;
    const wamid = this.lastInboundWamid(Number(conversationId));
    if (!wamid) return refuse(422, "the customer has not written yet");
    const result = await postStatus(this.graph(), this.config().phoneNumberId, markReadBody(wamid, true));
    return result.ok ? ok({ ok: true }) : refuse(502, `WhatsApp refused the typing indicator: ${result.title}`);
  }

  /** Whether this media id belongs to a message the viewer may see (the route then streams it). */
  async mediaVisible(viewer: Principal, mediaId: string): Promise<boolean> {
    const rows = this.sql
      .exec<{ conversation_id: number }>(
        "SELECT conversation_id FROM messages WHERE json_extract(content, '$.media.id') = ? LIMIT 20",
        mediaId,
      )
      .toArray();
    return rows.some((r) => this.visibleConversation(viewer, String(r.conversation_id)).ok);
  }

  async templates(viewer: Principal, refresh: boolean): Promise<Result<Template[]>> {
    if (refresh || this.sql.exec("SELECT 1 FROM templates LIMIT 1").toArray().length === 0) {
      const synced = await this.syncTemplates();
      if (!synced.ok && refresh) return synced;
    }
    void viewer;
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
    const result = await listTemplates(this.graph(), wabaId);
    if (!result.ok) return refuse(502, `the Graph API refused the template list: ${result.title}`);
    const now = Date.now();
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

  /** Webhook errors and token problems of this number; `detail` is JSON text. */
  async events(viewer: Principal): Promise<Result<{ kind: string; detail: string; at: number }[]>> {
    if (!seesEverything(viewer)) return refuse(403, "only supervisors and admins read the number's events");
    return ok(this.sql.exec<{ kind: string; detail: string; at: number }>("SELECT kind, detail, at FROM events ORDER BY id DESC LIMIT 200").toArray());
  }

  async health(): Promise<{ tokenValid: boolean; detail: string; outboxLength: number }> {
    const invalid = this.getSetting<string>("token_invalid");
    const outboxLength = this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM outbox").one().n;
    return { tokenValid: !invalid, detail: invalid ?? "ok", outboxLength };
  }

  override async alarm(): Promise<void> {
    await this.drainOutbox();
  }

  // ---- sockets ----

  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("upgrade") !== "websocket") return new Response("expected a WebSocket upgrade", { status: 426 });
    const agentId = request.headers.get("x-agent-id");
    const role = request.headers.get("x-agent-role") as Role | null;
    if (!agentId || !role) return new Response("missing identity", { status: 400 });
    const wasConnected = this.isConnected(agentId);
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server, [agentId, `role:${role}`]);
    server.serializeAttachment({ agentId, role } satisfies SocketIdentity);
    server.send(JSON.stringify({ type: "ready", agentId } satisfies SocketEvent));
    if (!wasConnected) {
      this.broadcastPresence(agentId);
      this.drainQueue();
    }
    return new Response(null, { status: 101, webSocket: client });
  }

  override async webSocketMessage(): Promise<void> {
    // Clients only listen; actions go through the HTTP API so they are validated and role-checked once.
  }

  override async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    const identity = ws.deserializeAttachment() as SocketIdentity | null;
    try {
      ws.close(code === 1005 ? 1000 : code, "closed");
    } catch {
      // already closed
    }
    if (identity && !this.isConnected(identity.agentId, ws)) this.broadcastPresence(identity.agentId);
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    await this.webSocketClose(ws, 1011);
  }

  // ---- inbound internals ----

  private storeInbound(message: WebhookMessage, contact: WebhookContact | null, now: number) {
    const contactId = this.upsertContact(message, contact, now);
    const conversationId = this.conversationForInbound(contactId, now);
    const { kind, text, content } = describeInbound(message);
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
    this.sql.exec(
      `UPDATE conversations SET last_message_at = MAX(last_message_at, ?), last_inbound_at = MAX(COALESCE(last_inbound_at, 0), ?),
         last_preview = ?, unread = unread + 1 WHERE id = ?`,
      timestamp,
      // The window runs from when the customer wrote, even if Meta delivers it late.
      Math.min(timestamp, now),
      previewOf(kind, text, content),
      conversationId,
    );
    const targetId = kind === "edit" || kind === "revoke" ? this.applyEditOrRevoke(kind, content, text) : null;
    return { messageId, conversationId, targetId };
  }

  /** An edit replaces the text of the message it edits; a revoke marks it deleted. The original stays stored. */
  private applyEditOrRevoke(kind: string, content: MessageContent, text: string | null): number | null {
    if (!content.targetWamid) return null;
    const target = this.sql
      .exec<{ id: number; content: string | null }>("SELECT id, content FROM messages WHERE wamid = ?", content.targetWamid)
      .toArray()[0];
    if (!target) return null;
    const previous = JSON.parse(target.content ?? "{}") as MessageContent;
    if (kind === "revoke") {
      this.sql.exec("UPDATE messages SET content = ? WHERE id = ?", JSON.stringify({ ...previous, deleted: true }), target.id);
    } else {
      const { targetWamid: _, ...edited } = content;
      this.sql.exec(
        "UPDATE messages SET text = ?, content = ? WHERE id = ?",
        text,
        JSON.stringify({ ...previous, ...edited, edited: true }),
        target.id,
      );
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

  /** The customer's open conversation, their last one reopened, or a new one. */
  private conversationForInbound(contactId: number, now: number): number {
    const last = this.sql
      .exec<{ id: number; status: string }>(
        "SELECT id, status FROM conversations WHERE contact_id = ? ORDER BY id DESC LIMIT 1",
        contactId,
      )
      .toArray()[0];
    if (last?.status === "open") return last.id;
    if (last) {
      this.sql.exec("UPDATE conversations SET status = 'open' WHERE id = ?", last.id);
      return last.id;
    }
    return this.sql
      .exec<{ id: number }>(
        `INSERT INTO conversations (contact_id, status, created_at, last_message_at, queued_at)
         VALUES (?, 'open', ?, ?, ?) RETURNING id`,
        contactId,
        now,
        now,
        now,
      )
      .one().id;
  }

  // ---- routing ----

  private rotation(): RotationMember[] {
    return this.sql
      .exec<{ id: string; status: string }>("SELECT id, status FROM members ORDER BY position")
      .toArray()
      .map((m) => ({ id: m.id, available: m.status === "available", connected: this.isConnected(m.id) }));
  }

  /** Assigns an open, unassigned conversation if someone can take it; otherwise it stays queued. */
  private routeIfNeeded(conversationId: number): void {
    const row = this.sql
      .exec<{ status: string; assignee_id: string | null }>(
        "SELECT status, assignee_id FROM conversations WHERE id = ?",
        conversationId,
      )
      .one();
    if (row.status !== "open" || row.assignee_id !== null) {
      this.broadcastConversation(conversationId);
      return;
    }
    const agentId = pickRoundRobin(this.rotation(), this.getSetting<string>("last_assigned"));
    if (agentId) this.assign(conversationId, agentId, "round robin");
    else this.broadcastConversation(conversationId);
  }

  private assign(conversationId: number, agentId: string, reason: string): void {
    this.sql.exec(
      "UPDATE conversations SET assignee_id = ?, assignment_reason = ?, queued_at = NULL WHERE id = ?",
      agentId,
      reason,
      conversationId,
    );
    this.setSetting("last_assigned", agentId);
    this.broadcastConversation(conversationId);
  }

  /** Hands waiting conversations, longest waiting first, to whoever can take them now. */
  private drainQueue(): void {
    const queued = this.sql
      .exec<{ id: number; queued_at: number }>(
        "SELECT id, queued_at FROM conversations WHERE assignee_id IS NULL AND status = 'open' ORDER BY queued_at, id",
      )
      .toArray();
    for (const { id, queued_at } of queued) {
      const agentId = pickRoundRobin(this.rotation(), this.getSetting<string>("last_assigned"));
      if (!agentId) return;
      const waitedSeconds = Math.round((Date.now() - queued_at) / 1000);
      this.assign(id, agentId, `queued ${waitedSeconds} s, agent became available`);
    }
  }

  // ---- outbound internals ----

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
      case "text":
        return ok({ body: textBody({ to, replyToWamid: replyTo }, request.text), kind: "text", text: request.text, content });
      case "media":
        content.media = {
          id: request.mediaId ?? null,
          link: request.link ?? null,
          mimeType: null,
          filename: request.filename ?? null,
          voice: false,
          animated: false,
        };
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
        const row = this.sql
          .exec("SELECT * FROM templates WHERE name = ? AND language = ?", request.name, request.language)
          .toArray()[0];
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
        return ok({
          body: templateBody(to, request.name, request.language, request),
          kind: "template",
          text,
          content,
        });
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
      const perSecond = this.config().messagesPerSecond ?? DEFAULT_MESSAGES_PER_SECOND;
      for (let guard = 0; guard < 1000; guard++) {
        const now = Date.now();
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
        const result = await sendMessage(this.graph(), this.config().phoneNumberId, JSON.parse(entry.body));
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
            Date.now() + decision.delayMs,
            `${result.code}: ${result.title}`,
            entry.id,
          );
          if (decision.action === "pause") {
            // Nothing can be sent with a bad token: hold the whole queue, keep it, and tell the admins.
            this.sql.exec("UPDATE outbox SET next_attempt_at = MAX(next_attempt_at, ?)", Date.now() + decision.delayMs);
            this.markTokenInvalid(decision.reason);
          }
        }
        this.broadcastMessage(entry.message_id);
      }
    } finally {
      this.draining = false;
      await this.scheduleOutboxAlarm();
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

  private async scheduleOutboxAlarm(): Promise<void> {
    const next = this.sql.exec<{ at: number | null }>("SELECT MIN(next_attempt_at) AS at FROM outbox").one().at;
    if (next === null) return;
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > next) await this.ctx.storage.setAlarm(Math.max(next, Date.now() + 10));
  }

  // ---- statuses ----

  /** Returns the message a status belongs to, or null when it is not known (yet) and is kept for later. */
  private applyStatus(wamid: string, status: DeliveryStatus, code: number | null, title: string | null) {
    const row = this.sql
      .exec<{ id: number; conversation_id: number }>("SELECT id, conversation_id FROM messages WHERE wamid = ?", wamid)
      .toArray()[0];
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

  private config(): NumberConfig {
    const config = this.getSetting<NumberConfig>("config");
    if (!config) throw new Error("number is not connected");
    return config;
  }

  private graph(): GraphConfig {
    return { base: this.env.GRAPH_API_BASE, version: this.env.GRAPH_API_VERSION, accessToken: this.env.WHATSAPP_ACCESS_TOKEN };
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

  private visibleConversation(viewer: Principal, conversationId: string): Result<Row> {
    const id = Number(conversationId);
    const row = Number.isInteger(id) ? this.sql.exec(`${CONVERSATION_SELECT} WHERE c.id = ?`, id).toArray()[0] : undefined;
    if (!row) return refuse(404, `conversation ${conversationId} does not exist on this number`);
    if (!seesEverything(viewer) && row.assignee_id !== viewer.personId) {
      return refuse(403, "this conversation is assigned to someone else");
    }
    return ok(row);
  }

  private isConnected(agentId: string, except?: WebSocket): boolean {
    return this.ctx.getWebSockets(agentId).some((ws) => ws !== except && ws.readyState === WebSocket.OPEN);
  }

  private toConversation(row: Row): Conversation {
    const lastInbound = row.last_inbound_at as number | null;
    return {
      id: String(row.id),
      phoneNumberId: this.getSetting<NumberConfig>("config")?.phoneNumberId ?? "",
      contact: {
        id: String(row.contact_id),
        waId: (row.wa_id as string | null) ?? null,
        name: (row.contact_name as string | null) ?? null,
      },
      status: row.status as Conversation["status"],
      assigneeId: (row.assignee_id as string | null) ?? null,
      assignmentReason: (row.assignment_reason as string | null) ?? null,
      createdAt: row.created_at as number,
      lastMessageAt: row.last_message_at as number,
      lastMessagePreview: row.last_preview as string,
      unread: row.unread as number,
      windowClosesAt: lastInbound ? lastInbound + CUSTOMER_SERVICE_WINDOW_MS : null,
    };
  }

  private toMessage(row: Row): Message {
    return {
      id: String(row.id),
      conversationId: String(row.conversation_id),
      direction: row.direction as Message["direction"],
      kind: row.kind as string,
      text: (row.text as string | null) ?? null,
      content: row.content ? (JSON.parse(row.content as string) as MessageContent) : {},
      wamid: (row.wamid as string | null) ?? null,
      status: (row.status as DeliveryStatus | null) ?? null,
      error:
        row.error_code === null || row.error_code === undefined
          ? null
          : { code: row.error_code as number, title: String(row.error_title ?? "") },
      authorId: (row.author_id as string | null) ?? null,
      clientId: (row.client_id as string | null) ?? null,
      timestamp: row.timestamp as number,
    };
  }

  private messageById(id: number): Message {
    return this.toMessage(this.sql.exec("SELECT * FROM messages WHERE id = ?", id).one());
  }

  private recordEvent(kind: string, detail: unknown): void {
    this.sql.exec("INSERT INTO events (kind, detail, at) VALUES (?, ?, ?)", kind, JSON.stringify(detail), Date.now());
  }

  // ---- pushing to side panels ----

  /** Sends to the people allowed to see a conversation: its assignee and every supervisor or admin. */
  private pushToViewers(assigneeId: string | null, event: SocketEvent): void {
    const data = JSON.stringify(event);
    for (const ws of this.ctx.getWebSockets()) {
      const identity = ws.deserializeAttachment() as SocketIdentity | null;
      if (!identity) continue;
      if (identity.agentId === assigneeId || identity.role !== "agent") sendQuietly(ws, data);
    }
  }

  private pushHealth(tokenValid: boolean, detail: string): void {
    const config = this.config();
    this.pushToViewers(null, { type: "number_health", phoneNumberId: config.phoneNumberId, tokenValid, detail });
  }

  private broadcastConversation(conversationId: number): void {
    const row = this.sql.exec(`${CONVERSATION_SELECT} WHERE c.id = ?`, conversationId).one();
    this.pushToViewers((row.assignee_id as string | null) ?? null, { type: "conversation", conversation: this.toConversation(row) });
  }

  private broadcastMessage(messageId: number): void {
    const message = this.messageById(messageId);
    const assignee = this.sql
      .exec<{ assignee_id: string | null }>("SELECT assignee_id FROM conversations WHERE id = ?", Number(message.conversationId))
      .one().assignee_id;
    this.pushToViewers(assignee, { type: "message", message });
  }

  private broadcastPresence(agentId: string): void {
    const member = this.sql.exec<{ status: AgentStatus }>("SELECT status FROM members WHERE id = ?", agentId).toArray()[0];
    if (!member) return;
    const event: SocketEvent = { type: "agent_status", agentId, status: member.status, connected: this.isConnected(agentId) };
    const data = JSON.stringify(event);
    for (const ws of this.ctx.getWebSockets()) {
      const identity = ws.deserializeAttachment() as SocketIdentity | null;
      if (identity && (identity.role !== "agent" || identity.agentId === agentId)) sendQuietly(ws, data);
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
