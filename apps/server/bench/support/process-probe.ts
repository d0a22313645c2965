// Preloaded into a benchmarked server process (`--import`): answers the bench over IPC with the
// process's heap after a full GC and its CPU time, so the bench measures the server, not itself.
const collectGarbage = (globalThis as { gc?: () => void }).gc;

export {};

process.on("message", (message: { probe?: string; requestId?: number }) => {
  if (message.probe !== "stats") return;
  collectGarbage?.();
  const { heapUsed } = process.memoryUsage();
  const { user, system } = process.cpuUsage();
  process.send?.({ requestId: message.requestId, heapUsed, cpuMicros: user + system });
});
