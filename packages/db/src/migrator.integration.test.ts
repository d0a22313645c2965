// The migrator against real databases: Prisma-compatible history rows, idempotence, refusal of
// edited or unfinished migrations, rollback of a failing one, and the advisory lock.
import { createHash } from "node:crypto";
import { appendFile, cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { createDatabase, type Database } from "./create-database.ts";
import { defaultMigrationsDir, migrate, PRISMA_MIGRATE_LOCK_KEY, readMigrations } from "./migrator.ts";
import { createEmptyTestDatabase, testDatabaseTargets } from "./testing/index.ts";

type HistoryRow = {
  id: string;
  checksum: string;
  migration_name: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  logs: string | null;
  started_at: Date;
  applied_steps_count: number;
};

const targets = await testDatabaseTargets();
const migrationNames = (await readMigrations(defaultMigrationsDir)).map((m) => m.name);

function history(database: Database): Promise<HistoryRow[]> {
  return database.sql.withConnection((sql) =>
    sql.query<HistoryRow>(`SELECT * FROM "_prisma_migrations" ORDER BY started_at, migration_name`),
  );
}

function tableExists(database: Database, table: string): Promise<boolean> {
  return database.sql.withConnection(async (sql) => {
    const [row] = await sql.query<{ name: string | null }>("SELECT to_regclass($1)::text AS name", [
      `public."${table}"`,
    ]);
    return row?.name != null;
  });
}

async function copyMigrations(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "handoff-migrations-"));
  await cp(defaultMigrationsDir, dir, { recursive: true });
  return dir;
}

describe.each(targets)("migrator on %s", (target) => {
  const cleanups: (() => Promise<unknown>)[] = [];
  const emptyDatabase = async () => {
    const database = await createEmptyTestDatabase(target);
    cleanups.push(() => database.close());
    return database;
  };
  const migrationsCopy = async () => {
    const dir = await copyMigrations();
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    return dir;
  };
  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  it("applies every migration in order and records it as Prisma does; a re-run applies nothing", async () => {
    const database = await emptyDatabase();
    expect(await migrate(database)).toEqual({ applied: migrationNames });

    const rows = await history(database);
    expect(rows.map((row) => row.migration_name)).toEqual(migrationNames);
    for (const row of rows) {
      const file = await readFile(join(defaultMigrationsDir, row.migration_name, "migration.sql"));
      expect(row.checksum).toBe(createHash("sha256").update(file).digest("hex"));
      expect(row.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.finished_at?.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime());
      expect(row).toMatchObject({ rolled_back_at: null, logs: null, applied_steps_count: 1 });
    }
    expect(await tableExists(database, "Handoff")).toBe(true);

    expect(await migrate(database)).toEqual({ applied: [] });
    expect(await history(database)).toEqual(rows);
  });

  it("applies only the new migrations on a later run", async () => {
    const database = await emptyDatabase();
    const dir = await migrationsCopy();
    await migrate(database, { migrationsDir: dir });
    await mkdir(join(dir, "20991231000000_add_widget"));
    await writeFile(
      join(dir, "20991231000000_add_widget", "migration.sql"),
      `CREATE TABLE "Widget" ("id" TEXT);\n`,
    );

    expect(await migrate(database, { migrationsDir: dir })).toEqual({
      applied: ["20991231000000_add_widget"],
    });
    expect(await tableExists(database, "Widget")).toBe(true);
  });

  it("refuses an applied migration whose file was edited, naming the file, and changes nothing", async () => {
    const database = await emptyDatabase();
    const dir = await migrationsCopy();
    await migrate(database, { migrationsDir: dir });
    const before = await history(database);
    const edited = join(dir, migrationNames[0] ?? "", "migration.sql");
    await appendFile(edited, `\nALTER TABLE "User" ADD COLUMN "nickname" TEXT;\n`);
    await mkdir(join(dir, "20991231000000_add_widget"));
    await writeFile(
      join(dir, "20991231000000_add_widget", "migration.sql"),
      `CREATE TABLE "Widget" ("id" TEXT);\n`,
    );

    await expect(migrate(database, { migrationsDir: dir })).rejects.toThrow(
      `${edited} was edited after it was applied`,
    );
    expect(await history(database)).toEqual(before);
    expect(await tableExists(database, "Widget")).toBe(false);
  });

  it("accepts an applied migration whose file only changed line endings", async () => {
    const database = await emptyDatabase();
    const dir = await migrationsCopy();
    await migrate(database, { migrationsDir: dir });
    const file = join(dir, migrationNames[0] ?? "", "migration.sql");
    await writeFile(file, (await readFile(file, "utf8")).replaceAll("\n", "\r\n"));

    expect(await migrate(database, { migrationsDir: dir })).toEqual({ applied: [] });
  });

  it("refuses a database with an unfinished migration row, naming it", async () => {
    const database = await emptyDatabase();
    await migrate(database);
    await database.sql.withConnection((sql) =>
      sql.query(
        `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, logs) VALUES ($1, $2, $3, 'boom')`,
        ["00000000-0000-4000-8000-000000000000", "0".repeat(64), "20991231000000_half_done"],
      ),
    );

    await expect(migrate(database)).rejects.toThrow(/"20991231000000_half_done" started but never finished/);
  });

  it("rolls back a failing migration completely and records nothing for it", async () => {
    const database = await emptyDatabase();
    const dir = await migrationsCopy();
    const broken = join(dir, "20991231000000_broken", "migration.sql");
    await mkdir(join(dir, "20991231000000_broken"));
    await writeFile(broken, `CREATE TABLE "Half" ("id" TEXT);\nSELECT * FROM "NoSuchTable";\n`);

    await expect(migrate(database, { migrationsDir: dir })).rejects.toThrow(
      new RegExp(
        `${broken.replaceAll(/[.*+?^${}()|[\]\\/]/g, "\\$&")} failed and was rolled back: .*NoSuchTable`,
      ),
    );
    expect(await tableExists(database, "Half")).toBe(false);
    expect((await history(database)).map((row) => row.migration_name)).toEqual(migrationNames);
  });

  it("applies each migration once when migrate runs twice at the same moment on one client", async () => {
    const database = await emptyDatabase();
    const results = await Promise.all([migrate(database), migrate(database)]);
    expect(results.flatMap((result) => result.applied).sort()).toEqual(migrationNames);
    expect(await history(database)).toHaveLength(migrationNames.length);
  });
});

describe.runIf(targets.includes("postgres"))("two replicas migrating one PostgreSQL database", () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });
  /** A fresh empty database and two independent clients (pools) on it, like two app replicas. */
  const twoReplicas = async () => {
    const database = await createEmptyTestDatabase("postgres");
    cleanups.push(() => database.close());
    const url = database.databaseUrl ?? "";
    const replicas = [await createDatabase({ databaseUrl: url }), await createDatabase({ databaseUrl: url })];
    for (const replica of replicas) cleanups.push(() => replica.close());
    return { url, replicas };
  };

  it("waits for the advisory lock another replica holds", async () => {
    const { url, replicas } = await twoReplicas();
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    try {
      await holder.query("SELECT pg_advisory_lock($1)", [PRISMA_MIGRATE_LOCK_KEY]);
      let isDone = false;
      const running = migrate(replicas[0] as Database).then((result) => {
        isDone = true;
        return result;
      });
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(isDone).toBe(false);
      await holder.query("SELECT pg_advisory_unlock($1)", [PRISMA_MIGRATE_LOCK_KEY]);
      expect(await running).toEqual({ applied: migrationNames });
    } finally {
      await holder.end();
    }
  });

  it("applies each migration exactly once when both start at the same moment", async () => {
    const { replicas } = await twoReplicas();
    const results = await Promise.all(replicas.map((replica) => migrate(replica)));
    expect(results.flatMap((result) => result.applied).sort()).toEqual(migrationNames);
    const rows = await history(replicas[1] as Database);
    expect(rows.map((row) => row.migration_name)).toEqual(migrationNames);
  });
});
