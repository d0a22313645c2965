// @handoff/db: the Prisma client factory, migrator, demo seed and password hashing. Other
// packages import the generated client, its types and enums only from here.

export {
  type CreateDatabaseOptions,
  createDatabase,
  type Database,
  type DatabaseKind,
  DEFAULT_POOL_SIZE,
  type TPoolStats,
} from "./create-database.ts";
export * from "./generated/prisma/client.ts";
export {
  defaultMigrationsDir,
  type MigrateOptions,
  type MigrateResult,
  MigrationError,
  migrate,
} from "./migrator.ts";
export { hashPassword, verifyPassword } from "./passwords.ts";
export { BackupError, backupPglite, restorePglite, type TBackupSummary } from "./pglite-backup.ts";
export { DEMO_PASSWORD, type DemoLogin, type SeedResult, seedDemo } from "./seed.ts";
export type { SqlConnection, SqlExecutor, SqlRunner } from "./sql-runner.ts";
export { utcTimestampSql } from "./utc-timestamp.ts";
