// Caps on live streams, so one socket or one login cannot take the process down: a few per
// WebSocket (the web app needs one), a bounded number per login. A refusal is a clear
// TOO_MANY_REQUESTS, logged once per socket or per login while it stays at its cap.
import { AppError, type Logger, type TSocketStreams } from "@handoff/api";

export type TStreamLimits = { perSocket: number; perLogin: number };

/** Refusals after which a socket counts as abusive rather than mistaken. */
const REFUSALS_BEFORE_DISCONNECT = 100;

export type StreamAdmission = {
  /** Takes a slot for a new stream or throws; the returned function gives it back. */
  admit(viewer: { id: string }, socket: TSocketStreams | undefined): () => void;
};

export function createStreamAdmission(limits: TStreamLimits, logger: Pick<Logger, "warn">): StreamAdmission {
  const perLogin = new Map<string, number>();
  const loginsLoggedAtCap = new Set<string>();

  return {
    admit(viewer, socket) {
      if (socket && socket.live >= limits.perSocket) {
        socket.refused += 1;
        if (socket.refused === 1) {
          logger.warn(
            { userId: viewer.id, limit: limits.perSocket },
            "stream refused: too many on one socket",
          );
        }
        if (socket.refused === REFUSALS_BEFORE_DISCONNECT) {
          logger.warn({ userId: viewer.id }, "websocket closed: kept asking for streams past its cap");
          socket.disconnect("Too many stream requests");
        }
        throw new AppError(
          "TOO_MANY_REQUESTS",
          `This connection already has ${limits.perSocket} live streams, the most it may have. Close one first.`,
        );
      }
      const loginStreams = perLogin.get(viewer.id) ?? 0;
      if (loginStreams >= limits.perLogin) {
        if (!loginsLoggedAtCap.has(viewer.id)) {
          loginsLoggedAtCap.add(viewer.id);
          logger.warn(
            { userId: viewer.id, limit: limits.perLogin },
            "stream refused: too many for one login",
          );
        }
        throw new AppError(
          "TOO_MANY_REQUESTS",
          `You already have ${limits.perLogin} live streams open, the most one login may have. Close some tabs and try again.`,
        );
      }
      perLogin.set(viewer.id, loginStreams + 1);
      if (socket) socket.live += 1;
      let isReleased = false;
      return () => {
        if (isReleased) return;
        isReleased = true;
        if (socket) socket.live -= 1;
        const remaining = (perLogin.get(viewer.id) ?? 1) - 1;
        if (remaining > 0) perLogin.set(viewer.id, remaining);
        else perLogin.delete(viewer.id);
        loginsLoggedAtCap.delete(viewer.id);
      };
    },
  };
}
