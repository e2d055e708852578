import type { WebhookContact, WebhookMessage } from "../../shared/webhook";
import type { InboundMessage } from "../webhook/split";
import type { ActivityLog } from "./activity";
import type { Board } from "./board";
import type { Contacts } from "./contacts";
import type { Conversations } from "./conversations";
import { describeInbound, previewOf } from "./message-content";
import type { Messages } from "./messages";
import type { Pushes } from "./pushes";
import type { Roster } from "./roster";
import type { Settings } from "./settings";
import type { Survey } from "./survey";

/** What storing a batch's customer messages changed, for the steps after the transaction. */
export interface Stored {
  stored: number;
  duplicates: number;
  /** Messages to push (new ones and those an edit or revoke changed), in order. */
  changed: number[];
  /** Conversations with new messages, in order: the first new wamid, when the customer wrote before it, whether it reopened. */
  touched: Map<number, { wamid: string; previousInboundAt: number | null; reopened: boolean }>;
  /** Resolved conversations that just got a rating: the customer is thanked. */
  rated: Set<number>;
}

/**
 * Customer messages from a webhook batch: dropped when their wamid is known, the customer found or created, the
 * conversation opened (their open one, a pending one woken, a recently resolved one reopened, or a new one), the
 * message stored and its edits and revokes applied. Survey answers go to the survey's conversation instead.
 * Runs inside the shell's transaction; routing and automation follow it.
 */
export class Inbound {
  constructor(
    private readonly settings: Settings,
    private readonly contacts: Contacts,
    private readonly conversations: Conversations,
    private readonly messages: Messages,
    private readonly roster: Roster,
    private readonly survey: Survey,
    private readonly activity: ActivityLog,
    private readonly board: Board,
    private readonly pushes: Pushes,
  ) {}

  store(batch: InboundMessage[], now: number): Stored {
    const out: Stored = { stored: 0, duplicates: 0, changed: [], touched: new Map(), rated: new Set() };
    for (const { message, contact } of batch) {
      if (this.messages.has(message.id)) {
        out.duplicates++;
        continue;
      }
      const { messageId, conversationId, targetId, wasResolved, previousInboundAt, survey } = this.storeOne(message, contact, now);
      out.stored++;
      out.changed.push(messageId);
      if (survey) {
        // A survey answer or its comment: stored on the resolved conversation, which stays resolved and unrouted.
        if (survey === "rated") out.rated.add(conversationId);
        this.pushes.conversation(conversationId);
        continue;
      }
      const first = out.touched.get(conversationId);
      if (first) first.reopened ||= wasResolved;
      else out.touched.set(conversationId, { wamid: message.id, previousInboundAt, reopened: wasResolved });
      if (targetId !== null) out.changed.push(targetId);
    }
    return out;
  }

  private storeOne(message: WebhookMessage, contact: WebhookContact | null, now: number) {
    const contactId = this.contacts.upsert(message, contact, now);
    const previousInboundAt = this.conversations.previousInboundAt(contactId);
    const { kind, text, content } = describeInbound(message);
    const survey = this.survey.answerIn(contactId, kind, text, content, now);
    const { conversationId, wasResolved } = survey ? { conversationId: survey.conversationId, wasResolved: false } : this.conversationFor(contactId, now);
    const timestamp = Number.isFinite(message.timestamp) && message.timestamp > 0 ? message.timestamp * 1000 : now;
    const messageId = this.messages.addInbound(message, conversationId, kind, text, content, timestamp);
    this.conversations.noteInbound(conversationId, timestamp, now, previewOf(kind, text, content), survey !== null);
    this.board.count("messages_in", null, now);
    if (survey) this.survey.record(survey, now);
    const targetId = kind === "edit" || kind === "revoke" ? this.messages.editOrRevoke(kind, content, text) : null;
    return { messageId, conversationId, targetId, wasResolved, previousInboundAt, survey: survey ? (survey.stars !== undefined ? "rated" : "comment") : null };
  }

  /** The customer's open conversation, their last one reopened if it was resolved recently, or a new one. */
  private conversationFor(contactId: number, now: number): { conversationId: number; wasResolved: boolean } {
    const last = this.conversations.latestOf(contactId);
    if (last?.status === "open") return { conversationId: last.id, wasResolved: false };
    if (last?.status === "pending") {
      // Snoozed until the customer's next message (or a time that has not come): it wakes, still its agent's.
      this.conversations.wake(last.id);
      const assignee = this.conversations.assigneeOf(last.id);
      if (assignee) this.roster.refresh([assignee]);
      this.activity.add(last.id, { kind: "reopened", agentId: assignee, actorId: null, reason: "the customer wrote again", note: null });
      return { conversationId: last.id, wasResolved: false };
    }
    const reopenWithinMs = (this.settings.config().routing.reopenWithinHours ?? 168) * 3600_000;
    if (last && (last.resolved_at === null || now - last.resolved_at <= reopenWithinMs)) {
      this.conversations.reopenByCustomer(last.id, now);
      this.board.count("conversations_reopened", null, now);
      return { conversationId: last.id, wasResolved: true };
    }
    const id = this.conversations.create(contactId, now);
    this.board.count("conversations_new", null, now);
    return { conversationId: id, wasResolved: false };
  }
}
