// Hands off demo sessions through the same services the API uses, right after the demo seed, so a
// first `pnpm start` shows a live queue (Bob's escalation, Sam's parked session) and a session a
// senior has already claimed and is working. Alice's Outlook session stays free to escalate live.
import type { CoreDeps } from "../../core-deps.ts";
import type { THandoffIntent, THandoffPriority } from "../../schemas/enums.ts";
import { addSessionEntry } from "../sessions/session-workspace.ts";
import { claimHandoff, createHandoff } from "./handoff-service.ts";

type TDemoHandoff = {
  engineerEmail: string;
  problemSummary: string;
  intent: THandoffIntent;
  priority: THandoffPriority;
  notes: string;
  /** A senior who claims it and adds a step. */
  claimedBy?: { email: string; step: string };
};

const DEMO_HANDOFFS: TDemoHandoff[] = [
  {
    engineerEmail: "bob@acme.test",
    problemSummary: "VPN drops every 10 minutes for remote staff",
    intent: "escalate",
    priority: "high",
    notes: "Drops line up with the firewall's DPD timer. I don't have access to change the VPN policy.",
  },
  {
    engineerEmail: "sam@acme.test",
    problemSummary: "Domain controller replication errors between HQ and the branch office",
    intent: "park",
    priority: "normal",
    notes: "Waiting on the branch office's ISP to open TCP 135 again; anyone can pick this up after 2 pm.",
  },
  {
    engineerEmail: "bob@acme.test",
    problemSummary: "Shared mailbox missing for the new hire at Northwind",
    intent: "escalate",
    priority: "normal",
    notes: "Re-granting didn't help; she starts Monday and needs accounts@ by then.",
    claimedBy: {
      email: "sara@acme.test",
      step: "Hidden from the GAL, so Outlook can't map it: set HiddenFromAddressListsEnabled to $false.",
    },
  },
];

export async function seedDemoHandoffs(
  deps: Pick<CoreDeps, "prisma" | "bus" | "jobs" | "logger" | "assistant" | "clock">,
): Promise<number> {
  let created = 0;
  for (const plan of DEMO_HANDOFFS) {
    const engineer = await deps.prisma.user.findUnique({ where: { email: plan.engineerEmail } });
    const session = engineer
      ? await deps.prisma.session.findFirst({
          where: { ownerId: engineer.id, problemSummary: plan.problemSummary, status: "ACTIVE" },
        })
      : null;
    if (!engineer || !session) continue;
    const card = await createHandoff(
      deps,
      { id: engineer.id, name: engineer.name, accountId: engineer.accountId, role: "engineer" },
      { sessionId: session.id, intent: plan.intent, priority: plan.priority, notes: plan.notes },
    );
    created += 1;
    const senior = plan.claimedBy
      ? await deps.prisma.user.findUnique({ where: { email: plan.claimedBy.email } })
      : null;
    if (!plan.claimedBy || !senior) continue;
    const seniorRef = {
      id: senior.id,
      name: senior.name,
      accountId: senior.accountId,
      role: "engineer",
    } as const;
    await claimHandoff(deps, seniorRef, card.id);
    await addSessionEntry(deps, seniorRef, {
      sessionId: session.id,
      kind: "step",
      body: plan.claimedBy.step,
    });
  }
  return created;
}
