import type { Conversation } from "../../shared/inbox";
import { ok, refuse, type Principal, type Result } from "../lib/result";
import type { Access } from "./access";
import type { ActivityLog } from "./activity";
import type { Assignment } from "./assignment";
import type { Board } from "./board";
import type { InboxContext } from "./context";
import type { Conversations } from "./conversations";
import type { Pushes } from "./pushes";
import type { Roster } from "./roster";
import type { Survey } from "./survey";
import { because } from "./reasons";

/**
 * A conversation's life at an agent's hand: resolve (with the survey), reopen, snooze, and the alarm waking
 * snoozed ones. Each frees or takes capacity, so the roster's load follows and the queue moves.
 */
export class Lifecycle {
  constructor(
    private readonly ctx: InboxContext,
    private readonly access: Access,
    private readonly conversations: Conversations,
    private readonly roster: Roster,
    private readonly assignment: Assignment,
    private readonly survey: Survey,
    private readonly activity: ActivityLog,
    private readonly board: Board,
    private readonly pushes: Pushes,
  ) {}

  /** Returns the conversation's id; the shell sets the alarm (a survey may be waiting) and answers with it. */
  resolve(viewer: Principal, conversationId: string): Result<number> {
    const conversation = this.access.conversation(viewer, conversationId);
    if (!conversation.ok) return conversation;
    if (!this.access.mayReply(viewer, conversation.value)) return refuse(403, "only the assigned agent or a supervisor can resolve this conversation", "not_assignee");
    if (conversation.value.status === "resolved") return refuse(409, "this conversation is already resolved", "already_resolved");
    const id = Number(conversationId);
    const now = this.ctx.now();
    const assignee = (conversation.value.assignee_id as string | null) ?? null;
    this.conversations.resolve(id, now);
    this.board.noteResolved(id, assignee ?? viewer.personId, now, false);
    if (assignee) this.roster.refresh([assignee]);
    this.activity.add(id, { kind: "resolved", agentId: assignee, actorId: viewer.personId, actorName: viewer.name, why: null, note: null });
    // The survey credits whoever resolved it: the agent themselves, or the assignee when a supervisor closes it.
    this.survey.offer(id, viewer.role === "agent" ? viewer.personId : (assignee ?? viewer.personId), now);
    this.pushes.conversation(id);
    // A resolved conversation frees capacity: the queue moves at once.
    this.assignment.drainQueue();
    return ok(id);
  }

  reopen(viewer: Principal, conversationId: string): Result<Conversation> {
    const conversation = this.access.conversation(viewer, conversationId);
    if (!conversation.ok) return conversation;
    if (conversation.value.status === "open") return refuse(409, "this conversation is already open", "already_open");
    const id = Number(conversationId);
    const assignee = (conversation.value.assignee_id as string | null) ?? null;
    this.conversations.reopen(id);
    if (assignee) this.roster.refresh([assignee]);
    this.activity.add(id, { kind: "reopened", agentId: assignee, actorId: viewer.personId, actorName: viewer.name, why: null, note: null });
    if (assignee === null) this.assignment.route(id, { now: this.ctx.now() });
    this.pushes.conversation(id);
    return ok(this.conversations.byId(id));
  }

  /** Mark pending: out of the agent's way (and off their load) until a time or the customer's next message. */
  snooze(viewer: Principal, conversationId: string, until: number | null): Result<number> {
    const conversation = this.access.conversation(viewer, conversationId);
    if (!conversation.ok) return conversation;
    const c = conversation.value;
    if (!this.access.mayReply(viewer, c)) return refuse(403, "only the assigned agent or a supervisor can mark this conversation pending", "not_assignee");
    if (c.status === "resolved") return refuse(409, "reopen the conversation before marking it pending", "resolved");
    if (c.assignee_id === null) return refuse(409, "a conversation in the queue cannot be snoozed; assign it first", "queued");
    if (until !== null && until <= this.ctx.now()) return refuse(400, "until: pick a time in the future", "until_past");
    const id = Number(conversationId);
    this.conversations.snooze(id, until);
    this.roster.refresh([c.assignee_id as string]);
    this.activity.add(id, {
      kind: "snoozed",
      agentId: c.assignee_id as string,
      actorId: viewer.personId,
      actorName: viewer.name,
      why: until === null ? because("until_reply") : because("until", { at: until }),
      note: null,
    });
    this.pushes.conversation(id);
    this.assignment.drainQueue();
    return ok(id);
  }

  /** An undo of "mark pending": open again with its agent, by the same rules as marking it pending. */
  unsnooze(viewer: Principal, conversationId: string): Result<number> {
    const conversation = this.access.conversation(viewer, conversationId);
    if (!conversation.ok) return conversation;
    if (!this.access.mayReply(viewer, conversation.value)) return refuse(403, "only the assigned agent or a supervisor can reopen this conversation", "not_assignee");
    if (conversation.value.status !== "pending") return refuse(409, "this conversation is no longer pending", "changed_since");
    const id = Number(conversationId);
    const assignee = (conversation.value.assignee_id as string | null) ?? null;
    this.conversations.wake(id);
    if (assignee) this.roster.refresh([assignee]);
    this.activity.add(id, { kind: "reopened", agentId: assignee, actorId: viewer.personId, actorName: viewer.name, why: because("undone"), note: null });
    this.pushes.conversation(id);
    return ok(id);
  }

  /** Snoozed conversations whose time has come are open again, with their agent, who is told. */
  wakeSnoozed(now: number): void {
    for (const { id, assignee_id } of this.conversations.dueSnoozes(now)) {
      this.conversations.wake(id);
      if (assignee_id) this.roster.refresh([assignee_id]);
      this.activity.add(id, { kind: "reopened", agentId: assignee_id, actorId: null, why: because("snooze_ended"), note: null });
      this.pushes.conversation(id);
      const customer = this.conversations.byId(id).contact.name ?? "A customer";
      if (assignee_id) this.pushes.notice(assignee_id, "assigned", id, `${customer}: the snooze ended`, because("assigned", { cause: "snooze_ended", customer }));
    }
  }

  /** When the next snooze ends, for the alarm. */
  nextDeadline(): number | null {
    return this.conversations.nextWake();
  }
}
