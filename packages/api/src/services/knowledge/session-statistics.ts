// The planner's statistics of the sessions (pg_stats), which session.similar reads to find its
// candidates by their rarest words. PostgreSQL's autovacuum keeps them fresh; the embedded database
// runs no autovacuum, so the daily retention job refreshes them when they are a day old or missing.
import type { PrismaClient } from "@handoff/db";

const DAY_MS = 86_400_000;

export async function refreshSessionStatistics(prisma: PrismaClient, now: Date): Promise<void> {
  const [table] = await prisma.$queryRaw<{ analysedAt: Date | null }[]>`
    SELECT greatest("last_analyze", "last_autoanalyze") AS "analysedAt"
    FROM pg_stat_user_tables WHERE "relid" = '"Session"'::regclass`;
  const analysedAt = table?.analysedAt ?? null;
  if (analysedAt && now.getTime() - analysedAt.getTime() < DAY_MS) return;
  await prisma.$executeRawUnsafe('ANALYZE "Session"');
}
