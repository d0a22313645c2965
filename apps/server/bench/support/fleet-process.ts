// A child process holding some accounts' subscribers (see fleet-processes.ts): a process may hold
// only as many sockets as `ulimit -n` allows, so a bench of more spreads them over several. Its
// receipts go to the parent in batches; it answers for its fleets' audit and first escalation.
import { SubscriberFleet, type TReceipt } from "./subscriber-fleet.ts";

export type TFleetSpec = { url: string; headers: Record<string, string> };
export type TFleetRequest =
  | {
      id: number;
      op: "connect";
      fleets: TFleetSpec[];
      perFleet: number;
      isTrpc: boolean;
      concurrency: number;
    }
  | { id: number; op: "audit" };
export type TFleetReply =
  | { receipts: [string, number][] }
  | { id: number; done: true }
  | {
      id: number;
      audit: { lost: number; duplicated: number; outOfOrder: number };
      lastEscalation: SubscriberFleet["lastEscalation"];
    };

const FLUSH_EVERY_MS = 50;

const send = (reply: TFleetReply) => process.send?.(reply);
let pending: [string, number][] = [];
const record = ({ key, at }: TReceipt) => {
  pending.push([key, at]);
};
setInterval(() => {
  if (pending.length === 0) return;
  send({ receipts: pending });
  pending = [];
}, FLUSH_EVERY_MS).unref();

const fleets: SubscriberFleet[] = [];

async function connect(request: Extract<TFleetRequest, { op: "connect" }>) {
  const fresh = request.fleets.map(
    (spec) => new SubscriberFleet({ ...spec, isTrpc: request.isTrpc, onReceipt: record }),
  );
  fleets.push(...fresh);
  let next = 0;
  const worker = async () => {
    while (next < fresh.length) {
      const fleet = fresh[next++] as SubscriberFleet;
      await fleet.connect(request.perFleet, request.perFleet);
    }
  };
  await Promise.all(Array.from({ length: Math.min(request.concurrency, fresh.length) }, worker));
  for (const fleet of fresh) fleet.reconnectOnDrop();
}

function audit() {
  const total = { lost: 0, duplicated: 0, outOfOrder: 0 };
  for (const fleet of fleets) {
    const counts = fleet.audit();
    total.lost += counts.lost;
    total.duplicated += counts.duplicated;
    total.outOfOrder += counts.outOfOrder;
  }
  return total;
}

process.on("message", async (request: TFleetRequest) => {
  if (request.op === "connect") {
    await connect(request);
    send({ id: request.id, done: true });
  } else {
    const lastEscalation = fleets.map((fleet) => fleet.lastEscalation).find((frames) => frames !== null);
    send({ id: request.id, audit: audit(), lastEscalation: lastEscalation ?? null });
  }
});
// Ends with its parent (a SIGTERM from it, or the IPC channel closing): every socket goes with it.
process.on("disconnect", () => process.exit(0));
send({ id: 0, done: true });
