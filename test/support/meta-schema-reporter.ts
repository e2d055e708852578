import type { Reporter, TestModule } from "vitest/node";
import { describeViolations, metaConformance, type MetaConformance } from "../../simulator/graph.ts";

/**
 * Ends every test run with "Meta schema: N bodies validated, M invalid", and fails the run when any body the Graph
 * stand-ins received is one Meta's schema refuses, naming each body and its problem.
 *
 * `ledger`: the stand-in lives in this process (vitest.config.ts's outboundService answers the Workers tests).
 * `modules`: the stand-ins live in the test files' processes (the simulator of test/e2e stacks); each file reports
 * its share through its module's meta (test/support/meta-schema-setup.ts), which also fails the test that sent it.
 */
export default class MetaSchemaReporter implements Reporter {
  private readonly source: "ledger" | "modules";
  private baseline = { validated: 0, violations: 0 };

  constructor(options: { source?: "ledger" | "modules" } = {}) {
    this.source = options.source ?? "ledger";
  }

  onTestRunStart(): void {
    const ledger = metaConformance();
    this.baseline = { validated: ledger.validated, violations: ledger.violations.length };
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const seen: MetaConformance = { validated: 0, violations: [] };
    if (this.source === "ledger") {
      const ledger = metaConformance();
      seen.validated = ledger.validated - this.baseline.validated;
      seen.violations = ledger.violations.slice(this.baseline.violations);
    } else {
      for (const module of testModules) {
        const share = (module.meta() as { metaSchema?: MetaConformance }).metaSchema;
        if (!share) continue;
        seen.validated += share.validated;
        seen.violations.push(...share.violations);
      }
    }
    console.log(`\nMeta schema: ${seen.validated} bodies validated, ${seen.violations.length} invalid`);
    if (seen.violations.length > 0) {
      console.error(`\n${describeViolations(seen.violations)}\n`);
      process.exitCode = 1;
    }
  }
}
