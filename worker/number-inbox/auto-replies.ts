import { fillAutomationText } from "../../shared/automation-text";
import { because } from "./reasons";
import type { ActivityLog } from "./activity";
import type { Assignment } from "./assignment";
import { autoResolveAt, awayDue, backAtPhrase, describeWait, estimateWaitMs, nextQueueUpdateAt, nudgeAt, queueUpdateDue, welcomeDue } from "./automation";
import type { AutomaticMessages } from "./automatic-messages";
import type { Board } from "./board";
import type { InboxContext } from "./context";
import type { Conversations } from "./conversations";
import type { Pushes } from "./pushes";
import type { Roster } from "./roster";
import type { Settings } from "./settings";
import type { Survey } from "./survey";

/**
 * The number's automation on customer messages and on the alarm: welcome, away, queue updates, the nudge before a
 * no-reply reassignment, and auto-resolve of silent conversations. When each is due is decided in `automation.ts`;
 * this module owns the conversation's throttle columns (`last_away_at`, `queue_updates`, `last_queue_update_at`,
 * `nudged_at`) and sends through `automatic-messages.ts`.
 */
export class AutoReplies {
  constructor(
    private readonly ctx: InboxContext,
    private readonly settings: Settings,
    private readonly conversations: Conversations,
    private readonly automatic: AutomaticMessages,
    private readonly survey: Survey,
    private readonly assignment: Assignment,
    private readonly roster: Roster,
    private readonly activity: ActivityLog,
    private readonly board: Board,
    private readonly pushes: Pushes,
  ) {}

  /** After a customer message is stored and routed: the welcome and the away message, each once per message. */
  afterInbound(conversationId: number, first: { wamid: string; previousInboundAt: number | null }, now: number): void {
    const settings = this.settings.automation();
    if (welcomeDue(settings, first.previousInboundAt, now)) {
      this.automatic.send(conversationId, "welcome", `auto:welcome:${first.wamid}`, now, (language, names) => ({
        text: fillAutomationText(settings.welcome.text[language], names),
      }));
    }
    // Most numbers have no away message: then the conversation's row is not read on every customer message.
    if (!settings.away.enabled) return;
    const row = this.ctx.sql
      .exec<{ assignee_id: string | null; last_away_at: number | null }>("SELECT assignee_id, last_away_at FROM conversations WHERE id = ?", conversationId)
      .one();
    const reason = awayDue(settings, { assigned: row.assignee_id !== null, lastAwayAt: row.last_away_at }, now);
    if (reason) {
      const sent = this.automatic.send(conversationId, "away", `auto:away:${first.wamid}`, now, (language, names) => ({
        text: fillAutomationText(settings.away.text[language], { ...names, backAt: backAtPhrase(settings, reason, now, language) }),
      }));
      if (sent) this.ctx.sql.exec("UPDATE conversations SET last_away_at = ? WHERE id = ?", now, conversationId);
    }
  }

  /** Queue updates: position among those waiting for the same queue, and a wait estimated from recent waits. */
  sendQueueUpdates(now: number): void {
    const settings = this.settings.automation();
    if (!settings.queueUpdate.enabled) return;
    const waiting = this.ctx.sql
      .exec<{ id: number; queued_at: number; last_queue_update_at: number | null; queue_updates: number; team_id: string | null }>(
        "SELECT id, queued_at, last_queue_update_at, queue_updates, team_id FROM conversations WHERE assignee_id IS NULL AND status = 'open' ORDER BY queued_at, id",
      )
      .toArray();
    const recentWaits = this.assignment.recentQueueWaits();
    const positions = new Map<string, number>();
    for (const c of waiting) {
      const queue = c.team_id ?? "";
      const position = (positions.get(queue) ?? 0) + 1;
      positions.set(queue, position);
      if (!queueUpdateDue(settings, { queuedAt: c.queued_at, lastUpdateAt: c.last_queue_update_at }, now)) continue;
      this.automatic.send(c.id, "queue_update", `auto:queue:${c.id}:${c.queue_updates + 1}`, now, (language, names) => ({
        text: fillAutomationText(settings.queueUpdate.text[language], { ...names, position, wait: describeWait(estimateWaitMs(position, recentWaits), language) }),
      }));
      // Counted even when skipped (window closed), so the next try waits its interval rather than retrying each alarm.
      this.ctx.sql.exec("UPDATE conversations SET last_queue_update_at = ?, queue_updates = queue_updates + 1 WHERE id = ?", now, c.id);
    }
  }

  /** Tells the agent shortly before the no-reply reassignment takes the conversation from them. */
  nudgeBeforeReassigning(now: number): void {
    const settings = this.settings.automation();
    const minutes = this.settings.config().routing.noReplyMinutes;
    if (!settings.noReplyNudge.enabled || !minutes) return;
    const due = this.ctx.sql
      .exec<{ id: number; assignee_id: string; awaiting_reply_since: number }>(
        `SELECT id, assignee_id, awaiting_reply_since FROM conversations WHERE status = 'open' AND assignee_id IS NOT NULL
           AND awaiting_reply_since IS NOT NULL AND (nudged_at IS NULL OR nudged_at < awaiting_reply_since)`,
      )
      .toArray()
      .filter((c) => (nudgeAt(settings, minutes, c.awaiting_reply_since) ?? Infinity) <= now);
    for (const c of due) {
      this.ctx.sql.exec("UPDATE conversations SET nudged_at = ? WHERE id = ?", now, c.id);
      const left = Math.max(1, Math.round((c.awaiting_reply_since + minutes * 60_000 - now) / 60_000));
      const who = this.conversations.byId(c.id).contact.name ?? "A customer";
      this.pushes.notice(c.assignee_id, "no_reply_nudge", c.id, `${who} is waiting for your reply: it goes to a colleague in ${left} min`, because("nudge", { customer: who, minutes: left }));
    }
  }

  /** Conversations whose customer went silent after our answer are resolved as "inactive", with a closing message. */
  resolveInactive(now: number): void {
    const settings = this.settings.automation();
    if (!settings.autoResolve.enabled) return;
    const due = this.ctx.sql
      .exec<{ id: number; assignee_id: string; last_inbound_at: number }>(
        `SELECT id, assignee_id, last_inbound_at FROM conversations WHERE status = 'open' AND assignee_id IS NOT NULL
           AND awaiting_reply_since IS NULL AND last_inbound_at IS NOT NULL AND last_inbound_at <= ?`,
        now - settings.autoResolve.afterMinutes * 60_000,
      )
      .toArray();
    for (const c of due) {
      this.automatic.send(c.id, "closing", `auto:closing:${c.id}:${c.last_inbound_at}`, now, (language, names) => ({
        text: fillAutomationText(settings.autoResolve.closingText[language], names),
      }));
      this.conversations.resolveInactive(c.id, now);
      this.board.noteResolved(c.id, c.assignee_id, now, true);
      this.roster.refresh([c.assignee_id]);
      this.activity.add(c.id, { kind: "resolved", agentId: c.assignee_id, actorId: null, why: because("inactive", { minutes: settings.autoResolve.afterMinutes }), note: null });
      this.survey.offer(c.id, c.assignee_id, now);
      this.pushes.conversation(c.id);
    }
    if (due.length) this.assignment.drainQueue();
  }

  /** The automation deadlines for the alarm: queue updates, nudges, auto-resolve. */
  deadlines(): number[] {
    const settings = this.settings.automation();
    const out: number[] = [];
    if (settings.queueUpdate.enabled) {
      const waiting = this.ctx.sql
        .exec<{ queued_at: number; last_queue_update_at: number | null }>(
          "SELECT queued_at, last_queue_update_at FROM conversations WHERE assignee_id IS NULL AND status = 'open' ORDER BY queued_at LIMIT 200",
        )
        .toArray();
      for (const w of waiting) {
        const at = nextQueueUpdateAt(settings, { queuedAt: w.queued_at, lastUpdateAt: w.last_queue_update_at });
        if (at !== null) out.push(at);
      }
    }
    const noReply = this.settings.config().routing.noReplyMinutes;
    if (settings.noReplyNudge.enabled && noReply) {
      const oldest = this.ctx.sql
        .exec<{ at: number | null }>(
          `SELECT MIN(awaiting_reply_since) AS at FROM conversations WHERE status = 'open' AND assignee_id IS NOT NULL
             AND awaiting_reply_since IS NOT NULL AND (nudged_at IS NULL OR nudged_at < awaiting_reply_since)`,
        )
        .one().at;
      const at = nudgeAt(settings, noReply, oldest);
      if (at !== null) out.push(at);
    }
    if (settings.autoResolve.enabled) {
      const oldest = this.ctx.sql
        .exec<{ at: number | null }>(
          "SELECT MIN(last_inbound_at) AS at FROM conversations WHERE status = 'open' AND assignee_id IS NOT NULL AND awaiting_reply_since IS NULL",
        )
        .one().at;
      const at = autoResolveAt(settings, { assigneeId: "any", lastInboundAt: oldest, awaitingReplySince: null });
      if (at !== null) out.push(at);
    }
    return out;
  }
}
