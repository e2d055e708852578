import type { Message } from "../../shared/inbox";
import type { InboundMessage, UnreadableItem } from "../webhook/split";
import type { ActivityLog } from "./activity";
import { because } from "./reasons";
import type { Board } from "./board";
import type { Contacts } from "./contacts";
import type { InboxContext } from "./context";
import type { Conversations, LatestConversation } from "./conversations";
import type { Health } from "./health";
import { changedNumberOf, changedUserIdOf } from "./identity";
import { intake, rawJson, type ReadMessage } from "./intake";
import { previewOf } from "./message-content";
import { freshConversationRow, type Row } from "./rows";
import type { Messages } from "./messages";
import type { Pushes } from "./pushes";
import type { Roster } from "./roster";
import type { Settings } from "./settings";
import type { Survey } from "./survey";
import type { Unreadable } from "./unreadable";

/** What storing a batch's customer messages changed, for the steps after the transaction. */
export interface Stored {
  stored: number;
  duplicates: number;
  /** Deliveries newly kept among the unreadable ones (each kept once, however often Meta redelivers it). */
  unreadable: number;
  /** Messages to push, in order: new ones as stored, and the ids of those an edit or revoke changed. */
  changed: (Message | number)[];
  /**
   * Conversations with new messages, in order: the first new message's wamid (or key), when the customer wrote
   * before it, whether it reopened, and, when that message made both the customer and the conversation and no other
   * message of the batch touched it, the conversation's list row as inserted (routing need not read it back).
   */
  touched: Map<number, { wamid: string; previousInboundAt: number | null; reopened: boolean; row: Row | null }>;
  /** Resolved conversations that just got a rating: the customer is thanked. */
  rated: Set<number>;
}

/**
 * Thrown by `Inbound.store` run without a savepoint per message when one message failed: the caller rolls the
 * whole step back and runs it again with them, so that message alone is undone and kept among the unreadable.
 */
export class StoreNeedsIsolation extends Error {
  constructor(readonly key: string, cause: unknown) {
    super(`customer message ${key} failed to store; the batch runs again with a savepoint per message`, { cause });
  }
}

/**
 * Customer messages from a webhook batch. Each is read at the edge first (`intake.ts`: its sender, time, text and
 * content made fit to store, or the reason it cannot be filed), then dropped when its wamid is known, or stored: the
 * customer found or created, the conversation opened (their open one, a pending one woken, a recently resolved one
 * reopened, or a new one), the message stored and its edits and revokes applied. Survey answers go to the survey's
 * conversation instead. What cannot be filed goes to the number's unreadable deliveries. Runs inside the shell's
 * transaction; routing and automation follow it.
 *
 * With `isolateEach`, each message is stored in a nested transaction (a SQLite savepoint), so one that fails is
 * undone alone: it is kept among the unreadable deliveries and the batch goes on. Nothing a payload carries should
 * get there (the edge makes it storable), so the shell first runs a batch without savepoints, which cost two
 * statements and a runtime call per message, and runs it again with them only when `StoreNeedsIsolation` says one
 * failed. If keeping it fails too, storage itself is failing, and the error fails the batch (Meta retries).
 */
export class Inbound {
  constructor(
    private readonly ctx: InboxContext,
    private readonly settings: Settings,
    private readonly contacts: Contacts,
    private readonly conversations: Conversations,
    private readonly messages: Messages,
    private readonly roster: Roster,
    private readonly survey: Survey,
    private readonly activity: ActivityLog,
    private readonly board: Board,
    private readonly pushes: Pushes,
    private readonly unreadable: Unreadable,
    private readonly health: Health,
  ) {}

  store(batch: InboundMessage[], unreadable: UnreadableItem[], now: number, isolateEach: boolean): Stored {
    const out: Stored = { stored: 0, duplicates: 0, unreadable: 0, changed: [], touched: new Map(), rated: new Set() };
    const keep = (delivery: Parameters<Unreadable["keep"]>[0]) => {
      if (this.unreadable.keep(delivery, now)) out.unreadable++;
    };
    for (const item of unreadable) keep({ raw: rawJson(item.raw), reason: item.reason, detail: item.detail, wamid: null });
    for (const item of batch) {
      const read = intake(item, now);
      if (read.unreadable) keep(read.unreadable);
      const message = read.message;
      if (!message) continue;
      if (message.wamid !== null ? this.messages.has(message.wamid) : this.messages.hasClientId(message.key)) {
        out.duplicates++;
        continue;
      }
      const mark = this.pushes.mark();
      const countMark = this.board.countMark();
      let stored: ReturnType<Inbound["storeOne"]>;
      try {
        stored = isolateEach ? this.ctx.transaction(() => this.storeOne(message, now)) : this.storeOne(message, now);
      } catch (error) {
        if (!isolateEach) throw new StoreNeedsIsolation(message.key, error);
        this.pushes.dropSince(mark);
        this.board.dropCountsSince(countMark);
        console.error(`customer message ${message.key} could not be stored; it is kept among the unreadable deliveries`, error);
        keep({ raw: message.raw, reason: "store_failed", detail: `storing it failed: ${String(error).slice(0, 300)}`, wamid: message.wamid });
        continue;
      }
      const { stored: storedMessage, conversationId, targetId, wasResolved, previousInboundAt, survey, row, mergedContacts } = stored;
      out.stored++;
      // Customers linked or renumbered may have moved conversations this batch opened: those rows are read again.
      if (mergedContacts) for (const entry of out.touched.values()) entry.row = null;
      out.changed.push(storedMessage);
      if (survey) {
        // A survey answer or its comment: stored on the resolved conversation, which stays resolved and unrouted.
        if (survey === "rated") out.rated.add(conversationId);
        this.pushes.conversation(conversationId);
        continue;
      }
      const first = out.touched.get(conversationId);
      if (first) {
        first.reopened ||= wasResolved;
        // The row as inserted no longer shows this message.
        first.row = null;
      } else out.touched.set(conversationId, { wamid: message.key, previousInboundAt, reopened: wasResolved, row });
      if (targetId !== null) out.changed.push(targetId);
    }
    return out;
  }

  private storeOne(message: ReadMessage, now: number) {
    const found = this.contacts.forSender(message.sender, now);
    const { conflicts, absorbed } = found;
    let contactId = found.contactId;
    if (absorbed !== null) {
      // The phone's contact and the BSUID's were one customer: one contact, and one live conversation.
      const { changed, merged } = this.conversations.absorbContact(absorbed, contactId, now);
      if (merged) this.messages.moveAll(merged.from, merged.into);
      for (const id of changed) this.pushes.conversation(id);
    }
    for (const conflict of conflicts) {
      // Decided already (identity.ts); logged so a supervisor can see why a payload's id was not taken.
      console.warn(`identity conflict on ${message.key}: ${conflict}`);
      this.health.record("identity_conflict", { wamid: message.wamid, conflict });
    }
    const newUserId = message.kind === "system" ? changedUserIdOf(message.raw) : null;
    if (newUserId !== null) {
      // One customer under a new BSUID: linked, not split; a contact the new id already made joins them.
      const changed = this.contacts.changeUserId(contactId, newUserId.previous, newUserId.current);
      if (changed.absorbed !== null) {
        const { changed: rows, merged } = this.conversations.absorbContact(changed.absorbed, changed.contactId, now);
        if (merged) this.messages.moveAll(merged.from, merged.into);
        for (const id of rows) this.pushes.conversation(id);
      }
      contactId = changed.contactId;
    }
    const newPhone = message.kind === "system" ? changedNumberOf(message.raw) : null;
    if (newPhone !== null) {
      const conflict = this.contacts.changeNumber(contactId, newPhone);
      if (conflict) this.health.record("identity_conflict", { wamid: message.wamid, conflict });
    }
    // A customer seen for the first time (still the contact just made) has no conversation yet: nothing to look up.
    const last = found.created && contactId === found.contactId ? undefined : this.conversations.latestOf(contactId);
    const previousInboundAt = last?.previous_inbound_at ?? null;
    const { kind, text, content } = message;
    const survey = last ? this.survey.answerIn(contactId, last, kind, text, content, now) : null;
    const preview = previewOf(kind, text, content);
    const { conversationId, wasResolved, created } = survey
      ? { conversationId: survey.conversationId, wasResolved: false, created: null }
      : this.conversationFor(contactId, last, now, { timestamp: message.at, preview });
    const opened = created !== null;
    // A first message from someone new, whose contact nothing above changed: the row is what the two INSERTs returned.
    const mergedContacts = absorbed !== null || newUserId !== null || newPhone !== null;
    const fresh = created !== null && found.created !== null && contactId === found.contactId && !mergedContacts;
    const row = fresh ? freshConversationRow(created, found.created!) : null;
    const storedMessage = this.messages.addInbound(message, conversationId);
    // A conversation this message opened shows it already.
    if (!opened) this.conversations.noteInbound(conversationId, message.at, now, preview, survey !== null);
    this.board.count("messages_in", null, now);
    if (survey) this.survey.record(survey, now);
    const targetId = kind === "edit" || kind === "revoke" ? this.messages.editOrRevoke(kind, content, text, this.conversations.recentIdsOf(contactId)) : null;
    return { stored: storedMessage, conversationId, targetId, wasResolved, previousInboundAt, survey: survey ? (survey.stars !== undefined ? "rated" : "comment") : null, row, mergedContacts };
  }

  /** The customer's open conversation, their last one reopened if it was resolved recently, or a new one (with its row's own columns). */
  private conversationFor(
    contactId: number,
    last: LatestConversation | undefined,
    now: number,
    first: { timestamp: number; preview: string },
  ): { conversationId: number; wasResolved: boolean; created: Row | null } {
    if (last?.status === "open") return { conversationId: last.id, wasResolved: false, created: null };
    if (last?.status === "pending") {
      // Snoozed until the customer's next message (or a time that has not come): it wakes, still its agent's.
      this.conversations.wake(last.id);
      const assignee = this.conversations.assigneeOf(last.id);
      if (assignee) this.roster.refresh([assignee]);
      this.activity.add(last.id, { kind: "reopened", agentId: assignee, actorId: null, why: because("customer_wrote"), note: null });
      return { conversationId: last.id, wasResolved: false, created: null };
    }
    if (last?.resolve_reason === "history") {
      // It holds only the WhatsApp Business app's past messages: the customer's first live message begins it anew.
      this.conversations.reopenByCustomer(last.id, now);
      this.board.count("conversations_new", null, now);
      return { conversationId: last.id, wasResolved: false, created: null };
    }
    const reopenWithinMs = (this.settings.config().routing.reopenWithinHours ?? 168) * 3600_000;
    if (last && (last.resolved_at === null || now - last.resolved_at <= reopenWithinMs)) {
      this.conversations.reopenByCustomer(last.id, now);
      this.board.count("conversations_reopened", null, now);
      return { conversationId: last.id, wasResolved: true, created: null };
    }
    const created = this.conversations.create(contactId, now, first);
    this.board.count("conversations_new", null, now);
    return { conversationId: created.id as number, wasResolved: false, created };
  }
}
