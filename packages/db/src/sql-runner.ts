// Raw SQL access for the migrator and test helpers, over PGlite or a pg Pool.
// Never used for application queries: those go through the Prisma client.
import type { PGlite, Transaction as PGliteTransaction } from "@electric-sql/pglite";
import type pg from "pg";

export type SqlExecutor = {
  query<Row extends Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
  /** Runs a script of one or more statements, without parameters. */
  exec(script: string): Promise<void>;
};

export type SqlConnection = SqlExecutor & {
  /** Runs fn in BEGIN … COMMIT on this connection; rolls back if fn throws. */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
};

export type SqlRunner = {
  /**
   * Runs fn on one dedicated connection, so session-level state (advisory locks) holds
   * across its calls. Calls on one runner never share a connection at the same time.
   */
  withConnection<T>(fn: (connection: SqlConnection) => Promise<T>): Promise<T>;
};

export function pgliteSqlRunner(pglite: PGlite): SqlRunner {
  const asExecutor = (target: PGlite | PGliteTransaction): SqlExecutor => ({
    query: async <Row extends Record<string, unknown>>(sql: string, params?: unknown[]) =>
      (await target.query<Row>(sql, params)).rows,
    exec: async (script) => {
      await target.exec(script);
    },
  });
  const connection: SqlConnection = {
    ...asExecutor(pglite),
    transaction: (fn) => pglite.transaction((tx) => fn(asExecutor(tx))),
  };
  // PGlite is a single backend: a session-level advisory lock taken twice by it is simply
  // re-entered, so callers are queued here instead, as if each had its own connection.
  let queue: Promise<unknown> = Promise.resolve();
  return {
    withConnection: (fn) => {
      const run = queue.then(() => fn(connection));
      queue = run.catch(() => undefined);
      return run;
    },
  };
}

export function pgPoolSqlRunner(pool: pg.Pool): SqlRunner {
  return {
    withConnection: async (fn) => {
      const client = await pool.connect();
      const executor: SqlExecutor = {
        query: async <Row extends Record<string, unknown>>(sql: string, params?: unknown[]) =>
          (await client.query<Row>(sql, params)).rows,
        exec: async (script) => {
          await client.query(script);
        },
      };
      const connection: SqlConnection = {
        ...executor,
        transaction: async (fn) => {
          await client.query("BEGIN");
          try {
            const result = await fn(executor);
            await client.query("COMMIT");
            return result;
          } catch (error) {
            // If ROLLBACK fails too, the connection is dropped below; the original error matters.
            await client.query("ROLLBACK").catch(() => undefined);
            throw error;
          }
        },
      };
      let isBroken = false;
      try {
        return await fn(connection);
      } catch (error) {
        isBroken = true;
        throw error;
      } finally {
        // A connection that failed mid-way may still hold locks or an open transaction: drop it.
        client.release(isBroken);
      }
    },
  };
}
