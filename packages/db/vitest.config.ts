import { defineConfig } from "vitest/config";

// Booting PGlite and argon2 hashing take seconds on small machines; bounds stay generous.
// Files share one worker (isolate: false): the modules are loaded, and PGlite's and Prisma's
// WebAssembly compiled, once per run instead of once per file. Each file owns its databases.
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    isolate: false,
  },
});
