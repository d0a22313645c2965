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

/** Presence: who is looking at which handoff or session, per replica. Never stored, never in the event log. */
export type TPresenceBusMessage = {
  v: 1;
  kind: "presence";
  accountId: string;
  /** The process that sent it: each one's viewers are its own, and expire with its heartbeat. */
  replica: string;
} & (
  | { op: "join" | "leave"; target: string; viewer: { id: string; name: string } }
  /** A replica's whole list of viewers in the account: its heartbeat, and its answer to "hello". */
  | { op: "state"; ttlMs: number; viewers: Array<{ target: string; viewer: { id: string; name: string } }> }
  /** A replica that just started following the account asks the others for their state. */
  | { op: "hello" }
);

/** Logins just ended (signed out, user deactivated): every replica closes their WebSockets at once. */
export type TLoginsRevokedBusMessage = { v: 1; kind: "logins-revoked"; tokenHashes: string[] };

/** Everything the bus carries: committed events on the account's channel, presence and revoked logins on their own. */
export type TBusMessage = TEscalationBusMessage | TPresenceBusMessage | TLoginsRevokedBusMessage;

export function isPresenceMessage(message: TBusMessage): message is TPresenceBusMessage {
  return "kind" in message && message.kind === "presence";
}

export function isLoginsRevokedMessage(message: TBusMessage): message is TLoginsRevokedBusMessage {
  return "kind" in message && message.kind === "logins-revoked";
}

export function isEscalationEvent(message: TBusMessage): message is TEscalationBusMessage {
  return !("kind" in message);
}
