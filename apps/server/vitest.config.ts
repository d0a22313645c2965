// Server tests: unit (*.test.ts) and integration (*.integration.test.ts: a real server on an
// ephemeral port). Two workers take the files in turn: a file spends much of its time waiting
// (on child servers, timeouts, the database), and the other worker's file uses the core meanwhile.
// Files within a worker share it (isolate: false): the app's modules are loaded, and PGlite's and
// Prisma's WebAssembly compiled, once per worker instead of once per file. Each file still owns its
// databases and servers, and closes them in afterAll.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    globalSetup: ["./test/support/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    maxWorkers: 2,
    isolate: false,
    // Lets the subscription leak test force a collection before it measures the heap.
    execArgv: ["--expose-gc"],
  },
});
