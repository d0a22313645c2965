// A database for a server run as a child process (run-main.ts), with a fresh test account in it:
// the environment that points the child at it, a way for the test to open it itself between runs
// (PGlite allows one process at a time), and its removal.
import { createDatabase, type Database } from "@handoff/db";
import {
  createTestAccount,
  createTestDatabase,
  createTestDataDir,
  type TestAccount,
} from "@handoff/db/testing";
import { TEST_APP_ORIGIN } from "./start-test-server.ts";

export type ChildDatabase = {
  account: TestAccount;
  /** DATABASE_URL (and APP_ORIGIN) or DATA_DIR, for the child's environment. */
  env: Record<string, string>;
  /** Opens it in this process; close() the result before the next child runs. */
  open(): Promise<Database>;
  remove(): Promise<void>;
};

export async function createChildDatabase(target: "pglite" | "postgres"): Promise<ChildDatabase> {
  if (target === "postgres") {
    const database = await createTestDatabase("postgres");
    return {
      account: await createTestAccount(database.prisma),
      // PostgreSQL means a real deployment: the server refuses to start without the origin of its links.
      env: { DATABASE_URL: database.databaseUrl ?? "", APP_ORIGIN: TEST_APP_ORIGIN },
      open: async () => ({ ...database, close: async () => undefined }),
      remove: () => database.close(),
    };
  }
  // Migrated already (a copy of the test template); the child finds nothing to apply.
  const { dataDir, remove } = await createTestDataDir();
  const database = await createDatabase({ dataDir });
  const account = await createTestAccount(database.prisma);
  await database.close();
  return { account, env: { DATA_DIR: dataDir }, open: () => createDatabase({ dataDir }), remove };
}
