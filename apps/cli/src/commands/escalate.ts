// `handoff escalate <sessionId> --priority high --notes "…"`: put a session in the queue.
import type { THandoffPriority } from "@handoff/api/client-contract";
import type { TApiClient } from "../api-client.ts";
import { cardLine } from "../card-lines.ts";
import type { Output } from "../output.ts";

export async function escalate(
  client: TApiClient,
  out: Output,
  input: { sessionId: string; priority: THandoffPriority; notes: string | undefined },
): Promise<void> {
  const card = await client.handoff.escalate.mutate(input);
  if (out.isJson) return out.json(card);
  out.line(`${out.paint("green", "Escalated:")} ${cardLine(out, card, Date.now())}`);
}
