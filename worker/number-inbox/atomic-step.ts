import type { Board } from "./board";
import type { Pushes } from "./pushes";

/** Runs a step as one SQLite transaction, with what it pushed and counted kept only if it commits. */
export type AtomicStep = <T>(step: () => T) => T;

/**
 * Runs `work`, whose steps would each be a transaction, as one transaction: the result, or `null` when a step failed
 * and everything `work` did was undone (pushes and counts too), for the caller to run each step alone.
 */
export type SharedStep = <T>(work: () => T) => T | null;

/** A step failed earlier in a shared transaction that is being undone: what follows it is undone too. */
class SharedStepUndone extends Error {
  constructor() {
    super("an earlier step of this shared transaction failed; it is undone whole");
  }
}

/**
 * One step as one transaction: its pushes go out and its board counts stay only if it commits; if it throws, it
 * was rolled back and neither is kept, so Meta's retry finds nothing half done. `transactionSync` is a savepoint in
 * the runtime's own transaction (workerd's actor SQLite), which commits what one turn of the object wrote, once,
 * after the turn: steps that run in the same turn share that commit (group-commit.ts).
 *
 * `together` runs several steps under one savepoint instead of one each. A savepoint copies every page it is about
 * to change into SQLite's sub-journal first, and past 64 KiB (16 pages) that journal is a temporary file written
 * with a system call a page. A routed new customer changes about twenty pages, so a savepoint of its own spills
 * each time; steps sharing one savepoint copy the pages they share (the tail of each table and index) once.
 * (Statements that open a statement journal copy their pages again: inserted-row.ts says which, and why the hot
 * ones no longer do.) If any step fails, the shared savepoint is undone whole and the caller runs each step alone.
 */
export function atomicSteps(storage: DurableObjectStorage, pushes: Pushes, board: Board): { step: AtomicStep; together: SharedStep } {
  let shared: { failed: boolean } | null = null;

  /** `work` in a savepoint of its own, with its pushes held until it ends and its counts dropped if it throws. */
  const transaction = <T>(work: () => T): T => {
    const countMark = board.countMark();
    try {
      return pushes.collect(() => storage.transactionSync(work), { atomic: true });
    } catch (error) {
      board.dropCountsSince(countMark);
      throw error;
    }
  };

  const step: AtomicStep = <T>(work: () => T): T => {
    if (shared) {
      if (shared.failed) throw new SharedStepUndone();
      try {
        return work();
      } catch (error) {
        // Whoever catches this (a retry with a savepoint per message, say) finds the shared transaction doomed.
        shared.failed = true;
        throw error;
      }
    }
    return transaction(work);
  };

  const together: SharedStep = <T>(work: () => T): T | null => {
    if (shared) return work();
    const state = { failed: false };
    shared = state;
    try {
      return transaction(() => {
        const done = work();
        // A step that failed and was caught inside `work` still left its writes in this savepoint.
        if (state.failed) throw new SharedStepUndone();
        return done;
      });
    } catch (error) {
      if (state.failed) return null;
      throw error;
    } finally {
      shared = null;
    }
  };

  return { step, together };
}
