// Applies prisma/migrations/<timestamp>_<name>/migration.sql in order and records each in
// _prisma_migrations exactly as `prisma migrate deploy` does, so the two stay interchangeable.
import { createHash, randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { SqlConnection, SqlRunner } from "./sql-runner.ts";

/** The repo's prisma/migrations, found from this file's place in packages/db/src. */
export const defaultMigrationsDir = fileURLToPath(new URL("../../../prisma/migrations", import.meta.url));

/** The advisory lock key Prisma's schema engine takes on PostgreSQL while migrating. */
export const PRISMA_MIGRATE_LOCK_KEY = 72707369;

// Prisma's own DDL for its history table (schema-engine, postgres flavour).
const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
);`;

export type MigrateOptions = { migrationsDir?: string };
export type MigrateResult = { applied: string[] };

export class MigrationError extends Error {
  override name = "MigrationError";
}

type MigrationFile = { name: string; path: string; script: string; checksum: string };

type HistoryRow = {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
};

export async function migrate(
  database: { sql: SqlRunner },
  options: MigrateOptions = {},
): Promise<MigrateResult> {
  const migrations = await readMigrations(options.migrationsDir ?? defaultMigrationsDir);
  return database.sql.withConnection(async (connection) => {
    // Session-level lock: a second replica waits here until the first has finished.
    await connection.query("SELECT pg_advisory_lock($1)", [PRISMA_MIGRATE_LOCK_KEY]);
    try {
      return await applyPending(connection, migrations);
    } finally {
      await connection.query("SELECT pg_advisory_unlock($1)", [PRISMA_MIGRATE_LOCK_KEY]);
    }
  });
}

async function applyPending(connection: SqlConnection, migrations: MigrationFile[]): Promise<MigrateResult> {
  await connection.exec(CREATE_MIGRATIONS_TABLE);
  const history = await connection.query<HistoryRow>(
    `SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"
     WHERE rolled_back_at IS NULL ORDER BY started_at`,
  );
  const failed = history.find((row) => row.finished_at === null);
  if (failed) {
    throw new MigrationError(
      `Migration "${failed.migration_name}" started but never finished (its _prisma_migrations row has no ` +
        "finished_at), so the database may be half-migrated. Inspect and repair it, then mark the migration " +
        `with \`prisma migrate resolve --rolled-back ${failed.migration_name}\` (or --applied).`,
    );
  }
  const appliedChecksums = new Map(history.map((row) => [row.migration_name, row.checksum]));
  for (const migration of migrations) {
    const checksum = appliedChecksums.get(migration.name);
    if (checksum !== undefined && !matchesChecksum(migration, checksum)) {
      throw new MigrationError(
        `${migration.path} was edited after it was applied to this database (its sha256 no longer matches ` +
          `_prisma_migrations). Restore the file and put the change in a new migration.`,
      );
    }
  }

  const applied: string[] = [];
  for (const migration of migrations.filter((m) => !appliedChecksums.has(m.name))) {
    await applyOne(connection, migration);
    applied.push(migration.name);
  }
  return { applied };
}

async function applyOne(connection: SqlConnection, migration: MigrationFile): Promise<void> {
  try {
    await connection.transaction(async (tx) => {
      const id = randomUUID();
      await tx.query(
        `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at) VALUES ($1, $2, $3, now())`,
        [id, migration.checksum, migration.name],
      );
      await tx.exec(migration.script);
      await tx.query(
        `UPDATE "_prisma_migrations" SET finished_at = clock_timestamp(), applied_steps_count = applied_steps_count + 1
         WHERE id = $1`,
        [id],
      );
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new MigrationError(`${migration.path} failed and was rolled back: ${reason}`, { cause: error });
  }
}

/** Every `<dir>/<name>/migration.sql`, in name (timestamp) order. */
export async function readMigrations(migrationsDir: string): Promise<MigrationFile[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true }).catch((error: unknown) => {
    throw new MigrationError(`Cannot read the migrations folder ${migrationsDir}.`, { cause: error });
  });
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const path = join(migrationsDir, name, "migration.sql");
      const bytes = await readFile(path).catch((error: unknown) => {
        throw new MigrationError(`Migration folder ${name} has no readable migration.sql (${path}).`, {
          cause: error,
        });
      });
      return { name, path, script: bytes.toString("utf8"), checksum: sha256(bytes) };
    }),
  );
}

export function sha256(content: string | Buffer): string {
  return createHash("sha256").update(content).digest("hex");
}

// Like Prisma, a checkout that only changed line endings (git autocrlf) is not an edit.
function matchesChecksum(migration: MigrationFile, checksum: string): boolean {
  if (migration.checksum === checksum) return true;
  const lf = migration.script.replaceAll("\r\n", "\n");
  return [lf, lf.replaceAll("\n", "\r\n")].some((variant) => sha256(variant) === checksum);
}
