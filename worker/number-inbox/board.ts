import type { CountMetric, NumberBoard, NumberReportData, SampleMetric } from "../../shared/analytics";
import { businessMsBetween, localDate, zonedInstant } from "../../shared/business-hours";
import type { SocketEvent } from "../../shared/inbox";
import { boardFigures, countEvents, logPresence, reportData, sampleEvent, type CountEntry } from "./analytics";
import type { InboxContext } from "./context";
import type { Roster } from "./roster";
import type { Settings } from "./settings";
import type { Sockets } from "./sockets";

/** Coalesces a burst of changes into one board push. */
const BOARD_PUSH_DELAY_MS = 50;
/**
 * Counts wait in memory at most this long and are then written together, one upsert per cell, not three per event:
 * they decide no acknowledgement. Every read of them (board, report, archive) writes them first. What a crash can
 * lose is this much of counting, never a message.
 */
export const COUNT_FLUSH_MS = 1000;

/**
 * Analytics as the number records them (in the step that handles the event, through `analytics.ts`, which owns
 * the day and 32-day rollups and sketches, `samples` and `presence_log`) and the supervisors' live board read from them. The
 * first-response clock (`frt_pending_since`, `opened_at` on the conversation) is read and stopped here.
 */
export class Board {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private pendingCounts: CountEntry[] = [];
  private countTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly ctx: InboxContext,
    private readonly settings: Settings,
    private readonly roster: Roster,
    private readonly sockets: Sockets,
  ) {}

  count(metric: CountMetric | `assigned:${string}`, agentId: string | null, at: number): void {
    this.pendingCounts.push([metric, agentId, at]);
    this.countTimer ??= setTimeout(() => this.flushCounts(), COUNT_FLUSH_MS);
  }

  /** Where the pending counts end now; `dropCountsSince` forgets those of a step that was rolled back. */
  countMark(): number {
    return this.pendingCounts.length;
  }

  dropCountsSince(mark: number): void {
    this.pendingCounts.splice(mark);
  }

  /** Writes the pending counts (before anything reads the rollups, and on the timer). */
  flushCounts(): void {
    if (this.countTimer) clearTimeout(this.countTimer);
    this.countTimer = null;
    if (this.pendingCounts.length === 0) return;
    const entries = this.pendingCounts;
    this.pendingCounts = [];
    this.ctx.transaction(() => countEvents(this.ctx.sql, entries));
  }

  /** The number's rows are gone (released, or replaced by an import): counts of what was there go too. */
  discardCounts(): void {
    if (this.countTimer) clearTimeout(this.countTimer);
    this.countTimer = null;
    this.pendingCounts = [];
  }

  sample(metric: SampleMetric, agentId: string | null, conversationId: number, value: number, businessValue: number | null, at: number): void {
    sampleEvent(this.ctx.sql, metric, agentId, conversationId, value, businessValue, at);
  }

  /** An agent's status or presence changed: logged for time-in-status, and the board follows. */
  notePresence(agentId: string): void {
    logPresence(this.ctx.sql, agentId, this.roster.presenceState(agentId), this.ctx.now());
    this.schedulePush();
  }

  /** An agent's reply: counted, and if the customer was waiting for a first response, that response's time. */
  noteReply(conversationId: number, agentId: string, now: number): void {
    this.count("messages_out", agentId, now);
    const pending = this.ctx.sql.exec<{ since: number | null }>("SELECT frt_pending_since AS since FROM conversations WHERE id = ?", conversationId).one().since;
    if (pending === null) return;
    this.ctx.sql.exec("UPDATE conversations SET frt_pending_since = NULL WHERE id = ?", conversationId);
    this.sample("first_response", agentId, conversationId, now - pending, businessMsBetween(this.settings.automation().businessHours, pending, now), now);
  }

  /**
   * A message the business sent from the WhatsApp Business app, counted at the time it was sent and by no agent:
   * a reply all the same, so a first response it gives is timed (from when the wait began, never below zero).
   */
  noteAppReply(conversationId: number, at: number): void {
    this.count("messages_out", null, at);
    const pending = this.ctx.sql.exec<{ since: number | null }>("SELECT frt_pending_since AS since FROM conversations WHERE id = ?", conversationId).one().since;
    if (pending === null) return;
    this.ctx.sql.exec("UPDATE conversations SET frt_pending_since = NULL WHERE id = ?", conversationId);
    const from = Math.min(pending, at);
    this.sample("first_response", null, conversationId, at - from, businessMsBetween(this.settings.automation().businessHours, from, at), at);
  }

  noteResolved(conversationId: number, agentId: string, now: number, automatically: boolean): void {
    this.count("conversations_resolved", agentId, now);
    if (automatically) this.count("conversations_auto_resolved", agentId, now);
    const opened =
      this.ctx.sql.exec<{ at: number | null }>("SELECT COALESCE(opened_at, created_at) AS at FROM conversations WHERE id = ?", conversationId).one().at ?? now;
    this.sample("resolution", agentId, conversationId, now - opened, businessMsBetween(this.settings.automation().businessHours, opened, now), now);
  }

  /** Supervisors' boards follow every change within a fraction of a second; bursts coalesce into one push. */
  schedulePush(): void {
    if (this.timer || !this.settings.stored()) return;
    if (this.sockets.tagged("role:admin").length === 0 && this.sockets.tagged("role:supervisor").length === 0) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      const data = JSON.stringify({ type: "board", board: this.snapshot() } satisfies SocketEvent);
      this.sockets.send(this.sockets.supervisors(), data);
    }, BOARD_PUSH_DELAY_MS);
  }

  /** The board now, or null before the number is connected. */
  current(): NumberBoard | null {
    return this.settings.stored() ? this.snapshot() : null;
  }

  private snapshot(): NumberBoard {
    this.flushCounts();
    const config = this.settings.config();
    const now = this.ctx.now();
    const timeZone = config.timeZone ?? "Asia/Shanghai";
    const todayStart = zonedInstant(localDate(now, timeZone), "00:00", timeZone);
    const routableState = (agentId: string) => this.roster.presenceState(agentId);
    return {
      phoneNumberId: config.phoneNumberId,
      at: now,
      ...boardFigures(this.ctx.sql, { agentIds: null, teamId: null, todayStart, routableState }),
      teams: config.teams.map((t) => ({ id: t.id, name: t.name, ...boardFigures(this.ctx.sql, { agentIds: t.memberIds, teamId: t.id, todayStart, routableState }) })),
    };
  }

  report(from: number, to: number, bucketStarts: number[], businessHours: boolean): NumberReportData {
    this.flushCounts();
    return reportData(this.ctx.sql, this.settings.stored()?.phoneNumberId ?? "", from, to, bucketStarts, businessHours);
  }
}
