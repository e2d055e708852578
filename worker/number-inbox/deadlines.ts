import type { AutoReplies } from "./auto-replies";
import type { Assignment } from "./assignment";
import type { Board } from "./board";
import type { InboxContext } from "./context";
import type { Lifecycle } from "./lifecycle";
import type { Outbox } from "./outbox";
import type { Pushes } from "./pushes";
import type { Roster } from "./roster";
import type { Settings } from "./settings";

/**
 * The number's one alarm, for every deadline: presence grace, snoozes, no-reply timers, automation, outbox retries.
 * `runDue` does what is due (each step idempotent) and `schedule` sets the alarm for the earliest deadline left.
 */
export class Deadlines {
  /** The alarm as this object last set it; undefined until read from storage (after a restart, or once it fired). */
  private alarmAt: number | null | undefined = undefined;

  constructor(
    private readonly ctx: InboxContext,
    private readonly storage: DurableObjectStorage,
    private readonly settings: Settings,
    private readonly roster: Roster,
    private readonly outbox: Outbox,
    private readonly lifecycle: Lifecycle,
    private readonly assignment: Assignment,
    private readonly autoReplies: AutoReplies,
    private readonly board: Board,
    private readonly pushes: Pushes,
    private readonly presenceChanged: (agentId: string) => void,
  ) {}

  /** The alarm fired (or a test ran it by hand): whatever was set is gone, and what is due is done. */
  async runDue(): Promise<void> {
    this.alarmAt = undefined;
    const now = this.ctx.now();
    if (this.settings.stored()) {
      this.pushes.collect(() => {
        this.expireGrace(now);
        this.lifecycle.wakeSnoozed(now);
        this.autoReplies.nudgeBeforeReassigning(now);
        this.assignment.reassignUnanswered(now);
        this.autoReplies.sendQueueUpdates(now);
        this.autoReplies.resolveInactive(now);
      });
    }
    this.board.flushCounts();
    await this.outbox.drain();
    await this.schedule();
  }

  /** The number's rows are gone (released): no alarm is left. */
  async clear(): Promise<void> {
    await this.storage.deleteAlarm();
    this.alarmAt = null;
  }

  /**
   * Sets the alarm for the earliest deadline. After a customer message only the deadlines it can bring forward are
   * read (the no-reply timer, the automation's, and automatic messages it queued); a snooze it wakes only moves
   * later, and grace periods are not its business. The alarm reads them all when it runs.
   */
  async schedule(after: "customer_message" | "any" = "any"): Promise<void> {
    if (!this.settings.stored()) return;
    // The alarm this object set is remembered, so a webhook batch does not ask storage for it each time.
    if (this.alarmAt === undefined) this.alarmAt = await this.storage.getAlarm();
    const now = this.ctx.now();
    // Only an alarm still to come is known to cover the other deadlines; one that is due now reads them all again.
    const partial = after === "customer_message" && (this.alarmAt === null || this.alarmAt >= now);
    const deadlines = [
      ...(partial ? [this.outbox.queuedDeadline()] : [this.outbox.nextDeadline(), this.lifecycle.nextDeadline(), this.roster.nextDeadline()]),
      this.assignment.nextDeadline(),
      ...this.autoReplies.deadlines(),
    ].filter((at): at is number => at !== null);
    if (deadlines.length === 0) return;
    const next = Math.max(Math.min(...deadlines), now + 10);
    const current = this.alarmAt;
    if (current === null || current > next || current < now) {
      this.alarmAt = next;
      await this.storage.setAlarm(next);
    }
  }

  /** Agents whose grace period ended are offline for routing; supervisors see it. */
  private expireGrace(now: number): void {
    for (const id of this.roster.graceEnded(now)) {
      this.roster.goOffline(id);
      this.presenceChanged(id);
    }
  }
}
