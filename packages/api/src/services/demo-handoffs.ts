// Puts a few escalations in the embedded demo's queue, through the same service the API uses,
// so a first `pnpm start` shows a live queue. Only ever called right after the demo seed.
import type { ApiDeps } from "../context.ts";
import { createHandoff } from "./handoff-service.ts";

const DEMO_ESCALATIONS = [
  {
    engineerEmail: "alice@acme.test",
    priority: "urgent",
    notes:
      "Autodiscover and the profile rebuild are ruled out; the CEO still cannot open Outlook. Needs someone with Exchange admin.",
  },
  {
    engineerEmail: "bob@acme.test",
    priority: "high",
    notes: "Drops line up with the firewall's DPD timer. I don't have access to change the VPN policy.",
  },
] as const;

export async function seedDemoHandoffs(
  deps: Pick<ApiDeps, "prisma" | "bus" | "notifier" | "logger">,
): Promise<number> {
  let created = 0;
  for (const plan of DEMO_ESCALATIONS) {
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
      { sessionId: session.id, intent: "escalate", priority: plan.priority, notes: plan.notes },
    );
    created += 1;
  }
  return created;
}
