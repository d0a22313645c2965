// /readyz: each dependency answers within a bound, or the replica reports itself not ready.
export type TReadinessChecks = Record<string, () => Promise<void>>;

export type TReadinessReport = { isReady: boolean; checks: Record<string, string> };

const CHECK_TIMEOUT_MS = 2_000;

async function runCheck(check: () => Promise<void>): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no answer within ${CHECK_TIMEOUT_MS} ms`), CHECK_TIMEOUT_MS);
  });
  try {
    return await Promise.race([check().then(() => "ok"), timeout]);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    clearTimeout(timer);
  }
}

export function createReadiness(checks: TReadinessChecks) {
  return {
    async check(): Promise<TReadinessReport> {
      const names = Object.keys(checks);
      const results = await Promise.all(names.map((name) => runCheck(checks[name] as () => Promise<void>)));
      const report = Object.fromEntries(names.map((name, index) => [name, results[index] as string]));
      return { isReady: results.every((result) => result === "ok"), checks: report };
    },
  };
}
