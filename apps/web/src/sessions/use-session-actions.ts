// The holder's changes to a session. Each refreshes the session and the lists at once; the live
// stream's session.updated does the same for everyone else watching.
import { trpc } from "../lib/trpc.ts";

export function useSessionActions(sessionId: string) {
  const utils = trpc.useUtils();
  const onSuccess = () =>
    Promise.all([utils.session.byId.invalidate({ sessionId }), utils.session.list.invalidate()]);
  return {
    update: trpc.session.update.useMutation({ onSuccess }),
    addEntry: trpc.session.addEntry.useMutation({ onSuccess }),
    openBranch: trpc.session.openBranch.useMutation({ onSuccess }),
    setBranch: trpc.session.setBranch.useMutation({ onSuccess }),
    resolve: trpc.session.resolve.useMutation({ onSuccess }),
    reopen: trpc.session.reopen.useMutation({ onSuccess }),
  };
}

export type TSessionActions = ReturnType<typeof useSessionActions>;
