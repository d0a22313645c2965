// Browser end-to-end tests: real Chromium (playwright-core) against the production build served
// by the real server. Files run one at a time: each boots a server and a browser on 2 cores.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    environment: "node",
    include: ["e2e/**/*.e2e.test.ts"],
    globalSetup: ["./e2e/global-setup.ts"],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
