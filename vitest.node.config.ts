import { defineConfig } from "vitest/config";

/**
 * Tests that run in Node: the simulator's contract checks (test/node) and the browser end-to-end tests
 * (test/e2e: the worker in wrangler's dev server, the Meta simulator, Chromium with the built extension).
 */
export default defineConfig({
  test: {
    include: ["test/node/**/*.test.ts", "test/e2e/**/*.test.ts"],
    // A body the simulator's Graph API refuses against Meta's schema fails the test that sent it; the run ends
    // with the count of bodies validated.
    setupFiles: ["./test/support/meta-schema-setup.ts"],
    reporters: ["default", ["./test/support/meta-schema-reporter.ts", { source: "modules" }]],
    environment: "node",
    // Two files at a time: each starts its own stack (free ports, a temp folder, its own Chromium profile), and a file
    // spends most of its time waiting on the runtime and the browser, so a second one uses the idle core. More would
    // put three Chromiums and runtimes on two cores.
    fileParallelism: true,
    maxWorkers: 2,
    testTimeout: 90_000,
    hookTimeout: 90_000,
  },
});
