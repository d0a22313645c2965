// Starts a raw `ws` yardstick in its own process: the broadcast one, or `entry` (which says
// `{ ready: true }` over IPC once it listens).
import { fileURLToPath } from "node:url";
import { forkMeasured, type MeasuredProcess } from "./product-server.ts";

const BROADCAST_ENTRY = fileURLToPath(new URL("./raw-broadcast-server.ts", import.meta.url));

export type RawServer = MeasuredProcess & { broadcast(texts: string[]): void };

export async function startRawServer(
  port: number,
  entry = BROADCAST_ENTRY,
  env: Record<string, string> = {},
): Promise<RawServer> {
  const measured = forkMeasured(entry, { ...env, PORT: String(port) });
  await new Promise<void>((resolve) => {
    const onReady = (message: { ready?: boolean }) => {
      if (!message.ready) return;
      measured.child.off("message", onReady);
      resolve();
    };
    measured.child.on("message", onReady);
  });
  return { ...measured, broadcast: (texts) => measured.child.send({ broadcast: texts }) };
}
