// The repository's dev tooling as Turbo plans it: `pnpm dev` must hand the environment to the
// server and Vite (Turbo's strict env mode drops it otherwise), and `pnpm typecheck` must check every
// package in one run rather than stop at the first one that fails.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

type TDryRunTask = {
  taskId: string;
  dependencies: string[];
  environmentVariables: { passthrough: string[] | null };
};

async function turboPlan(task: string, env: Record<string, string> = {}): Promise<TDryRunTask[]> {
  const { stdout } = await promisify(execFile)("pnpm", ["exec", "turbo", "run", task, "--dry=json"], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    maxBuffer: 16 * 1024 * 1024,
  });
  return (JSON.parse(stdout) as { tasks: TDryRunTask[] }).tasks;
}

describe("dev setup", () => {
  it("passes the environment to the server and Vite under `pnpm dev`", async () => {
    const tasks = await turboPlan("dev", { PORT: "3501", DATABASE_URL: "postgres://dev@127.0.0.1/dev" });
    const passedTo = (taskId: string) =>
      (tasks.find((task) => task.taskId === taskId)?.environmentVariables.passthrough ?? []).map(
        (entry) => entry.split("=")[0],
      );
    for (const taskId of ["@handoff/server#dev", "@handoff/web#dev"]) {
      expect(passedTo(taskId)).toEqual(expect.arrayContaining(["PORT", "DATABASE_URL"]));
    }
  });

  it("type-checks every package independently, so one failure hides no other", async () => {
    const tasks = await turboPlan("typecheck");
    expect(tasks.map((task) => task.taskId).sort()).toEqual([
      "@handoff/api#typecheck",
      "@handoff/bus#typecheck",
      "@handoff/cli#typecheck",
      "@handoff/db#typecheck",
      "@handoff/live#typecheck",
      "@handoff/server#typecheck",
      "@handoff/web#typecheck",
    ]);
    for (const task of tasks) expect(task.dependencies).toEqual([]);
  });
});
