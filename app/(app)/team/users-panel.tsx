"use client";

import { type FormEvent, useCallback, useEffect, useState } from "react";
import { teamApi } from "@/components/api-client";
import { formatRelativeTime } from "@/components/format";
import { Button } from "@/components/ui/button";
import { Callout } from "@/components/ui/callout";
import { Field } from "@/components/ui/field";
import { Input, Select } from "@/components/ui/input";
import { useNow } from "@/components/use-now";
import { ROLES, type Role } from "@/lib/team/roles";
import type { UserView } from "@/lib/team/views";

/** A token is shown once, right after it was made; Ratchet keeps only its hash. */
function NewToken({ name, token, onDone }: { name: string; token: string; onDone: () => void }) {
  return (
    <Callout tone="warn" role="status" data-testid="team-new-token">
      <p className="mb-2">
        The token for <strong className="text-fg">{name}</strong>. Copy it now: it is not shown again.
      </p>
      <div className="flex items-center gap-2">
        <code data-testid="team-token-value" className="min-w-0 flex-1 break-all font-mono text-fg text-sm">
          {token}
        </code>
        <Button size="sm" onClick={() => void navigator.clipboard?.writeText(token)}>
          Copy
        </Button>
        <Button size="sm" variant="ghost" onClick={onDone}>
          Done
        </Button>
      </div>
    </Callout>
  );
}

function UserRow({
  user,
  self,
  now,
  onChange,
  onToken,
  onError,
}: {
  user: UserView;
  self: boolean;
  now: number;
  onChange: (user: UserView) => void;
  onToken: (name: string, token: string) => void;
  onError: (message: string) => void;
}) {
  const [busy, setBusy] = useState(false);
  async function act<T>(call: () => Promise<{ ok: true; data: T } | { ok: false; message: string }>) {
    setBusy(true);
    const result = await call();
    setBusy(false);
    if (!result.ok) onError(result.message);
    return result.ok ? result.data : null;
  }
  const disabled = Boolean(user.disabledAt);
  return (
    <tr data-testid={`team-user-${user.name}`} className="border-line border-t">
      <td className="py-2 pr-4 font-medium text-fg">
        {user.name}
        {self ? <span className="ml-2 text-faint text-xs">you</span> : null}
      </td>
      <td className="py-2 pr-4">
        <Select
          aria-label={`Role of ${user.name}`}
          data-testid="team-user-role"
          value={user.role}
          disabled={busy || self}
          className="w-32"
          onChange={async (event) => {
            const data = await act(() => teamApi.update(user.id, { role: event.target.value as Role }));
            if (data) onChange(data.user);
          }}
        >
          {ROLES.map((role) => (
            <option key={role} value={role}>
              {role}
            </option>
          ))}
        </Select>
      </td>
      <td className="py-2 pr-4 text-muted text-sm">{formatRelativeTime(user.lastSeenAt, now)}</td>
      <td className="py-2 pr-4 text-sm" data-testid="team-user-state">
        {disabled ? (
          <span className="text-amber-300">disabled</span>
        ) : (
          <span className="text-emerald-300">active</span>
        )}
      </td>
      <td className="flex justify-end gap-2 py-2">
        <Button
          size="sm"
          disabled={busy}
          onClick={async () => {
            const data = await act(() => teamApi.resetToken(user.id));
            if (data) onToken(data.user.name, data.token);
          }}
        >
          New token
        </Button>
        <Button
          size="sm"
          variant={disabled ? "secondary" : "danger"}
          disabled={busy || self}
          data-testid="team-user-toggle"
          onClick={async () => {
            const data = await act(() => teamApi.update(user.id, { disabled: !disabled }));
            if (data) onChange(data.user);
          }}
        >
          {disabled ? "Enable" : "Disable"}
        </Button>
      </td>
    </tr>
  );
}

export function UsersPanel({ selfId }: { selfId: string | null }) {
  const now = useNow(30_000);
  const [users, setUsers] = useState<UserView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [shown, setShown] = useState<{ name: string; token: string } | null>(null);
  const [pending, setPending] = useState(false);

  const load = useCallback(async () => {
    const result = await teamApi.list();
    if (result.ok) setUsers(result.data.users);
    else setError(result.message);
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  async function create(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const name = String(form.get("name") ?? "").trim();
    const role = String(form.get("role") ?? "member") as Role;
    setPending(true);
    setError(null);
    const result = await teamApi.create(name, role);
    setPending(false);
    if (!result.ok) {
      setError(result.message);
      return;
    }
    formElement.reset();
    setShown({ name: result.data.user.name, token: result.data.token });
    setUsers((list) => [...(list ?? []), result.data.user]);
  }

  const replace = (user: UserView) =>
    setUsers((list) => (list ?? []).map((u) => (u.id === user.id ? user : u)));

  return (
    <section className="flex flex-col gap-4" aria-labelledby="team-users">
      <div>
        <h2 id="team-users" className="font-medium text-fg">
          Users
        </h2>
        <p className="mt-1 text-muted text-sm">
          admin: settings, workspace roots and users · approver: tools, skills, working memory, learnings and
          the board · member: run sessions · viewer: read only. Each role includes the ones after it. The
          install&apos;s own token stays the owner, with every right.
        </p>
      </div>
      <form onSubmit={create} className="flex flex-wrap items-end gap-3" noValidate>
        <Field label="Name" htmlFor="team-new-name" className="w-56">
          <Input
            id="team-new-name"
            name="name"
            data-testid="team-new-name"
            placeholder="alice"
            autoComplete="off"
          />
        </Field>
        <Field label="Role" htmlFor="team-new-role" className="w-36">
          <Select id="team-new-role" name="role" data-testid="team-new-role" defaultValue="member">
            {ROLES.map((role) => (
              <option key={role} value={role}>
                {role}
              </option>
            ))}
          </Select>
        </Field>
        <Button type="submit" variant="primary" disabled={pending} data-testid="team-new-submit">
          Add user
        </Button>
      </form>
      {shown ? <NewToken name={shown.name} token={shown.token} onDone={() => setShown(null)} /> : null}
      {error ? (
        <Callout tone="error" role="alert" data-testid="team-error">
          {error}
        </Callout>
      ) : null}
      {users === null ? (
        <div aria-hidden="true" className="h-24 animate-pulse rounded-lg bg-panel/60" />
      ) : users.length === 0 ? (
        <p className="text-muted text-sm">No users yet: only the install&apos;s own token can sign in.</p>
      ) : (
        // a wide table scrolls on its own on a phone, the page does not
        <div className="overflow-x-auto">
          <table className="w-full text-left">
            <thead className="text-faint text-xs uppercase tracking-wide">
              <tr>
                <th className="pb-2 font-medium">Name</th>
                <th className="pb-2 font-medium">Role</th>
                <th className="pb-2 font-medium">Last seen</th>
                <th className="pb-2 font-medium">State</th>
                <th className="pb-2" />
              </tr>
            </thead>
            <tbody>
              {users.map((user) => (
                <UserRow
                  key={user.id}
                  user={user}
                  self={user.id === selfId}
                  now={now}
                  onChange={replace}
                  onToken={(name, token) => setShown({ name, token })}
                  onError={setError}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
