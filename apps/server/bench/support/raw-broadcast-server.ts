// The yardstick: a bare `ws` server that sends the same bytes to every socket it holds, on the
// bench's request (IPC). Whatever the product does on top of this is its overhead.
import { WebSocketServer } from "ws";

const port = Number(process.env.PORT);
const wss = new WebSocketServer({ host: "127.0.0.1", port });
wss.on("connection", (socket) => socket.on("error", () => undefined));
wss.on("listening", () => process.send?.({ ready: true }));

process.on("message", (message: { broadcast?: string[] }) => {
  for (const text of message.broadcast ?? []) {
    for (const socket of wss.clients) socket.send(text);
  }
});
