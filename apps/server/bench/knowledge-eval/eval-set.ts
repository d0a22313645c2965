// The shape of a knowledge evaluation set (eval-set.json, or a held-out set of the same shape) and
// its loading. `resolved` are the account's history; `queries` are open sessions whose true matches
// are known: the resolved tickets with the same `cause` (none for a problem never seen before).
import { readFile } from "node:fs/promises";
import { z } from "zod";

const ZLine = z.object({ label: z.string().min(1), outcome: z.string().min(1) });

const ZTicket = z.object({
  /** Unique within the set. */
  key: z.string().min(1),
  /** The root cause: tickets sharing it are true duplicates. */
  cause: z.string().min(1),
  /** The near-miss family: tickets of one family share the symptom, not necessarily the cause. */
  family: z.string().min(1),
  domain: z.string().min(1),
  summary: z.string().min(1),
  psaTicketId: z.string().min(1).optional(),
  notes: z.array(z.string().min(1)),
  steps: z.array(z.string().min(1)),
  /** Branches ruled out. */
  deadEnds: z.array(ZLine),
});

const ZResolvedTicket = ZTicket.extend({
  /** The branch marked resolved: what fixed it. */
  fix: ZLine,
  resolution: z.string().min(1),
  resolvedDaysAgo: z.number().int().min(0).max(3650),
});

export const ZEvalSet = z
  .object({
    description: z.string(),
    resolved: z.array(ZResolvedTicket).min(1),
    queries: z.array(ZTicket).min(1),
  })
  .superRefine((set, context) => {
    const keys = new Set<string>();
    for (const ticket of [...set.resolved, ...set.queries]) {
      if (keys.has(ticket.key)) context.addIssue({ code: "custom", message: `duplicate key ${ticket.key}` });
      keys.add(ticket.key);
    }
  });

export type TEvalTicket = z.infer<typeof ZTicket>;
export type TResolvedEvalTicket = z.infer<typeof ZResolvedTicket>;
export type TEvalSet = z.infer<typeof ZEvalSet>;

export const DEFAULT_EVAL_SET = new URL("./eval-set.json", import.meta.url);

/** Reads and checks a set; a malformed file fails with the path and what is wrong. */
export async function readEvalSet(path: string | URL): Promise<TEvalSet> {
  const parsed = ZEvalSet.safeParse(JSON.parse(await readFile(path, "utf8")));
  if (!parsed.success)
    throw new Error(`${String(path)} is not a knowledge evaluation set: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** The keys of each query's true matches: the resolved tickets with its cause. */
export function trueMatches(set: TEvalSet): Map<string, Set<string>> {
  const byCause = new Map<string, string[]>();
  for (const ticket of set.resolved)
    byCause.set(ticket.cause, [...(byCause.get(ticket.cause) ?? []), ticket.key]);
  return new Map(set.queries.map((query) => [query.key, new Set(byCause.get(query.cause) ?? [])]));
}
