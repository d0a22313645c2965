// What travels on the escalation bus: one committed EscalationEvent, JSON-safe.
import type {
  THandoffCard,
  THandoffEventType,
  TSessionEventType,
  TSessionSummary,
} from "../schemas/outputs.ts";

/** An event's type and what it carries: a queue card, or a sessions-list row. */
export type TEventBody =
  | { type: THandoffEventType; handoff: THandoffCard }
  | { type: TSessionEventType; session: TSessionSummary };

/** Where an event sits in its account's log. */
export type TEventEnvelope = {
  /** Payload version (domain/payload-contracts.ts); absent on messages from before versions. */
  v?: 1;
  accountId: string;
  epoch: string;
  seq: number;
  at: string;
};

export type TEscalationBusMessage = TEventEnvelope & TEventBody;
