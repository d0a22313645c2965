// The database factory: the generated Prisma client over embedded PGlite (a data dir) or
// PostgreSQL (a URL). It takes options only; the running app owns config and lifetime.
import { mkdir } from "node:fs/promises";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import type { PrismaPg } from "@prisma/adapter-pg";
import type pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { PrismaClient } from "./generated/prisma/client.ts";
import { pgliteSqlRunner, pgPoolSqlRunner, type SqlRunner } from "./sql-runner.ts";
import { createStatementNamer } from "./statement-names.ts";

export type DatabaseKind = "pglite" | "postgres";

export type Database = {
  prisma: PrismaClient;
  kind: DatabaseKind;
  /** The driver adapter factory the client runs on; Prisma's schema engine takes it too. */
  adapter: PrismaPg | PrismaPGlite;
  /** Raw SQL on the same database, for the migrator and test helpers. */
  sql: SqlRunner;
  /**
   * Resolves once the database answers a trivial query, for readiness probes. On PostgreSQL it
   * asks over a connection of its own: through the pool it would wait behind the app's own work,
   * and a proxy would take a replica that is only busy for one that is down (and, with every
   * replica busy at once, stop sending anyone anything).
   */
  ping(): Promise<void>;
  /** PostgreSQL: the app's connection pool right now, for /metrics; null on PGlite (one connection, in-process). */
  poolStats(): TPoolStats | null;
  close(): Promise<void>;
};

export type TPoolStats = {
  /** Connections open, and of those idle. */
  open: number;
  idle: number;
  /** Queries and transactions waiting for a connection: sustained, the pool is too small or the database too slow. */
  waiting: number;
  /** The most connections the pool opens (DATABASE_POOL_SIZE). */
  max: number;
};

/** node-postgres' default, and what a replica opens at most unless told otherwise. */
export const DEFAULT_POOL_SIZE = 10;

export type CreateDatabaseOptions = {
  /** `postgres://…` or `postgresql://…`; when set, dataDir is ignored. */
  databaseUrl?: string;
  /** PGlite data directory, created if missing; `memory://` keeps it in memory only. */
  dataDir?: string;
  /**
   * Hears how long each SQL statement took (Prisma's query event, in ms): for the server's
   * /metrics. Omitted: Prisma builds no query events at all.
   */
  onQuery?: (durationMs: number) => void;
  /**
   * PostgreSQL: prepare the most-run statements on each connection (default). Off for a pooler that
   * cannot carry named prepared statements across the clients it hands a connection to.
   */
  usePreparedStatements?: boolean;
  /** PostgreSQL: the most connections the app's pool opens (default DEFAULT_POOL_SIZE). */
  poolSize?: number;
};

const IN_MEMORY = "memory://";

/**
 * Interactive transactions: how long one may wait for a connection, and how long it may run.
 * Prisma's defaults (2 s / 5 s) are too tight for a busy process, where each statement of an
 * interactive transaction also waits for its turn on the event loop; longer ones would let a
 * stuck transaction hold its row locks (the account's event seq) for longer than a caller waits.
 */
const TRANSACTION_OPTIONS = { maxWait: 5_000, timeout: 10_000 } as const;

/**
 * Statements prepared on every PostgreSQL connection, at most (the app runs a few hundred distinct
 * ones, the hot ones many times a second), and texts counted to find them.
 */
const PREPARED_STATEMENTS = { maxNamed: 300, maxCounted: 2_000 } as const;

export async function createDatabase(options: CreateDatabaseOptions): Promise<Database> {
  if (options.databaseUrl) {
    return connectPostgres(options.databaseUrl, {
      onQuery: options.onQuery,
      usePreparedStatements: options.usePreparedStatements ?? true,
      poolSize: options.poolSize ?? DEFAULT_POOL_SIZE,
    });
  }
  if (!options.dataDir) {
    throw new Error("createDatabase needs a databaseUrl (PostgreSQL) or a dataDir (embedded PGlite).");
  }
  return openPglite(options.dataDir, options.onQuery);
}

function createClient(
  adapter: PrismaPg | PrismaPGlite,
  onQuery?: (durationMs: number) => void,
): PrismaClient {
  // "minimal": Prisma's other formats capture a stack for every query (to quote the calling line in
  // an error's message), whatever NODE_ENV says; the server logs an error's own stack anyway.
  const options = { adapter, transactionOptions: TRANSACTION_OPTIONS, errorFormat: "minimal" } as const;
  if (!onQuery) return new PrismaClient(options);
  const prisma = new PrismaClient({ ...options, log: [{ emit: "event", level: "query" }] });
  prisma.$on("query", (event) => onQuery(event.duration));
  return prisma;
}

async function connectPostgres(
  databaseUrl: string,
  options: {
    onQuery: ((durationMs: number) => void) | undefined;
    usePreparedStatements: boolean;
    poolSize: number;
  },
): Promise<Database> {
  if (!/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new Error(
      `The database URL must start with postgres:// or postgresql:// (got "${redactUrl(databaseUrl)}").`,
    );
  }
  // Loaded only for PostgreSQL: the embedded default starts without them (about 0.1 s).
  const [{ PrismaPg }, { default: pg }] = await Promise.all([import("@prisma/adapter-pg"), import("pg")]);
  const pool = new pg.Pool({ connectionString: databaseUrl, max: options.poolSize });
  // An idle client losing its server must not crash the process; the next query reports it.
  pool.on("error", () => undefined);
  const adapter = new PrismaPg(
    pool,
    options.usePreparedStatements
      ? { statementNameGenerator: createStatementNamer(PREPARED_STATEMENTS) }
      : {},
  );
  const prisma = createClient(adapter, options.onQuery);
  const probe = ownConnectionProbe(
    () => new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: PROBE_TIMEOUT_MS }),
  );
  return {
    prisma,
    kind: "postgres",
    adapter,
    sql: pgPoolSqlRunner(pool),
    ping: probe.ping,
    poolStats: () => ({
      open: pool.totalCount,
      idle: pool.idleCount,
      waiting: pool.waitingCount,
      max: options.poolSize,
    }),
    close: async () => {
      await prisma.$disconnect();
      await Promise.all([pool.end(), probe.close()]);
    },
  };
}

/** How long a readiness probe's connection may take to connect or to answer before it is replaced. */
const PROBE_TIMEOUT_MS = 5_000;

/**
 * `SELECT 1` on one connection kept for it, opened on first use and again after a failure. Probes
 * that come while one is in flight (several proxies check every replica) share its answer.
 */
function ownConnectionProbe(newClient: () => pg.Client): { ping(): Promise<void>; close(): Promise<void> } {
  let connection: Promise<pg.Client> | null = null;
  const connect = async () => {
    const client = newClient();
    // A connection lost while idle must not crash the process; the next ping reports it.
    client.on("error", () => undefined);
    await client.connect();
    return client;
  };
  const drop = (dropped: Promise<pg.Client>) => {
    if (connection === dropped) connection = null;
    void dropped.then((client) => client.end()).catch(() => undefined);
  };
  const askOnce = async () => {
    connection ??= connect();
    const current = connection;
    // A connection that went silent (a dead network path) would hold every later probe: cut it.
    const cutIfSilent = setTimeout(() => drop(current), PROBE_TIMEOUT_MS);
    try {
      await (await current).query("SELECT 1");
    } catch (error) {
      drop(current);
      throw error;
    } finally {
      clearTimeout(cutIfSilent);
    }
  };
  let inFlight: Promise<void> | null = null;
  return {
    ping() {
      inFlight ??= askOnce().finally(() => {
        inFlight = null;
      });
      return inFlight;
    },
    async close() {
      const current = connection;
      connection = null;
      await current?.then((client) => client.end()).catch(() => undefined);
    },
  };
}

async function openPglite(dataDir: string, onQuery?: (durationMs: number) => void): Promise<Database> {
  if (dataDir !== IN_MEMORY) await mkdir(dataDir, { recursive: true });
  // pg_trgm backs session search (a trigram index); PGlite loads extensions at start.
  const pglite = await PGlite.create(dataDir, { extensions: { pg_trgm } });
  const adapter = new PrismaPGlite(pglite);
  const prisma = createClient(adapter, onQuery);
  return {
    prisma,
    kind: "pglite",
    adapter,
    sql: pgliteSqlRunner(pglite),
    // In this process: nothing to wait behind but the event loop.
    ping: async () => {
      await pglite.query("SELECT 1");
    },
    poolStats: () => null,
    close: async () => {
      await prisma.$disconnect();
      await pglite.close();
    },
  };
}

function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, "//***@");
}
