import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { Reporter } from "vitest/node";

/**
 * A reporter that keeps every line the Workers-runtime suite printed (the worker's own console output arrives
 * as the tests' console output) in test/artifacts/worker-output.log, for test/node/no-secrets-in-logs.test.ts.
 */
export default class LogCollector implements Reporter {
  private readonly lines: string[] = [];

  onUserConsoleLog(log: { content: string; type: string }): void {
    this.lines.push(`[${log.type}] ${log.content}`);
  }

  onTestRunEnd(): void {
    const path = resolve(import.meta.dirname, "../artifacts/worker-output.log");
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, this.lines.join("\n"));
  }
}
