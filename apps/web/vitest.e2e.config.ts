// Browser end-to-end tests: real Chromium (playwright-core) against the production build served
// by the real server. Files run one at a time: each boots a server and a browser on 2 cores.
// They share one worker (isolate: false), as the server's tests do: the app's modules are loaded,
// and PGlite's and Prisma's WebAssembly compiled, once per run instead of once per file.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    environment: "node",
    include: ["e2e/**/*.e2e.test.ts"],
    globalSetup: ["./e2e/global-setup.ts"],
    fileParallelism: false,
    isolate: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
