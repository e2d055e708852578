import type { DeliveryStatus } from "../../shared/inbox";
import type { LaneStatus } from "../status-lane/lane-message";
import type { InboxContext } from "./context";
import { advanceDelivery } from "./delivery";
import type { EarlyStatuses, StatusTally } from "./early-statuses";
import { recipientOf } from "./early-status-policy";
import type { Health } from "./health";
import type { Messages } from "./messages";
import { SendsInFlight } from "./sends-in-flight";
import { foldStatuses } from "./status-batch";

/** What one batch of the status lane did. */
export interface StatusBatch {
  /** Statuses whose message was found (whether or not they moved its tick). */
  applied: number;
  /** Messages whose tick moved: each written once and pushed once. */
  changed: number[];
  /** Unknown wamids kept for a send in flight, and dropped. */
  kept: number;
  dropped: number;
}

/**
 * Where Meta's status webhooks are applied: a message's delivery status (`status`, `error_code`, `error_title` on
 * `messages`) only moves forward (`delivery.ts` decides; `status-batch.ts` folds a batch). A status for a wamid
 * this number does not know is handed to `early-statuses.ts`, which keeps it only while one of the sends this
 * instance awaits (`sends-in-flight.ts`, started and ended by the outbox) may turn out to be its message.
 */
export class Statuses {
  private readonly flights = new SendsInFlight();

  constructor(
    private readonly ctx: InboxContext,
    private readonly messages: Messages,
    private readonly early: EarlyStatuses,
    private readonly health: Health,
  ) {}

  /**
   * One batch of the status lane, inside the caller's transaction: one indexed lookup of the batch's wamids, each
   * message's tick decided in memory and written once. A batch applied twice or out of order changes nothing more.
   */
  applyBatch(statuses: readonly LaneStatus[]): StatusBatch {
    const known = new Map(
      this.ctx.sql
        .exec<{ id: number; wamid: string; status: string | null }>(
          "SELECT id, wamid, status FROM messages WHERE wamid IN (SELECT value FROM json_each(?))",
          JSON.stringify(statuses.map((s) => s.id)),
        )
        .toArray()
        .map((r) => [r.wamid, { id: r.id, status: (r.status ?? "pending") as DeliveryStatus }]),
    );
    const folded = foldStatuses(statuses, known);
    // The batch's ticks in one statement, not one per message: each statement leaves a cursor for the runtime's
    // collector, and a flood's pauses grow with them (bench/README.md, "What the long pauses are made of").
    if (folded.changes.length > 0) {
      this.ctx.sql.exec(
        `UPDATE messages SET status = t.value ->> '$.status', error_code = t.value ->> '$.code', error_title = t.value ->> '$.title'
         FROM json_each(?) AS t WHERE messages.id = t.value ->> '$.id'`,
        JSON.stringify(folded.changes),
      );
    }
    for (const s of folded.otherKinds) this.health.record("unknown_status", s);
    const early = this.early.receive(folded.unknown, this.flights.list(), this.ctx.now());
    this.early.tally({ applied: folded.applied });
    return { applied: folded.applied, changed: folded.changes.map((t) => t.id), ...early };
  }

  /** Moves a message's delivery status forward; returns whether it changed. */
  advance(messageId: number, incoming: DeliveryStatus, code: number | null, title: string | null): boolean {
    const current = this.ctx.sql.exec<{ status: string | null }>("SELECT status FROM messages WHERE id = ?", messageId).one();
    const from = (current.status ?? "pending") as DeliveryStatus;
    const next = advanceDelivery(from, incoming);
    if (next === from) return false;
    this.ctx.sql.exec(
      "UPDATE messages SET status = ?, error_code = ?, error_title = ? WHERE id = ?",
      next,
      next === "failed" ? code : null,
      next === "failed" ? title : null,
      messageId,
    );
    return true;
  }

  /** The outbox is about to await the Graph API with this body; returns the flight to end when it answers. */
  sendStarted(body: unknown): number {
    return this.flights.start(recipientOf(body), this.ctx.now());
  }

  /** The send was answered (or threw): early rows no send in flight can claim any more go now, counted. */
  sendEnded(flight: number): void {
    this.flights.end(flight);
    this.early.forgetUnclaimable(this.flights.list(), this.ctx.now());
  }

  /** The Graph API accepted a message: it has its wamid now, and what arrived for it early applies. */
  accepted(messageId: number, wamid: string): void {
    this.messages.setWamid(messageId, wamid);
    this.advance(messageId, "accepted", null, null);
    // A status webhook can outrun the Graph API's answer.
    for (const early of this.early.take(wamid)) this.advance(messageId, early.status, early.code, early.title);
  }

  /** What became of every status the number received (applied, dropped, kept, claimed, expired, capped). */
  tally(): StatusTally {
    return this.early.stats();
  }
}
