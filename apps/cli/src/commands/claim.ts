// `handoff claim <handoffId>`: take a handoff from the queue; when someone was quicker, the server's
// answer names them ("Sam Senior claimed this 12 s ago") and the exit code is 1.
import type { TApiClient } from "../api-client.ts";
import type { Output } from "../output.ts";

export async function claim(client: TApiClient, out: Output, handoffId: string): Promise<void> {
  const card = await client.handoff.claim.mutate({ handoffId });
  if (out.isJson) return out.json(card);
  out.line(`${out.paint("green", "Claimed:")} ${card.problemSummary} (${card.problemDomain})`);
  out.line(`The session is yours: handoff session show ${card.sessionId}`);
}
