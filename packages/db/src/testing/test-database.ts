// A migrated, isolated database per test file: a PGlite copied from a migrated template data
// dir (booting and migrating from scratch takes seconds), or a fresh PostgreSQL database.
import { createHash, randomBytes } from "node:crypto";
import { access, cp, mkdtemp, rename, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { createDatabase, type Database } from "../create-database.ts";
import { defaultMigrationsDir, migrate, readMigrations } from "../migrator.ts";
import { type TestDatabaseTarget, testDatabaseUrl } from "./targets.ts";

export type CreateTestDatabaseOptions = { migrationsDir?: string };

/** Where it lives, so a test can point another process or a second connection at it. */
export type TestDatabase = Database &
  (
    | { kind: "pglite"; dataDir: string; databaseUrl?: never }
    | { kind: "postgres"; databaseUrl: string; dataDir?: never }
  );

export async function createTestDatabase(
  target: TestDatabaseTarget,
  options: CreateTestDatabaseOptions = {},
): Promise<TestDatabase> {
  const migrationsDir = options.migrationsDir ?? defaultMigrationsDir;
  return target === "pglite" ? createPgliteCopy(migrationsDir) : createPostgresDatabase(migrationsDir);
}

/** An empty (unmigrated) database, for tests of the migrator itself. */
export async function createEmptyTestDatabase(target: TestDatabaseTarget): Promise<TestDatabase> {
  return target === "pglite" ? createPgliteCopy(null) : createPostgresDatabase(null);
}

const templates = new Map<string | null, Promise<string>>();

async function createPgliteCopy(migrationsDir: string | null): Promise<TestDatabase> {
  let template = templates.get(migrationsDir);
  if (!template) {
    template = ensurePgliteTemplate(migrationsDir);
    templates.set(migrationsDir, template);
  }
  const dataDir = await mkdtemp(join(tmpdir(), "handoff-test-pglite-"));
  await cp(await template, dataDir, { recursive: true });
  const database = withCleanup(await createDatabase({ dataDir }), () =>
    rm(dataDir, { recursive: true, force: true }),
  );
  return { ...database, kind: "pglite", dataDir };
}

// The template lives in the OS temp dir, named after the PGlite build and the migrations, so
// every test file and worker (and later runs) reuses it until either changes.
async function ensurePgliteTemplate(migrationsDir: string | null): Promise<string> {
  const migrations = migrationsDir ? await readMigrations(migrationsDir) : [];
  const key = createHash("sha256")
    .update(createRequire(import.meta.url).resolve("@electric-sql/pglite"))
    .update(migrations.map((m) => `${m.name}:${m.checksum}`).join("\n"))
    .digest("hex")
    .slice(0, 16);
  const templateDir = join(tmpdir(), `handoff-pglite-template-${key}`);
  if (await exists(templateDir)) return templateDir;

  // Built aside and renamed into place, so a reader never sees a half-written template.
  const buildDir = `${templateDir}.${process.pid}-${randomBytes(4).toString("hex")}`;
  const database = await createDatabase({ dataDir: buildDir });
  try {
    if (migrationsDir) await migrate(database, { migrationsDir });
  } finally {
    await database.close();
  }
  try {
    await rename(buildDir, templateDir);
  } catch (error) {
    // Another worker finished first: theirs is identical.
    await rm(buildDir, { recursive: true, force: true });
    if (!(await exists(templateDir))) throw error;
  }
  return templateDir;
}

async function createPostgresDatabase(migrationsDir: string | null): Promise<TestDatabase> {
  const serverUrl = testDatabaseUrl();
  const name = `handoff_test_${randomBytes(6).toString("hex")}`;
  await withAdminClient(serverUrl, (admin) => admin.query(`CREATE DATABASE "${name}"`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const dropDatabase = () =>
    withAdminClient(serverUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
  const databaseUrl = url.toString();
  const database: TestDatabase = {
    ...withCleanup(await createDatabase({ databaseUrl }), dropDatabase),
    kind: "postgres",
    databaseUrl,
  };
  if (!migrationsDir) return database;
  try {
    await migrate(database, { migrationsDir });
    return database;
  } catch (error) {
    await database.close();
    throw error;
  }
}

async function withAdminClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function withCleanup(database: Database, cleanup: () => Promise<unknown>): Database {
  return {
    ...database,
    close: async () => {
      try {
        await database.close();
      } finally {
        await cleanup();
      }
    },
  };
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
