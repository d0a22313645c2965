// "Release to queue": the claimer's (or an admin's) way to hand a claimed session back, on the
// handoff page and the session page alike.
import { errorMessage } from "../lib/api-errors.ts";
import { FormError } from "../ui/form-error.tsx";
import { useReleaseHandoff } from "./use-release-handoff.ts";

export function ReleaseButton({ handoffId, isBlock = false }: { handoffId: string; isBlock?: boolean }) {
  const release = useReleaseHandoff();
  return (
    <>
      <button
        type="button"
        className={isBlock ? "button button--block" : "button"}
        disabled={release.isPending}
        onClick={() => release.mutate({ handoffId })}
      >
        {release.isPending ? "Releasing…" : "Release to queue"}
      </button>
      <FormError message={release.error && errorMessage(release.error)} />
    </>
  );
}
