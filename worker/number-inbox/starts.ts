import type { NewConversationRequest, NewConversationResult } from "../../shared/new-conversation";
import { checkPhone, PHONE_PROBLEMS } from "../../shared/phone";
import { ok, refuse, seesEverything, type Principal, type Result } from "../lib/result";
import type { Assignment } from "./assignment";
import type { Board } from "./board";
import type { Contacts } from "./contacts";
import type { InboxContext } from "./context";
import type { Conversations } from "./conversations";
import type { Health } from "./health";
import { previewOf } from "./message-content";
import type { Messages } from "./messages";
import { buildOutbound } from "./outbound-body";
import type { Outbox } from "./outbox";
import type { Pushes } from "./pushes";
import { recipientOf } from "./recipient";
import type { Roster } from "./roster";
import type { Settings } from "./settings";
import { takeStart, type Bucket } from "./start-rate";
import type { TemplateLibrary } from "./template-library";
import { summarizeTemplate, templateArgumentsProblem } from "./templates";

/**
 * Conversations the business starts: an agent (or a supervisor) writes first to a customer with an approved
 * template. The conversation is created with that template as its first message (stored with its outbox entry in
 * one step, then sent through the outbox like any reply), and is the starter's or routed inside the team they chose.
 * A customer with a conversation not yet resolved gets the template in it instead (it keeps its agent; a queued one
 * becomes the starter's): two live conversations with one customer would split their answer from the question, and
 * the customer's reply lands in the newest anyway. Each agent's starts are rate-limited per number
 * (`start-rate.ts`), its bucket kept in the settings row `start_bucket:<agent id>`.
 */
export class Starts {
  constructor(
    private readonly ctx: InboxContext,
    private readonly settings: Settings,
    private readonly roster: Roster,
    private readonly conversations: Conversations,
    private readonly messages: Messages,
    private readonly contacts: Contacts,
    private readonly templates: TemplateLibrary,
    private readonly assignment: Assignment,
    private readonly outbox: Outbox,
    private readonly health: Health,
    private readonly board: Board,
    private readonly pushes: Pushes,
  ) {}

  async start(viewer: Principal, request: NewConversationRequest): Promise<Result<NewConversationResult>> {
    const config = this.settings.config();
    if (config.connected === false) {
      return refuse(409, "this number was disconnected: nothing can be sent from it, so no conversation can start", "number_disconnected");
    }
    if (this.health.tokenInvalid()) {
      return refuse(409, "Meta refused this number's access token: an admin must connect it again before anyone writes from it", "number_token_invalid");
    }
    // Templates are read from Meta the first time anyone needs them (the picker usually did already). The only await:
    // everything after it, from the clientId check to the transaction, runs without another request in between.
    await this.templates.approved(false);
    // The same clientId again (a retried request): the conversation it started, never a second one.
    const earlier = this.messages.byClientId(request.clientId);
    if (earlier) return ok({ conversation: this.conversations.byId(Number(earlier.conversationId)), message: earlier, reused: false });

    const supervisor = seesEverything(viewer);
    const onRoster = this.roster.row(viewer.personId) !== undefined;
    let to: { agentId: string } | { team: { id: string; name: string } };
    if (request.assignTo === "me") {
      if (!onRoster) return refuse(403, "you do not work on this number: start it for one of its teams", "not_member");
      to = { agentId: viewer.personId };
    } else {
      const teamId = request.assignTo.teamId;
      const team = config.teams.find((t) => t.id === teamId);
      if (!team) return refuse(422, `assignTo.teamId: no team ${teamId} works on this number`, "unknown_team");
      if (!supervisor && !team.memberIds.includes(viewer.personId)) {
        return refuse(403, `only its members and supervisors start conversations for team ${team.name}`, "not_team_member", { team: team.name });
      }
      to = { team: { id: team.id, name: team.name } };
    }

    const { name, language } = request.template;
    const row = this.templates.find(name, language);
    if (!row) return refuse(422, `template.name: ${name} (${language}) is not one of this number's templates; refresh the templates`, "template_unknown", { name, language });
    if (row.status !== "APPROVED") {
      return refuse(422, `template.name: ${name} (${language}) is ${row.status}, and only approved templates can start a conversation`, "template_not_approved", { name, status: row.status });
    }
    const templateRequest = { type: "template" as const, ...request.template, clientId: request.clientId };
    const problem = templateArgumentsProblem(summarizeTemplate({ name, language, status: row.status, components: row.components }), templateRequest);
    if (problem) return refuse(422, `template: ${problem}`, "template_variables", { name });

    // The customer: one already on the number, or a phone number (checked again: the schema did, this is the object's own gate).
    let customer: { contactId: number | null; ids: { wa_id: string | null; user_id: string | null } };
    if (request.to.contactId !== undefined) {
      const ids = this.contacts.idsOf(Number(request.to.contactId));
      if (!ids) return refuse(404, `to.contactId: no customer ${request.to.contactId} on this number`, "contact_not_found");
      customer = { contactId: ids.id, ids };
    } else {
      const phone = checkPhone(request.to.phone ?? "");
      if (!phone.ok) return refuse(400, `to.phone: ${PHONE_PROBLEMS[phone.problem]}`, `phone_${phone.problem}`);
      const known = this.contacts.idsOfPhone(phone.waId);
      customer = known ? { contactId: known.id, ids: known } : { contactId: null, ids: { wa_id: phone.waId, user_id: null } };
    }
    const recipient = recipientOf(customer.ids, { templateCategory: row.category });
    if (!recipient.ok) return refuse(422, recipient.why, "no_recipient");

    const live = customer.contactId === null ? undefined : this.conversations.liveOf(customer.contactId);
    if (live && live.assignee_id !== null && live.assignee_id !== viewer.personId && !supervisor) {
      const owner = this.roster.nameOf(live.assignee_id as string);
      return refuse(409, `this customer already has an open conversation with ${owner}`, "open_elsewhere", { name: owner });
    }

    const now = this.ctx.now();
    const bucketKey = `start_bucket:${viewer.personId}`;
    const decision = takeStart(this.settings.get<Bucket>(bucketKey), now);
    if (!decision.ok) {
      const seconds = Math.ceil(decision.retryAfterMs / 1000);
      return refuse(429, `you started many conversations in a short time; try again in ${seconds} s`, "start_rate_limited", { retryAfterSeconds: seconds });
    }
    this.settings.set(bucketKey, decision.bucket);

    const built = buildOutbound(templateRequest, recipient.recipient, { wamidOf: () => null, template: () => row });
    if (!built.ok) return built;
    const { body, kind, text, content } = built.value;
    const { conversationId, messageId } = this.ctx.transaction(() => {
      const contactId = customer.contactId ?? this.contacts.forPhone(customer.ids.wa_id as string, now);
      const conversationId = live ? Number(live.id) : this.conversations.createOutbound(contactId, now);
      const messageId = this.messages.addOutbound(request.clientId, conversationId, kind, text, content, viewer.personId, now);
      this.outbox.enqueue(messageId, conversationId, body, now);
      this.conversations.noteReply(conversationId, now, previewOf(kind, text, content));
      this.board.noteReply(conversationId, viewer.personId, now);
      // A live conversation keeps its agent; a queued one, like a new one, becomes the starter's or the team's.
      const assignee = live?.assignee_id ? (live.assignee_id as string) : this.assignment.started(conversationId, viewer, to);
      if (assignee === viewer.personId) this.contacts.served(contactId, viewer.personId, now);
      return { conversationId, messageId };
    });
    this.pushes.message(messageId);
    this.pushes.conversation(conversationId);
    await this.outbox.drain();
    return ok({ conversation: this.conversations.byId(conversationId), message: this.messages.byId(messageId), reused: live !== undefined });
  }
}
