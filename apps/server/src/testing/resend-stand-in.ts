// A local HTTP stand-in for Resend's API, so tests drive the real Resend SDK (through
// RESEND_BASE_URL) and can read what it sent or make it fail. Like Resend, it honours the
// Idempotency-Key header: a repeated key is answered with the first email's id and not delivered
// again, even when the first request's answer never reached the caller.
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export type TReceivedEmail = {
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  idempotencyKey: string | undefined;
  authorization: string | undefined;
  at: number;
};

/** 200 = accept; another status = that error; "never" = hold the request unanswered; "drop" = cut the connection. */
export type TStandInAnswer = number | "never" | "drop";

export type ResendStandIn = {
  baseUrl: string;
  /** Every request, in order, retries included. */
  received: TReceivedEmail[];
  /** What was actually delivered: one per idempotency key. */
  delivered(): TReceivedEmail[];
  respondWith(answer: TStandInAnswer, options?: { retryAfter?: string }): void;
  close(): Promise<void>;
};

export async function startResendStandIn(): Promise<ResendStandIn> {
  const received: TReceivedEmail[] = [];
  const deliveredByKey = new Map<string, { email: TReceivedEmail; id: string }>();
  let answer: TStandInAnswer = 200;
  let retryAfter: string | undefined;
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (req.method !== "POST" || req.url !== "/emails") {
      res.writeHead(404, { "content-type": "application/json" }).end('{"message":"not found"}');
      return;
    }
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    const email: TReceivedEmail = {
      from: body.from,
      to: Array.isArray(body.to) ? body.to : [body.to],
      subject: body.subject,
      text: body.text,
      html: body.html,
      idempotencyKey: req.headers["idempotency-key"] as string | undefined,
      authorization: req.headers.authorization,
      at: Date.now(),
    };
    received.push(email);
    if (answer === "drop") {
      req.socket.destroy();
      return;
    }
    if (answer !== 200 && answer !== "never") {
      res
        .writeHead(answer, {
          "content-type": "application/json",
          ...(retryAfter !== undefined && { "retry-after": retryAfter }),
        })
        .end(
          JSON.stringify({
            statusCode: answer,
            name: "application_error",
            message: `stand-in answered ${answer}`,
          }),
        );
      return;
    }
    const key = email.idempotencyKey ?? `no-key-${received.length}`;
    const delivery = deliveredByKey.get(key) ?? { email, id: `email_${deliveredByKey.size + 1}` };
    deliveredByKey.set(key, delivery);
    if (answer === "never") return;
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ id: delivery.id }));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    received,
    delivered: () => [...deliveredByKey.values()].map((delivery) => delivery.email),
    respondWith(nextAnswer, options = {}) {
      answer = nextAnswer;
      retryAfter = options.retryAfter;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
