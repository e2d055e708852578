import { sendMessage } from "../graph/client";
import type { InboxContext } from "./context";
import type { Health } from "./health";
import { classifyFailure, throughputDelay } from "./outbox-policy";
import type { Pushes } from "./pushes";
import type { Settings } from "./settings";
import type { Statuses } from "./statuses";

const DEFAULT_MESSAGES_PER_SECOND = 80;

/**
 * The `outbox` table: every outbound message (a reply or an automatic one) is written with its entry in one
 * transaction and sent from here, oldest first, retried on the alarm as `outbox-policy.ts` decides, at most the
 * number's throughput per second, and only the oldest unsent message of each conversation at a time.
 */
export class Outbox {
  /** Guards against two overlapping outbox passes in this instance; the outbox itself lives in SQLite. */
  private draining = false;
  private readonly recentSends: number[] = [];

  constructor(
    private readonly ctx: InboxContext,
    private readonly settings: Settings,
    private readonly statuses: Statuses,
    private readonly health: Health,
    private readonly pushes: Pushes,
    /** Sets the object's alarm to its earliest deadline (the shell's); a pass ends with it. */
    private readonly scheduleAlarm: () => Promise<void>,
  ) {}

  /** The earliest entry queued since the alarm was last set (a customer message's step reads only this). */
  private queuedSinceScheduled: number | null = null;

  /** Queues a message's Graph API body; the caller writes the message in the same transaction. */
  enqueue(messageId: number, conversationId: number, body: unknown, now: number): void {
    this.queuedSinceScheduled = Math.min(this.queuedSinceScheduled ?? now, now);
    this.ctx.sql.exec(
      "INSERT INTO outbox (message_id, conversation_id, body, next_attempt_at) VALUES (?, ?, ?, ?)",
      messageId,
      conversationId,
      JSON.stringify(body),
      now,
    );
  }

  /** Everything waiting is due now (a new access token may be the fix for the one Meta refused). */
  retryNow(): void {
    this.ctx.sql.exec("UPDATE outbox SET next_attempt_at = ?", this.ctx.now());
  }

  length(): number {
    return this.ctx.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM outbox").one().n;
  }

  nextDeadline(): number | null {
    this.queuedSinceScheduled = null;
    return this.ctx.sql.exec<{ at: number | null }>("SELECT MIN(next_attempt_at) AS at FROM outbox").one().at;
  }

  /** What was queued since the alarm was last set: the only outbox deadline a customer message can bring forward. */
  queuedDeadline(): number | null {
    const at = this.queuedSinceScheduled;
    this.queuedSinceScheduled = null;
    return at;
  }

  /**
   * Sends what is due, oldest first and only the oldest unsent message of each conversation, so replies
   * arrive in order. Every entry has one identity (its message row) from the agent's click to Meta's wamid.
   */
  async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      // A disconnected number keeps its queue; nothing leaves until it is connected again.
      if (this.settings.stored()?.connected === false) return;
      const perSecond = this.settings.stored()?.messagesPerSecond ?? DEFAULT_MESSAGES_PER_SECOND;
      for (let guard = 0; guard < 1000; guard++) {
        const now = this.ctx.now();
        const entry = this.ctx.sql
          .exec<{ id: number; message_id: number; body: string; attempts: number }>(
            `SELECT o.id, o.message_id, o.body, o.attempts FROM outbox o
             WHERE o.next_attempt_at <= ?
               AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.conversation_id = o.conversation_id AND p.id < o.id)
             ORDER BY o.id LIMIT 1`,
            now,
          )
          .toArray()[0];
        if (!entry) break;
        const wait = throughputDelay(this.recentSends, now, perSecond);
        if (wait > 0) {
          await new Promise((r) => setTimeout(r, wait));
          continue;
        }
        this.recentSends.push(now);
        if (this.recentSends.length > perSecond) this.recentSends.splice(0, this.recentSends.length - perSecond);
        const attempt = entry.attempts + 1;
        this.ctx.sql.exec("UPDATE outbox SET attempts = ? WHERE id = ?", attempt, entry.id);
        const body = JSON.parse(entry.body);
        // While this send is awaited, a status for an unknown wamid to the same recipient may be its (statuses.ts).
        const flight = this.statuses.sendStarted(body);
        let result: Awaited<ReturnType<typeof sendMessage>>;
        try {
          result = await sendMessage(await this.settings.graph(), this.settings.config().phoneNumberId, body);
          if (result.ok) this.sent(entry.id, entry.message_id, result.value);
        } finally {
          this.statuses.sendEnded(flight);
        }
        if (result.ok) continue;
        const decision = classifyFailure(result, attempt);
        if (decision.action === "fail") {
          this.ctx.sql.exec("DELETE FROM outbox WHERE id = ?", entry.id);
          this.statuses.advance(entry.message_id, "failed", result.code, decision.reason);
        } else {
          this.ctx.sql.exec(
            "UPDATE outbox SET next_attempt_at = ?, last_error = ? WHERE id = ?",
            this.ctx.now() + decision.delayMs,
            `${result.code}: ${result.title}`,
            entry.id,
          );
          if (decision.action === "pause") {
            // Nothing can be sent with a bad token: hold the whole queue, keep it, and tell the admins.
            this.ctx.sql.exec("UPDATE outbox SET next_attempt_at = MAX(next_attempt_at, ?)", this.ctx.now() + decision.delayMs);
            this.health.tokenRefused(decision.reason);
          }
        }
        this.pushes.message(entry.message_id);
      }
    } finally {
      this.draining = false;
      await this.scheduleAlarm();
    }
  }

  private sent(outboxId: number, messageId: number, wamid: string): void {
    this.ctx.transaction(() => {
      this.ctx.sql.exec("DELETE FROM outbox WHERE id = ?", outboxId);
      this.statuses.accepted(messageId, wamid);
    });
    this.health.tokenWorks();
    this.pushes.message(messageId);
  }
}
