import { afterAll, afterEach, beforeAll } from "vitest";
import { describeViolations, metaConformance, type MetaConformance } from "../../simulator/graph.ts";

/**
 * For tests whose Graph stand-in runs in their own process (test/e2e stacks): a body Meta's schema refuses fails the
 * test that was running when the simulator received it (or the file, for a send that lands after its last test),
 * and the file's count goes to test/support/meta-schema-reporter.ts through its module's meta.
 */
let validatedAtStart = 0;
let violationsAtStart = 0;
let checked = 0;

function fresh() {
  const ledger = metaConformance();
  const found = ledger.violations.slice(checked);
  checked = ledger.violations.length;
  return found;
}

beforeAll(() => {
  const ledger = metaConformance();
  validatedAtStart = ledger.validated;
  violationsAtStart = checked = ledger.violations.length;
});

afterEach(() => {
  const found = fresh();
  if (found.length) throw new Error(describeViolations(found));
});

afterAll(({}, file) => {
  const found = fresh();
  const ledger = metaConformance();
  const share: MetaConformance = { validated: ledger.validated - validatedAtStart, violations: ledger.violations.slice(violationsAtStart) };
  (file.meta as { metaSchema?: MetaConformance }).metaSchema = share;
  if (found.length) throw new Error(describeViolations(found));
});
