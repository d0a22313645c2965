import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    globalSetup: ["./test/global-setup.ts"],
    // Each file boots its own database and server.
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
