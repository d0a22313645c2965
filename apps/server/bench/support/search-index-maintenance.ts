// What the search index costs a change: the triggers rebuild a session's searchText and
// searchVector once per change (a new entry, a branch, an escalation's handoff). Measured as the
// rebuild of real sessions beside the same rows updated without one; the difference is what the
// index maintenance adds. Shared by the search and knowledge benches.
import type { PrismaClient } from "@handoff/db";
import { percentile } from "./stats.ts";

export type TIndexMaintenance = { sessions: number; plainMs: number; rebuiltMs: number; addedMs: number };

export async function measureIndexMaintenance(
  prisma: Pick<PrismaClient, "$executeRaw">,
  sessionIds: string[],
): Promise<TIndexMaintenance> {
  const time = async (update: (id: string) => Promise<number>) => {
    const samples: number[] = [];
    for (const id of sessionIds) {
      const startedAt = performance.now();
      await update(id);
      samples.push(performance.now() - startedAt);
    }
    return percentile(samples, 50);
  };
  const plainMs = await time(
    (id) => prisma.$executeRaw`UPDATE "Session" SET "stepCount" = "stepCount" WHERE "id" = ${id}`,
  );
  const rebuiltMs = await time(
    (id) => prisma.$executeRaw`UPDATE "Session" SET "searchText" = '' WHERE "id" = ${id}`,
  );
  return { sessions: sessionIds.length, plainMs, rebuiltMs, addedMs: rebuiltMs - plainMs };
}

/** One line: `search index maintenance (<what>, p50 over N): an update …, with the rebuild …: +… ms per change`. */
export function describeIndexMaintenance(what: string, figures: TIndexMaintenance): string {
  return `search index maintenance (${what}, p50 over ${figures.sessions}): an update ${figures.plainMs.toFixed(2)} ms, with the rebuild ${figures.rebuiltMs.toFixed(2)} ms: +${figures.addedMs.toFixed(2)} ms per change`;
}
