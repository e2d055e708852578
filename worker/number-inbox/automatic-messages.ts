import type { AutomationKind } from "../../shared/automation";
import { customerLanguage, type AutomationLanguage } from "../../shared/automation-text";
import type { MessageContent } from "../../shared/message-content";
import { textBody, type OutboundMessageBody, type Recipient } from "../graph/bodies";
import type { Board } from "./board";
import type { Contacts } from "./contacts";
import type { Conversations } from "./conversations";
import type { Health } from "./health";
import type { Messages } from "./messages";
import type { Outbox } from "./outbox";
import type { Pushes } from "./pushes";
import { because, englishReason } from "./reasons";
import { recipientOf } from "./recipient";
import { CUSTOMER_SERVICE_WINDOW_MS } from "./rows";
import type { Settings } from "./settings";

/** Writes an automatic message in the customer's language; `body` builds an interactive one, else it is text. */
export type Compose = (
  language: AutomationLanguage,
  names: { customerName: string | null; numberName: string },
) => { text: string; content?: Partial<MessageContent>; body?: (recipient: Recipient) => OutboundMessageBody };

/**
 * Queues one automatic message, at most once for its key (the key is the message's client id, unique in the
 * table), in the same synchronous step as the event that caused it, so a crash, a redelivery or an alarm retry
 * cannot send it twice. Outside the 24-hour window it is not sent; the conversation's log says so instead.
 */
export class AutomaticMessages {
  constructor(
    private readonly settings: Settings,
    private readonly conversations: Conversations,
    private readonly messages: Messages,
    private readonly contacts: Contacts,
    private readonly outbox: Outbox,
    private readonly health: Health,
    private readonly board: Board,
    private readonly pushes: Pushes,
  ) {}

  /** Returns whether it was queued (false: sent before under this key, nothing to say, or skipped). */
  send(conversationId: number, kind: AutomationKind, key: string, now: number, compose: Compose): boolean {
    if (this.messages.hasClientId(key)) return false;
    const c = this.conversations.row(conversationId);
    const language = this.languageOf(c.contact_id as number);
    const composed = compose(language, { customerName: (c.contact_name as string | null) ?? null, numberName: this.settings.config().displayName });
    if (!composed.text) return false;
    const to = recipientOf(c);
    const windowOpen = c.last_inbound_at !== null && now < Number(c.last_inbound_at) + CUSTOMER_SERVICE_WINDOW_MS;
    const problem = !windowOpen ? "window_closed" : !to.ok ? "no_recipient" : this.settings.config().connected === false ? "disconnected" : null;
    if (problem) {
      const code = because("not_sent", { automation: kind, problem });
      const reason = englishReason(code, () => "");
      const activity = { kind: "automation_skipped" as const, agentId: null, actorId: null, reason, reasonCode: code, note: null };
      const id = this.messages.addSkipped(key, conversationId, reason, { activity, automation: kind }, now);
      this.health.record("automation_skipped", { conversationId, kind, reason: reason.slice(reason.indexOf(": ") + 2) });
      this.pushes.message(id);
      return false;
    }
    const content: MessageContent = { ...composed.content, automation: kind };
    if (!to.ok) return false;
    const recipient = to.recipient;
    const body = composed.body ? composed.body(recipient) : textBody(recipient, { text: composed.text });
    const id = this.messages.addOutbound(key, conversationId, composed.body ? "interactive" : "text", composed.text, content, null, now);
    this.outbox.enqueue(id, conversationId, body, now);
    this.conversations.noteAutomatic(conversationId, now, composed.text.slice(0, 120));
    this.board.count("messages_auto", null, now);
    this.pushes.message(id);
    return true;
  }

  /** The customer's language from the attribute the settings name (e.g. 语言), else the number's default. */
  private languageOf(contactId: number): AutomationLanguage {
    const settings = this.settings.automation();
    if (!settings.languageAttribute) return settings.defaultLanguage;
    return customerLanguage(settings, this.contacts.attribute(contactId, settings.languageAttribute));
  }
}
