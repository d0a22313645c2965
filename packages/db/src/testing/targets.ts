// Which databases the DB tests run against: PGlite always, PostgreSQL when reachable.
// With REQUIRE_SERVICES=1 an unreachable PostgreSQL fails the run instead of being skipped.
import pg from "pg";

export type TestDatabaseTarget = "pglite" | "postgres";

const DEFAULT_TEST_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/postgres";

/** The PostgreSQL server the tests may use; its database is only used to create and drop others. */
export function testDatabaseUrl(): string {
  return process.env.TEST_DATABASE_URL || DEFAULT_TEST_DATABASE_URL;
}

let targets: Promise<TestDatabaseTarget[]> | undefined;

/**
 * Use with top-level await: `describe.each(await testDatabaseTargets())("… on %s", (target) => …)`
 * or `describe.runIf((await testDatabaseTargets()).includes("postgres"))`.
 */
export function testDatabaseTargets(): Promise<TestDatabaseTarget[]> {
  targets ??= resolveTestDatabaseTargets({
    url: testDatabaseUrl(),
    isPostgresRequired: process.env.REQUIRE_SERVICES === "1",
  });
  return targets;
}

export async function resolveTestDatabaseTargets(options: {
  url: string;
  isPostgresRequired: boolean;
}): Promise<TestDatabaseTarget[]> {
  const { url, isPostgresRequired } = options;
  const problem = await probePostgres(url);
  if (!problem) return ["pglite", "postgres"];
  const where = url.replace(/\/\/[^@/]*@/, "//***@");
  if (isPostgresRequired) {
    throw new Error(`PostgreSQL is required (REQUIRE_SERVICES=1) but ${where} is unreachable: ${problem}`);
  }
  console.warn(`[db tests] PostgreSQL at ${where} is unreachable (${problem}); running on PGlite only.`);
  return ["pglite"];
}

async function probePostgres(url: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}
