// Vitest for @handoff/bus: --expose-gc lets the leak tests force a collection before measuring the heap.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    execArgv: ["--expose-gc"],
  },
});
