import { defineConfig } from "vitest/config";

/** Browser end-to-end tests: real worker (wrangler's dev server), the Meta simulator, Chromium with the built extension. */
export default defineConfig({
  test: {
    include: ["test/e2e/**/*.test.ts"],
    environment: "node",
    fileParallelism: false,
    testTimeout: 90_000,
    hookTimeout: 90_000,
  },
});
