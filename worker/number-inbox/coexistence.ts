import type { MessageOrigin } from "../../shared/inbox";
import type { CoexistenceItems } from "../webhook/split";
import type { Board } from "./board";
import { readContactSync, readEcho, readHistoryChunk, type Direction } from "./coexistence-intake";
import type { Contacts } from "./contacts";
import type { InboxContext } from "./context";
import type { Conversations } from "./conversations";
import type { Health } from "./health";
import type { Intake, ReadMessage, UnreadableDelivery } from "./intake";
import { previewOf } from "./message-content";
import type { Messages } from "./messages";
import type { Unreadable } from "./unreadable";

/** What storing a batch's coexistence items changed, for the steps after the transaction. */
export interface CoexistenceStored {
  stored: number;
  duplicates: number;
  unreadable: number;
  /** Echoes to push to whoever sees their conversation (a message, never a notice or an assignment). */
  changed: number[];
  /** Conversations whose row an echo or a name changed. */
  conversations: Set<number>;
  /** Contacts the address book renamed. */
  renamed: Set<number>;
}

/**
 * A number used in the WhatsApp Business app and by this inbox at once ("coexistence"). What the owner sends from
 * the phone arrives as `smb_message_echoes`: an outbound message, marked `business_app`, in the customer's open
 * conversation or a new one that waits in no queue — never routed or assigned, no notice to anyone — and a reply
 * all the same (the no-reply timer stops, a first response is timed). The app's `history` fills past messages of
 * both sides with their own times, marked `history`, into the customer's latest conversation whatever its state
 * (never reopened) or a resolved one of their own: no push, no routing, and not counted in the figures, which
 * describe this inbox's work. `smb_app_state_sync` names customers as the business saved them, unless the customer's
 * own profile gave a name later; a removal changes nothing. Runs inside the shell's transaction, one savepoint per
 * item, as `inbound.ts` does.
 */
export class Coexistence {
  constructor(
    private readonly ctx: InboxContext,
    private readonly contacts: Contacts,
    private readonly conversations: Conversations,
    private readonly messages: Messages,
    private readonly board: Board,
    private readonly unreadable: Unreadable,
    private readonly health: Health,
  ) {}

  store(items: CoexistenceItems, now: number): CoexistenceStored {
    const out: CoexistenceStored = { stored: 0, duplicates: 0, unreadable: 0, changed: [], conversations: new Set(), renamed: new Set() };
    const keep = (delivery: UnreadableDelivery) => {
      if (this.unreadable.keep(delivery, now)) out.unreadable++;
    };
    const each = (read: Intake, direction: Direction, origin: MessageOrigin) => {
      if (read.unreadable) keep(read.unreadable);
      const message = read.message;
      if (!message) return;
      // A redelivery, a history message that also came live, or an echo of what this inbox sent: stored once.
      if (message.wamid !== null ? this.messages.has(message.wamid) : this.messages.hasClientId(message.key)) {
        out.duplicates++;
        return;
      }
      try {
        const { messageId, conversationId } = this.ctx.transaction(() =>
          origin === "business_app" ? this.storeEcho(message, now) : this.storeHistory(message, direction, now),
        );
        out.stored++;
        if (origin === "business_app") {
          out.changed.push(messageId);
          out.conversations.add(conversationId);
        }
      } catch (error) {
        console.error(`${origin} message ${message.key} could not be stored; it is kept among the unreadable deliveries`, error);
        keep({ raw: message.raw, reason: "store_failed", detail: `storing it failed: ${String(error).slice(0, 300)}`, wamid: message.wamid });
      }
    };

    for (const item of items.echoes) each(readEcho(item, now), "out", "business_app");
    for (const raw of items.history) {
      const chunk = readHistoryChunk(raw, now);
      for (const bad of chunk.unreadable) keep({ raw: bad.raw, reason: "not_an_object", detail: bad.detail, wamid: null });
      // Oldest first, so a conversation's row ends on its latest message whatever order the chunk lists them in.
      const ordered = [...chunk.messages].sort((a, b) => (a.item.message?.at ?? 0) - (b.item.message?.at ?? 0));
      for (const { item, direction } of ordered) each(item, direction, "history");
      this.health.record("history_sync", { phase: chunk.phase, chunk: chunk.chunk, progress: chunk.progress, messages: chunk.messages.length });
      // Declined sharing, for one, arrives as a chunk's errors[]: kept for supervisors like a change's errors.
      for (const error of chunk.errors) this.health.record("webhook_error", error);
    }
    for (const raw of items.contacts) {
      const sync = readContactSync(raw, now);
      // A removal from the phone's address book deletes nothing here: the customer and their conversations stay.
      if (!sync || sync.action === "remove" || sync.name === null) continue;
      const renamed = this.contacts.nameFromAddressBook(sync.waId, sync.name, sync.at, now);
      if (renamed !== null) out.renamed.add(renamed);
    }
    return out;
  }

  private storeEcho(message: ReadMessage, now: number): { messageId: number; conversationId: number } {
    const { contactId } = this.customerOf(message, now);
    const last = this.conversations.latestOf(contactId);
    let conversationId: number;
    if (last && last.status !== "resolved") conversationId = last.id;
    else if (last?.resolve_reason === "history") {
      conversationId = last.id;
      this.conversations.openFromApp(last.id);
    } else conversationId = this.conversations.createFromApp(contactId, message.at, now, "open");
    const messageId = this.messages.addSynced(message, conversationId, "out", "business_app");
    if (this.conversations.noteAppReply(conversationId, message.at, previewOf(message.kind, message.text, message.content))) {
      this.board.noteAppReply(conversationId, message.at);
    }
    return { messageId, conversationId };
  }

  private storeHistory(message: ReadMessage, direction: Direction, now: number): { messageId: number; conversationId: number } {
    const { contactId } = this.customerOf(message, now);
    const conversationId = this.conversations.latestIdOf(contactId) ?? this.conversations.createFromApp(contactId, message.at, now, "resolved");
    const messageId = this.messages.addSynced(message, conversationId, direction, "history");
    this.conversations.noteHistory(conversationId, message.at, direction === "in", previewOf(message.kind, message.text, message.content));
    return { messageId, conversationId };
  }

  /** The customer, found or created as for their own messages (identity.ts); two halves met are linked, not split. */
  private customerOf(message: ReadMessage, now: number): { contactId: number } {
    const { contactId, conflicts, absorbed } = this.contacts.forSender(message.sender, now);
    if (absorbed !== null) {
      const { merged } = this.conversations.absorbContact(absorbed, contactId, now);
      if (merged) this.messages.moveAll(merged.from, merged.into);
    }
    for (const conflict of conflicts) this.health.record("identity_conflict", { wamid: message.wamid, conflict });
    return { contactId };
  }
}
