// Puts a claimed handoff back in the queue, and refreshes every cached view of it and its session.
import { trpc } from "../lib/trpc.ts";

export function useReleaseHandoff() {
  const utils = trpc.useUtils();
  return trpc.handoff.release.useMutation({
    onSuccess: (card) =>
      Promise.all([
        utils.handoff.byId.invalidate({ handoffId: card.id }),
        utils.session.byId.invalidate({ sessionId: card.sessionId }),
        utils.session.list.invalidate(),
      ]),
  });
}
