// Preloaded into a benchmarked server process (`--import`): answers the bench over IPC with the
// process's CPU time, or its heap after a full GC, so the bench measures the server, not itself.
// Plain JavaScript, so the product runs without a TypeScript loader, as it does for its users (one
// changes its behaviour: with tsx's hooks its first error stack took 1 s instead of 0.05 s).
import { monitorEventLoopDelay } from "node:perf_hooks";

/** @type {(() => void) | undefined} */
const collectGarbage = globalThis.gc;

/** How often the event loop is sampled: a timer due every this many ms, and how late it fires. */
const LOOP_SAMPLE_MS = 5;
const loopDelay = monitorEventLoopDelay({ resolution: LOOP_SAMPLE_MS });
loopDelay.enable();
/** How late the sampling timer fired, past its due time, in ms. */
const lateBy = (/** @type {number} */ nanoseconds) => Math.max(0, nanoseconds / 1e6 - LOOP_SAMPLE_MS);

process.on("message", (/** @type {{ probe?: string; requestId?: number }} */ message) => {
  if (message.probe !== "cpu" && message.probe !== "heap") return;
  // A full collection costs CPU: only for heap readings, never inside a CPU reading.
  if (message.probe === "heap") collectGarbage?.();
  const { heapUsed } = process.memoryUsage();
  const { user, system } = process.cpuUsage();
  // The event loop's delay since the last reading: how long ready work waited for the process.
  const loopDelayMs = { p99: lateBy(loopDelay.percentile(99)), max: lateBy(loopDelay.max) };
  loopDelay.reset();
  process.send?.({ requestId: message.requestId, heapUsed, cpuMicros: user + system, loopDelayMs });
});
