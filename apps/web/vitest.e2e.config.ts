// Browser end-to-end tests: real Chromium (playwright-core) against the production build served
// by the real server, each file with a server and a browser of its own. Two files run at a time:
// they mostly wait on pages and live updates, not on the CPU. Each worker keeps its modules between
// files (isolate: false), as the server's tests do: the app's modules are loaded, and PGlite's and
// Prisma's WebAssembly compiled, once per worker instead of once per file.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    environment: "node",
    include: ["e2e/**/*.e2e.test.ts"],
    globalSetup: ["./e2e/global-setup.ts"],
    maxWorkers: 2,
    isolate: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
