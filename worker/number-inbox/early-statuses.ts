import type { DeliveryStatus } from "../../shared/inbox";
import type { InboxContext } from "./context";
import { rowsChanged } from "./inserted-row";
import { mayBelongToFlight, overCap, unclaimableBefore, type Flight } from "./early-status-policy";

/**
 * Owns `early_statuses` (statuses kept for a send still in flight) and `status_tally` (what became of every status
 * the number received). Every SQL statement on those two tables is here; the decisions are in early-status-policy.ts.
 */

export interface UnknownStatus {
  wamid: string;
  status: DeliveryStatus;
  at: number;
  to: string | null;
  code: number | null;
  title: string | null;
}

export interface EarlyStatus {
  status: DeliveryStatus;
  code: number | null;
  title: string | null;
}

/** Counters of the tally: each status the number received ends in exactly one of applied, dropped or kept. */
export type TallyName =
  /** Its message was found and the status applied (whether or not it moved the tick). */
  | "applied"
  /** Its wamid is unknown and no send in flight could be it: dropped on sight, nothing written. */
  | "dropped"
  /** Kept for a send in flight; it later ends as claimed, expired or capped. */
  | "kept"
  | "claimed"
  | "expired"
  | "capped";

export type StatusTally = Record<TallyName, number> & {
  /** Rows held now, and the most ever held at once. */
  held: number;
  heldMax: number;
};

export class EarlyStatuses {
  constructor(private readonly ctx: InboxContext) {}

  /**
   * Statuses whose wamid the number does not know: kept while a send in flight may turn out to be theirs, dropped on
   * sight otherwise. Rows no send can claim any more go first, so the table holds only the current sends' window.
   */
  receive(statuses: UnknownStatus[], flights: readonly Flight[], now: number): { kept: number; dropped: number } {
    this.forgetUnclaimable(flights, now);
    const keep = statuses.filter((s) => mayBelongToFlight(s, flights));
    const dropped = statuses.length - keep.length;
    let kept = 0;
    for (const s of keep) {
      this.ctx.sql.exec("INSERT OR IGNORE INTO early_statuses (wamid, status, error_code, error_title, kept_at) VALUES (?, ?, ?, ?, ?)", s.wamid, s.status, s.code, s.title, now);
      kept += rowsChanged(this.ctx.sql);
    }
    if (kept > 0) {
      const held = this.held();
      const capped = overCap(held);
      if (capped > 0) this.ctx.sql.exec("DELETE FROM early_statuses WHERE rowid IN (SELECT rowid FROM early_statuses ORDER BY kept_at, rowid LIMIT ?)", capped);
      this.tally({ kept, capped });
      this.ctx.sql.exec(
        "INSERT INTO status_tally (name, n) VALUES ('held_max', ?) ON CONFLICT (name) DO UPDATE SET n = MAX(n, excluded.n)",
        held - capped,
      );
    }
    // A duplicate of a kept status is neither kept twice nor lost: it counts as dropped, its twin is held.
    this.tally({ dropped: dropped + (keep.length - kept) });
    return { kept, dropped: statuses.length - kept };
  }

  /** The statuses that arrived for this wamid before its send was answered, removed as they are handed over. */
  take(wamid: string): EarlyStatus[] {
    const rows = this.ctx.sql
      .exec<{ status: string; error_code: number | null; error_title: string | null }>("SELECT status, error_code, error_title FROM early_statuses WHERE wamid = ?", wamid)
      .toArray();
    if (rows.length > 0) {
      this.ctx.sql.exec("DELETE FROM early_statuses WHERE wamid = ?", wamid);
      this.tally({ claimed: rows.length });
    }
    return rows.map((r) => ({ status: r.status as DeliveryStatus, code: r.error_code, title: r.error_title }));
  }

  /** Removes (and counts) rows that no send in flight can claim; called as each send ends and with each batch. */
  forgetUnclaimable(flights: readonly Flight[], now: number): number {
    // Counted by changes(): the cursor's rowsWritten also counts index entries.
    this.ctx.sql.exec("DELETE FROM early_statuses WHERE kept_at < ?", unclaimableBefore(flights, now));
    const expired = rowsChanged(this.ctx.sql);
    if (expired > 0) this.tally({ expired });
    return expired;
  }

  tally(counts: Partial<Record<TallyName, number>>): void {
    for (const [name, n] of Object.entries(counts)) {
      if (n) this.ctx.sql.exec("INSERT INTO status_tally (name, n) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET n = n + excluded.n", name, n);
    }
  }

  stats(): StatusTally {
    const counts = Object.fromEntries(this.ctx.sql.exec<{ name: string; n: number }>("SELECT name, n FROM status_tally").toArray().map((r) => [r.name, r.n]));
    const of = (name: string) => (counts[name] as number | undefined) ?? 0;
    return {
      applied: of("applied"),
      dropped: of("dropped"),
      kept: of("kept"),
      claimed: of("claimed"),
      expired: of("expired"),
      capped: of("capped"),
      held: this.held(),
      heldMax: of("held_max"),
    };
  }

  private held(): number {
    return this.ctx.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM early_statuses").one().n;
  }
}
