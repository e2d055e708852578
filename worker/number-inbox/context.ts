/**
 * The object's clock. Tests of time-based behaviour (analytics scenarios with hand-computed figures) stop it at an
 * instant of their choosing through the shell's `setClockForTests`, which only a deployment with TEST_CLOCK=1 accepts.
 */
export class Clock {
  private frozenAt: number | null = null;

  now(): number {
    return this.frozenAt ?? Date.now();
  }

  freeze(at: number | null): void {
    this.frozenAt = at;
  }
}

/** What every concern module is given: the number's SQLite, its one synchronous transaction, and its clock. */
export interface InboxContext {
  readonly sql: SqlStorage;
  /** Runs `fn` as one SQLite transaction; nothing inside may await, so no other event interleaves. */
  transaction<T>(fn: () => T): T;
  now(): number;
}

export function inboxContext(storage: DurableObjectStorage, clock: Clock): InboxContext {
  return { sql: storage.sql, transaction: (fn) => storage.transactionSync(fn), now: () => clock.now() };
}
