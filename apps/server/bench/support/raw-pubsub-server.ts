// The SaaS bench's yardstick: a bare `ws` server holding each account's sockets (the account named
// in the URL, `?account=N`), subscribed to Redis, sending whatever is published on an account's
// channel to that account's sockets. Two of these behind the proxy are what the replicas do, minus
// the product.
import { createServer } from "node:http";
import { Redis } from "ioredis";
import { type WebSocket, WebSocketServer } from "ws";

const port = Number(process.env.PORT);
const channelPrefix = process.env.RAW_CHANNEL_PREFIX as string;
const socketsByAccount = new Map<string, Set<WebSocket>>();

// Any plain request (the proxy's health check) is answered 200; upgrades go to the sockets.
const http = createServer((_request, response) => response.end("ok"));
const wss = new WebSocketServer({ server: http });
const listening = new Promise((resolve) => http.listen(port, "127.0.0.1", () => resolve(undefined)));
wss.on("connection", (socket, request) => {
  const account = new URL(request.url ?? "/", "http://raw").searchParams.get("account") ?? "";
  let sockets = socketsByAccount.get(account);
  if (!sockets) {
    sockets = new Set();
    socketsByAccount.set(account, sockets);
  }
  sockets.add(socket);
  socket.on("close", () => sockets.delete(socket));
  socket.on("error", () => undefined);
});

const subscriber = new Redis(process.env.REDIS_URL as string);
subscriber.on("pmessageBuffer", (_pattern: Buffer, channel: Buffer, message: Buffer) => {
  const account = channel.toString().slice(channelPrefix.length);
  for (const socket of socketsByAccount.get(account) ?? []) socket.send(message, { binary: false });
});
await subscriber.psubscribe(`${channelPrefix}*`);
await listening;
process.send?.({ ready: true });
process.on("SIGTERM", () => {
  subscriber.disconnect();
  http.close();
  for (const socket of wss.clients) socket.terminate();
  process.exit(0);
});
