// What PostgreSQL's autovacuum does, done by the daily retention job where none runs (the embedded
// database). Without it every update would leave its old row version in the table for ever (each
// step added rewrites its session's search vector; each job moves through its states), as would
// every pruned row: scans and index lookups read past them. And session.similar, which finds its
// candidates by the rarest words as the planner's statistics (pg_stats) count them, would rank by
// statistics never gathered.
import type { PrismaClient } from "@handoff/db";

const DAY_MS = 86_400_000;

/** autovacuum: PostgreSQL's own daemon keeps the tables; none: the job vacuums them itself. */
export type TVacuumer = "autovacuum" | "none";

type TTableUpkeep = { table: string; vacuumedAt: Date | null; analysedAt: Date | null };

export async function keepDatabaseTidy(prisma: PrismaClient, vacuumer: TVacuumer, now: Date): Promise<void> {
  const isStale = (at: Date | null) => !at || now.getTime() - at.getTime() >= DAY_MS;
  const tables = await prisma.$queryRaw<TTableUpkeep[]>`
    SELECT "relname" AS "table", greatest("last_vacuum", "last_autovacuum") AS "vacuumedAt",
      greatest("last_analyze", "last_autoanalyze") AS "analysedAt"
    FROM pg_stat_user_tables WHERE "schemaname" = current_schema() ORDER BY "relname"`;
  if (vacuumer === "autovacuum") {
    // autovacuum analyses a table after a share of it changed; the sessions' statistics are
    // refreshed daily besides, so new words count as soon as they matter to session.similar.
    const sessions = tables.find((each) => each.table === "Session");
    if (isStale(sessions?.analysedAt ?? null)) await prisma.$executeRawUnsafe('ANALYZE "Session"');
    return;
  }
  // One statement per table: the embedded database shares the server's thread, which serves
  // requests between them.
  for (const { table, vacuumedAt } of tables) {
    if (isStale(vacuumedAt))
      await prisma.$executeRawUnsafe(`VACUUM ANALYZE "${table.replaceAll('"', '""')}"`);
  }
}
