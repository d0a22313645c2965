// `handoff session show <sessionId>`: what the session is, who holds it, its branches and latest entries.
import type { TBranchNode, TSessionDetail } from "@handoff/api/client-contract";
import type { TApiClient } from "../api-client.ts";
import type { Output } from "../output.ts";

/** Entries shown without --json; the rest are a `--json` away. */
const LATEST_ENTRIES = 10;

export async function showSession(client: TApiClient, out: Output, sessionId: string): Promise<void> {
  const session = await client.session.byId.query({ sessionId });
  if (out.isJson) return out.json(session);
  printSession(out, session);
}

function printSession(out: Output, session: TSessionDetail) {
  out.line(out.paint("bold", session.problemSummary));
  out.line(
    `${session.problemDomain} · ${session.status} · ${session.stepCount} steps · confidence ${session.confidenceTier}`,
  );
  out.line(
    `Owner ${session.owner.name}; held by ${session.holder.name}${session.team ? ` (${session.team.name})` : ""}`,
  );
  if (session.psaTicketId)
    out.line(`Ticket ${session.psaTicketId}${session.psaTicketUrl ? ` ${session.psaTicketUrl}` : ""}`);
  if (session.openHandoff)
    out.line(
      `In the queue: ${session.openHandoff.intent}, ${session.openHandoff.priority} (${session.openHandoff.id})`,
    );
  if (session.claimedHandoff) out.line(`Claimed by ${session.claimedHandoff.claimedBy.name}`);
  if (session.resolution) out.line(`Resolved: ${session.resolution}`);
  if (session.branches.length > 0) {
    out.line(out.paint("bold", "Branches"));
    const depthOf = branchDepths(session.branches);
    for (const branch of session.branches) {
      const marker = branch.id === session.activeBranchId ? out.paint("green", "▶") : " ";
      const status = branch.status === "open" ? "" : ` [${branch.status.replace("_", " ")}]`;
      const outcome = branch.outcome ? `: ${branch.outcome}` : "";
      out.line(`${"  ".repeat(depthOf(branch))}${marker} ${branch.label}${status}${outcome}`);
    }
  }
  const latest = session.messages.slice(-LATEST_ENTRIES);
  if (latest.length > 0) {
    out.line(out.paint("bold", `Latest entries (${latest.length} of ${session.messages.length})`));
    for (const entry of latest)
      out.line(
        `  ${out.paint("dim", entry.createdAt)} ${entry.author?.name ?? entry.authorKind}: ${entry.body}`,
      );
  }
}

/** How deep each branch sits (1 for a root): branches arrive flat, each naming its parent. */
function branchDepths(branches: TBranchNode[]): (branch: TBranchNode) => number {
  const byId = new Map(branches.map((branch) => [branch.id, branch]));
  const depthOf = (branch: TBranchNode): number => {
    const parent = branch.parentId ? byId.get(branch.parentId) : undefined;
    return parent ? depthOf(parent) + 1 : 1;
  };
  return depthOf;
}
