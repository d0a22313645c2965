// How long a running server stalls the first time it formats an error stack. With source maps on
// (`pnpm start`, the image) Node parses the bundle's map then, unless the server did so as it started.
// The error here is one any client can cause: a WebSocket frame with its reserved bits set, which
// `ws` rejects. Measured as the slowest `/healthz` answer while polling every few ms around it.
import { once } from "node:events";
import net from "node:net";

const POLL_EVERY_MS = 5;
/** What the server does right after it is up is not a client error's doing: measured after this. */
const SETTLE_MS = 1_000;
const WINDOW_MS = 800;
/** FIN + reserved bits + text opcode, masked, empty: invalid without an extension that uses RSV1-3. */
const MALFORMED_FRAME = Buffer.from([0xf1, 0x80, 0, 0, 0, 0]);

async function slowestHealthAnswer(url: string, forMs: number): Promise<number> {
  let slowest = 0;
  const end = performance.now() + forMs;
  while (performance.now() < end) {
    const startedAt = performance.now();
    await (await fetch(`${url}/healthz`)).text();
    slowest = Math.max(slowest, performance.now() - startedAt);
    await new Promise((resolve) => setTimeout(resolve, POLL_EVERY_MS));
  }
  return slowest;
}

/** Opens a WebSocket on /trpc by hand (no Origin: as the CLI does) and sends one malformed frame. */
async function sendMalformedFrame(url: string): Promise<void> {
  const { hostname, port } = new URL(url);
  const socket = net.connect(Number(port), hostname);
  await once(socket, "connect");
  socket.write(
    `GET /trpc HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
  );
  const [answer] = (await once(socket, "data")) as [Buffer];
  if (!answer.toString().startsWith("HTTP/1.1 101")) {
    socket.destroy();
    throw new Error(`the WebSocket upgrade was refused: ${answer.toString().split("\r\n")[0]}`);
  }
  socket.write(MALFORMED_FRAME);
  socket.on("error", () => undefined);
}

/** The slowest /healthz answer when nothing happens, then around the server's first and second client error. */
export async function firstErrorStall(url: string) {
  const aroundFrame = () =>
    Promise.all([
      slowestHealthAnswer(url, WINDOW_MS),
      new Promise((resolve) => setTimeout(resolve, WINDOW_MS / 4)).then(() => sendMalformedFrame(url)),
    ]).then(([slowest]) => slowest);
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  const quietMs = await slowestHealthAnswer(url, WINDOW_MS);
  const firstMs = await aroundFrame();
  const secondMs = await aroundFrame();
  return { quietMs, firstMs, secondMs };
}
