import { DurableObject } from "cloudflare:workers";
import { SQLSchemaMigrations } from "durable-utils/sql-migrations";
import type { Conversation, DeliveryStatus, Message, SendTextRequest, SocketEvent } from "../../shared/inbox";
import type { AgentStatus, Role } from "../../shared/people";
import type { Env } from "../env";
import { sendMessage, textMessageBody } from "../graph/client";
import { ok, refuse, seesEverything, type Principal, type Result } from "../lib/result";
import type { NumberBatch } from "../webhook/split";
import { advanceDelivery, isDeliveryStatus } from "./delivery";
import { messageText, previewOf } from "./message-content";
import { pickRoundRobin, type RotationMember } from "./routing";
import { numberInboxMigrations } from "./schema";

/** What the Workspace pushes when a number is connected or its people change; never read per message. */
export interface NumberConfig {
  workspaceId: string;
  phoneNumberId: string;
  displayName: string;
  displayPhoneNumber: string;
  /** In rotation order. */
  members: { id: string; name: string; role: Role; status: AgentStatus }[];
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
         c.unread, c.queued_at, c.contact_id, k.wa_id, k.name AS contact_name
  FROM conversations c JOIN contacts k ON k.id = c.contact_id`;

export class NumberInbox extends DurableObject<Env> {
  private readonly sql: SqlStorage;

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
    const newMessages: number[] = [];
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
        const waKey = message.from ?? message.from_user_id ?? contact?.wa_id ?? contact?.user_id ?? "unknown";
        const contactId = this.upsertContact(waKey, contact?.wa_id ?? message.from ?? null, contact?.profile?.name, now);
        const conversationId = this.conversationForInbound(contactId, now);
        const text = messageText(message);
        const timestamp = Number.isFinite(message.timestamp) ? message.timestamp * 1000 : now;
        const row = this.sql
          .exec<{ id: number }>(
            `INSERT INTO messages (wamid, conversation_id, direction, kind, text, timestamp, raw)
             VALUES (?, ?, 'in', ?, ?, ?, ?) RETURNING id`,
            message.id,
            conversationId,
            message.type,
            text,
            timestamp,
            JSON.stringify(message),
          )
          .one();
        this.sql.exec(
          `UPDATE conversations SET last_message_at = MAX(last_message_at, ?), last_inbound_at = ?,
             last_preview = ?, unread = unread + 1 WHERE id = ?`,
          timestamp,
          timestamp,
          previewOf(message.type, text),
          conversationId,
        );
        touched.add(conversationId);
        newMessages.push(row.id);
      }
      for (const status of batch.statuses) {
        if (!isDeliveryStatus(status.status)) continue;
        const error = status.errors?.[0];
        const conversationId = this.applyStatus(status.id, status.status, error?.code ?? null, error?.title ?? null);
        if (conversationId === null) continue;
        statusesApplied++;
        touched.add(conversationId);
      }
    });
    for (const conversationId of touched) this.routeIfNeeded(conversationId);
    for (const id of newMessages) this.broadcastMessage(id);
    return { connected: true, stored: newMessages.length, duplicates, statusesApplied };
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
    if (conversation.value.assignee_id === viewer.personId && Number(conversation.value.unread) > 0) {
      this.sql.exec("UPDATE conversations SET unread = 0 WHERE id = ?", Number(conversationId));
      this.broadcastConversation(Number(conversationId));
    }
    const rows = this.sql
      .exec("SELECT * FROM messages WHERE conversation_id = ? ORDER BY timestamp, id LIMIT 1000", Number(conversationId))
      .toArray();
    return ok(rows.map((r) => this.toMessage(r)));
  }

  async sendText(viewer: Principal, conversationId: string, request: SendTextRequest): Promise<Result<Message>> {
    const conversation = this.visibleConversation(viewer, conversationId);
    if (!conversation.ok) return conversation;
    if (!seesEverything(viewer) && conversation.value.assignee_id !== viewer.personId) {
      return refuse(403, "only the assigned agent or a supervisor can reply in this conversation");
    }
    const existing = this.sql.exec("SELECT * FROM messages WHERE client_id = ?", request.clientId).toArray()[0];
    if (existing) return ok(this.toMessage(existing));

    const config = this.getSetting<NumberConfig>("config")!;
    const to = String(conversation.value.wa_id ?? "");
    if (!to) return refuse(422, "this customer has no WhatsApp number to reply to");
    const now = Date.now();
    const { id } = this.sql
      .exec<{ id: number }>(
        `INSERT INTO messages (client_id, conversation_id, direction, kind, text, status, author_id, timestamp)
         VALUES (?, ?, 'out', 'text', ?, 'pending', ?, ?) RETURNING id`,
        request.clientId,
        Number(conversationId),
        request.text,
        viewer.personId,
        now,
      )
      .one();
    this.sql.exec(
      "UPDATE conversations SET last_message_at = ?, last_preview = ? WHERE id = ?",
      now,
      previewOf("text", request.text),
      Number(conversationId),
    );
    this.broadcastMessage(id);
    this.broadcastConversation(Number(conversationId));

    const result = await sendMessage(
      { base: this.env.GRAPH_API_BASE, version: this.env.GRAPH_API_VERSION, accessToken: this.env.WHATSAPP_ACCESS_TOKEN },
      config.phoneNumberId,
      textMessageBody(to, request.text),
    );
    if (result.ok) {
      this.sql.exec("UPDATE messages SET wamid = ? WHERE id = ?", result.wamid, id);
      this.setDelivery(id, "accepted", null, null);
      // A status webhook can outrun the Graph API's answer; apply what arrived early.
      for (const early of this.sql.exec("SELECT * FROM early_statuses WHERE wamid = ?", result.wamid).toArray()) {
        this.setDelivery(id, early.status as DeliveryStatus, early.error_code as number | null, early.error_title as string | null);
      }
      this.sql.exec("DELETE FROM early_statuses WHERE wamid = ?", result.wamid);
    } else {
      this.setDelivery(id, "failed", result.code, result.title);
    }
    this.broadcastMessage(id);
    return ok(this.messageById(id));
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

  // ---- internals ----

  private upsertContact(waKey: string, waId: string | null, name: string | undefined, now: number): number {
    const existing = this.sql.exec<{ id: number }>("SELECT id FROM contacts WHERE wa_key = ?", waKey).toArray()[0];
    if (existing) {
      this.sql.exec(
        "UPDATE contacts SET last_seen_at = ?, name = COALESCE(?, name), wa_id = COALESCE(?, wa_id) WHERE id = ?",
        now,
        name ?? null,
        waId,
        existing.id,
      );
      return existing.id;
    }
    return this.sql
      .exec<{ id: number }>(
        "INSERT INTO contacts (wa_key, wa_id, name, first_seen_at, last_seen_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
        waKey,
        waId,
        name ?? null,
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

  /** Returns the conversation touched, or null when the message is not known (yet). */
  private applyStatus(wamid: string, status: DeliveryStatus, code: number | null, title: string | null): number | null {
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
    if (this.setDelivery(row.id, status, code, title)) this.broadcastMessage(row.id);
    return row.conversation_id;
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
    const config = this.getSetting<NumberConfig>("config");
    return {
      id: String(row.id),
      phoneNumberId: config?.phoneNumberId ?? "",
      contact: { id: String(row.contact_id), waId: (row.wa_id as string | null) ?? null, name: (row.contact_name as string | null) ?? null },
      status: row.status as Conversation["status"],
      assigneeId: (row.assignee_id as string | null) ?? null,
      assignmentReason: (row.assignment_reason as string | null) ?? null,
      createdAt: row.created_at as number,
      lastMessageAt: row.last_message_at as number,
      lastMessagePreview: row.last_preview as string,
      unread: row.unread as number,
    };
  }

  private toMessage(row: Row): Message {
    return {
      id: String(row.id),
      conversationId: String(row.conversation_id),
      direction: row.direction as Message["direction"],
      kind: row.kind as string,
      text: (row.text as string | null) ?? null,
      status: (row.status as DeliveryStatus | null) ?? null,
      error: row.error_code === null || row.error_code === undefined ? null : { code: row.error_code as number, title: String(row.error_title ?? "") },
      authorId: (row.author_id as string | null) ?? null,
      clientId: (row.client_id as string | null) ?? null,
      timestamp: row.timestamp as number,
    };
  }

  private messageById(id: number): Message {
    return this.toMessage(this.sql.exec("SELECT * FROM messages WHERE id = ?", id).one());
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
