// A local stand-in for whatever receives Handoff's outbound requests (an automation's webhook
// endpoint, a Teams Workflows URL, a Slack incoming webhook): records every request as it arrived,
// and answers 200 unless told otherwise: a status (with Retry-After), or "hold" (never answers).
import { once } from "node:events";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type TReceivedRequest = {
  path: string;
  headers: Record<string, string>;
  /** The body exactly as sent (signatures are over these bytes). */
  body: string;
  /** When it arrived, by this process's clock. */
  at: number;
};

export type TReceiverAnswer = { status: number; retryAfter?: string } | "hold";

export type WebhookReceiver = {
  /** http://127.0.0.1:<port>; any path is accepted. */
  baseUrl: string;
  received: TReceivedRequest[];
  /** The next requests get these answers, in order; then 200 again. */
  answerNext(...answers: TReceiverAnswer[]): void;
  /** Requests to one path, parsed. */
  bodiesAt(path: string): unknown[];
  close(): Promise<void>;
};

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: TReceivedRequest[] = [];
  const answers: TReceiverAnswer[] = [];
  const held: ServerResponse[] = [];

  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = Object.fromEntries(
      Object.entries(req.headers).map(([name, value]) => [
        name,
        Array.isArray(value) ? value.join(", ") : (value ?? ""),
      ]),
    );
    received.push({
      path: req.url ?? "/",
      headers,
      body: Buffer.concat(chunks).toString("utf8"),
      at: Date.now(),
    });
    const answer = answers.shift() ?? { status: 200 };
    if (answer === "hold") {
      held.push(res);
      return;
    }
    res
      .writeHead(answer.status, answer.retryAfter ? { "retry-after": answer.retryAfter } : {})
      .end(answer.status < 300 ? "ok" : "try later");
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    received,
    answerNext: (...next) => answers.push(...next),
    bodiesAt: (path) =>
      received.filter((request) => request.path === path).map((request) => JSON.parse(request.body)),
    async close() {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      server.close();
      await once(server, "close");
    },
  };
}
