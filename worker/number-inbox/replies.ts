import type { Message, SendMessageRequest } from "../../shared/inbox";
import { because } from "./reasons";
import { typingIndicatorBody } from "../graph/bodies";
import { postStatus } from "../graph/client";
import { ok, refuse, type Principal, type Result } from "../lib/result";
import type { Access } from "./access";
import type { Board } from "./board";
import type { Contacts } from "./contacts";
import type { InboxContext } from "./context";
import type { Conversations } from "./conversations";
import { mentionedMembers } from "./mentions";
import { previewOf } from "./message-content";
import type { Messages } from "./messages";
import { buildOutbound } from "./outbound-body";
import { recipientOf } from "./recipient";
import type { Outbox } from "./outbox";
import type { Pushes } from "./pushes";
import type { Roster } from "./roster";
import { CUSTOMER_SERVICE_WINDOW_MS, type Row } from "./rows";
import type { Settings } from "./settings";
import type { TemplateLibrary } from "./template-library";

/** What an agent writes: replies (stored with their outbox entry in one step, then sent), private notes, typing. */
export class Replies {
  constructor(
    private readonly ctx: InboxContext,
    private readonly settings: Settings,
    private readonly access: Access,
    private readonly conversations: Conversations,
    private readonly messages: Messages,
    private readonly contacts: Contacts,
    private readonly roster: Roster,
    private readonly templates: TemplateLibrary,
    private readonly outbox: Outbox,
    private readonly board: Board,
    private readonly pushes: Pushes,
  ) {}

  /** Stores an outbound message and its outbox entry in one step, then tries to send it at once. */
  async send(viewer: Principal, conversationId: string, request: SendMessageRequest): Promise<Result<Message>> {
    const conversation = this.access.conversation(viewer, conversationId);
    if (!conversation.ok) return conversation;
    const c = conversation.value;
    if (!this.access.mayReply(viewer, c)) return refuse(403, "only the assigned agent or a supervisor can reply in this conversation", "reply_not_assignee");
    if (request.type !== "note" && this.settings.config().connected === false) {
      return refuse(409, "this number was disconnected: its history stays readable, but nothing can be sent from it", "number_disconnected");
    }
    const existing = this.messages.byClientId(request.clientId);
    if (existing) return ok(existing);
    if (request.type === "note") return ok(this.note(viewer, c, request.text, request.clientId));

    const category = request.type === "template" ? this.templates.find(request.name, request.language)?.category : null;
    const to = recipientOf(c, { templateCategory: category });
    if (!to.ok) return refuse(422, to.why);
    const now = this.ctx.now();
    const windowOpen = c.last_inbound_at !== null && now < Number(c.last_inbound_at) + CUSTOMER_SERVICE_WINDOW_MS;
    if (request.type !== "template" && !windowOpen) {
      return refuse(422, "the 24-hour customer service window is closed: only a template message can be sent now", "window_closed");
    }
    const built = buildOutbound(request, to.recipient, { wamidOf: (id) => this.messages.wamidOf(id), template: (name, language) => this.templates.find(name, language) });
    if (!built.ok) return built;
    const { body, kind, text, content } = built.value;

    const id = Number(conversationId);
    const messageId = this.ctx.transaction(() => {
      const messageId = this.messages.addOutbound(request.clientId, id, kind, text, content, viewer.personId, now);
      this.outbox.enqueue(messageId, id, body, now);
      // The customer has an answer: the no-reply timer stops, and this agent is the one who served them.
      this.conversations.noteReply(id, now, previewOf(kind, text, content));
      this.contacts.served(c.contact_id as number, viewer.personId, now);
      this.board.noteReply(id, viewer.personId, now);
      return messageId;
    });
    this.pushes.message(messageId);
    this.pushes.conversation(id);
    await this.outbox.drain();
    return ok(this.messages.byId(messageId));
  }

  /** A private note for colleagues: stored and pushed, never sent to WhatsApp; `@name` tells that colleague. */
  private note(viewer: Principal, conversation: Row, text: string, clientId: string): Message {
    const conversationId = Number(conversation.id);
    const mentioned = mentionedMembers(text, this.roster.names()).filter((id) => id !== viewer.personId);
    const id = this.ctx.transaction(() => this.messages.addNote(clientId, conversationId, text, viewer.personId, mentioned, this.ctx.now()));
    const message = this.messages.byId(id);
    this.pushes.toViewers((conversation.assignee_id as string | null) ?? null, { type: "message", message }, mentioned);
    const who = (conversation.contact_name as string | null) ?? `+${conversation.wa_id ?? ""}`;
    const body = because("mention", { author: viewer.name, customer: who, text: text.slice(0, 140) });
    for (const agentId of mentioned) this.pushes.notice(agentId, "mention", conversationId, `${viewer.name} @ ${who}: ${text.slice(0, 140)}`, body);
    return message;
  }

  /** WhatsApp's typing indicator (which also marks the customer's last message read); lasts 25 s. */
  async typing(viewer: Principal, conversationId: string): Promise<Result<{ ok: true }>> {
    const conversation = this.access.conversation(viewer, conversationId);
    if (!conversation.ok) return conversation;
    const wamid = this.messages.lastInboundWamid(Number(conversationId));
    if (!wamid) return refuse(422, "the customer has not written yet", "customer_not_written");
    const result = await postStatus(await this.settings.graph(), this.settings.config().phoneNumberId, typingIndicatorBody(wamid));
    return result.ok ? ok({ ok: true }) : refuse(502, `WhatsApp refused the typing indicator: ${result.title}`);
  }
}
