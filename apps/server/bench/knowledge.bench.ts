// The knowledge bench (issue 27), on embedded PGlite (a data dir, as by default) through the
// product in its own process (the build, as `pnpm start` runs it) and @trpc/client:
// 1. Quality: loads the labelled evaluation set (bench/knowledge-eval/eval-set.json, or --set
//    <file> of the same shape, e.g. a held-out set) as sessions with their entries and branches, asks
//    session.similar for each query and prints precision@3 and recall@3 (defined in
//    knowledge-eval/metrics.ts and printed below). Goal ≥ 0.8 each.
// 2. Speed: fills the account to <sessions> sessions (default 50,000) with tickets drawn from the
//    same templates and prints the p50/p95 of session.similar for the queries (goal p95 ≤ 30 ms),
//    then precision@3 and recall@3 at that size, the filler's sessions of a query's cause counting
//    as true matches.
//    Then the ranking's own time, the same queries straight to the database function.
// 3. What index maintenance adds to a change such as an escalation, on the set's sessions (p50).
//    Goal ≤ 2 ms.
// `pnpm --filter @handoff/server bench:knowledge [sessions] [--set <file>] [--misses] [--quality-only]`;
// --misses lists each query whose top 3 is not all right, with what was shown; --quality-only
// stops after step 1.
import { loadavg } from "node:os";
import { keepDatabaseTidy } from "@handoff/api";
import { createDatabase, type Database } from "@handoff/db";
import { createTestAccount, createTestDataDir } from "@handoff/db/testing";
import { createTestClient, type TestClient } from "../src/testing/index.ts";
import { freePort } from "../test/support/free-port.ts";
import { DEFAULT_EVAL_SET, readEvalSet } from "./knowledge-eval/eval-set.ts";
import { addFillerSessions } from "./knowledge-eval/filler.ts";
import { evaluate, idOf, loadEvalSet, type TLoadedEvalSet } from "./knowledge-eval/harness.ts";
import type { TTicketOwner } from "./knowledge-eval/insert-tickets.ts";
import type { TRankingScore } from "./knowledge-eval/metrics.ts";
import { startProduct } from "./support/product-server.ts";
import { describeIndexMaintenance, measureIndexMaintenance } from "./support/search-index-maintenance.ts";
import { signIn } from "./support/sign-in.ts";
import { percentile } from "./support/stats.ts";

const args = process.argv.slice(2);
const SESSION_COUNT = Number(args.find((arg) => /^\d+$/.test(arg)) ?? 50_000);
const setPath = args.includes("--set") ? args[args.indexOf("--set") + 1] : undefined;
const isListingMisses = args.includes("--misses");
const isQualityOnly = args.includes("--quality-only");
const K = 3;
const RUNS_PER_QUERY = 5;
const GOALS = { precision: 0.8, recall: 0.8, p95Ms: 30, maintenanceMs: 2 };

const verdict = (isMet: boolean) => (isMet ? "met" : "MISSED");
const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

function printQuality(score: TRankingScore, resolved: number) {
  console.log(`
session.similar quality on ${resolved} resolved sessions, ${score.queries} queries (top ${K} of each answer):
  precision@${K} ${score.precision.toFixed(3)}  (goal ≥ ${GOALS.precision}: ${verdict(score.precision >= GOALS.precision)})
    per query: of the matches shown (up to ${K}), the share with the query's root cause; showing none
    counts 1 when the query has no true match and 0 when it has; averaged over all ${score.queries} queries.
  recall@${K}    ${score.recall.toFixed(3)}  (goal ≥ ${GOALS.recall}: ${verdict(score.recall >= GOALS.recall)})
    per query: of its true matches, min(${K}, how many there are), the share shown in the top ${K};
    averaged over the ${score.recallQueries} queries that have a true match.`);
}

/** Step 1, on the set alone. */
async function benchQuality(client: TSimilarClient, loaded: TLoadedEvalSet) {
  const score = await evaluate(client, loaded, K);
  printQuality(score, loaded.set.resolved.length);
  if (!isListingMisses) return;
  for (const query of score.perQuery.filter((each) => each.precision < 1 || (each.recall ?? 1) < 1)) {
    const shown = score.rankings.find((each) => each.query === query.query)?.shown;
    console.log(`  ${query.query}: ${query.hits} right; shown ${JSON.stringify(shown)}`);
  }
}

/** The account filled to SESSION_COUNT; the cause of each resolved filler session, by id. */
async function fill(database: Database, loaded: TLoadedEvalSet, owner: TTicketOwner) {
  const startedAt = performance.now();
  const filler = await addFillerSessions(
    database.prisma,
    owner,
    Math.max(0, SESSION_COUNT - loaded.ids.size - 1),
  );
  // The filler is history, as a database that has run for months holds it: after the daily upkeep
  // the retention job gives the embedded database (VACUUM ANALYZE, which no autovacuum does there).
  await keepDatabaseTidy(database.prisma, "none", new Date());
  const total = await database.prisma.session.count({ where: { accountId: owner.accountId } });
  console.log(`\nfilled the account to ${total} sessions in ${seconds(startedAt)}`);
  return { filler, total };
}

/** Each query asked once to warm up, then RUNS_PER_QUERY times: how long each answer took. */
async function timeQueries(queryIds: string[], ask: (sessionId: string) => Promise<unknown>) {
  for (const sessionId of queryIds) await ask(sessionId);
  const samples: number[] = [];
  for (let run = 0; run < RUNS_PER_QUERY; run += 1) {
    for (const sessionId of queryIds) {
      const startedAt = performance.now();
      await ask(sessionId);
      samples.push(performance.now() - startedAt);
    }
  }
  return samples;
}

const queryIdsOf = (loaded: TLoadedEvalSet) => loaded.set.queries.map((query) => idOf(loaded, query.key));
const p50AndP95 = (samples: number[]) =>
  `p50 ${percentile(samples, 50).toFixed(1)} ms  p95 ${percentile(samples, 95).toFixed(1)} ms`;

/** Step 2: session.similar at the full size, its time and what it shows. */
async function benchSpeed(client: TSimilarClient, loaded: TLoadedEvalSet, filled: TFilled) {
  const queryIds = queryIdsOf(loaded);
  const samples = await timeQueries(queryIds, (sessionId) => client.session.similar({ sessionId }));
  const p95 = percentile(samples, 95);
  const load = loadavg().map((each) => each.toFixed(1));
  console.log(
    `load average ${load.join(" / ")} (1 / 5 / 15 min)\nsession.similar over ${filled.total} sessions (default 5 matches, ${queryIds.length} queries × ${RUNS_PER_QUERY}, the product in its own process): ${p50AndP95(samples)}  (goal p95 ≤ ${GOALS.p95Ms} ms: ${verdict(p95 <= GOALS.p95Ms)})`,
  );
  // The filler's resolved sessions with a query's cause are true matches too.
  const atScale = await evaluate(client, loaded, K, filled.filler);
  console.log(
    `  what it shows at that size: precision@${K} ${atScale.precision.toFixed(3)}, recall@${K} ${atScale.recall.toFixed(3)} (the filler's resolved sessions of a query's cause count as its true matches)`,
  );
}

/** The ranking's own share of step 2: the function called straight in the embedded database. */
async function benchRankingAlone(database: Database, loaded: TLoadedEvalSet, accountId: string) {
  const samples = await database.sql.withConnection((connection) =>
    timeQueries(queryIdsOf(loaded), (sessionId) =>
      connection.query("SELECT * FROM similar_sessions($1, $2, NULL, 5)", [sessionId, accountId]),
    ),
  );
  console.log(`  the ranking alone (similar_sessions called in PGlite itself): ${p50AndP95(samples)}`);
}

/** Step 3. */
async function benchIndexMaintenance(database: Database, loaded: TLoadedEvalSet) {
  const maintenance = await measureIndexMaintenance(database.prisma, [...loaded.ids.values()]);
  console.log(
    `${describeIndexMaintenance("the set's sessions, 2 to 8 entries and branches each", maintenance)}  (goal ≤ ${GOALS.maintenanceMs} ms: ${verdict(maintenance.addedMs <= GOALS.maintenanceMs)})`,
  );
}

type TSimilarClient = Pick<TestClient, "session">;
type TFilled = Awaited<ReturnType<typeof fill>>;

/** The product as `pnpm start` runs it, on the data dir, with the engineer signed in. */
async function withProduct(email: string, use: (client: TestClient) => Promise<void>) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const product = await startProduct(port, { DATA_DIR: dataDir.dataDir, APP_ORIGIN: url, LOG_LEVEL: "warn" });
  const client = createTestClient(
    { url, wsUrl: `ws://127.0.0.1:${port}/trpc` },
    { token: await signIn(url, email) },
  );
  try {
    await use(client);
  } finally {
    await client.close();
    await product.stop();
  }
}

/** The data dir opened in this process, for what the bench writes or measures directly. */
async function withDatabase<T>(use: (database: Database) => Promise<T>): Promise<T> {
  const database = await createDatabase({ dataDir: dataDir.dataDir });
  try {
    return await use(database);
  } finally {
    await database.close();
  }
}

const set = await readEvalSet(setPath ?? DEFAULT_EVAL_SET);
// The embedded database as Handoff runs it by default: PGlite in a data dir (DATA_DIR), written
// here and served by the product in its own process, as users reach it.
const dataDir = await createTestDataDir();
try {
  const { loaded, owner, email } = await withDatabase(async (database) => {
    const account = await createTestAccount(database.prisma);
    const owner = { accountId: account.account.id, teamId: account.team.id, userId: account.engineer.id };
    const startedAt = performance.now();
    const loaded = await loadEvalSet(database.prisma, owner, set);
    await database.prisma.$executeRawUnsafe("ANALYZE");
    console.log(
      `loaded ${set.resolved.length} resolved sessions and ${set.queries.length} queries from ${setPath ?? "eval-set.json"} in ${seconds(startedAt)}`,
    );
    return { loaded, owner, email: account.engineer.email };
  });
  await withProduct(email, (client) => benchQuality(client, loaded));
  if (!isQualityOnly) {
    const filled = await withDatabase((database) => fill(database, loaded, owner));
    await withProduct(email, (client) => benchSpeed(client, loaded, filled));
    await withDatabase(async (database) => {
      await benchRankingAlone(database, loaded, owner.accountId);
      await benchIndexMaintenance(database, loaded);
    });
  }
} finally {
  await dataDir.remove();
}
