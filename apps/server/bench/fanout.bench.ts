// Fan-out through the real server: N WebSocket subscribers of one account (one socket each, as N
// open queue tabs), M escalations; prints publish→receive latency percentiles and process RSS.
// Loopback only and bounded. `pnpm --filter @handoff/server bench [N…]` (default: 50 200).
import type { TEscalationBusMessage, TEscalationEvent } from "@handoff/api";
import { createMemoryBus, type EscalationBus } from "@handoff/bus";
import { createTestAccount, createTestDatabase } from "@handoff/db/testing";
import { createTestClient, login, startTestServer, type TestClient } from "../src/testing/index.ts";

const SUBSCRIBER_COUNTS = process.argv
  .slice(2)
  .map(Number)
  .filter((n) => n > 0);
const ESCALATIONS = 40;
/** Spacing between escalations, so we measure latency rather than queueing behind our own burst. */
const GAP_MS = 25;
const RECEIVE_TIMEOUT_MS = 30_000;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

function summary(label: string, samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const fmt = (ms: number) => `${ms.toFixed(1)} ms`.padStart(9);
  return `${label.padEnd(26)} p50 ${fmt(percentile(sorted, 50))}  p95 ${fmt(percentile(sorted, 95))}  p99 ${fmt(percentile(sorted, 99))}  max ${fmt(sorted.at(-1) ?? Number.NaN)}`;
}

const mb = (bytes: number) => `${(bytes / 1_048_576).toFixed(0)} MB`;

async function until(condition: () => boolean, what: string, timeoutMs = RECEIVE_TIMEOUT_MS) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function runScenario(subscribers: number) {
  const database = await createTestDatabase("pglite");
  // Records when the server publishes each event (same process, same clock as the receivers).
  const publishedAt = new Map<string, number>();
  const memory = createMemoryBus<TEscalationBusMessage>();
  const bus: EscalationBus<TEscalationBusMessage> = {
    ...memory,
    publish(channel, message) {
      publishedAt.set(message.handoff.id, performance.now());
      return memory.publish(channel, message);
    },
  };
  const server = await startTestServer({ database, bus });
  const clients: TestClient[] = [];
  try {
    const account = await createTestAccount(database.prisma);
    const seniorToken = await login(server, account.senior.email);
    const engineer = createTestClient(server, { token: await login(server, account.engineer.email) });
    const sessions = [];
    for (let index = 0; index < ESCALATIONS; index += 1) {
      sessions.push(
        await engineer.session.create({ problemSummary: `Bench outage ${index}`, problemDomain: "network" }),
      );
    }

    const rssBefore = process.memoryUsage().rss;
    const receivedAt = new Map<string, number[]>();
    for (let index = 0; index < subscribers; index += 1) {
      const client = createTestClient(server, { token: seniorToken });
      clients.push(client);
      client.escalation.onEvent.subscribe(
        {},
        {
          onData: ({ data }: { data: TEscalationEvent }) => {
            if (data.kind !== "handoff") return;
            const times = receivedAt.get(data.handoff.id) ?? [];
            times.push(performance.now());
            receivedAt.set(data.handoff.id, times);
          },
        },
      );
    }
    await until(() => bus.subscriberCount(account.account.id) === subscribers, `${subscribers} subscribers`);
    const rssConnected = process.memoryUsage().rss;

    const publishToReceive: number[] = [];
    const mutationToReceive: number[] = [];
    for (const session of sessions) {
      const startedAt = performance.now();
      const card = await engineer.handoff.escalate({ sessionId: session.id, priority: "normal" });
      await until(() => (receivedAt.get(card.id)?.length ?? 0) === subscribers, `delivery of ${card.id}`);
      const published = publishedAt.get(card.id) ?? Number.NaN;
      for (const at of receivedAt.get(card.id) ?? []) {
        publishToReceive.push(at - published);
        mutationToReceive.push(at - startedAt);
      }
      await new Promise((resolve) => setTimeout(resolve, GAP_MS));
    }

    console.log(
      `\n${subscribers} subscribers × ${ESCALATIONS} escalations (${publishToReceive.length} deliveries)`,
    );
    console.log(summary("publish → receive", publishToReceive));
    console.log(summary("mutation start → receive", mutationToReceive));
    console.log(
      `RSS (server + clients, one process): ${mb(rssBefore)} before, ${mb(rssConnected)} with subscribers, ${mb(process.memoryUsage().rss)} after`,
    );
  } finally {
    await Promise.all(clients.map((client) => client.close()));
    await server.close();
    await memory.close();
    await database.close();
  }
}

for (const subscribers of SUBSCRIBER_COUNTS.length > 0 ? SUBSCRIBER_COUNTS : [50, 200]) {
  await runScenario(subscribers);
}
