// Files share one worker (isolate: false): the modules are loaded, and PGlite's and Prisma's
// WebAssembly compiled, once per run instead of once per file. Each file owns its databases.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: { include: ["src/**/*.test.ts"], testTimeout: 30_000, hookTimeout: 60_000, isolate: false },
});
