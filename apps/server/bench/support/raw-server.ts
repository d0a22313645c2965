// Starts the raw `ws` broadcast yardstick in its own process.
import { fileURLToPath } from "node:url";
import { forkMeasured, type MeasuredProcess } from "./product-server.ts";

const ENTRY = fileURLToPath(new URL("./raw-broadcast-server.ts", import.meta.url));

export type RawServer = MeasuredProcess & { broadcast(texts: string[]): void };

export async function startRawServer(port: number): Promise<RawServer> {
  const measured = forkMeasured(ENTRY, { PORT: String(port) });
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
