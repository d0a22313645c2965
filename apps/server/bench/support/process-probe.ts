// Preloaded into a benchmarked server process (`--import`): answers the bench over IPC with the
// process's CPU time, or its heap after a full GC, so the bench measures the server, not itself.
const collectGarbage = (globalThis as { gc?: () => void }).gc;

export {};

process.on("message", (message: { probe?: string; requestId?: number }) => {
  if (message.probe !== "cpu" && message.probe !== "heap") return;
  // A full collection costs CPU: only for heap readings, never inside a CPU reading.
  if (message.probe === "heap") collectGarbage?.();
  const { heapUsed } = process.memoryUsage();
  const { user, system } = process.cpuUsage();
  process.send?.({ requestId: message.requestId, heapUsed, cpuMicros: user + system });
});
