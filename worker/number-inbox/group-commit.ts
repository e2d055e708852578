/**
 * Work that arrives while other work waits shares its commit: every item submitted before the next turn of the
 * event loop runs in that one turn, and the runtime commits what a turn wrote once, after it (workerd's actor
 * SQLite). A commit is the costly part of a small write on this runtime: the WAL frames of every page written and
 * a sync. A routed webhook delivery writes about twenty pages, most of them the ones the delivery before it wrote
 * (the tail of each table and index), so deliveries that commit together write them once.
 *
 * The turn's items first run under one savepoint (`together`), which copies each shared page once; if one of them
 * fails, that savepoint is undone whole and each item runs again as a transaction of its own (`transactionSync`, a
 * savepoint: kept or undone alone), so an item whose step throws fails alone.
 *
 * When deliveries come a millisecond or two apart, each would find the object idle and commit alone; a turn then
 * waits up to `holdLimitMs` for the ones the pace says are coming (commit-hold.ts), and runs as soon as they are there.
 *
 * Each caller is answered only after its turn, and the runtime holds the answer until that turn's writes are
 * durable (the output gate), so "answered" still means "stored".
 */
import { holdPlan, paceAfter, QUIET, type ArrivalPace } from "./commit-hold";

export interface GroupCommitSteps<In, Out> {
  /** One item, as one transaction; throws (having kept nothing of it) if it could not be done. */
  run(item: In): Out;
  /**
   * Runs a turn's items as one transaction (atomic-step.ts, `together`), or returns `null` having kept nothing when
   * one of them failed; the turn then runs each item as a transaction of its own, so the failure is that item's alone.
   */
  together<T>(items: () => T): T | null;
  /** After a turn's items ran and before their callers are answered (the alarm's next deadline, for example). */
  afterwards(done: Out[]): Promise<void> | void;
  /** Runs `turn` after `afterMs` (0: on a later turn of the event loop, once what is already waiting to run has run). */
  defer(turn: () => void, afterMs: number): void;
  /** The most items one turn takes; the rest go in the next one, so one turn never holds the object for long. */
  maxGroup: number;
  /** The longest a turn waits for company (commit-hold.ts); 0 never waits. */
  holdLimitMs: number;
  /** Milliseconds, for the pace of arrivals: the wall clock, not a test's stopped one. */
  now(): number;
}

type Outcome<Out> = { out: Out } | { error: unknown };
type Waiting<In, Out> = { item: In; resolve: (out: Out) => void; reject: (error: unknown) => void };

export class GroupCommit<In, Out> {
  private waiting: Waiting<In, Out>[] = [];
  private turnDue = false;
  private pace: ArrivalPace = QUIET;
  /** While a turn is held: how many waiting items end the hold. */
  private heldUntil: number | null = null;
  /** Which scheduled turn is the live one: a hold ended early leaves its timer behind, and that timer does nothing. */
  private scheduled = 0;

  constructor(private readonly steps: GroupCommitSteps<In, Out>) {}

  /**
   * One promise per item, in order: each resolves with what its item's step returned once its turn is done, or
   * rejects with why that item failed. The items arrived together: the pace of arrivals counts them as one.
   */
  submitAll(items: In[]): Promise<Out>[] {
    this.pace = paceAfter(this.pace, this.steps.now());
    return items.map(
      (item) =>
        new Promise<Out>((resolve, reject) => {
          this.waiting.push({ item, resolve, reject });
          this.turnSoon();
        }),
    );
  }

  private turnSoon(): void {
    if (this.turnDue) {
      if (this.heldUntil !== null && this.waiting.length >= this.heldUntil) this.schedule(0, null);
      return;
    }
    this.turnDue = true;
    const plan = holdPlan(this.pace.meanGapMs, this.steps.holdLimitMs, this.steps.maxGroup);
    if (plan.holdMs > 0 && this.waiting.length < plan.releaseAt) this.schedule(plan.holdMs, plan.releaseAt);
    else this.schedule(0, null);
  }

  /** The one live turn: after `afterMs`, or sooner once `releaseAt` items wait (a hold). */
  private schedule(afterMs: number, releaseAt: number | null): void {
    const mine = ++this.scheduled;
    this.heldUntil = releaseAt;
    this.steps.defer(() => {
      if (mine !== this.scheduled) return;
      this.turnDue = false;
      this.heldUntil = null;
      void this.turn();
    }, afterMs);
  }

  /** The turn's items under one transaction, each succeeding; `null` if one failed and all were undone. */
  private together(group: Waiting<In, Out>[]): Outcome<Out>[] | null {
    if (group.length < 2) return null;
    try {
      return this.steps.together(() => group.map(({ item }) => ({ out: this.steps.run(item) })));
    } catch {
      return null;
    }
  }

  private attempt(item: In): Outcome<Out> {
    try {
      return { out: this.steps.run(item) };
    } catch (error) {
      return { error };
    }
  }

  private async turn(): Promise<void> {
    const group = this.waiting.splice(0, Math.max(1, this.steps.maxGroup));
    if (this.waiting.length > 0) this.turnSoon();
    const outcomes = this.together(group) ?? group.map(({ item }) => this.attempt(item));
    const done = outcomes.flatMap((o) => ("out" in o ? [o.out] : []));
    try {
      if (done.length > 0) await this.steps.afterwards(done);
    } catch (error) {
      for (const waiting of group) waiting.reject(error);
      return;
    }
    group.forEach((waiting, i) => {
      const outcome = outcomes[i]!;
      if ("out" in outcome) waiting.resolve(outcome.out);
      else waiting.reject(outcome.error);
    });
  }
}
