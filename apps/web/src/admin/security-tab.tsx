// Account-wide sign-in rules: the owner requires two-factor sign-in for every member (members
// without it set it up at their next sign-in). Admins see the setting; only the owner changes it.
import { useViewer } from "../auth/auth-context.tsx";
import { PageError, PageLoading } from "../layout/page-states.tsx";
import { errorMessage } from "../lib/api-errors.ts";
import { trpc } from "../lib/trpc.ts";
import { FormError } from "../ui/form-error.tsx";

export function SecurityTab() {
  const viewer = useViewer();
  const utils = trpc.useUtils();
  const status = trpc.twoFactor.status.useQuery();
  const setRequired = trpc.twoFactor.setRequired.useMutation({
    onSuccess: () => void utils.twoFactor.status.invalidate(),
  });

  if (status.isPending) return <PageLoading label="Loading the sign-in settings…" />;
  if (status.error) return <PageError title="Can't load the settings" error={status.error} backTo="/" />;
  const isOwner = viewer.role === "owner";

  return (
    <div className="admin-panel">
      <label className="checkbox-field">
        <input
          type="checkbox"
          checked={status.data.isRequiredByAccount}
          disabled={!isOwner || setRequired.isPending || !status.data.isAvailable}
          onChange={(event) => setRequired.mutate({ isRequired: event.target.checked })}
        />
        <span>Require two-factor sign-in for every member</span>
      </label>
      <p className="muted">
        {isOwner
          ? "Members without it set it up at their next sign-in, before they can use Handoff. Logins already open stay open."
          : "Only the owner can change this."}
      </p>
      {setRequired.data && (
        <p role="status">
          {setRequired.data.membersWithout === 0
            ? "Everyone has two-factor sign-in."
            : `${setRequired.data.membersWithout} member(s) don't have two-factor sign-in yet.`}
        </p>
      )}
      <FormError message={setRequired.error && errorMessage(setRequired.error)} />
    </div>
  );
}
