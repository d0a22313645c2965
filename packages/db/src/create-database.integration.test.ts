// The factory itself: bad options get a clear error, PGlite persists in the data dir it creates, and
// PostgreSQL's pool keeps to its size.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { createDatabase } from "./create-database.ts";
import { migrate } from "./migrator.ts";
import { createTestDatabase, testDatabaseTargets } from "./testing/index.ts";

const targets = await testDatabaseTargets();

describe("createDatabase", () => {
  const parent = mkdtemp(join(tmpdir(), "handoff-create-db-"));
  afterAll(async () => rm(await parent, { recursive: true, force: true }));

  it("refuses options that name no database, or a URL that is not PostgreSQL", async () => {
    await expect(createDatabase({})).rejects.toThrow(/needs a databaseUrl \(PostgreSQL\) or a dataDir/);
    await expect(createDatabase({ databaseUrl: "mysql://root:secret@db/app" })).rejects.toThrow(
      'must start with postgres:// or postgresql:// (got "mysql://***@db/app")',
    );
  });

  // The one test that runs PGlite's initdb (the test helpers copy an initialised data dir):
  // seconds of CPU, far longer on a busy machine.
  it("creates the PGlite data dir and keeps data across restarts", { timeout: 90_000 }, async () => {
    const dataDir = join(await parent, "nested", "data");
    const first = await createDatabase({ dataDir });
    try {
      expect(first.kind).toBe("pglite");
      await migrate(first);
      await first.prisma.account.create({ data: { name: "Persisted MSP" } });
    } finally {
      await first.close();
    }
    const second = await createDatabase({ dataDir });
    try {
      expect(await migrate(second)).toEqual({ applied: [] });
      expect(await second.prisma.account.findMany({ select: { name: true } })).toEqual([
        { name: "Persisted MSP" },
      ]);
    } finally {
      await second.close();
    }
  });

  it.runIf(targets.includes("postgres"))("connects to PostgreSQL by URL", async () => {
    const reference = await createTestDatabase("postgres");
    try {
      const database = await createDatabase({ databaseUrl: reference.databaseUrl });
      try {
        expect(database.kind).toBe("postgres");
        await database.prisma.account.create({ data: { name: "Pg MSP" } });
        expect(await reference.prisma.account.count({ where: { name: "Pg MSP" } })).toBe(1);
      } finally {
        await database.close();
      }
    } finally {
      await reference.close();
    }
  });

  it.runIf(targets.includes("postgres"))(
    "opens at most poolSize connections, and says what waits for one",
    async () => {
      const reference = await createTestDatabase("postgres");
      const database = await createDatabase({ databaseUrl: reference.databaseUrl, poolSize: 2 });
      try {
        expect(database.poolStats()).toEqual({ open: 0, idle: 0, waiting: 0, max: 2 });
        // $queryRaw is lazy: `.then` sends it.
        const sleeping = [1, 2, 3].map(() =>
          database.prisma.$queryRaw`SELECT 1 FROM pg_sleep(0.5)`.then(() => undefined),
        );
        await vi.waitFor(() => expect(database.poolStats()).toMatchObject({ open: 2, idle: 0, waiting: 1 }));
        await Promise.all(sleeping);
        expect(database.poolStats()).toEqual({ open: 2, idle: 2, waiting: 0, max: 2 });
      } finally {
        await database.close();
        await reference.close();
      }
    },
  );

  it.runIf(targets.includes("postgres"))(
    "prepares a statement run again on its connection, unless told not to (a pooler that cannot carry it)",
    async () => {
      const reference = await createTestDatabase("postgres");
      const preparedAfterRepeats = async (usePreparedStatements: boolean) => {
        const database = await createDatabase({ databaseUrl: reference.databaseUrl, usePreparedStatements });
        try {
          // One after another, so the pool lends the same connection each time.
          for (let run = 0; run < 3; run += 1) await database.prisma.account.count();
          const rows = await database.prisma.$queryRaw<{ statement: string }[]>`
            SELECT "statement" FROM pg_prepared_statements WHERE "name" LIKE 'handoff\_%'`;
          return rows.map((row) => row.statement);
        } finally {
          await database.close();
        }
      };
      try {
        expect(await preparedAfterRepeats(true)).toEqual([expect.stringMatching(/SELECT COUNT\(\*\)/i)]);
        expect(await preparedAfterRepeats(false)).toEqual([]);
      } finally {
        await reference.close();
      }
    },
  );
});
