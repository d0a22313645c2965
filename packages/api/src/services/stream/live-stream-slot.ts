// What every live stream holds while it runs, whichever transport serves it: a slot under the
// stream caps, and its login watched (signed out, deactivated or demoted: `onLost` is told why).
import type { ApiDeps } from "../../context.ts";
import type { AppError } from "../../domain/app-error.ts";
import type { TRole } from "../../schemas/enums.ts";
import type { TAuthedViewer } from "../auth-service.ts";
import type { TSocketStreams } from "./stream-admission.ts";

export type TLiveStreamHolder = {
  /** Always set for a signed-in viewer; an empty token would simply count as signed out. */
  authToken: string | null;
  viewer: TAuthedViewer;
  socket: TSocketStreams | undefined;
  /** The least role the stream needs: a demotion below it ends the stream. */
  minimumRole: TRole;
  /** Called once, when the login no longer allows the stream; the stream should end with `reason`. */
  onLost(reason: AppError): void;
};

/** Takes a slot (or throws the caps' AppError) and watches the login; returns what gives both back. */
export function holdLiveStreamSlot(
  deps: Pick<ApiDeps, "streamAdmission" | "logins" | "connectionLogins">,
  holder: TLiveStreamHolder,
): () => void {
  const releaseSlot = deps.streamAdmission.admit(holder.viewer, holder.socket);
  const token = holder.authToken ?? "";
  const stopWatching = deps.logins.watch({
    token,
    viewer: holder.viewer,
    minimumRole: holder.minimumRole,
    onLost(reason) {
      // The connection's next call must not be let in on a cached, now revoked, login.
      deps.connectionLogins.forget(token);
      holder.onLost(reason);
    },
  });
  return () => {
    stopWatching();
    releaseSlot();
  };
}
