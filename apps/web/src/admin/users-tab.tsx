// Users: invite by email (a one-time link), role, senior tech flag, team, deactivate / reactivate.
import type { TRole, TUserSummary } from "@handoff/api/client-contract";
import { type FormEvent, useState } from "react";
import { useViewer } from "../auth/auth-context.tsx";
import { PageError, PageLoading } from "../layout/page-states.tsx";
import { errorMessage } from "../lib/api-errors.ts";
import { trpc } from "../lib/trpc.ts";
import { DataTable } from "../ui/data-table.tsx";
import { Field } from "../ui/field.tsx";
import { FormError } from "../ui/form-error.tsx";
import { InvitationLink, type TInvitation } from "./invitation-link.tsx";

const ROLES: TRole[] = ["owner", "admin", "engineer", "viewer"];

export function UsersTab() {
  const viewer = useViewer();
  const utils = trpc.useUtils();
  const users = trpc.user.list.useQuery();
  const teams = trpc.team.list.useQuery();
  const [problem, setProblem] = useState<string | null>(null);
  const [invitation, setInvitation] = useState<TInvitation | null>(null);
  const onInvited = (result: { user: TUserSummary; inviteUrl: string; isEmailed: boolean }) => {
    setInvitation({
      email: result.user.email,
      inviteUrl: result.inviteUrl,
      isEmailed: result.isEmailed,
      expiresAt: result.user.inviteExpiresAt,
    });
    void utils.user.list.invalidate();
  };
  const reinvite = trpc.user.invite.useMutation({
    onSuccess: onInvited,
    onError: (e: unknown) => setProblem(errorMessage(e)),
  });
  const onDone = {
    onSuccess: () => void utils.user.list.invalidate(),
    onError: (e: unknown) => setProblem(errorMessage(e)),
  };
  const update = trpc.user.update.useMutation(onDone);
  const deactivate = trpc.user.deactivate.useMutation(onDone);
  const reactivate = trpc.user.reactivate.useMutation(onDone);
  const roles = viewer.role === "owner" ? ROLES : ROLES.filter((role) => role !== "owner");

  if (users.isPending) return <PageLoading label="Loading users…" />;
  if (users.error) return <PageError title="Can't load users" error={users.error} backTo="/" />;

  const canManage = (user: TUserSummary) => viewer.role === "owner" || user.role !== "owner";
  return (
    <div className="admin-panel">
      <InviteForm teams={teams.data ?? []} roles={roles} onInvited={onInvited} />
      {invitation && <InvitationLink invitation={invitation} />}
      <FormError message={problem} />
      <DataTable testId="users-table" columns={["Name", "Role", "Senior tech", "Team", "Status", ""]}>
        {users.data.map((user) => {
          const isSelf = user.id === viewer.id;
          const isLocked = !canManage(user);
          const change = (patch: Omit<Parameters<typeof update.mutate>[0], "userId">) => {
            setProblem(null);
            update.mutate({ userId: user.id, ...patch });
          };
          return (
            <tr key={user.id} data-user-email={user.email}>
              <td>
                <strong>{user.name}</strong>
                <div className="muted">{user.email}</div>
              </td>
              <td>
                <select
                  aria-label={`Role of ${user.name}`}
                  value={user.role}
                  disabled={isSelf || isLocked}
                  onChange={(event) => change({ role: event.target.value as TRole })}
                >
                  {(roles.includes(user.role) ? roles : [user.role, ...roles]).map((role) => (
                    <option key={role} value={role}>
                      {role}
                    </option>
                  ))}
                </select>
              </td>
              <td>
                <input
                  type="checkbox"
                  aria-label={`${user.name} is a senior tech`}
                  checked={user.isSeniorTech}
                  disabled={isLocked || user.role === "viewer"}
                  onChange={(event) => change({ isSeniorTech: event.target.checked })}
                />
              </td>
              <td>
                <select
                  aria-label={`Team of ${user.name}`}
                  value={user.team?.id ?? ""}
                  disabled={isLocked}
                  onChange={(event) => change({ teamId: event.target.value || null })}
                >
                  <option value="">No team</option>
                  {(teams.data ?? []).map((team) => (
                    <option key={team.id} value={team.id}>
                      {team.name}
                    </option>
                  ))}
                </select>
              </td>
              <td data-testid="user-status">
                {user.status}
                {user.inviteExpiresAt && (
                  <div className="muted">
                    link until {new Date(user.inviteExpiresAt).toLocaleDateString()}
                  </div>
                )}
              </td>
              <td className="table__actions">
                {user.status === "invited" && (
                  <button
                    type="button"
                    className="button"
                    disabled={isLocked || reinvite.isPending}
                    title="Makes a new link (the old one stops working) and emails it"
                    onClick={() => {
                      setProblem(null);
                      reinvite.mutate({
                        email: user.email,
                        name: user.name,
                        role: user.role,
                        isSeniorTech: user.isSeniorTech,
                        teamId: user.team?.id ?? null,
                      });
                    }}
                  >
                    New link
                  </button>
                )}
                {user.status === "deactivated" ? (
                  <button
                    type="button"
                    className="button"
                    disabled={isLocked}
                    onClick={() => reactivate.mutate({ userId: user.id })}
                  >
                    Reactivate
                  </button>
                ) : (
                  <button
                    type="button"
                    className="button"
                    disabled={isSelf || isLocked}
                    onClick={() => {
                      if (window.confirm(`Deactivate ${user.name}? They are signed out everywhere at once.`))
                        deactivate.mutate({ userId: user.id });
                    }}
                  >
                    Deactivate
                  </button>
                )}
              </td>
            </tr>
          );
        })}
      </DataTable>
    </div>
  );
}

function InviteForm({
  teams,
  roles,
  onInvited,
}: {
  teams: Array<{ id: string; name: string }>;
  roles: TRole[];
  onInvited(result: { user: TUserSummary; inviteUrl: string; isEmailed: boolean }): void;
}) {
  const invite = trpc.user.invite.useMutation({ onSuccess: onInvited });
  const [email, setEmail] = useState("");
  const [name, setName] = useState("");
  const [role, setRole] = useState<TRole>("engineer");
  const [isSeniorTech, setIsSeniorTech] = useState(false);
  const [teamId, setTeamId] = useState("");

  const handleSubmit = (event: FormEvent) => {
    event.preventDefault();
    invite.mutate(
      { email, name, role, isSeniorTech, teamId: teamId || null },
      {
        onSuccess: () => {
          setEmail("");
          setName("");
        },
      },
    );
  };

  return (
    <form className="admin-form" onSubmit={handleSubmit} aria-label="Invite someone">
      <Field label="Email">
        <input type="email" required value={email} onChange={(event) => setEmail(event.target.value)} />
      </Field>
      <Field label="Name">
        <input required value={name} onChange={(event) => setName(event.target.value)} />
      </Field>
      <Field label="Role">
        <select value={role} onChange={(event) => setRole(event.target.value as TRole)}>
          {roles.map((option) => (
            <option key={option} value={option}>
              {option}
            </option>
          ))}
        </select>
      </Field>
      <Field label="Team">
        <select value={teamId} onChange={(event) => setTeamId(event.target.value)}>
          <option value="">No team</option>
          {teams.map((team) => (
            <option key={team.id} value={team.id}>
              {team.name}
            </option>
          ))}
        </select>
      </Field>
      <label className="checkbox-field">
        <input
          type="checkbox"
          checked={isSeniorTech}
          onChange={(event) => setIsSeniorTech(event.target.checked)}
        />
        Senior tech
      </label>
      <button type="submit" className="button button--primary" disabled={invite.isPending}>
        {invite.isPending ? "Inviting…" : "Send invitation"}
      </button>
      <FormError message={invite.error && errorMessage(invite.error)} />
    </form>
  );
}
