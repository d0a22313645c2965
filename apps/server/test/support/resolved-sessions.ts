// Builds a resolved session through the API the way an engineer works one: summary, steps,
// lines of enquiry ruled out, the line that fixed it, and the resolution note.
import type { TestClient } from "../../src/testing/index.ts";

export type TResolvedSessionSpec = {
  summary: string;
  domain: string;
  steps?: string[];
  deadEnds?: Array<{ label: string; outcome: string }>;
  fix?: { label: string; outcome: string };
  resolution: string;
  psaTicketId?: string;
};

export async function createResolvedSession(client: TestClient, spec: TResolvedSessionSpec): Promise<string> {
  const { id } = await client.session.create({
    problemSummary: spec.summary,
    problemDomain: spec.domain,
    ...(spec.psaTicketId ? { psaTicketId: spec.psaTicketId } : {}),
  });
  for (const body of spec.steps ?? []) await client.session.addEntry({ sessionId: id, kind: "step", body });
  for (const deadEnd of spec.deadEnds ?? []) {
    const branch = await client.session.openBranch({ sessionId: id, label: deadEnd.label });
    await client.session.setBranch({
      sessionId: id,
      branchId: branch.id,
      status: "dead_end",
      outcome: deadEnd.outcome,
    });
  }
  if (spec.fix) {
    const branch = await client.session.openBranch({ sessionId: id, label: spec.fix.label });
    await client.session.setBranch({
      sessionId: id,
      branchId: branch.id,
      status: "resolved",
      outcome: spec.fix.outcome,
    });
  }
  await client.session.resolve({ sessionId: id, resolution: spec.resolution });
  return id;
}
