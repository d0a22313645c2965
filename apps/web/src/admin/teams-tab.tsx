// Teams: create and rename.
import { type FormEvent, useState } from "react";
import { PageError, PageLoading } from "../layout/page-states.tsx";
import { errorMessage } from "../lib/api-errors.ts";
import { trpc } from "../lib/trpc.ts";
import { Field } from "../ui/field.tsx";
import { FormError } from "../ui/form-error.tsx";

export function TeamsTab() {
  const utils = trpc.useUtils();
  const teams = trpc.team.list.useQuery();
  const refresh = { onSuccess: () => void utils.team.list.invalidate() };
  const create = trpc.team.create.useMutation(refresh);
  const rename = trpc.team.update.useMutation(refresh);
  const [name, setName] = useState("");

  if (teams.isPending) return <PageLoading label="Loading teams…" />;
  if (teams.error) return <PageError title="Can't load teams" error={teams.error} backTo="/" />;

  const handleCreate = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({ name }, { onSuccess: () => setName("") });
  };
  const error = create.error ?? rename.error;
  return (
    <div className="admin-panel">
      <form className="admin-form" onSubmit={handleCreate} aria-label="New team">
        <Field label="New team">
          <input required value={name} onChange={(event) => setName(event.target.value)} />
        </Field>
        <button type="submit" className="button button--primary" disabled={create.isPending}>
          Create team
        </button>
      </form>
      <FormError message={error && errorMessage(error)} />
      <ul className="admin-list">
        {teams.data.map((team) => (
          <li key={team.id}>
            <strong>{team.name}</strong> <span className="muted">{team.memberCount} members</span>{" "}
            <button
              type="button"
              className="button button--ghost"
              onClick={() => {
                const next = window.prompt("Rename the team", team.name);
                if (next && next !== team.name) rename.mutate({ teamId: team.id, name: next });
              }}
            >
              Rename
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
