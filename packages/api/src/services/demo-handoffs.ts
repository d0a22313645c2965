// Puts an escalation and a parked session in the embedded demo's queue, through the same service the API uses,
// so a first `pnpm start` shows a live queue. Only ever called right after the demo seed.
import type { ApiDeps } from "../context.ts";
import { createHandoff } from "./handoff-service.ts";

// Alice's Outlook session stays active, so the demo can escalate it live from the web app.
const DEMO_HANDOFFS = [
  {
    engineerEmail: "bob@acme.test",
    intent: "escalate",
    priority: "high",
    notes: "Drops line up with the firewall's DPD timer. I don't have access to change the VPN policy.",
  },
  {
    engineerEmail: "sam@acme.test",
    intent: "park",
    priority: "normal",
    notes: "Waiting on the branch office's ISP to open TCP 135 again; anyone can pick this up after 2 pm.",
  },
] as const;

export async function seedDemoHandoffs(
  deps: Pick<ApiDeps, "prisma" | "bus" | "jobs" | "logger">,
): Promise<number> {
  let created = 0;
  for (const plan of DEMO_HANDOFFS) {
    const engineer = await deps.prisma.user.findUnique({ where: { email: plan.engineerEmail } });
    const session = engineer
      ? await deps.prisma.session.findFirst({
          where: { ownerId: engineer.id, status: "ACTIVE" },
          orderBy: { createdAt: "asc" },
        })
      : null;
    if (!engineer || !session) continue;
    await createHandoff(
      deps,
      { id: engineer.id, accountId: engineer.accountId, role: "engineer" },
      { sessionId: session.id, intent: plan.intent, priority: plan.priority, notes: plan.notes },
    );
    created += 1;
  }
  return created;
}
