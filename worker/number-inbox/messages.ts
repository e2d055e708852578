import type { DeliveryStatus, Message, MessageOrigin, Tick } from "../../shared/inbox";
import type { MessageContent } from "../../shared/message-content";
import type { InboxContext } from "./context";
import type { ReadMessage } from "./intake";
import { toMessage } from "./rows";
import type { SearchPlan } from "./search-plan";
import { insertedId, insertedRow } from "./inserted-row";

type Activity = NonNullable<MessageContent["activity"]>;

/**
 * What `toMessage` reads: a write returns these, so what was just stored is pushed without reading it again. Never
 * `raw`, which can be large and is kept for support, not for the panel.
 */
const MESSAGE_COLUMNS = "id, conversation_id, direction, kind, text, content, wamid, status, error_code, error_title, author_id, client_id, timestamp, origin";

/** How long a new message's words wait before they are indexed with the others that came meanwhile. */
export const SEARCH_INDEX_DELAY_MS = 1000;
const INDEXED_THROUGH = "search_indexed_through";

/**
 * The `messages` table (every message in, out, note and activity line), its full-text index `messages_fts` and
 * `note_mentions`. A message's delivery status columns are moved by `statuses.ts`.
 *
 * The index is written in batches, not in the step that stores a message: an FTS5 insert in its own transaction
 * writes a segment of its own and merges segments every few messages, which made it an eighth of a webhook's time.
 * Messages above the `search_indexed_through` watermark (settings) are indexed together within a second, and before
 * anything reads or edits the index, so a search always sees every message stored. The watermark moves in the same
 * transaction as the rows it covers, so a crash or a rolled-back step leaves nothing indexed twice or never.
 */
export class Messages {
  private indexTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly ctx: InboxContext) {}

  /** Meta redelivers: a wamid already stored is a duplicate. */
  has(wamid: string): boolean {
    return this.ctx.sql.exec("SELECT 1 FROM messages WHERE wamid = ?", wamid).toArray().length > 0;
  }

  hasClientId(clientId: string): boolean {
    return this.ctx.sql.exec("SELECT 1 FROM messages WHERE client_id = ?", clientId).toArray().length > 0;
  }

  byClientId(clientId: string): Message | undefined {
    const row = this.ctx.sql.exec(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE client_id = ?`, clientId).toArray()[0];
    return row ? toMessage(row) : undefined;
  }

  byId(id: number): Message {
    return toMessage(this.ctx.sql.exec(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE id = ?`, id).one());
  }

  /** The delivery state of these messages, each with who has its conversation, in one read (a status batch's ticks). */
  ticksOf(ids: readonly number[]): { tick: Tick; assigneeId: string | null }[] {
    return this.ctx.sql
      .exec<{ id: number; conversation_id: number; status: DeliveryStatus; error_code: number | null; error_title: string | null; assignee_id: string | null }>(
        `SELECT m.id, m.conversation_id, m.status, m.error_code, m.error_title, c.assignee_id
           FROM messages m JOIN conversations c ON c.id = m.conversation_id
          WHERE m.id IN (SELECT value FROM json_each(?)) AND m.status IS NOT NULL ORDER BY m.id`,
        JSON.stringify(ids),
      )
      .toArray()
      .map((r) => ({
        tick: {
          messageId: String(r.id),
          conversationId: String(r.conversation_id),
          status: r.status,
          error: r.error_code === null ? null : { code: r.error_code, title: r.error_title ?? "" },
        },
        assigneeId: r.assignee_id,
      }));
  }

  /** A conversation's history, oldest first. */
  list(conversationId: number, limit: number): Message[] {
    return this.ctx.sql.exec(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE conversation_id = ? ORDER BY timestamp, id LIMIT ?`, conversationId, limit).toArray().map(toMessage);
  }

  wamidOf(messageId: string): string | null {
    return this.ctx.sql.exec<{ wamid: string | null }>("SELECT wamid FROM messages WHERE id = ?", Number(messageId)).toArray()[0]?.wamid ?? null;
  }

  lastInboundWamid(conversationId: number): string | null {
    return (
      this.ctx.sql
        .exec<{ wamid: string }>(
          "SELECT wamid FROM messages WHERE conversation_id = ? AND direction = 'in' AND wamid IS NOT NULL ORDER BY timestamp DESC, id DESC LIMIT 1",
          conversationId,
        )
        .toArray()[0]?.wamid ?? null
    );
  }

  /** The conversations a media id was sent or received in (the media route asks before streaming it). */
  conversationsWithMedia(mediaId: string): number[] {
    return this.ctx.sql
      .exec<{ conversation_id: number }>("SELECT conversation_id FROM messages WHERE json_extract(content, '$.media.id') = ? LIMIT 20", mediaId)
      .toArray()
      .map((r) => r.conversation_id);
  }

  /** A colleague mentioned in a private note may open the conversation to answer it. */
  mentions(conversationId: number, agentId: string): boolean {
    return this.ctx.sql.exec("SELECT 1 FROM note_mentions WHERE conversation_id = ? AND agent_id = ? LIMIT 1", conversationId, agentId).toArray().length > 0;
  }

  // ---- writes ----

  /** A customer message as the edge read it (intake.ts): its time, text, content and raw JSON are fit to store. */
  addInbound(message: ReadMessage, conversationId: number): Message {
    this.ctx.sql.exec(
      `INSERT INTO messages (wamid, client_id, conversation_id, direction, kind, text, content, timestamp, raw)
       VALUES (?, ?, ?, 'in', ?, ?, ?, ?, ?)`,
      message.wamid,
      // A message Meta sent without an id is known again by its fingerprint ("in:…", never a client's UUID or "auto:…").
      message.wamid === null ? message.key : null,
      conversationId,
      message.kind,
      message.text,
      JSON.stringify(message.content),
      message.at,
      message.raw,
    );
    const row = insertedRow(this.ctx.sql, "messages", MESSAGE_COLUMNS);
    if (message.text) this.index();
    return toMessage(row);
  }

  /**
   * A message of a number shared with the WhatsApp Business app (coexistence.ts): one the business sent from the app
   * (`business_app`), or a past one of either side from the app's history (`history`). An outbound one is sent already:
   * it has no author and no delivery to wait for.
   */
  addSynced(message: ReadMessage, conversationId: number, direction: "in" | "out", origin: MessageOrigin): number {
    this.ctx.sql.exec(
      `INSERT INTO messages (wamid, client_id, conversation_id, direction, kind, text, content, status, timestamp, raw, origin)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      message.wamid,
      message.wamid === null ? message.key : null,
      conversationId,
      direction,
      message.kind,
      message.text,
      JSON.stringify(message.content),
      direction === "out" ? "sent" : null,
      message.at,
      message.raw,
      origin,
    );
    const id = insertedId(this.ctx.sql);
    if (message.text) this.index();
    return id;
  }

  /** A reply or an automatic message, pending until the outbox sends it; `authorId` null for automatic ones. */
  addOutbound(clientId: string, conversationId: number, kind: string, text: string | null, content: MessageContent, authorId: string | null, now: number): number {
    this.ctx.sql.exec(
      `INSERT INTO messages (client_id, conversation_id, direction, kind, text, content, status, author_id, timestamp)
       VALUES (?, ?, 'out', ?, ?, ?, 'pending', ?, ?)`,
      clientId,
      conversationId,
      kind,
      text,
      JSON.stringify(content),
      authorId,
      now,
    );
    const id = insertedId(this.ctx.sql);
    if (text) this.index();
    return id;
  }

  addNote(clientId: string, conversationId: number, text: string, authorId: string, mentioned: string[], now: number): number {
    this.ctx.sql.exec(
      `INSERT INTO messages (client_id, conversation_id, direction, kind, text, content, author_id, timestamp)
       VALUES (?, ?, 'note', 'note', ?, '{}', ?, ?)`,
      clientId,
      conversationId,
      text,
      authorId,
      now,
    );
    const id = insertedId(this.ctx.sql);
    this.index();
    for (const agentId of mentioned) {
      this.ctx.sql.exec("INSERT OR IGNORE INTO note_mentions (conversation_id, agent_id, message_id) VALUES (?, ?, ?)", conversationId, agentId, id);
    }
    return id;
  }

  /** A line in the conversation's log ("Assigned to 李娜 · round robin"); not searchable. */
  addActivity(conversationId: number, activity: Activity, now: number): Message {
    this.ctx.sql.exec(
      `INSERT INTO messages (conversation_id, direction, kind, text, content, author_id, timestamp)
       VALUES (?, 'activity', ?, ?, ?, ?, ?)`,
      conversationId,
      activity.kind,
      activity.reason,
      JSON.stringify({ activity }),
      activity.actorId,
      now,
    );
    return toMessage(insertedRow(this.ctx.sql, "messages", MESSAGE_COLUMNS));
  }

  /** An automatic message that was not sent, kept under its key so it is not tried again. */
  addSkipped(clientId: string, conversationId: number, text: string, content: MessageContent, now: number): number {
    this.ctx.sql.exec(
      `INSERT INTO messages (client_id, conversation_id, direction, kind, text, content, author_id, timestamp) VALUES (?, ?, 'activity', 'automation_skipped', ?, ?, NULL, ?)`,
      clientId,
      conversationId,
      text,
      JSON.stringify(content),
      now,
    );
    return insertedId(this.ctx.sql);
  }

  /**
   * An edit replaces the text of the message it edits; a revoke marks it deleted. The original stays stored. Only a
   * customer's own messages (in the conversations given, theirs) can be edited or deleted this way: a payload naming
   * an agent's reply or another customer's message changes nothing.
   */
  editOrRevoke(kind: "edit" | "revoke", content: MessageContent, text: string | null, conversationIds: number[]): number | null {
    if (!content.targetWamid) return null;
    const target = this.ctx.sql
      .exec<{ id: number; content: string | null; text: string | null }>(
        "SELECT id, content, text FROM messages WHERE wamid = ? AND direction = 'in' AND conversation_id IN (SELECT value FROM json_each(?))",
        content.targetWamid,
        JSON.stringify(conversationIds),
      )
      .toArray()[0];
    if (!target) return null;
    const previous = JSON.parse(target.content ?? "{}") as MessageContent;
    if (kind === "revoke") {
      this.ctx.sql.exec("UPDATE messages SET content = ? WHERE id = ?", JSON.stringify({ ...previous, deleted: true }), target.id);
    } else {
      const { targetWamid: _, ...edited } = content;
      // The search index follows the edit: the old words out, the new ones in. FTS5 removes words by the text they
      // were indexed with, so the pending batch goes in first.
      this.indexPending();
      this.ctx.sql.exec("UPDATE messages SET text = ?, content = ? WHERE id = ?", text, JSON.stringify({ ...previous, ...edited, edited: true }), target.id);
      if (target.text) this.ctx.sql.exec("INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', ?, ?)", target.id, target.text);
      if (text) this.ctx.sql.exec("INSERT INTO messages_fts (rowid, text) VALUES (?, ?)", target.id, text);
    }
    return target.id;
  }

  /** Meta's id for a sent message, from the Graph API's answer. */
  /** Moves a conversation's whole history into another (two conversations of one customer, merged). */
  moveAll(fromConversation: number, intoConversation: number): void {
    this.ctx.sql.exec("UPDATE messages SET conversation_id = ? WHERE conversation_id = ?", intoConversation, fromConversation);
    this.ctx.sql.exec("UPDATE OR IGNORE note_mentions SET conversation_id = ? WHERE conversation_id = ?", intoConversation, fromConversation);
  }

  setWamid(id: number, wamid: string): void {
    // Meta's echo of this very send may have been stored first (coexistence.ts): the inbox's own row, with its author
    // and delivery, is the one kept, so the message is not shown twice.
    const echo = this.ctx.sql
      .exec<{ id: number; text: string | null }>("SELECT id, text FROM messages WHERE wamid = ? AND origin = 'business_app' AND id != ?", wamid, id)
      .toArray()[0];
    if (echo) {
      this.indexPending();
      if (echo.text) this.ctx.sql.exec("INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', ?, ?)", echo.id, echo.text);
      this.ctx.sql.exec("DELETE FROM messages WHERE id = ?", echo.id);
      // SQLite gives the highest id again once it is deleted: the watermark steps back below it, so the message that
      // takes it is indexed.
      const top = this.ctx.sql.exec<{ top: number | null }>("SELECT max(id) AS top FROM messages").one().top ?? 0;
      if (top < this.indexedThrough()) this.setIndexedThrough(top);
    }
    this.ctx.sql.exec("UPDATE messages SET wamid = ? WHERE id = ?", wamid, id);
  }

  // ---- search ----

  /** A message with words was stored: they are indexed with the next batch. */
  private index(): void {
    this.indexTimer ??= setTimeout(() => {
      this.indexTimer = null;
      this.indexPending();
    }, SEARCH_INDEX_DELAY_MS);
  }

  private indexedThrough(): number {
    const row = this.ctx.sql.exec<{ value: string }>("SELECT value FROM settings WHERE key = ?", INDEXED_THROUGH).toArray()[0];
    return row ? Number(row.value) : 0;
  }

  private setIndexedThrough(id: number): void {
    this.ctx.sql.exec("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", INDEXED_THROUGH, String(id));
  }

  /** Indexes every message stored since the last batch (the timer, and before any read or edit of the index). */
  indexPending(): void {
    this.ctx.transaction(() => {
      const through = this.indexedThrough();
      const top = this.ctx.sql.exec<{ top: number | null }>("SELECT max(id) AS top FROM messages").one().top ?? 0;
      if (top <= through) return;
      this.ctx.sql.exec(
        "INSERT INTO messages_fts (rowid, text) SELECT id, text FROM messages WHERE id > ? AND id <= ? AND text IS NOT NULL AND direction != 'activity'",
        through,
        top,
      );
      this.setIndexedThrough(top);
    });
  }

  /** Messages whose words match, newest first: FTS5 trigrams, or LIKE under three characters. */
  matching(plan: SearchPlan): { id: number; conversation_id: number; text: string; timestamp: number }[] {
    if (plan.ftsPhrase) this.indexPending();
    return plan.ftsPhrase
      ? this.ctx.sql
          .exec<{ id: number; conversation_id: number; text: string; timestamp: number }>(
            `SELECT m.id, m.conversation_id, m.text, m.timestamp FROM messages_fts f JOIN messages m ON m.id = f.rowid
             WHERE messages_fts MATCH ? ORDER BY m.timestamp DESC LIMIT 100`,
            plan.ftsPhrase,
          )
          .toArray()
      : this.ctx.sql
          .exec<{ id: number; conversation_id: number; text: string; timestamp: number }>(
            `SELECT id, conversation_id, text, timestamp FROM messages WHERE direction != 'activity' AND text LIKE ? ESCAPE '\\'
             ORDER BY timestamp DESC LIMIT 100`,
            plan.likePattern,
          )
          .toArray();
  }

  /** After an archive import: the index is rebuilt from the messages, as the migration that introduced it built it. */
  rebuildIndex(): void {
    this.ctx.transaction(() => {
      this.ctx.sql.exec("INSERT INTO messages_fts (messages_fts) VALUES ('delete-all')");
      this.ctx.sql.exec("INSERT INTO messages_fts (rowid, text) SELECT id, text FROM messages WHERE text IS NOT NULL AND direction != 'activity'");
      this.setIndexedThrough(this.ctx.sql.exec<{ top: number | null }>("SELECT max(id) AS top FROM messages").one().top ?? 0);
    });
  }
}
