// Many WebSocket subscribers in one process, speaking tRPC's WebSocket protocol directly (a full
// @trpc/client per socket would measure the client, not the server). Each one records the events
// it receives, so a run can check every event arrived once and in order, and resumes from its last
// event id when its socket drops.
import { createRetryDelay, WEB_SOCKET_RECONNECT } from "@handoff/api/client-contract";
import { WebSocket } from "ws";
import { wallNow } from "./stats.ts";

export type TReceipt = { key: string; at: number };

type TSubscriber = {
  socket: WebSocket | null;
  lastEventId: string | null;
  seqs: number[];
  isStarted: boolean;
  /** Reconnect attempts since it was last started. */
  attempts: number;
};

export type TFleetOptions = {
  url: string;
  headers: Record<string, string>;
  /** Sends tRPC's subscribe message after connecting (false for the raw broadcast server). */
  isTrpc: boolean;
  onReceipt(receipt: TReceipt): void;
};

const SUBSCRIBE_ID = 1;
/** As the web app reconnects: full jitter, so a restart's storm is spread as real clients spread it. */
const reconnectDelay = createRetryDelay(WEB_SOCKET_RECONNECT);

export class SubscriberFleet {
  readonly #options: TFleetOptions;
  readonly #subscribers: TSubscriber[] = [];
  #isReconnecting = false;
  /** Sockets that closed under a subscriber (the server restarted, or dropped it). */
  dropped = 0;
  /**
   * What the first subscriber received for the last escalation (its card, then the frames that
   * followed it: the session's update, the assessment), to broadcast the same bytes elsewhere.
   */
  lastEscalation: { handoffId: string; frames: string[] } | null = null;
  #isClosed = false;

  constructor(options: TFleetOptions) {
    this.#options = options;
  }

  get startedCount(): number {
    let count = 0;
    for (const subscriber of this.#subscribers) if (subscriber.isStarted) count += 1;
    return count;
  }

  /** Adds `count` subscribers, `concurrency` connecting at a time; resolves when all are started. */
  async connect(count: number, concurrency = 200): Promise<void> {
    const fresh = Array.from(
      { length: count },
      (): TSubscriber => ({
        socket: null,
        lastEventId: null,
        seqs: [],
        isStarted: false,
        attempts: 0,
      }),
    );
    this.#subscribers.push(...fresh);
    let next = 0;
    const worker = async () => {
      while (next < fresh.length) {
        const subscriber = fresh[next++] as TSubscriber;
        await this.#open(subscriber);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  }

  /** From now on a dropped socket reconnects (jittered backoff) and resumes from its last event id. */
  reconnectOnDrop(): void {
    this.#isReconnecting = true;
  }

  /** Subscribers whose seqs are not strictly consecutive: [lost, duplicated, out of order]. */
  audit(): { lost: number; duplicated: number; outOfOrder: number } {
    let lost = 0;
    let duplicated = 0;
    let outOfOrder = 0;
    for (const { seqs } of this.#subscribers) {
      for (let index = 1; index < seqs.length; index += 1) {
        const step = (seqs[index] as number) - (seqs[index - 1] as number);
        if (step > 1) lost += step - 1;
        else if (step === 0) duplicated += 1;
        else if (step < 0) outOfOrder += 1;
      }
    }
    return { lost, duplicated, outOfOrder };
  }

  close(): void {
    this.#isClosed = true;
    for (const subscriber of this.#subscribers) subscriber.socket?.terminate();
  }

  #open(subscriber: TSubscriber): Promise<void> {
    return new Promise((resolve) => {
      const socket = new WebSocket(this.#options.url, { headers: this.#options.headers });
      subscriber.socket = socket;
      let isSettled = false;
      const settle = () => {
        if (isSettled) return;
        isSettled = true;
        resolve();
      };
      socket.on("open", () => {
        if (!this.#options.isTrpc) {
          subscriber.isStarted = true;
          subscriber.attempts = 0;
          return settle();
        }
        const input = subscriber.lastEventId ? { lastEventId: subscriber.lastEventId } : {};
        socket.send(
          JSON.stringify({
            id: SUBSCRIBE_ID,
            method: "subscription",
            params: { path: "escalation.onEvent", input: { json: input } },
          }),
        );
      });
      socket.on("message", (data) => {
        const at = wallNow();
        const text = data.toString();
        // tRPC's keep-alive, answered as wsLink does.
        if (text === "PING") return socket.send("PONG");
        const message = JSON.parse(text);
        const result = message.result;
        if (result?.type === "started") {
          subscriber.isStarted = true;
          subscriber.attempts = 0;
          return settle();
        }
        if (result?.type !== "data") return;
        const event = result.data.json.data;
        subscriber.lastEventId = result.id;
        if (subscriber === this.#subscribers[0]) this.#noteFrame(event, text);
        subscriber.seqs.push(event.seq);
        // Handoff events carry a queue card, session.updated a sessions-list row.
        const subject = event.handoff ?? event.session;
        this.#options.onReceipt({ key: `${event.type}:${subject.id}`, at });
      });
      socket.on("error", () => undefined);
      socket.on("close", () => {
        if (subscriber.isStarted) this.dropped += 1;
        subscriber.isStarted = false;
        subscriber.socket = null;
        settle();
        if (this.#isReconnecting && !this.#isClosed) this.#reconnect(subscriber);
      });
    });
  }

  #noteFrame(event: { type: string; handoff?: { id: string } }, text: string): void {
    if (event.type === "handoff.created" && event.handoff) {
      this.lastEscalation = { handoffId: event.handoff.id, frames: [text] };
    } else {
      this.lastEscalation?.frames.push(text);
    }
  }

  #reconnect(subscriber: TSubscriber): void {
    const delay = reconnectDelay(subscriber.attempts);
    subscriber.attempts += 1;
    setTimeout(() => {
      if (!this.#isClosed) void this.#open(subscriber);
    }, delay);
  }
}
