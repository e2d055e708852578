import type { LaneStatus } from "../status-lane/lane-message";
import type { NumberBatch } from "../webhook/split";
import type { AtomicStep } from "./atomic-step";
import type { AutoReplies } from "./auto-replies";
import type { Assignment } from "./assignment";
import type { Coexistence } from "./coexistence";
import type { InboxContext } from "./context";
import type { Health } from "./health";
import { StoreNeedsIsolation, type Inbound } from "./inbound";
import type { Pushes } from "./pushes";
import type { Statuses } from "./statuses";
import type { Survey } from "./survey";

export interface IngestResult {
  connected: boolean;
  stored: number;
  duplicates: number;
  unreadable: number;
}

/** One batch's result, or why it could not be stored (the other batches of the same call are not held back by it). */
export type IngestOutcome = IngestResult | { failed: string };

/**
 * The most webhook deliveries one turn of the object takes, and so one commit (group-commit.ts). A delivery's step
 * is a fraction of a millisecond, so a full turn holds the object for about ten; more waiting than that makes a
 * second turn, not a longer one.
 */
export const MAX_DELIVERIES_PER_COMMIT = 32;

/**
 * The longest a delivery waits for others to share its commit, when they come faster than this apart
 * (commit-hold.ts). Meta's own retry starts after seconds; up to four milliseconds on the answer buys a commit shared
 * by two or more deliveries from about 250 a second up (three or four at 800 a second, bench/README.md).
 */
export const COMMIT_HOLD_LIMIT_MS = 4;

/** One webhook batch for this number, and when it arrived. */
export interface Delivery {
  batch: NumberBatch;
  receivedAt: number;
}

/** What a delivery stored; `customerWrote` says the alarm's deadlines may have moved. */
export interface Delivered {
  result: IngestResult;
  customerWrote: boolean;
}

/** What one batch of the status lane did for this number. */
export interface StatusBatchResult {
  connected: boolean;
  /** Statuses whose message was found (whether or not they moved its tick). */
  applied: number;
  /** Messages whose tick moved, each pushed to the panels once. */
  changed: number;
  /** Unknown wamids kept for a send in flight, and dropped. */
  kept: number;
  dropped: number;
}

/**
 * A delivery, first without a savepoint per message (the usual case: every message stores), and again with them
 * only when one failed, so that one is undone alone (inbound.ts). The first try rolled back whole before the second.
 */
function deliveredOnce<T>(deliver: (isolateEach: boolean) => T): T {
  try {
    return deliver(false);
  } catch (error) {
    if (error instanceof StoreNeedsIsolation) return deliver(true);
    throw error;
  }
}

/**
 * What Meta's webhook hands a connected number: a batch of customer messages (and errors, unreadable items and what
 * the WhatsApp Business app sent) stored, routed and answered by automation in one transaction; and a batch of
 * statuses from the status lane applied in one transaction. The shell checks the number is connected and moves the
 * alarm afterwards.
 */
export class WebhookDelivery {
  constructor(
    private readonly ctx: InboxContext,
    private readonly atomically: AtomicStep,
    private readonly health: Health,
    private readonly inbound: Inbound,
    private readonly coexistence: Coexistence,
    private readonly assignment: Assignment,
    private readonly autoReplies: AutoReplies,
    private readonly survey: Survey,
    private readonly statuses: Statuses,
    private readonly pushes: Pushes,
  ) {}

  /**
   * One webhook batch in a transaction of its own: what is stored and what routing and automation decide on it are
   * kept or undone together (one transaction, not one for the messages and another for their assignment), so
   * concurrent deliveries cannot interleave (a conversation is created once and assigned once); what the sockets hear
   * goes out once it is done. First without a savepoint per message, and again with them only if one message failed.
   * Deliveries that run in the same turn of the object share the runtime's commit (group-commit.ts).
   */
  deliver(delivery: Delivery): Delivered {
    return deliveredOnce((isolateEach) => this.atomically(() => this.store(delivery, isolateEach)));
  }

  /** What one batch stores, routes and answers, inside its step. */
  private store({ batch, receivedAt: now }: Delivery, isolateEach: boolean): Delivered {
    this.health.webhookArrived(now);
    const stored = { inbound: this.inbound.store(batch.messages, batch.unreadable, now, isolateEach), app: this.coexistence.store(batch.coexistence, now) };
    for (const error of batch.errors) this.health.record("webhook_error", error);
    // What the business sent from the WhatsApp Business app is shown where it belongs, and routes nothing.
    for (const id of stored.app.changed) this.pushes.message(id);
    for (const id of stored.app.conversations) this.pushes.conversation(id);
    for (const id of stored.app.renamed) this.pushes.contact(id);
    // Route first, then push: a new conversation's first message then goes to its assignee only, not to
    // every agent who can see the queue.
    const assignees = new Map<number, string | null>();
    for (const [conversationId, first] of stored.inbound.touched) {
      assignees.set(conversationId, this.assignment.afterInbound(conversationId, first.reopened, now, first.row));
      this.autoReplies.afterInbound(conversationId, first, now);
    }
    for (const conversationId of stored.inbound.rated) this.survey.thank(conversationId, now);
    for (const message of stored.inbound.changed) {
      // Whoever routing just gave the conversation sees its new messages; others are looked up.
      if (typeof message === "number") this.pushes.message(message);
      else this.pushes.message(message, assignees.get(Number(message.conversationId)));
    }
    const { inbound, app } = stored;
    return {
      result: {
        connected: true,
        stored: inbound.stored + app.stored,
        duplicates: inbound.duplicates + app.duplicates,
        unreadable: inbound.unreadable + app.unreadable,
      },
      customerWrote: inbound.touched.size > 0 || inbound.rated.size > 0,
    };
  }

  /**
   * Every status one queue batch of the status lane holds for this number, in one transaction. A tick moves only
   * forward, so a batch applied twice or out of order changes nothing more; a status for a wamid not stored yet is
   * kept only while a send may still turn out to be it (statuses.ts).
   */
  applyStatuses(statuses: LaneStatus[], receivedAt: number): StatusBatchResult {
    const batch = this.ctx.transaction(() => {
      this.health.webhookArrived(receivedAt);
      return this.statuses.applyBatch(statuses);
    });
    this.pushes.ticks(batch.changed);
    return { connected: true, applied: batch.applied, changed: batch.changed.length, kept: batch.kept, dropped: batch.dropped };
  }
}
