// The engineer's and the senior tech's clients, in a process of their own: their requests are timed
// here, not in the process that holds the subscribers, whose event loop is busy reading the fan-out
// (as a user's browser is not busy with ten thousand other people's sockets). Driven over IPC by
// user-client.ts.
import { randomUUID } from "node:crypto";
import { type AppRouter, AUTH_COOKIE_NAME } from "@handoff/api";
import { createTRPCClient, httpLink } from "@trpc/client";
import superjson from "superjson";
import type { TUserCall, TUserReply } from "./user-client.ts";

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is unset`);
  return value;
}

const BASE_URL = required("BASE_URL");

function apiClient(token: string) {
  return createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${BASE_URL}/trpc`,
        transformer: superjson,
        headers: { cookie: `${AUTH_COOKIE_NAME}=${token}`, origin: BASE_URL },
      }),
    ],
  });
}

/** One client per login: a call may name its own (a bench of many accounts), else the process's. */
const clients = new Map<string, ReturnType<typeof apiClient>>();
function clientOf(token: string) {
  let client = clients.get(token);
  if (!client) {
    client = apiClient(token);
    clients.set(token, client);
  }
  return client;
}
const defaultTokens = { engineer: required("ENGINEER_TOKEN"), senior: required("SENIOR_TOKEN") };

/** Retries a request whose reused keep-alive connection was reset (a few times on a loaded machine). */
async function retryOnReset<T>(work: () => Promise<T>, attempts = 4): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      // The server closed an idle keep-alive connection just as this request went out on it.
      const cause = String((error as { cause?: { cause?: unknown } }).cause?.cause);
      const isReset = cause.includes("ECONNRESET") || cause.includes("other side closed");
      if (!isReset || attempt === attempts) throw error;
    }
  }
}

async function perform(call: TUserCall): Promise<string> {
  const tokens = call.tokens ?? defaultTokens;
  const engineer = clientOf(tokens.engineer);
  const senior = clientOf(tokens.senior);
  switch (call.op) {
    case "createSession": {
      const session = await engineer.session.create.mutate({
        problemSummary: `Bench: VPN drops for site ${call.index}`,
        problemDomain: "network",
      });
      return session.id;
    }
    case "escalate": {
      // With an idempotency key a retry is safe.
      const request = {
        sessionId: call.sessionId,
        priority: "high",
        notes: "Tried the usual; still drops.",
        idempotencyKey: randomUUID(),
      } as const;
      const card = await retryOnReset(() => engineer.handoff.escalate.mutate(request));
      return card.id;
    }
    case "claim": {
      const handoff = await retryOnReset(() => senior.handoff.claim.mutate({ handoffId: call.handoffId }));
      return handoff.id;
    }
  }
}

process.on("message", async ({ id, call }: { id: number; call: TUserCall }) => {
  const startedAt = performance.now();
  let reply: TUserReply;
  try {
    const value = await perform(call);
    reply = { id, value, ms: performance.now() - startedAt };
  } catch (error) {
    reply = { id, error: String(error) };
  }
  process.send?.(reply);
});
process.send?.({ ready: true });
