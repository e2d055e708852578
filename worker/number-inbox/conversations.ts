import type { Conversation } from "../../shared/inbox";
import { DEFAULT_WAIT_TARGET_MINUTES } from "../../shared/routing";
import { seesEverything, type Principal } from "../lib/result";
import type { InboxContext } from "./context";
import type { ConversationView, ListedStatus, ViewQuery } from "./conversation-views";
import { CONVERSATION_ROW_COLUMNS, CONVERSATION_SELECT, toConversation, type Row } from "./rows";
import type { Settings } from "./settings";
import { insertedRow } from "./inserted-row";
import { countConversation } from "./language-report";
import { countTaggedConversation } from "./tag-report";

/** A new conversation carries its customer's language (?1 is the contact), kept true after by triggers (schema.ts 22). */
const CUSTOMER_LANGUAGE = "(SELECT k.language FROM contacts k WHERE k.id = ?1)";

/** What a new conversation is counted by in the reports by language and by tag, read back with its row. */
const COUNTED_COLUMNS = "language, created_at, (SELECT json_group_array(t.tag_id) FROM contact_tags t WHERE t.contact_id = conversations.contact_id) AS counted_tags";
type Counted = { language: string | null; created_at: number; counted_tags: string };

/** A customer's latest conversation, as `Conversations.latestOf` reads it. */
export type LatestConversation = {
  id: number;
  status: string;
  resolved_at: number | null;
  resolve_reason: string | null;
  csat_rated_at: number | null;
  csat_comment: string | null;
  csat_agent_id: string | null;
  previous_inbound_at: number | null;
};

/**
 * The `conversations` table: a conversation's life (new, reopened, pending, resolved), what its list row shows,
 * and the reads every view makes. Column groups that one concern alone decides are written there: the assignee,
 * queue and no-reply timer by `assignment.ts`, the automation throttles by `auto-replies.ts`, the survey by
 * `survey.ts`, the first-response clock by `board.ts`.
 */
export class Conversations {
  constructor(
    private readonly ctx: InboxContext,
    private readonly settings: Settings,
  ) {}

  /** The list row (with its contact and tags); throws when it does not exist. */
  row(id: number): Row {
    return this.ctx.sql.exec(`${CONVERSATION_SELECT} WHERE c.id = ?`, id).one();
  }

  find(id: number): Row | undefined {
    return Number.isInteger(id) ? this.ctx.sql.exec(`${CONVERSATION_SELECT} WHERE c.id = ?`, id).toArray()[0] : undefined;
  }

  toApi(row: Row): Conversation {
    return { ...toConversation(row, this.settings.stored()?.phoneNumberId ?? ""), waitTargetMinutes: this.waitTargetOf(row) };
  }

  /** The conversation's team's wait target: the team it waits for, else its assignee's first team, else the default. */
  private waitTargetOf(row: Row): number {
    const teams = this.settings.stored()?.teams ?? [];
    const team = teams.find((t) => t.id === row.team_id) ?? teams.find((t) => t.memberIds.includes(row.assignee_id as string));
    return team?.waitTargetMinutes ?? DEFAULT_WAIT_TARGET_MINUTES;
  }

  byId(id: number): Conversation {
    return this.toApi(this.row(id));
  }

  assigneeOf(id: number): string | null {
    return this.ctx.sql.exec<{ assignee_id: string | null }>("SELECT assignee_id FROM conversations WHERE id = ?", id).one().assignee_id;
  }

  // ---- a customer's conversations ----

  /**
   * Contact `from` was merged into `into`: its conversations become `into`'s. When both had one not yet
   * resolved, the older one's history moves into the newer (where the customer's next message lands) and the older
   * is closed as `merged`; returns the conversations whose rows changed, to push, and that pair when it happened.
   */
  absorbContact(from: number, into: number, now: number): { changed: number[]; merged: { from: number; into: number } | null } {
    const { sql } = this.ctx;
    const moved = sql.exec<{ id: number }>("SELECT id FROM conversations WHERE contact_id = ?", from).toArray().map((r) => r.id);
    sql.exec("UPDATE conversations SET contact_id = ? WHERE contact_id = ?", into, from);
    const live = sql
      .exec<{ id: number }>("SELECT id FROM conversations WHERE contact_id = ? AND status != 'resolved' ORDER BY id DESC LIMIT 2", into)
      .toArray()
      .map((r) => r.id);
    if (live.length < 2) return { changed: moved, merged: null };
    const [newer, older] = live as [number, number];
    sql.exec(
      `UPDATE conversations SET unread = unread + (SELECT unread FROM conversations WHERE id = ?),
         last_inbound_at = MAX(COALESCE(last_inbound_at, 0), COALESCE((SELECT last_inbound_at FROM conversations WHERE id = ?), 0)),
         created_at = MIN(created_at, (SELECT created_at FROM conversations WHERE id = ?)) WHERE id = ?`,
      older, older, older, newer,
    );
    sql.exec("UPDATE conversations SET status = 'resolved', resolved_at = ?, resolve_reason = 'merged', unread = 0 WHERE id = ?", now, older);
    return { changed: [...new Set([...moved, newer, older])], merged: { from: older, into: newer } };
  }

  /**
   * The customer's latest conversation (what the survey and reopening decide on), with when they last wrote on any
   * of theirs (the welcome message asks): one read per customer message.
   */
  latestOf(contactId: number): LatestConversation | undefined {
    return this.ctx.sql
      .exec<LatestConversation>(
        `SELECT id, status, resolved_at, resolve_reason, csat_rated_at, csat_comment, csat_agent_id,
           (SELECT MAX(last_inbound_at) FROM conversations WHERE contact_id = ?1) AS previous_inbound_at
         FROM conversations WHERE contact_id = ?1 ORDER BY id DESC LIMIT 1`,
        contactId,
      )
      .toArray()[0];
  }

  latestIdOf(contactId: number): number | undefined {
    return this.ctx.sql.exec<{ id: number }>("SELECT id FROM conversations WHERE contact_id = ? ORDER BY id DESC LIMIT 1", contactId).toArray()[0]?.id;
  }

  recentIdsOf(contactId: number): number[] {
    return this.ctx.sql
      .exec<{ id: number }>("SELECT id FROM conversations WHERE contact_id = ? ORDER BY id DESC LIMIT 50", contactId)
      .toArray()
      .map((c) => c.id);
  }

  openIdsOf(contactId: number): number[] {
    return this.ctx.sql
      .exec<{ id: number }>("SELECT id FROM conversations WHERE contact_id = ? AND status = 'open'", contactId)
      .toArray()
      .map((c) => c.id);
  }

  /** Who holds the customer's open and pending conversations (null for one in the queue): who may have them open. */
  liveAssigneesOf(contactId: number): (string | null)[] {
    return this.ctx.sql
      .exec<{ assignee_id: string | null }>("SELECT DISTINCT assignee_id FROM conversations WHERE contact_id = ? AND status IN ('open', 'pending')", contactId)
      .toArray()
      .map((c) => c.assignee_id);
  }

  /** The customer panel's past conversations. */
  historyOf(contactId: number) {
    return this.ctx.sql
      .exec<{ id: number; status: string; created_at: number; last_preview: string; assignee_id: string | null }>(
        "SELECT id, status, created_at, last_preview, assignee_id FROM conversations WHERE contact_id = ? ORDER BY id DESC LIMIT 20",
        contactId,
      )
      .toArray()
      .map((c) => ({ id: String(c.id), status: c.status, createdAt: c.created_at, lastMessagePreview: c.last_preview, assigneeId: c.assignee_id }));
  }

  // ---- life ----

  /**
   * A customer's new conversation, open and queued, opened by their message `first`: its list row shows that message
   * at once, as `noteInbound` would make it, in the same statement. Returns the list row's own columns as stored.
   */
  create(contactId: number, now: number, first: { timestamp: number; preview: string }): Row {
    this.ctx.sql.exec(
      `INSERT INTO conversations (contact_id, language, status, created_at, last_message_at, queued_at, frt_pending_since, opened_at,
         last_inbound_at, last_preview, unread, awaiting_reply_since)
       VALUES (?1, ${CUSTOMER_LANGUAGE}, 'open', ?, ?, ?, ?, ?, ?, ?, 1, ?)`,
      contactId,
      now,
      Math.max(now, first.timestamp),
      now,
      now,
      now,
      // The window runs from when the customer wrote, even if Meta delivers it late.
      Math.min(first.timestamp, now),
      first.preview,
      now,
    );
    const { language, counted_tags, ...row } = insertedRow<Row & Counted>(this.ctx.sql, "conversations", `${CONVERSATION_ROW_COLUMNS.join(", ")}, ${COUNTED_COLUMNS}`);
    this.count({ language, created_at: row.created_at as number, counted_tags });
    // The list row's own columns, as the joined read gives them (the customer's language comes with the contact).
    return row;
  }

  /**
   * A conversation the business starts (`starts.ts`): nobody waits for a first response (the business spoke
   * first), and it counts as queued until someone has it, so a team with nobody free serves it in turn.
   */
  createOutbound(contactId: number, now: number): number {
    this.ctx.sql.exec(
      `INSERT INTO conversations (contact_id, language, status, created_at, last_message_at, queued_at, opened_at) VALUES (?1, ${CUSTOMER_LANGUAGE}, 'open', ?, ?, ?, ?)`,
      contactId,
      now,
      now,
      now,
      now,
    );
    return this.counted();
  }

  /**
   * A conversation the business began from the WhatsApp Business app (`open`: nobody waits in a queue, no first
   * response is due) or one that only holds the app's past messages (`resolved` as `history`: in no list of work).
   */
  createFromApp(contactId: number, at: number, now: number, status: "open" | "resolved"): number {
    this.ctx.sql.exec(
      `INSERT INTO conversations (contact_id, language, status, created_at, last_message_at, opened_at, resolved_at, resolve_reason) VALUES (?1, ${CUSTOMER_LANGUAGE}, ?, ?, ?, ?, ?, ?)`,
      contactId,
      status,
      Math.min(at, now),
      at,
      now,
      status === "resolved" ? now : null,
      status === "resolved" ? "history" : null,
    );
    return this.counted();
  }

  /** The conversation just inserted, counted for the reports by language and by tag; returns its id. */
  private counted(): number {
    const row = insertedRow<Counted & { id: number }>(this.ctx.sql, "conversations", `id, ${COUNTED_COLUMNS}`);
    this.count(row);
    return row.id;
  }

  private count(row: Counted): void {
    countConversation(this.ctx.sql, row.language, row.created_at);
    // A customer with no tags (every new one) reads '[]' and writes nothing more.
    if (row.counted_tags !== "[]") countTaggedConversation(this.ctx.sql, JSON.parse(row.counted_tags) as string[], row.created_at);
  }

  /** The customer's conversation not yet resolved (open or pending), if any: where a new start goes instead. */
  liveOf(contactId: number): Row | undefined {
    return this.ctx.sql.exec(`${CONVERSATION_SELECT} WHERE c.contact_id = ? AND c.status != 'resolved' ORDER BY c.id DESC LIMIT 1`, contactId).toArray()[0];
  }

  /** The business answered from the app: open again (still in no queue) when it only held the app's history. */
  openFromApp(id: number): void {
    this.ctx.sql.exec("UPDATE conversations SET status = 'open', resolved_at = NULL, resolve_reason = NULL WHERE id = ? AND resolve_reason = 'history'", id);
  }

  /**
   * A message the business sent from the app: it answers the customer (the no-reply timer stops) unless the
   * customer wrote after it. Returns whether it answered.
   */
  noteAppReply(id: number, at: number, preview: string): boolean {
    // Read before the UPDATE, which does not change it.
    const row = this.ctx.sql.exec<{ last_inbound_at: number | null }>("SELECT last_inbound_at FROM conversations WHERE id = ?", id).one();
    this.ctx.sql.exec(
      `UPDATE conversations SET last_preview = CASE WHEN ? >= last_message_at THEN ? ELSE last_preview END, last_message_at = MAX(last_message_at, ?),
         awaiting_reply_since = CASE WHEN ? >= COALESCE(last_inbound_at, 0) THEN NULL ELSE awaiting_reply_since END
       WHERE id = ?`,
      at, preview, at, at, id,
    );
    return at >= (row.last_inbound_at ?? 0);
  }

  /** A past message from the app's history: the list row follows only if it is the latest; nothing waits on it. */
  noteHistory(id: number, at: number, inbound: boolean, preview: string): void {
    this.ctx.sql.exec(
      `UPDATE conversations SET last_preview = CASE WHEN ? >= last_message_at THEN ? ELSE last_preview END, last_message_at = MAX(last_message_at, ?),
         last_inbound_at = CASE WHEN ? THEN MAX(COALESCE(last_inbound_at, 0), ?) ELSE last_inbound_at END,
         created_at = MIN(created_at, ?) WHERE id = ?`,
      at, preview, at, inbound ? 1 : 0, at, at, id,
    );
  }

  /** A customer writing into a recently resolved conversation: it starts a new wait for a first response, and a new resolution time. */
  reopenByCustomer(id: number, now: number): void {
    this.ctx.sql.exec("UPDATE conversations SET status = 'open', resolved_at = NULL, resolve_reason = NULL, frt_pending_since = ?, opened_at = ? WHERE id = ?", now, now, id);
  }

  /** Out of pending: the snooze ended or the customer wrote. */
  wake(id: number): void {
    this.ctx.sql.exec("UPDATE conversations SET status = 'open', snoozed_until = NULL WHERE id = ?", id);
  }

  resolve(id: number, now: number): void {
    this.ctx.sql.exec("UPDATE conversations SET status = 'resolved', resolved_at = ?, awaiting_reply_since = NULL WHERE id = ?", now, id);
  }

  resolveInactive(id: number, now: number): void {
    this.ctx.sql.exec("UPDATE conversations SET status = 'resolved', resolved_at = ?, resolve_reason = 'inactive' WHERE id = ?", now, id);
  }

  reopen(id: number): void {
    this.ctx.sql.exec("UPDATE conversations SET status = 'open', resolved_at = NULL, resolve_reason = NULL WHERE id = ?", id);
  }

  snooze(id: number, until: number | null): void {
    this.ctx.sql.exec("UPDATE conversations SET status = 'pending', snoozed_until = ?, awaiting_reply_since = NULL WHERE id = ?", until, id);
  }

  dueSnoozes(now: number): { id: number; assignee_id: string | null }[] {
    return this.ctx.sql
      .exec<{ id: number; assignee_id: string | null }>(
        "SELECT id, assignee_id FROM conversations WHERE status = 'pending' AND snoozed_until IS NOT NULL AND snoozed_until <= ?",
        now,
      )
      .toArray();
  }

  nextWake(): number | null {
    return this.ctx.sql.exec<{ at: number | null }>("SELECT MIN(snoozed_until) AS at FROM conversations WHERE status = 'pending'").one().at;
  }

  // ---- what the list row shows ----

  /** A customer message: the preview, the unread count, the 24-hour window and the no-reply timer move. */
  noteInbound(id: number, timestamp: number, now: number, preview: string, survey: boolean): void {
    this.ctx.sql.exec(
      `UPDATE conversations SET last_message_at = MAX(last_message_at, ?), last_inbound_at = MAX(COALESCE(last_inbound_at, 0), ?),
         last_preview = ?, unread = unread + ?, awaiting_reply_since = CASE WHEN ? THEN awaiting_reply_since ELSE COALESCE(awaiting_reply_since, ?) END
       WHERE id = ?`,
      timestamp,
      // The window runs from when the customer wrote, even if Meta delivers it late.
      Math.min(timestamp, now),
      preview,
      survey ? 0 : 1,
      survey ? 1 : 0,
      now,
      id,
    );
  }

  /** The customer has an answer: the no-reply timer stops. */
  noteReply(id: number, now: number, preview: string): void {
    this.ctx.sql.exec("UPDATE conversations SET last_message_at = ?, last_preview = ?, awaiting_reply_since = NULL WHERE id = ?", now, preview, id);
  }

  /** An automatic message is no answer from an agent: the no-reply timer keeps running. */
  noteAutomatic(id: number, now: number, preview: string): void {
    this.ctx.sql.exec("UPDATE conversations SET last_message_at = ?, last_preview = ? WHERE id = ?", now, preview, id);
  }

  markRead(id: number): void {
    this.ctx.sql.exec("UPDATE conversations SET unread = 0 WHERE id = ?", id);
  }

  // ---- views ----

  /**
   * One page of a view (see conversation-views.ts for which rows and which order), keyset-paged. Each status is
   * read on its own, in order and only as far as the page needs; two statuses are merged by one outer ORDER BY over
   * at most twice the page. One read with `status IN (…)` would sort every row of the view first: an agent's 10,000
   * open conversations on each panel load, on the lane every webhook of the number waits on.
   */
  page(query: ViewQuery, cursor: { value: number; id: number } | null, limit: number): Row[] {
    if (query.statuses.length === 0) return [];
    const { key, direction } = query;
    const comparison = direction === "DESC" ? "<" : ">";
    const after = cursor ? ` AND (${key} ${comparison} ? OR (${key} = ? AND c.id ${comparison} ?))` : "";
    const select = CONVERSATION_SELECT.replace("SELECT", `SELECT ${key} AS sort_key,`);
    // A status is one of viewBase's literals (a filter only picks among them), never a caller's text.
    const read = (status: ListedStatus) =>
      `${select} WHERE c.status = '${status}' AND ${query.where}${after} ORDER BY ${key} ${direction}, c.id ${direction} LIMIT ?`;
    const args = [...query.args, ...(cursor ? [cursor.value, cursor.value, cursor.id] : []), limit];
    if (query.statuses.length === 1) return this.ctx.sql.exec(read(query.statuses[0]!), ...args).toArray();
    const merged = query.statuses.map((status) => `SELECT * FROM (${read(status)})`).join(" UNION ALL ");
    return this.ctx.sql
      .exec(`${merged} ORDER BY sort_key ${direction}, id ${direction} LIMIT ?`, ...query.statuses.flatMap(() => args), limit)
      .toArray();
  }

  /** How many conversations each view holds for this person: the numbers on the panel's tabs. */
  counts(viewer: Principal): Record<ConversationView, number> {
    // One indexed count per tab (conversations_by_assignee, conversations_queue, conversations_by_status):
    // panels ask after every change they hear of, so a full scan per question would not scale.
    const count = (query: string, ...args: SqlStorageValue[]) => this.ctx.sql.exec<{ n: number }>(query, ...args).one().n;
    return {
      mine: count("SELECT COUNT(*) AS n FROM conversations WHERE assignee_id = ? AND status IN ('open', 'pending')", viewer.personId),
      unassigned: count("SELECT COUNT(*) AS n FROM conversations WHERE assignee_id IS NULL AND status = 'open'"),
      all: count("SELECT COUNT(*) AS n FROM conversations WHERE status IN ('open', 'pending')"),
      resolved: seesEverything(viewer)
        ? count("SELECT COUNT(*) AS n FROM conversations WHERE status = 'resolved'")
        : count("SELECT COUNT(*) AS n FROM conversations WHERE assignee_id = ? AND status = 'resolved'", viewer.personId),
    };
  }

  /** The queue as the floor shows it, longest waiting first. */
  waitingRows(): Row[] {
    return this.ctx.sql.exec(`${CONVERSATION_SELECT} WHERE c.assignee_id IS NULL AND c.status = 'open' ORDER BY c.queued_at, c.id LIMIT 500`).toArray();
  }
}
