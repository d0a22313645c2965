// /readyz: each dependency answers within a bound, or the replica reports itself not ready. The
// probe says only ok / not ok per dependency (it is public); why goes to the log, once per change.
import type { Logger } from "../logger.ts";
import { withTimeout } from "../with-timeout.ts";

export type TReadinessChecks = Record<string, () => Promise<void>>;

export type TCheckStatus = "ok" | "not ok";
export type TReadinessReport = { isReady: boolean; checks: Record<string, TCheckStatus> };

const CHECK_TIMEOUT_MS = 2_000;

/** null when the check passed, otherwise what went wrong (for the log). */
async function runCheck(check: () => Promise<void>): Promise<string | null> {
  try {
    return await withTimeout(
      check().then(() => null),
      CHECK_TIMEOUT_MS,
      () => `no answer within ${CHECK_TIMEOUT_MS} ms`,
    );
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

export function createReadiness(checks: TReadinessChecks, logger: Logger) {
  // Probes come every few seconds: log a failure when it starts or changes, and the recovery.
  const lastProblems = new Map<string, string>();

  function record(name: string, problem: string | null) {
    const last = lastProblems.get(name);
    if (problem === null) {
      if (last !== undefined) logger.info({ check: name }, "readiness check recovered");
      lastProblems.delete(name);
      return;
    }
    if (last !== problem) logger.warn({ check: name, problem }, "readiness check failed");
    lastProblems.set(name, problem);
  }

  return {
    async check(): Promise<TReadinessReport> {
      const names = Object.keys(checks);
      const problems = await Promise.all(names.map((name) => runCheck(checks[name] as () => Promise<void>)));
      const report: Record<string, TCheckStatus> = {};
      names.forEach((name, index) => {
        const problem = problems[index] ?? null;
        record(name, problem);
        report[name] = problem === null ? "ok" : "not ok";
      });
      return { isReady: problems.every((problem) => problem === null), checks: report };
    },
  };
}
