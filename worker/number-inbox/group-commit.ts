/**
 * Work that arrives while other work waits shares its commit. Each item still runs as a transaction of its own
 * (`transactionSync`, a savepoint: it is kept or undone alone), but every item submitted before the next turn of the
 * event loop runs in that one turn, and the runtime commits what a turn wrote once, after it (workerd's actor
 * SQLite). A commit is the costly part of a small write on this runtime: the WAL frames of every page written and
 * a sync. A webhook delivery writes about fifteen pages, most of them the ones the delivery before it wrote (the
 * tail of each table and index), so deliveries that commit together write them once.
 *
 * Each caller is answered only after its turn, and the runtime holds the answer until that turn's writes are
 * durable (the output gate), so "answered" still means "stored". An item whose step throws fails alone.
 */
export interface GroupCommitSteps<In, Out> {
  /** One item, as one transaction; throws (having kept nothing of it) if it could not be done. */
  run(item: In): Out;
  /** After a turn's items ran and before their callers are answered (the alarm's next deadline, for example). */
  afterwards(done: Out[]): Promise<void> | void;
  /** Runs `turn` on a later turn of the event loop, once what is already waiting to run has run. */
  defer(turn: () => void): void;
  /** The most items one turn takes; the rest go in the next one, so one turn never holds the object for long. */
  maxGroup: number;
}

type Waiting<In, Out> = { item: In; resolve: (out: Out) => void; reject: (error: unknown) => void };

export class GroupCommit<In, Out> {
  private waiting: Waiting<In, Out>[] = [];
  private turnDue = false;

  constructor(private readonly steps: GroupCommitSteps<In, Out>) {}

  /** Resolves with what the item's step returned once its turn is done, or rejects with why it failed. */
  submit(item: In): Promise<Out> {
    return new Promise<Out>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      this.turnSoon();
    });
  }

  private turnSoon(): void {
    if (this.turnDue) return;
    this.turnDue = true;
    this.steps.defer(() => {
      this.turnDue = false;
      void this.turn();
    });
  }

  private async turn(): Promise<void> {
    const group = this.waiting.splice(0, Math.max(1, this.steps.maxGroup));
    if (this.waiting.length > 0) this.turnSoon();
    const outcomes = group.map(({ item }): { out: Out } | { error: unknown } => {
      try {
        return { out: this.steps.run(item) };
      } catch (error) {
        return { error };
      }
    });
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
