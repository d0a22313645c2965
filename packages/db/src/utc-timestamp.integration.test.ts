// A raw statement's timestamp lands in a `timestamp(3)` column as the UTC time Prisma writes and
// reads, whatever the database session's time zone.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "./create-database.ts";
import { Prisma } from "./generated/prisma/client.ts";
import { createTestDatabase, testDatabaseTargets } from "./testing/index.ts";
import { utcTimestampSql } from "./utc-timestamp.ts";

const AT = new Date("2026-07-01T12:34:56.789Z");

describe.each(await testDatabaseTargets())("utcTimestampSql on %s", (target) => {
  let database: Database;
  beforeAll(async () => {
    database = await createTestDatabase(target);
  });
  afterAll(async () => {
    await database?.close();
  });

  /** Reads `value` as a timestamp(3) column, in a session whose time zone is New York's. */
  async function asColumnInNewYork(value: Prisma.Sql): Promise<Date> {
    return database.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SET LOCAL TIME ZONE 'America/New_York'`;
      const [row] = await tx.$queryRaw<{ at: Date }[]>`SELECT (${value})::timestamp(3) AS "at"`;
      return (row as { at: Date }).at;
    });
  }

  it("is the same instant, not the session's wall-clock time", async () => {
    expect(await asColumnInNewYork(utcTimestampSql(AT))).toEqual(AT);
    // What the helper guards against: the plain cast takes the session's zone (four hours off in July).
    const plainCast = await asColumnInNewYork(Prisma.sql`${AT.toISOString()}::timestamptz`);
    expect(plainCast.getTime() - AT.getTime()).toBe(-4 * 60 * 60 * 1_000);
  });

  it("keeps NULL", async () => {
    const [row] = await database.prisma.$queryRaw<
      { at: Date | null }[]
    >`SELECT ${utcTimestampSql(null)} AS "at"`;
    expect(row?.at).toBeNull();
  });
});
