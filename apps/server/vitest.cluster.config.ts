// `pnpm test:cluster`: the production build as separate processes behind a real reverse proxy
// (cluster/). Apart from the other tests: it needs the production build, Caddy, PostgreSQL and
// Redis, and runs for about a minute.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["cluster/**/*.test.ts"],
    testTimeout: 180_000,
    // The first run on a fresh clone builds the web app and the server.
    hookTimeout: 600_000,
    fileParallelism: false,
  },
});
