// Runs the real entry point (main.ts, built) as a child process, for tests of start-up, shutdown and
// crashes.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { SERVER_BUILD, staleBuildReason } from "../../scripts/build-freshness.mjs";

const SERVER_DIR = fileURLToPath(new URL("../..", import.meta.url));
const REPO_ROOT = fileURLToPath(new URL("../../../..", import.meta.url));

export type TMainRun = {
  child: ChildProcess;
  output: () => string;
  errors: () => string;
  exited: Promise<number | null>;
};

/**
 * V8 flags for the short-lived children the tests start (the server, the CLI). PGlite is a large
 * WebAssembly module: by default V8 also recompiles its hot functions with its optimising compiler
 * on background threads, about 1.3 s of CPU per start that a child living a few seconds never earns
 * back, and that a busy 2-core machine pays in every other test's time. Baseline code (Liftoff)
 * behaves the same, it only runs slower.
 */
export const CHILD_NODE_FLAGS = ["--liftoff-only"];

/**
 * Runs main.ts with exactly `env` (plus PATH), so the developer's own variables cannot leak in, as
 * the production build (dist/main.js, what `pnpm start` runs; ensureServerBuilt first): a start
 * through tsx costs seconds more of CPU, and these tests start it dozens of times.
 */
export function runMain(env: Record<string, string>): TMainRun {
  const child = spawn(process.execPath, [...CHILD_NODE_FLAGS, "dist/main.js"], {
    cwd: SERVER_DIR,
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = once(child, "exit").then(([code]) => code as number | null);
  return { child, output: () => stdout, errors: () => stderr, exited };
}

/**
 * Compiles the production build of the server, dist/ (a few seconds), as `pnpm build` does, unless
 * it is newer than every source it is compiled from.
 */
export async function ensureServerBuilt(): Promise<void> {
  if (!staleBuildReason(REPO_ROOT, SERVER_BUILD)) return;
  await promisify(execFile)(process.execPath, ["scripts/build.mjs"], { cwd: SERVER_DIR });
}

/** The URL main.ts prints once it listens. */
export async function waitForUrl(run: TMainRun, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const match = /Handoff is running at (http:\/\/\S+)/.exec(run.output());
    if (match?.[1]) return match[1];
    if (run.child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`main.ts did not start.\nstdout:\n${run.output()}\nstderr:\n${run.errors()}`);
}

/** pino's JSON lines with the given message. */
export function logLines(run: TMainRun, msg: string): Record<string, unknown>[] {
  return run
    .output()
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line.msg === msg);
}
