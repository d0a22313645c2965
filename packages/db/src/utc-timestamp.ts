import { Prisma } from "./generated/prisma/client.ts";

/**
 * A point in time as the schema's `timestamp(3)` columns hold it (UTC wall-clock time, no zone),
 * for raw statements: the same value Prisma's own writes store, whatever the database session's
 * time zone. `null` stays NULL.
 */
export function utcTimestampSql(at: Date | null): Prisma.Sql {
  return Prisma.sql`${at?.toISOString() ?? null}::timestamptz AT TIME ZONE 'UTC'`;
}
