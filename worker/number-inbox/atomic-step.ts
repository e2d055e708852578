import type { Board } from "./board";
import type { Pushes } from "./pushes";

/** Runs a step as one SQLite transaction, with what it pushed and counted kept only if it commits. */
export type AtomicStep = <T>(step: () => T) => T;

/**
 * One step as one transaction: its pushes go out and its board counts stay only if it commits; if it throws, it
 * was rolled back and neither is kept, so Meta's retry finds nothing half done. `transactionSync` is a savepoint in
 * the runtime's own transaction (workerd's actor SQLite), which commits what one turn of the object wrote, once,
 * after the turn: steps that run in the same turn share that commit (group-commit.ts).
 */
export function atomicStep(storage: DurableObjectStorage, pushes: Pushes, board: Board): AtomicStep {
  return <T>(step: () => T): T => {
    const countMark = board.countMark();
    try {
      return pushes.collect(() => storage.transactionSync(step), { atomic: true });
    } catch (error) {
      board.dropCountsSince(countMark);
      throw error;
    }
  };
}
