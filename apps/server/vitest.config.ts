// Server tests: unit (*.test.ts) and integration (*.integration.test.ts: a real server on an
// ephemeral port). Files run one at a time: PGlite and the servers are CPU-heavy on 2 cores.
// They share one worker (isolate: false): the app's modules are loaded, and PGlite's and Prisma's
// WebAssembly compiled, once per run instead of once per file. Each file still owns its databases
// and servers, and closes them in afterAll.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    globalSetup: ["./test/support/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    fileParallelism: false,
    isolate: false,
    // Lets the subscription leak test force a collection before it measures the heap.
    execArgv: ["--expose-gc"],
  },
});
