import type { Conversation } from "../../shared/inbox";
import type { TransferRequest } from "../../shared/routing";
import { ok, refuse, seesEverything, type Principal, type Result } from "../lib/result";
import type { Access } from "./access";
import type { ActivityLog } from "./activity";
import type { Board } from "./board";
import type { InboxContext } from "./context";
import type { Conversations } from "./conversations";
import type { Pushes } from "./pushes";
import type { Roster } from "./roster";
import type { Row } from "./rows";
import { arrayRotation, chooseAgent, describeReason, isRoutable, reasonCodeOf, type AssignmentReason } from "./routing";
import { because } from "./reasons";
import type { ReasonCode } from "../../shared/message-content";
import type { Settings } from "./settings";

export interface RouteOptions {
  now: number;
  exclude?: string[];
  reason?: AssignmentReason;
  actorId?: string;
  /** The actor's name as their session gives it: a supervisor or admin who is not on the number's roster too. */
  actorName?: string;
  note?: string | null;
  transfer?: boolean;
  /** Taken from the queue: the reason says how long it waited. */
  fromQueue?: boolean;
}

/**
 * Who has each conversation: routing (decided by `routing.ts` over the roster), the queue and its draining, the
 * no-reply reassignment, claims and transfers. Owns the `assignments` table (the history of every assignment and
 * why) and the conversation's routing columns: `assignee_id`, `assignment_reason`, `assignment_reason_code`, `queued_at`, `team_id` and the
 * no-reply timer `awaiting_reply_since`. The round-robin cursors are settings rows (`last_assigned…`).
 */
export class Assignment {
  constructor(
    private readonly ctx: InboxContext,
    private readonly settings: Settings,
    private readonly access: Access,
    private readonly roster: Roster,
    private readonly conversations: Conversations,
    private readonly activity: ActivityLog,
    private readonly board: Board,
    private readonly pushes: Pushes,
  ) {}

  /**
   * After a customer message: a new or queued conversation is routed; a reopened one stays with its agent only
   * if they can take it now; one whose agent went offline (past the grace period) goes to someone who is here.
   * Returns who has it now.
   */
  afterInbound(conversationId: number, reopened: boolean, now: number, inserted: Row | null = null): string | null {
    // Read once (or as just inserted): routing decides on it, and when nothing changes it is what the sockets hear.
    const row = inserted ?? this.conversations.row(conversationId);
    const assignee = (row.assignee_id as string | null) ?? null;
    if (reopened) {
      if (assignee) this.roster.refresh([assignee]);
      this.activity.add(conversationId, { kind: "reopened", agentId: assignee, actorId: null, why: because("customer_wrote"), note: null });
    }
    if (assignee === null) return this.route(conversationId, { now }, row);
    if (reopened) {
      const facts = this.roster.facts({ everyone: true }).find((m) => m.id === assignee);
      if (facts && isRoutable({ ...facts, load: Math.max(0, facts.load - 1) })) {
        this.record(conversationId, assignee, assignee, { kind: "reopened" }, now);
        this.pushes.conversation(conversationId);
        return assignee;
      }
      return this.route(conversationId, { now, exclude: [assignee] });
    }
    if (!this.roster.isPresent(assignee, now)) {
      return this.route(conversationId, { now, exclude: [assignee], reason: { kind: "assignee_offline", from: assignee } });
    }
    this.pushes.conversation(conversationId, [], false, row);
    return assignee;
  }

  /**
   * Picks an agent by the number's rules (or the conversation's team's) and assigns, or leaves it queued.
   * Returns who got it. `row` is the conversation as the caller has just read it, unchanged since.
   */
  route(conversationId: number, options: RouteOptions, row: Row = this.conversations.row(conversationId)): string | null {
    const settings = this.settings.routing();
    const teamId = (row.team_id as string | null) ?? null;
    const team = teamId ? settings.teams.find((t) => t.id === teamId) : undefined;
    const cursorKey = team ? `last_assigned:team:${team.id}` : "last_assigned";
    const decision = chooseAgent({
      // Teams are small: their members' facts are read directly. The number's rotation is answered by index.
      rotation: team ? arrayRotation(this.roster.facts({ teamId: team.id })) : this.roster.rotation(),
      mode: team?.mode ?? settings.mode,
      lastAssignedId: this.settings.get<string>(cursorKey),
      lastServed: row.last_agent_id && row.last_served_at ? { agentId: row.last_agent_id as string, at: row.last_served_at as number } : null,
      stickyWindowMs: settings.sticky.enabled ? settings.sticky.windowDays * 86_400_000 : null,
      now: options.now,
      exclude: options.exclude ?? [],
    });
    if (!decision) {
      if (row.assignee_id !== null) {
        // Its agent is gone and nobody can take it: it waits in the queue rather than with someone absent.
        const previous = row.assignee_id as string;
        this.ctx.sql.exec("UPDATE conversations SET assignee_id = NULL, assignment_reason = NULL, assignment_reason_code = NULL, queued_at = ? WHERE id = ?", options.now, conversationId);
        this.roster.refresh([previous]);
        const cause = options.reason ? reasonCodeOf(options.reason, options.now) : null;
        const why = because("nobody_free", cause ? { ...cause.params, cause: cause.code } : {});
        this.activity.add(conversationId, { kind: "unassigned", agentId: previous, actorId: options.actorId ?? null, ...(options.actorName ? { actorName: options.actorName } : {}), why, note: null });
        this.pushes.notice(previous, "unassigned", conversationId, "A conversation went back to the queue", because("back_to_queue"));
        this.pushes.conversation(conversationId, [previous]);
      } else {
        // A new conversation is queued from its INSERT on; only one that was not waiting yet needs its time set.
        if (row.queued_at === null) this.ctx.sql.exec("UPDATE conversations SET queued_at = ? WHERE id = ?", options.now, conversationId);
        // The row just read, with the one field this wrote: the queue's viewers see it without reading it back.
        this.pushes.conversation(conversationId, [], false, { ...row, queued_at: row.queued_at ?? options.now });
      }
      return null;
    }
    const queuedAt = row.queued_at as number | null;
    const waited = row.assignee_id === null && queuedAt !== null ? options.now - queuedAt : 0;
    const reason: AssignmentReason =
      options.reason ?? (decision.reason.kind === "round_robin" && options.fromQueue ? { kind: "queue", waitedMs: waited } : decision.reason);
    this.assign(conversationId, decision.agentId, reason, {
      actorId: options.actorId ?? null,
      actorName: options.actorName,
      note: options.note ?? null,
      transfer: options.transfer,
      cursorKey: decision.reason.kind === "round_robin" ? cursorKey : null,
      leftQueue: options.fromQueue === true,
      row,
    });
    return decision.agentId;
  }

  private assign(
    conversationId: number,
    agentId: string,
    reason: AssignmentReason,
    options: {
      actorId?: string | null;
      actorName?: string;
      note?: string | null;
      transfer?: boolean;
      cursorKey?: string | null;
      leftQueue?: boolean;
      /** The conversation's list row as the caller has just read it, unchanged since. */
      row?: Row;
    } = {},
  ): void {
    const now = this.ctx.now();
    const before = options.row;
    const previous = before ? ((before.assignee_id as string | null) ?? null) : this.conversations.assigneeOf(conversationId);
    const nameOf = (id: string) => (id === options.actorId && options.actorName ? options.actorName : this.roster.nameOf(id));
    const { text, code } = this.reasonFor(reason, now, nameOf);
    const assigned = {
      assignee_id: agentId,
      queued_at: null,
      team_id: null,
      assignment_reason: text,
      assignment_reason_code: JSON.stringify(code),
    };
    this.ctx.sql.exec(
      `UPDATE conversations SET assignee_id = ?, queued_at = NULL, team_id = NULL, assignment_reason = ?, assignment_reason_code = ?,
         awaiting_reply_since = CASE WHEN awaiting_reply_since IS NULL THEN NULL ELSE ? END WHERE id = ?`,
      agentId,
      text,
      assigned.assignment_reason_code,
      now,
      conversationId,
    );
    this.history(conversationId, agentId, previous, reason, text, now);
    const names = { ...(code.params.byId ? { byName: nameOf(String(code.params.byId)) } : {}), ...(code.params.fromId ? { fromName: nameOf(String(code.params.fromId)) } : {}) };
    // A hand-over from one agent to another; a supervisor assigning a waiting customer is no transfer.
    if (options.transfer && previous && previous !== agentId) this.board.count("conversations_transferred", agentId, now);
    const touched = previous && previous !== agentId ? [agentId, previous] : [agentId];
    if (before?.status === "open" && previous !== agentId) this.roster.moveOne(agentId, previous);
    else this.roster.refresh(touched);
    this.pushes.load(touched);
    if (options.cursorKey) this.settings.set(options.cursorKey, agentId);
    this.activity.add(conversationId, {
      kind: options.transfer ? "transferred" : "assigned",
      agentId,
      actorId: options.actorId ?? null,
      ...(options.actorName ? { actorName: options.actorName } : {}),
      why: code,
      note: options.note ?? null,
    }, agentId);
    // Leaving the queue is news for everyone watching it; a new conversation routed at once was never in it.
    // The row the caller read, with what this step wrote on it: nothing else here writes the conversation's row.
    const after = before && { ...before, ...assigned, awaiting_reply_since: before.awaiting_reply_since == null ? null : now };
    const shown = this.pushes.conversation(conversationId, previous && previous !== agentId ? [previous] : [], options.leftQueue === true, after);
    // With no socket open there is nobody to notify either.
    if (!shown) return;
    const { contact } = shown;
    const who = contact.name ?? (contact.waId ? `+${contact.waId}` : "a customer");
    // The body as a code: the reason's own code and parameters, the customer, the note, and the names it mentions.
    const body = because("assigned", { ...code.params, ...names, cause: code.code, customer: who, ...(options.note ? { note: options.note } : {}) });
    this.pushes.notice(
      agentId,
      options.transfer ? "transferred_in" : reason.kind === "no_reply" ? "reassigned_no_reply" : "assigned",
      conversationId,
      options.note ? `${who}: ${text} — “${options.note}”` : `${who}: ${text}`,
      body,
    );
    if (previous && previous !== agentId) this.pushes.notice(previous, "unassigned", conversationId, `${who}: ${text}`, { ...body, params: { ...body.params, note: "" } });
  }

  /** Stores why the conversation is with this agent (on the conversation and in the history), as a code and in English. */
  private record(
    conversationId: number,
    agentId: string,
    previous: string | null,
    reason: AssignmentReason,
    now: number,
    nameOf = (id: string) => this.roster.nameOf(id),
  ): { text: string; code: ReasonCode } {
    const { text, code } = this.reasonFor(reason, now, nameOf);
    this.ctx.sql.exec("UPDATE conversations SET assignment_reason = ?, assignment_reason_code = ? WHERE id = ?", text, JSON.stringify(code), conversationId);
    this.history(conversationId, agentId, previous, reason, text, now);
    return { text, code };
  }

  /** The reason as a code for the reader's panel and as the English sentence API users read. */
  private reasonFor(reason: AssignmentReason, now: number, nameOf: (id: string) => string): { text: string; code: ReasonCode } {
    return { code: reasonCodeOf(reason, now), text: describeReason(reason, now, nameOf) };
  }

  /** The assignment's line in the history, and its count for analytics. */
  private history(conversationId: number, agentId: string, previous: string | null, reason: AssignmentReason, text: string, now: number): void {
    this.ctx.sql.exec(
      "INSERT INTO assignments (conversation_id, agent_id, previous_agent_id, reason_kind, reason, at, waited_ms) VALUES (?, ?, ?, ?, ?, ?, ?)",
      conversationId,
      agentId,
      previous,
      reason.kind,
      text,
      now,
      reason.kind === "queue" ? reason.waitedMs : null,
    );
    this.board.count(`assigned:${reason.kind}`, agentId, now);
  }

  /** Hands waiting conversations, longest waiting first, to whoever can take them now. Event-driven, never polled. */
  drainQueue(): void {
    if (!this.settings.stored()) return;
    const now = this.ctx.now();
    const queued = this.ctx.sql
      .exec<{ id: number; team_id: string | null }>(
        "SELECT id, team_id FROM conversations WHERE assignee_id IS NULL AND status = 'open' ORDER BY queued_at, id",
      )
      .toArray();
    const blocked = new Set<string>();
    for (const { id, team_id } of queued) {
      const queue = team_id ?? "";
      if (blocked.has(queue)) continue;
      if (!this.route(id, { now, fromQueue: true })) blocked.add(queue);
    }
  }

  /** How long the last customers taken from the queue waited: the queue update's estimate. */
  recentQueueWaits(): number[] {
    return this.ctx.sql
      .exec<{ waited_ms: number }>("SELECT waited_ms FROM assignments WHERE waited_ms IS NOT NULL ORDER BY id DESC LIMIT 50")
      .toArray()
      .map((r) => r.waited_ms);
  }

  // ---- people leaving ----

  /** Open conversations held by people about to leave the number, with their names (read while they are members). */
  heldByLeavers(staying: ReadonlySet<string>): { id: number; assignee_id: string; name: string }[] {
    return this.ctx.sql
      .exec<{ id: number; assignee_id: string }>("SELECT id, assignee_id FROM conversations WHERE assignee_id IS NOT NULL AND status != 'resolved'")
      .toArray()
      .filter((c) => !staying.has(c.assignee_id))
      .map((c) => ({ ...c, name: this.roster.nameOf(c.assignee_id) }));
  }

  /** Conversations of people who no longer work on the number go back to routing rather than waiting on them. */
  reassignFromLeavers(held: { id: number; assignee_id: string; name: string }[]): void {
    for (const c of held) {
      this.route(c.id, { now: this.ctx.now(), exclude: [c.assignee_id], reason: { kind: "member_removed", fromName: c.name } });
    }
  }

  /** A deactivated agent's conversations go to someone else; returns how many they held. */
  reassignFromDeactivated(agentId: string): number {
    const held = this.ctx.sql
      .exec<{ id: number }>("SELECT id FROM conversations WHERE assignee_id = ? AND status != 'resolved' ORDER BY id", agentId)
      .toArray();
    const now = this.ctx.now();
    for (const { id } of held) this.route(id, { now, exclude: [agentId], reason: { kind: "agent_deactivated", from: agentId } });
    return held.length;
  }

  // ---- no-reply reassignment ----

  /** The customer waited N minutes without an answer, so someone else takes it. */
  reassignUnanswered(now: number): void {
    const minutes = this.settings.config().routing.noReplyMinutes;
    if (!minutes) return;
    const due = this.ctx.sql
      .exec<{ id: number; assignee_id: string }>(
        `SELECT id, assignee_id FROM conversations WHERE status = 'open' AND assignee_id IS NOT NULL
           AND awaiting_reply_since IS NOT NULL AND awaiting_reply_since <= ?`,
        now - minutes * 60_000,
      )
      .toArray();
    for (const { id, assignee_id } of due) {
      const next = this.route(id, { now, exclude: [assignee_id], reason: { kind: "no_reply", minutes, from: assignee_id } });
      // Nobody else can take it: the timer restarts so the current agent is not reassigned in a loop.
      if (!next) this.ctx.sql.exec("UPDATE conversations SET awaiting_reply_since = ? WHERE id = ? AND assignee_id IS NOT NULL", now, id);
    }
  }

  nextDeadline(): number | null {
    const { noReplyMinutes } = this.settings.routing();
    if (!noReplyMinutes) return null;
    const waiting = this.ctx.sql
      .exec<{ at: number | null }>(
        "SELECT MIN(awaiting_reply_since) AS at FROM conversations WHERE awaiting_reply_since IS NOT NULL AND assignee_id IS NOT NULL AND status = 'open'",
      )
      .one().at;
    return waiting === null ? null : waiting + noReplyMinutes * 60_000;
  }

  // ---- what people do ----

  /**
   * A conversation someone started (`starts.ts`): theirs, or routed inside the team they chose (waiting in its queue
   * when nobody there can take it). Returns who has it.
   */
  started(conversationId: number, viewer: Principal, to: { agentId: string } | { team: { id: string; name: string } }): string | null {
    if ("agentId" in to) {
      this.assign(conversationId, to.agentId, { kind: "started", by: viewer.personId }, { actorId: viewer.personId, actorName: viewer.name });
      return to.agentId;
    }
    this.ctx.sql.exec("UPDATE conversations SET team_id = ? WHERE id = ?", to.team.id, conversationId);
    const now = this.ctx.now();
    const agentId = this.route(conversationId, { now, reason: { kind: "team", teamName: to.team.name, by: viewer.personId }, actorId: viewer.personId, actorName: viewer.name });
    if (!agentId) this.activity.add(conversationId, { kind: "queued", agentId: null, actorId: viewer.personId, why: because("waiting_team", { team: to.team.name }), note: null });
    return agentId;
  }

  /** "Assign to me" from the queue. One object, no await between check and write: two clicks, one owner. */
  claim(viewer: Principal, conversationId: string): Result<Conversation> {
    const id = Number(conversationId);
    const row = this.conversations.find(id);
    if (!row) return refuse(404, `conversation ${conversationId} does not exist on this number`, "conversation_not_found");
    if (!seesEverything(viewer) && !this.settings.config().routing.agentsSeeQueue) return refuse(403, "on this number only supervisors take from the queue", "queue_supervisors_only");
    if (row.assignee_id !== null) {
      const owner = row.assignee_id === viewer.personId ? "you" : this.roster.nameOf(row.assignee_id as string);
      return row.assignee_id === viewer.personId ? refuse(409, "already taken by you", "already_yours") : refuse(409, `already taken by ${owner}`, "taken", { name: owner });
    }
    if (row.status !== "open") return refuse(409, "this conversation is resolved", "resolved");
    if (!this.roster.row(viewer.personId)) return refuse(403, "you do not work on this number", "not_member");
    this.assign(id, viewer.personId, { kind: "claimed" }, { actorId: viewer.personId, leftQueue: true });
    return ok(this.conversations.byId(id));
  }

  /**
   * An undo of a bulk assign or transfer: the conversation goes back to whoever had it (a transfer back, by the
   * person undoing), or back to the queue, with the team it waited for. The queue is not drained here: what was
   * waiting before waits again, as it did.
   */
  restore(viewer: Principal, conversationId: number, before: { assigneeId: string | null; teamId: string | null; queuedAt: number | null }): void {
    const now = this.ctx.now();
    if (before.assigneeId) {
      this.assign(conversationId, before.assigneeId, { kind: "transfer", by: viewer.personId }, { actorId: viewer.personId, actorName: viewer.name, transfer: true });
      if (before.teamId) this.ctx.sql.exec("UPDATE conversations SET team_id = ? WHERE id = ?", before.teamId, conversationId);
      return;
    }
    const previous = this.conversations.assigneeOf(conversationId);
    this.ctx.sql.exec(
      "UPDATE conversations SET assignee_id = NULL, assignment_reason = NULL, assignment_reason_code = NULL, team_id = ?, queued_at = ? WHERE id = ?",
      before.teamId,
      before.queuedAt ?? now,
      conversationId,
    );
    if (previous) {
      this.roster.refresh([previous]);
      this.pushes.load([previous]);
      this.pushes.notice(previous, "unassigned", conversationId, "A conversation went back to the queue", because("back_to_queue"));
    }
    this.activity.add(conversationId, { kind: "unassigned", agentId: previous, actorId: viewer.personId, actorName: viewer.name, why: because("undone"), note: null });
    this.pushes.conversation(conversationId, previous ? [previous] : []);
  }

  transfer(viewer: Principal, conversationId: string, request: TransferRequest): Result<Conversation> {
    const conversation = this.access.conversation(viewer, conversationId);
    if (!conversation.ok) return conversation;
    const c = conversation.value;
    const supervisor = seesEverything(viewer);
    if (!supervisor && c.assignee_id !== viewer.personId) return refuse(403, "only the assigned agent or a supervisor can transfer this conversation", "not_assignee");
    if (request.force && !supervisor) return refuse(403, "only a supervisor can force a transfer to someone who cannot take it", "force_supervisors_only");
    if (c.status !== "open") return refuse(409, "reopen the conversation before transferring it", "not_open");
    const id = Number(conversationId);
    const now = this.ctx.now();
    const note = request.note ?? null;

    if (request.toAgentId) {
      const target = this.roster.facts({ everyone: true }).find((m) => m.id === request.toAgentId);
      if (!target) return refuse(422, `toAgentId: ${request.toAgentId} does not work on this number`, "unknown_agent");
      if (target.id === c.assignee_id) return refuse(409, "the conversation is already theirs", "already_theirs");
      if (!isRoutable(target) && !request.force) {
        const why = !target.available ? "is Away" : !target.present ? "is offline" : "is at capacity";
        const code = !target.available ? "target_away" : !target.present ? "target_offline" : "target_full";
        return refuse(409, `${this.roster.nameOf(target.id)} ${why}; pick someone Available${supervisor ? " or force it" : ""}`, code, { name: this.roster.nameOf(target.id) });
      }
      this.assign(id, target.id, { kind: "transfer", by: viewer.personId }, { actorId: viewer.personId, actorName: viewer.name, note, transfer: true });
    } else {
      const team = this.settings.config().teams.find((t) => t.id === request.toTeamId);
      if (!team) return refuse(422, `toTeamId: no team ${request.toTeamId} works on this number`, "unknown_team");
      this.ctx.sql.exec("UPDATE conversations SET team_id = ? WHERE id = ?", team.id, id);
      const agentId = this.route(id, {
        now,
        exclude: c.assignee_id ? [c.assignee_id as string] : [],
        reason: { kind: "team", teamName: team.name, by: viewer.personId },
        actorId: viewer.personId,
        actorName: viewer.name,
        note,
        transfer: true,
      });
      if (!agentId) {
        this.activity.add(id, { kind: "queued", agentId: null, actorId: viewer.personId, actorName: viewer.name, why: because("waiting_team", { team: team.name }), note });
      }
    }
    // The previous assignee's capacity is free again.
    this.drainQueue();
    return ok(this.conversations.byId(id));
  }
}
