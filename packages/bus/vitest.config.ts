// Vitest for @handoff/bus: --expose-gc lets the leak tests force a collection before measuring the heap.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    execArgv: ["--expose-gc"],
    // Generous: the suite shares 2 cores with the server and browser tests.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
