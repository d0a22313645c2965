// What travels on the escalation bus: one committed EscalationEvent, JSON-safe.
import type { TEscalationEventType, THandoffCard } from "../schemas/outputs.ts";

export type TEscalationBusMessage = {
  /** Payload version (domain/payload-contracts.ts); absent on messages from before versions. */
  v?: 1;
  accountId: string;
  epoch: string;
  seq: number;
  type: TEscalationEventType;
  at: string;
  handoff: THandoffCard;
};
