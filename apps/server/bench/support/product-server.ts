// The product as a user runs it (`pnpm start`: the build, rebuilt first when stale), in its own
// process so the bench measures its CPU and heap apart from the clients'. Restartable on the same
// port and database.
import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";

const MAIN = fileURLToPath(new URL("../../scripts/start.mjs", import.meta.url));
const PROBE = fileURLToPath(new URL("./process-probe.mjs", import.meta.url));

export type TProbeStats = {
  heapUsed: number;
  cpuMicros: number;
  /** How late the process's event loop ran ready work since the last reading (p99 and worst). */
  loopDelayMs: { p99: number; max: number };
};

export type MeasuredProcess = {
  readonly child: ChildProcess;
  /** `heap` collects garbage first; `cpu` does not (a collection would show up as CPU). */
  stats(kind: "cpu" | "heap"): Promise<TProbeStats>;
  stop(): Promise<void>;
};

let requestCounter = 0;

/** `BENCH_PROFILE_DIR=dir` writes a V8 CPU profile of each product process there (for a flame graph). */
function profilingArgs(): string[] {
  const dir = process.env.BENCH_PROFILE_DIR;
  return dir ? ["--cpu-prof", `--cpu-prof-dir=${dir}`] : [];
}

/** Forks an entry point (TypeScript through tsx, JavaScript as it is) with the probe preloaded and GC exposed. */
export function forkMeasured(entry: string, env: Record<string, string>): MeasuredProcess {
  const typeScriptLoader = entry.endsWith(".ts") ? ["--import", "tsx"] : [];
  const child = fork(entry, [], {
    env: { ...process.env, ...env },
    execArgv: ["--expose-gc", ...typeScriptLoader, "--import", PROBE, ...profilingArgs()],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    child,
    stats(kind) {
      const requestId = ++requestCounter;
      return new Promise((resolve) => {
        const onMessage = (message: TProbeStats & { requestId?: number }) => {
          if (message.requestId !== requestId) return;
          child.off("message", onMessage);
          resolve(message);
        };
        child.on("message", onMessage);
        child.send({ probe: kind, requestId });
      });
    },
    async stop() {
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/** Starts the product and resolves once /readyz answers 200. */
export async function startProduct(port: number, env: Record<string, string>): Promise<MeasuredProcess> {
  const product = forkMeasured(MAIN, { ...env, PORT: String(port), HOST: "127.0.0.1" });
  const readyz = `http://127.0.0.1:${port}/readyz`;
  let isReady = false;
  while (!isReady) {
    if (product.child.exitCode !== null) throw new Error(`the product exited with ${product.child.exitCode}`);
    isReady = await fetch(readyz)
      .then((response) => response.ok)
      .catch(() => false);
    if (!isReady) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return product;
}
