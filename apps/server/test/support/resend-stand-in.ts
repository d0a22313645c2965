// A local HTTP stand-in for Resend's API, so tests drive the real Resend SDK (through
// RESEND_BASE_URL) and can read what it sent or make it fail.
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
};

export type ResendStandIn = {
  baseUrl: string;
  received: TReceivedEmail[];
  /** Answer every send with this HTTP status (200 = accept), or never answer at all. */
  respondWith(status: number | "never"): void;
  close(): Promise<void>;
};

export async function startResendStandIn(): Promise<ResendStandIn> {
  const received: TReceivedEmail[] = [];
  let status: number | "never" = 200;
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (req.method !== "POST" || req.url !== "/emails") {
      res.writeHead(404, { "content-type": "application/json" }).end('{"message":"not found"}');
      return;
    }
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    received.push({
      from: body.from,
      to: Array.isArray(body.to) ? body.to : [body.to],
      subject: body.subject,
      text: body.text,
      html: body.html,
      idempotencyKey: req.headers["idempotency-key"] as string | undefined,
      authorization: req.headers.authorization,
    });
    if (status === "never") return;
    if (status === 200) {
      res
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify({ id: `email_${received.length}` }));
      return;
    }
    res.writeHead(status, { "content-type": "application/json" }).end(
      JSON.stringify({
        statusCode: status,
        name: "application_error",
        message: `stand-in answered ${status}`,
      }),
    );
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    received,
    respondWith(nextStatus) {
      status = nextStatus;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
