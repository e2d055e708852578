import type { Board } from "./board";
import type { Pushes } from "./pushes";

/** Runs a step as one SQLite transaction, with what it pushed and counted kept only if it commits. */
export type AtomicStep = <T>(step: () => T) => T;

/**
 * One step as one transaction: its pushes go out and its board counts stay only if it commits; if it throws, it
 * was rolled back and neither is kept. A root `transactionSync` commits as soon as it returns (workerd's
 * actor-sqlite), so a webhook delivery or a bulk action costs one commit, and Meta's retry finds nothing half done.
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
