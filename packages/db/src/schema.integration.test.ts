// The migrations in prisma/migrations build exactly the schema in schema.prisma, checked with
// Prisma's own differ, plus the partial index enforcing one open handoff per session.
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "./create-database.ts";
import { catalogSnapshot } from "./dev/catalog-snapshot.ts";
import { diffDatabaseToSchema } from "./dev/schema-diff.ts";
import { defaultMigrationsDir, readMigrations } from "./migrator.ts";
import { createTestAccount, createTestDatabase, testDatabaseTargets } from "./testing/index.ts";

const targets = await testDatabaseTargets();

describe("schema drift", () => {
  let reference: Database;
  let migrationsDir: string;
  beforeAll(async () => {
    reference = await createTestDatabase("pglite");
    migrationsDir = await mkdtemp(join(tmpdir(), "handoff-migrations-"));
    await cp(defaultMigrationsDir, migrationsDir, { recursive: true });
  });
  afterAll(async () => {
    await reference?.close();
    await rm(migrationsDir, { recursive: true, force: true });
  });

  it("the migrated database matches schema.prisma (models, fields, types, nullability, uniques, indexes)", async () => {
    expect(await diffDatabaseToSchema(reference)).toBeNull();
  });

  // @prisma/adapter-pg 7.10 cannot read the "char" columns of pg_catalog that the schema engine
  // queries, so PostgreSQL is compared with the PGlite database the differ has just checked.
  it.runIf(targets.includes("postgres"))("PostgreSQL migrates to the same catalog as PGlite", async () => {
    const postgres = await createTestDatabase("postgres");
    try {
      const [expected, actual] = await Promise.all([
        catalogSnapshot(reference.sql),
        catalogSnapshot(postgres.sql),
      ]);
      expect(actual.columns.length).toBeGreaterThan(50);
      expect(actual).toEqual(expected);
    } finally {
      await postgres.close();
    }
  });

  it("reports a column missing from the migration SQL", async () => {
    const [first] = await readMigrations(migrationsDir);
    if (!first) throw new Error("no migrations to edit");
    const sql = await readFile(first.path, "utf8");
    const withoutColumn = sql.replace(/^\s*"deletedAt" TIMESTAMP\(3\),\n/m, "");
    expect(withoutColumn).not.toBe(sql);
    await writeFile(first.path, withoutColumn);

    const drifted = await createTestDatabase("pglite", { migrationsDir });
    try {
      expect(await diffDatabaseToSchema(drifted)).toContain(
        `ALTER TABLE "User" ADD COLUMN     "deletedAt" TIMESTAMP(3);`,
      );
    } finally {
      await drifted.close();
    }
  });
});

describe.each(targets)("one open handoff per session on %s", (target) => {
  let database: Database;
  beforeAll(async () => {
    database = await createTestDatabase(target);
  });
  afterAll(() => database?.close());

  it("has the partial unique index, which Prisma's differ cannot see", async () => {
    const rows = await database.sql.withConnection((sql) =>
      sql.query<{ indexdef: string }>(
        `SELECT indexdef FROM pg_indexes WHERE tablename = 'Handoff' AND indexname = 'Handoff_sessionId_open_key'`,
      ),
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]?.indexdef).toMatch(
      /^CREATE UNIQUE INDEX .* \("sessionId"\) WHERE \(\("claimedAt" IS NULL\) AND \("cancelledAt" IS NULL\)\)$/,
    );
  });

  it("refuses a second open handoff until the first is claimed", async () => {
    const { account, session, engineer, senior } = await createTestAccount(database.prisma);
    const openHandoff = () =>
      database.prisma.handoff.create({
        data: {
          accountId: account.id,
          sessionId: session.id,
          intent: "ESCALATE",
          snapshot: {},
          handedOffById: engineer.id,
        },
      });
    const first = await openHandoff();
    await expect(openHandoff()).rejects.toThrow(/Unique constraint/);
    await database.prisma.handoff.update({
      where: { id: first.id },
      data: { claimedById: senior.id, claimedAt: new Date() },
    });
    await expect(openHandoff()).resolves.toMatchObject({ sessionId: session.id });
  });
});
