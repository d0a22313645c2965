// A client that stops reading (a frozen tab, a dead network path) would make the server buffer its
// stream without bound: past this much unsent data it is cut off, and reconnects and resumes from its
// last event like any other dropped client.
import type { WebSocket } from "ws";

export const WS_MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
export const WS_CLOSE_TRY_AGAIN_LATER = 1013;

type TSendingSocket = Pick<WebSocket, "readyState" | "OPEN" | "bufferedAmount" | "send" | "close">;

/** One options object for every send (this is the fan-out's hot path). */
const AS_TEXT = { binary: false } as const;

/**
 * `frame` is text: a string, or its UTF-8 bytes (sent as a text frame all the same). Whether it
 * was handed to the socket.
 */
export function sendUnlessBackedUp(socket: TSendingSocket, frame: string | Buffer): boolean {
  if (socket.readyState !== socket.OPEN) return false;
  if (socket.bufferedAmount > WS_MAX_BUFFERED_BYTES) {
    socket.close(WS_CLOSE_TRY_AGAIN_LATER, "Too far behind: reconnect");
    return false;
  }
  socket.send(frame, AS_TEXT);
  return true;
}
