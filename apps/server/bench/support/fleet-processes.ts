// Subscribers spread over several child processes (fleet-process.ts), each account's in one: a
// process holds at most `ulimit -n` sockets, fewer than a full SaaS-shaped bench has. Receipts come
// back to `onReceipt` with the time they arrived in the child (wall-clock, comparable).
import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { TFleetReply, TFleetRequest, TFleetSpec } from "./fleet-process.ts";
import type { SubscriberFleet, TReceipt } from "./subscriber-fleet.ts";

const ENTRY = fileURLToPath(new URL("./fleet-process.ts", import.meta.url));

type TDistributed<T> = T extends { id: number } ? Omit<T, "id"> : never;

class FleetChild {
  readonly #child: ChildProcess;
  readonly #pending = new Map<number, (reply: TFleetReply) => void>();
  readonly #exited: Promise<void>;
  readonly ready: Promise<void>;
  #lastId = 0;

  constructor(onReceipt: (receipt: TReceipt) => void) {
    this.#child = fork(ENTRY, [], {
      execArgv: ["--import", "tsx"],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    this.#exited = new Promise((resolve) => this.#child.once("exit", () => resolve()));
    this.ready = new Promise((resolve) => this.#pending.set(0, () => resolve()));
    this.#child.on("message", (reply: TFleetReply) => {
      if ("receipts" in reply) {
        for (const [key, at] of reply.receipts) onReceipt({ key, at });
        return;
      }
      this.#pending.get(reply.id)?.(reply);
      this.#pending.delete(reply.id);
    });
  }

  get pid(): number {
    return this.#child.pid ?? 0;
  }

  request(request: TDistributed<TFleetRequest>): Promise<TFleetReply> {
    const id = ++this.#lastId;
    return new Promise((resolve, reject) => {
      const onExit = () => reject(new Error(`a subscriber process exited (${this.#child.exitCode})`));
      this.#child.once("exit", onExit);
      this.#pending.set(id, (reply) => {
        this.#child.off("exit", onExit);
        resolve(reply);
      });
      this.#child.send({ ...request, id });
    });
  }

  async stop(): Promise<void> {
    this.#child.kill("SIGTERM");
    await this.#exited;
  }
}

export class FleetProcesses {
  readonly #children: FleetChild[];

  private constructor(children: FleetChild[]) {
    this.#children = children;
  }

  static async start(count: number, onReceipt: (receipt: TReceipt) => void): Promise<FleetProcesses> {
    const children = Array.from({ length: count }, () => new FleetChild(onReceipt));
    await Promise.all(children.map((child) => child.ready));
    return new FleetProcesses(children);
  }

  /** The pids, for their CPU (processCpuSeconds). */
  get pids(): number[] {
    return this.#children.map((child) => child.pid);
  }

  /**
   * `perFleet` subscribers per spec (an account), spec `index` in child `index % count`, connected
   * `concurrency` fleets at a time in each child; then they reconnect when dropped.
   */
  async connect(specs: TFleetSpec[], options: { perFleet: number; isTrpc: boolean; concurrency: number }) {
    await Promise.all(
      this.#children.map((child, childIndex) =>
        child.request({
          op: "connect",
          fleets: specs.filter((_, index) => index % this.#children.length === childIndex),
          ...options,
        }),
      ),
    );
  }

  /** The fleets' audit, summed, and the first escalation a first subscriber received. */
  async audit(): Promise<{
    audit: { lost: number; duplicated: number; outOfOrder: number };
    lastEscalation: SubscriberFleet["lastEscalation"];
  }> {
    const replies = await Promise.all(this.#children.map((child) => child.request({ op: "audit" })));
    const total = { lost: 0, duplicated: 0, outOfOrder: 0 };
    let lastEscalation: SubscriberFleet["lastEscalation"] = null;
    for (const reply of replies) {
      if (!("audit" in reply)) continue;
      total.lost += reply.audit.lost;
      total.duplicated += reply.audit.duplicated;
      total.outOfOrder += reply.audit.outOfOrder;
      lastEscalation ??= reply.lastEscalation;
    }
    return { audit: total, lastEscalation };
  }

  async stop(): Promise<void> {
    await Promise.all(this.#children.map((child) => child.stop()));
  }
}
