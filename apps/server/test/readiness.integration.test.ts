// /readyz under load: a replica whose database pool is busy with its own work is busy, not down.
// Behind a proxy that checks /readyz (deploy/Caddyfile), a probe that waited behind that work would
// take every busy replica out of rotation at once, and the proxy would then answer nobody.
import { createTestDatabase, testDatabaseTargets } from "@handoff/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../src/testing/index.ts";

/** node-postgres' default pool size, which the app's pool keeps. */
const POOL_SIZE = 10;
const BUSY_SECONDS = 4;

describe.runIf((await testDatabaseTargets()).includes("postgres"))("/readyz on PostgreSQL", () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let server: TestServer;

  beforeAll(async () => {
    database = await createTestDatabase("postgres");
    server = await startTestServer({ database });
  });
  afterAll(async () => {
    await server?.close();
    await database?.close();
  });

  it("answers ready while every pooled connection is busy, and reconnects after losing its own", async () => {
    // Prisma sends a query once it is awaited: `then` sends these now.
    const busy = Array.from({ length: POOL_SIZE }, () =>
      database.prisma.$queryRaw`SELECT 1 FROM pg_sleep(${BUSY_SECONDS})`.then(() => undefined),
    );
    // Queued behind them (the pool hands out connections in order): none is free until one ends.
    let isPooledQueryDone = false;
    const pooled = database.prisma.$queryRaw`SELECT 1`.then(() => {
      isPooledQueryDone = true;
    });

    // Several proxies probe each replica: probes that overlap share one query on the connection.
    const probes = await Promise.all([1, 2, 3].map(() => fetch(`${server.url}/readyz`)));
    for (const ready of probes) {
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ isReady: true, checks: { database: "ok", bus: "ok" } });
    }
    expect(isPooledQueryDone).toBe(false);
    const [ping, overlapping] = [database.ping(), database.ping()];
    expect(overlapping).toBe(ping);
    await ping;
    await Promise.all([...busy, pooled]);

    // Its own connection ended from outside (a restarted database, a pooler's cut): it reconnects.
    await database.sql.withConnection((connection) =>
      connection.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE datname = current_database() AND pid <> pg_backend_pid() AND query = 'SELECT 1'`,
      ),
    );
    // The probe that finds it gone may fail; the next one opens a new connection.
    const afterCut = await fetch(`${server.url}/readyz`);
    const nextProbe = afterCut.status === 200 ? afterCut : await fetch(`${server.url}/readyz`);
    expect(nextProbe.status).toBe(200);
  });
});
