// A migrated, isolated database per test file: a PGlite copied from a migrated template data
// dir (booting and migrating from scratch takes seconds), or a PostgreSQL database cloned from a
// migrated template database.
import { createHash, randomBytes } from "node:crypto";
import { accessSync, constants, statfsSync } from "node:fs";
import { access, cp, mkdtemp, rename, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { createDatabase, type Database } from "../create-database.ts";
import { defaultMigrationsDir, migrate, readMigrations } from "../migrator.ts";
import { type TestDatabaseTarget, testDatabaseUrl } from "./targets.ts";

export type CreateTestDatabaseOptions = {
  migrationsDir?: string;
  /** As createDatabase's: hears each statement's time. */
  onQuery?: (durationMs: number) => void;
};

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
  return target === "pglite"
    ? createPgliteCopy(migrationsDir, options.onQuery)
    : createPostgresDatabase(migrationsDir, options.onQuery);
}

/** An empty (unmigrated) database, for tests of the migrator itself. */
export async function createEmptyTestDatabase(target: TestDatabaseTarget): Promise<TestDatabase> {
  return target === "pglite" ? createPgliteCopy(null) : createPostgresDatabase(null);
}

export type TestDataDir = { dataDir: string; remove(): Promise<void> };

/**
 * A PGlite data dir that nothing has open, for another process (e.g. the server as a child) to
 * open: a copy of the migrated template, or with `migrated: false` of the empty one (initialised,
 * no migrations applied). Either way the child skips PGlite's initdb, seconds of CPU.
 */
export async function createTestDataDir(
  options: CreateTestDatabaseOptions & { migrated?: boolean } = {},
): Promise<TestDataDir> {
  const migrationsDir = options.migrated === false ? null : (options.migrationsDir ?? defaultMigrationsDir);
  const dataDir = await copyPgliteTemplate(migrationsDir);
  return { dataDir, remove: () => rm(dataDir, { recursive: true, force: true }) };
}

const templates = new Map<string | null, Promise<string>>();

/**
 * Where each test's copy of a template goes: RAM-backed /dev/shm where it has room, else the OS
 * temp dir. Writing a 40 MB data dir (a 16 MB WAL segment among its thousand files) to disk and
 * removing it again took seconds per database on a busy machine; in memory it takes a tenth of one.
 */
const COPIES_DIR = ((): string => {
  try {
    const { bavail, bsize } = statfsSync("/dev/shm");
    accessSync("/dev/shm", constants.W_OK);
    return bavail * bsize >= 2 ** 30 ? "/dev/shm" : tmpdir();
  } catch {
    return tmpdir();
  }
})();

function pgliteTemplate(migrationsDir: string | null): Promise<string> {
  let template = templates.get(migrationsDir);
  if (!template) {
    template = ensurePgliteTemplate(migrationsDir);
    templates.set(migrationsDir, template);
  }
  return template;
}

async function copyPgliteTemplate(migrationsDir: string | null): Promise<string> {
  const template = await pgliteTemplate(migrationsDir);
  const dataDir = await mkdtemp(join(COPIES_DIR, "handoff-test-pglite-"));
  await cp(template, dataDir, { recursive: true });
  return dataDir;
}

async function createPgliteCopy(
  migrationsDir: string | null,
  onQuery?: (durationMs: number) => void,
): Promise<TestDatabase> {
  const dataDir = await copyPgliteTemplate(migrationsDir);
  const database = withCleanup(await createDatabase({ dataDir, onQuery }), () =>
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
  // A migrated template starts as a copy of the empty one, so PGlite's initdb (seconds of CPU)
  // runs once per machine rather than once for every set of migrations.
  if (migrationsDir) await cp(await pgliteTemplate(null), buildDir, { recursive: true });
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

async function createPostgresDatabase(
  migrationsDir: string | null,
  onQuery?: (durationMs: number) => void,
): Promise<TestDatabase> {
  const serverUrl = testDatabaseUrl();
  const name = `handoff_test_${randomBytes(6).toString("hex")}`;
  // A migrated database is cloned from a migrated template (CREATE DATABASE … TEMPLATE), which
  // is far cheaper than applying every migration to each test's database.
  const template = migrationsDir ? await ensurePostgresTemplate(serverUrl, migrationsDir) : null;
  await withAdminClient(serverUrl, (admin) =>
    admin.query(`CREATE DATABASE "${name}"${template ? ` TEMPLATE "${template}"` : ""}`),
  );
  return openPostgresDatabase(serverUrl, name, onQuery);
}

function databaseUrlFor(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function openPostgresDatabase(
  serverUrl: string,
  name: string,
  onQuery?: (durationMs: number) => void,
): Promise<TestDatabase> {
  const dropDatabase = () =>
    withAdminClient(serverUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
  const databaseUrl = databaseUrlFor(serverUrl, name);
  return {
    ...withCleanup(await createDatabase({ databaseUrl, onQuery }), dropDatabase),
    kind: "postgres",
    databaseUrl,
  };
}

const postgresTemplates = new Map<string, Promise<string>>();

function ensurePostgresTemplate(serverUrl: string, migrationsDir: string): Promise<string> {
  const cacheKey = `${serverUrl}\n${migrationsDir}`;
  let template = postgresTemplates.get(cacheKey);
  if (!template) {
    template = buildPostgresTemplate(serverUrl, migrationsDir);
    // A failed build is not remembered: the next caller tries again and sees the error itself.
    template.catch(() => postgresTemplates.delete(cacheKey));
    postgresTemplates.set(cacheKey, template);
  }
  return template;
}

// Named after the migrations, so every test file and process (and later runs, and other
// checkouts with the same migrations) clone the same one; other migrations get their own.
async function buildPostgresTemplate(serverUrl: string, migrationsDir: string): Promise<string> {
  const migrations = await readMigrations(migrationsDir);
  const key = createHash("sha256")
    .update(migrations.map((m) => `${m.name}:${m.checksum}`).join("\n"))
    .digest("hex")
    .slice(0, 16);
  const template = `handoff_template_${key}`;
  const exists = (admin: pg.Client) =>
    admin
      .query("SELECT 1 FROM pg_database WHERE datname = $1", [template])
      .then((result) => (result.rowCount ?? 0) > 0);
  return withAdminClient(serverUrl, async (admin) => {
    if (await exists(admin)) return template;
    // One builder at a time across processes; the others wait, then find it built.
    const lockKey = Number.parseInt(key.slice(0, 8), 16) | 0;
    await admin.query("SELECT pg_advisory_lock($1)", [lockKey]);
    try {
      if (await exists(admin)) return template;
      // Built under another name and renamed when complete, so a clone never sees half of it.
      const building = `${template}_building_${randomBytes(4).toString("hex")}`;
      await admin.query(`CREATE DATABASE "${building}"`);
      try {
        const database = await createDatabase({ databaseUrl: databaseUrlFor(serverUrl, building) });
        try {
          await migrate(database, { migrationsDir });
        } finally {
          await database.close();
        }
      } catch (error) {
        await admin.query(`DROP DATABASE IF EXISTS "${building}" WITH (FORCE)`);
        throw error;
      }
      // A closed pool's backends may still be exiting; a rename (and later a clone) needs none.
      await admin.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
        [building],
      );
      await admin.query(`ALTER DATABASE "${building}" RENAME TO "${template}"`);
      return template;
    } finally {
      await admin.query("SELECT pg_advisory_unlock($1)", [lockKey]);
    }
  });
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
