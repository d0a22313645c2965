import { defineConfig } from "vitest/config";

// Booting PGlite and argon2 hashing take seconds on small machines; bounds stay generous.
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
