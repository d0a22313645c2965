// What every live stream holds while it runs, whichever transport serves it: a slot under the
// stream caps, and its login watched (signed out, deactivated or demoted: `onLost` is told why).
import type {
  AppError,
  ConnectionLogins,
  LoginWatcher,
  TAuthedViewer,
  TLiveStreamHolder,
  TLiveStreamSlot,
  TLoginWatch,
  TRole,
} from "@handoff/api";
import type { StreamAdmission } from "./stream-admission.ts";

/** Takes a slot (or throws the caps' AppError) and watches the login, until released. */
export function holdLiveStreamSlot(deps: TLiveStreamSlotDeps, holder: TLiveStreamHolder): TLiveStreamSlot {
  return new LiveStreamSlot(deps, holder);
}

export type TLiveStreamSlotDeps = {
  streamAdmission: StreamAdmission;
  logins: LoginWatcher;
  connectionLogins: ConnectionLogins;
};

/** The slot is the login's watch too: one record per stream. */
class LiveStreamSlot implements TLiveStreamSlot, TLoginWatch {
  readonly token: string;
  readonly viewer: TAuthedViewer;
  readonly minimumRole: TRole;
  readonly #deps: TLiveStreamSlotDeps;
  readonly #holder: TLiveStreamHolder;
  readonly #releaseSlot: () => void;
  readonly #stopWatching: () => void;

  constructor(deps: TLiveStreamSlotDeps, holder: TLiveStreamHolder) {
    this.#deps = deps;
    this.#holder = holder;
    this.token = holder.authToken ?? "";
    this.viewer = holder.viewer;
    this.minimumRole = holder.minimumRole;
    this.#releaseSlot = deps.streamAdmission.admit(holder.viewer, holder.socket);
    this.#stopWatching = deps.logins.watch(this);
  }

  onLost(reason: AppError): void {
    // The connection's next call must not be let in on a cached, now revoked, login.
    this.#deps.connectionLogins.forget(this.token);
    this.#holder.onLost(reason);
  }

  release(): void {
    this.#stopWatching();
    this.#releaseSlot();
  }
}
