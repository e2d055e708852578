import { ok, refuse, seesEverything, type Principal, type Result } from "../lib/result";
import type { Conversations } from "./conversations";
import type { Messages } from "./messages";
import type { Roster } from "./roster";
import type { Row } from "./rows";
import type { Settings } from "./settings";

/** Who may open, answer and edit what on this number. Reads only; every RPC that takes a viewer asks here first. */
export class Access {
  constructor(
    private readonly settings: Settings,
    private readonly conversations: Conversations,
    private readonly messages: Messages,
    private readonly roster: Roster,
  ) {}

  /** Agents see their own conversations, the queue where the number allows, and everything under shared ownership. */
  conversation(viewer: Principal, conversationId: string): Result<Row> {
    const id = Number(conversationId);
    const row = this.conversations.find(id);
    if (!row) return refuse(404, `conversation ${conversationId} does not exist on this number`, "conversation_not_found");
    if (seesEverything(viewer) || row.assignee_id === viewer.personId) return ok(row);
    const routing = this.settings.config().routing;
    if (routing.ownership === "any_member") return ok(row);
    if (row.assignee_id === null && row.status === "open" && routing.agentsSeeQueue) return ok(row);
    // A colleague mentioned in a private note may open the conversation to answer it.
    if (this.messages.mentions(id, viewer.personId)) return ok(row);
    return refuse(403, "this conversation is assigned to someone else", "assigned_elsewhere");
  }

  /** A contact is the viewer's to see and edit when one of its conversations is. */
  contact(viewer: Principal, contactId: string): Result<true> {
    const id = Number(contactId);
    const conversations = Number.isInteger(id) ? this.conversations.recentIdsOf(id) : [];
    if (conversations.length === 0) return refuse(404, `no customer ${contactId} on this number`, "contact_not_found");
    return conversations.some((c) => this.conversation(viewer, String(c)).ok) ? ok(true) : refuse(403, "this customer's conversations are assigned to someone else", "assigned_elsewhere");
  }

  /** The assignee and supervisors answer; under shared ownership any member of the number does. */
  mayReply(viewer: Principal, conversation: Row): boolean {
    if (seesEverything(viewer) || conversation.assignee_id === viewer.personId) return true;
    return this.settings.config().routing.ownership === "any_member" && this.roster.row(viewer.personId) !== undefined;
  }
}
