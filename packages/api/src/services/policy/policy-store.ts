// The account's escalation policy: read (defaults when the account never saved one) and replaced
// whole by an admin. Saving re-plans the account's pending policy timers against the new numbers.
import type { EscalationPolicy, Prisma, PrismaClient } from "@handoff/db";
import type { CoreDeps } from "../../core-deps.ts";
import type { TPolicyUpdateInput } from "../../schemas/inputs.ts";
import { DEFAULT_ESCALATION_POLICY, type TEscalationPolicy } from "../../shared/sla.ts";
import { recordAudit, type TAuditSource } from "../audit/record-audit.ts";
import { enqueueJobs } from "../jobs/job-queue.ts";

export function policyFromRow(row: EscalationPolicy | null | undefined): TEscalationPolicy {
  if (!row) return DEFAULT_ESCALATION_POLICY;
  return {
    targets: {
      urgent: row.urgentMinutes,
      high: row.highMinutes,
      normal: row.normalMinutes,
      low: row.lowMinutes,
    },
    repeatEvery: row.repeatEveryMinutes,
    repeatMax: row.repeatMax,
    idleClaimAfter: row.idleClaimAfterMinutes,
    maxLifetime: row.maxLifetimeMinutes,
  };
}

function policyToRow(policy: TEscalationPolicy) {
  return {
    urgentMinutes: policy.targets.urgent,
    highMinutes: policy.targets.high,
    normalMinutes: policy.targets.normal,
    lowMinutes: policy.targets.low,
    repeatEveryMinutes: policy.repeatEvery,
    repeatMax: policy.repeatMax,
    idleClaimAfterMinutes: policy.idleClaimAfter,
    maxLifetimeMinutes: policy.maxLifetime,
  };
}

export async function getPolicy(prisma: PrismaClient, accountId: string): Promise<TEscalationPolicy> {
  return policyFromRow(await prisma.escalationPolicy.findUnique({ where: { accountId } }));
}

/**
 * Replaces the policy (the input was validated whole: nothing is written otherwise). Pending
 * policy timers of the account wake now and re-plan themselves against it, so a shorter target
 * pages on time and a longer one does not page early. They wake once more a little later
 * (POLICY_REWAKE_JOB): an escalation that read the old policy but committed after this had its
 * timer armed by the old numbers, out of reach of the first wake.
 */
export async function updatePolicy(
  deps: Pick<CoreDeps, "prisma" | "jobs" | "clock">,
  accountId: string,
  input: TPolicyUpdateInput,
  source: TAuditSource,
): Promise<TEscalationPolicy> {
  const policy: TEscalationPolicy = { ...input, targets: { ...input.targets } };
  const row = policyToRow(policy);
  await deps.prisma.$transaction(async (tx) => {
    const before = policyFromRow(await tx.escalationPolicy.findUnique({ where: { accountId } }));
    await recordAudit(tx, source, { action: "policy.updated", details: { before, after: policy } });
    await tx.escalationPolicy.upsert({
      where: { accountId },
      create: { accountId, ...row },
      update: row,
    });
    const now = deps.clock.now();
    await wakePolicyTimers(tx, accountId, now);
    await enqueueJobs(tx, [
      {
        accountId,
        kind: POLICY_REWAKE_JOB,
        payload: {},
        dedupeKey: `${POLICY_REWAKE_JOB}/${accountId}/${now.getTime()}`,
        runAt: new Date(now.getTime() + REWAKE_AFTER_MS),
      },
    ]);
  });
  deps.jobs.kick();
  return policy;
}

export const POLICY_TIMER_JOB = "policy.timer";
export const POLICY_REWAKE_JOB = "policy.rewake";

/**
 * Past the longest a transaction may run (createDatabase gives one 10 s): by then every escalation
 * that read the old policy has committed or given up.
 */
const REWAKE_AFTER_MS = 15_000;

/** The account's pending policy timers run now: each re-plans itself against the policy as it is. */
export async function wakePolicyTimers(
  db: Pick<Prisma.TransactionClient, "job">,
  accountId: string,
  now: Date,
): Promise<void> {
  await db.job.updateMany({
    where: { accountId, status: "PENDING", kind: POLICY_TIMER_JOB },
    data: { runAt: now },
  });
}
