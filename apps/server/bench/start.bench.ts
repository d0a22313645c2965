// Production start: `pnpm start` on the embedded default, twice on one fresh data dir (the first
// migrates and seeds, and builds when the build is missing or stale). Prints the time from launch to
// "Handoff is running" for each start; the goal for the second is ≤ 2 s. Then, on the second, running,
// how long its first client error stalls it (first-error-stall.ts). `pnpm --filter @handoff/server bench:start`.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { firstErrorStall } from "./support/first-error-stall.ts";

const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const READY_TIMEOUT_MS = 300_000;
const GOAL_MS = 2_000;

/** Launch to "Handoff is running", in ms; `whileUp` then runs against the server before it is stopped. */
async function timeStart(
  command: string[],
  dataDir: string,
  whileUp: (url: string) => Promise<void> = async () => undefined,
): Promise<number> {
  const startedAt = performance.now();
  const child = spawn(command[0] as string, command.slice(1), {
    cwd: REPO_ROOT,
    env: { ...process.env, DATA_DIR: dataDir, PORT: "0", LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "inherit"],
    // Its own process group, so the stop below reaches the server under pnpm (as Ctrl-C would).
    detached: true,
  });
  let output = "";
  const ready = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`not ready within ${READY_TIMEOUT_MS} ms:\n${output}`)),
      READY_TIMEOUT_MS,
    );
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (!output.includes("Handoff is running at")) return;
      clearTimeout(timer);
      resolve(performance.now() - startedAt);
    });
    child.once("exit", (code) => reject(new Error(`exited (${code}) before it was ready:\n${output}`)));
  });
  try {
    const elapsed = await ready;
    await whileUp(output.match(/Handoff is running at (\S+)/)?.[1] as string);
    return elapsed;
  } finally {
    const exited = once(child, "exit");
    process.kill(-(child.pid as number), "SIGINT");
    await exited;
  }
}

const dataDir = await mkdtemp(path.join(tmpdir(), "handoff-start-bench-"));
try {
  const first = await timeStart(["pnpm", "start"], dataDir);
  let stall: Awaited<ReturnType<typeof firstErrorStall>> | null = null;
  const second = await timeStart(["pnpm", "start"], dataDir, async (url) => {
    stall = await firstErrorStall(url);
  });
  const direct = await timeStart(["node", "apps/server/dist/main.js"], dataDir);
  const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`.padStart(8);
  console.log(`\nproduction start, embedded default (load average ${loadavg()[0]?.toFixed(1)})`);
  console.log(`  pnpm start, first (build if stale, migrate, seed)  ${fmt(first)}`);
  console.log(
    `  pnpm start, second                                 ${fmt(second)}  goal ≤ ${GOAL_MS / 1000} s: ${second <= GOAL_MS ? "met" : "missed"}`,
  );
  console.log(`  node apps/server/dist/main.js, second              ${fmt(direct)}`);
  if (stall) {
    const { quietMs, firstMs, secondMs } = stall;
    const ms = (value: number) => `${value.toFixed(1)} ms`;
    console.log(
      `  running: slowest /healthz (polled every 5 ms) ${ms(quietMs)} when quiet, ${ms(firstMs)} around its first client error (a malformed WebSocket frame), ${ms(secondMs)} around its second`,
    );
  }
} finally {
  await rm(dataDir, { recursive: true, force: true });
}
