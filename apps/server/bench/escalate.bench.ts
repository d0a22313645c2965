// An escalation and a claim on PostgreSQL with nobody subscribed, as a user sends them: the product
// (`pnpm start`'s build) in its own process, the engineer's and the senior's @trpc/client in
// another, over HTTP, each request sent once the jobs of the one before have run. Prints escalate and
// claim p50/p99 and the server's CPU time for each, the first escalation after the server sat idle,
// and the SQL statements and round trips of each.
// `pnpm --filter @handoff/server bench:escalate [samples]` (default 200).
import { loadavg } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { seedDemo } from "@handoff/db";
import { createTestDatabase } from "@handoff/db/testing";
import { freePort } from "../test/support/free-port.ts";
import { startProduct } from "./support/product-server.ts";
import { signIn } from "./support/sign-in.ts";
import { countStatements } from "./support/statement-count.ts";
import { ms, percentile } from "./support/stats.ts";
import { startUserClient } from "./support/user-client.ts";

const SAMPLES = Number(process.argv[2] ?? 200);
const WARM_UP_SAMPLES = 30;
/** Longer than any pool's or keep-alive's idle timeout a deployment is likely to run with. */
const IDLE_PAUSE_MS = 15_000;
const AFTER_IDLE_SAMPLES = 3;
const STATEMENT_SAMPLES = 5;
const JOBS_TIMEOUT_MS = 60_000;
const POLL_MS = 20;

async function until(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await condition())) {
    if (performance.now() > deadline)
      throw new Error(`the server's jobs were still running after ${timeoutMs} ms`);
    await sleep(POLL_MS);
  }
}

const loadAverage = () =>
  loadavg()
    .map((load) => load.toFixed(2))
    .join(" / ");

async function measureLatency() {
  const database = await createTestDatabase("postgres");
  await seedDemo(database.prisma);
  /**
   * Each request is sent to a quiet server, as on an idle service: the background jobs the last one
   * queued (the escalation's email and assessment, the claim's push) have run.
   */
  const quiet = () =>
    until(
      async () =>
        (await database.prisma.job.count({
          where: { status: { in: ["PENDING", "RUNNING"] }, runAt: { lte: new Date() } },
        })) === 0,
      JOBS_TIMEOUT_MS,
    );
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const product = await startProduct(port, {
    DATABASE_URL: database.databaseUrl as string,
    APP_ORIGIN: baseUrl,
    LOG_LEVEL: "warn",
  });
  const users = await startUserClient(baseUrl, {
    engineer: await signIn(baseUrl, "alice@acme.test"),
    senior: await signIn(baseUrl, "sam@acme.test"),
  });
  let index = 0;
  /** One escalation of a fresh session, then its claim. */
  const escalateAndClaim = async () => {
    const session = await users.call({ op: "createSession", index: index++ });
    await quiet();
    const cpuBefore = await product.stats("cpu");
    const escalated = await users.call({ op: "escalate", sessionId: session.value });
    const cpuBetween = await product.stats("cpu");
    await quiet();
    const cpuBeforeClaim = await product.stats("cpu");
    const claimed = await users.call({ op: "claim", handoffId: escalated.value });
    const cpuAfter = await product.stats("cpu");
    await quiet();
    const cpuQuiet = await product.stats("cpu");
    return {
      escalate: escalated.ms,
      claim: claimed.ms,
      escalateCpu: (cpuBetween.cpuMicros - cpuBefore.cpuMicros) / 1_000,
      claimCpu: (cpuAfter.cpuMicros - cpuBeforeClaim.cpuMicros) / 1_000,
      // Its jobs (the email, the assessment; the claim's push) and whatever else ran while they did.
      escalateJobsCpu: (cpuBeforeClaim.cpuMicros - cpuBetween.cpuMicros) / 1_000,
      claimJobsCpu: (cpuQuiet.cpuMicros - cpuAfter.cpuMicros) / 1_000,
    };
  };
  try {
    // Discarded: a fresh process's first requests run cold code.
    for (let sample = 0; sample < WARM_UP_SAMPLES; sample += 1) await escalateAndClaim();
    const escalate: number[] = [];
    const claim: number[] = [];
    const escalateCpu: number[] = [];
    const claimCpu: number[] = [];
    const escalateJobsCpu: number[] = [];
    const claimJobsCpu: number[] = [];
    for (let sample = 0; sample < SAMPLES; sample += 1) {
      const timings = await escalateAndClaim();
      escalate.push(timings.escalate);
      claim.push(timings.claim);
      escalateCpu.push(timings.escalateCpu);
      claimCpu.push(timings.claimCpu);
      escalateJobsCpu.push(timings.escalateJobsCpu);
      claimJobsCpu.push(timings.claimJobsCpu);
    }
    const afterIdle: number[] = [];
    for (let sample = 0; sample < AFTER_IDLE_SAMPLES; sample += 1) {
      await sleep(IDLE_PAUSE_MS);
      afterIdle.push((await escalateAndClaim()).escalate);
    }
    return { escalate, claim, escalateCpu, claimCpu, escalateJobsCpu, claimJobsCpu, afterIdle };
  } finally {
    users.stop();
    await product.stop();
    await database.close();
  }
}

console.log(`load average before: ${loadAverage()} (1 / 5 / 15 min)`);
const latency = await measureLatency();
const counts = await countStatements(STATEMENT_SAMPLES);
const figures = (samples: number[]) =>
  `p50 ${ms(percentile(samples, 50))}, p99 ${ms(percentile(samples, 99))}`;
console.log(
  `\nPostgreSQL, nobody subscribed, over HTTP (${SAMPLES} of each, one at a time, each once the jobs of the one before had run)`,
);
console.log(`  escalate  ${figures(latency.escalate)}   (target p50 ≤ 10 ms)`);
console.log(`  claim     ${figures(latency.claim)}`);
// CPU time is what a shared machine's load distorts least.
console.log(
  `  the server's CPU time, p50: escalate ${ms(percentile(latency.escalateCpu, 50))}, claim ${ms(percentile(latency.claimCpu, 50))}`,
);
console.log(
  `  and for the jobs each queued, p50: escalate ${ms(percentile(latency.escalateJobsCpu, 50))} (its email and assessment), claim ${ms(percentile(latency.claimJobsCpu, 50))}`,
);
console.log(
  `  escalate after ${IDLE_PAUSE_MS / 1_000} s idle: ${latency.afterIdle.map(ms).join(", ")} (the server's first request since)`,
);
console.log(
  `  per escalation: ${counts.escalate.statements} statements in ${counts.escalate.roundTrips} round trips; per claim: ${counts.claim.statements} in ${counts.claim.roundTrips} (the sign-in check, BEGIN and COMMIT included)`,
);
console.log(`load average after: ${loadAverage()}`);
