// Users and roles (admins only; the server refuses members anyway): invite someone by setting
// their first password, change a role, remove. The last admin can be neither demoted nor removed
// (the server says so; the controls are disabled here).
import { useState, type FormEvent } from 'react';
import type { Role, User } from '../../../shared/api.ts';
import { del, post, put } from '../api/client.ts';
import { useAction, useApi } from '../hooks/useApi.ts';
import { ago } from '../lib/ago.ts';
import { fullTime, useZone } from '../lib/time-format.ts';
import { useSession } from '../session.tsx';
import { ErrorText } from './ErrorText.tsx';

export function UsersPanel() {
  const { session, signOut } = useSession();
  const zone = useZone();
  const users = useApi<User[]>('/api/v1/users.json');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>('member');
  const action = useAction();
  const admins = users.data?.filter((u) => u.role === 'admin').length ?? 0;
  const now = Date.now();

  const add = async (e: FormEvent) => {
    e.preventDefault();
    if (await action.run(() => post<User>('/api/v1/users.json', { email: email.trim(), password, role }))) {
      setEmail('');
      setPassword('');
      void users.reload();
    }
  };
  const changeRole = async (u: User, next: Role) => {
    if (await action.run(() => put<User>(`/api/v1/users/${u.id}.json`, { role: next }))) void users.reload();
  };
  const remove = async (u: User) => {
    const self = u.id === session.user.id;
    if (!confirm(self ? 'Remove your own account? You are signed out at once.' : `Remove ${u.email}? Their sessions and API tokens stop working.`)) return;
    if (!(await action.run(() => del(`/api/v1/users/${u.id}.json`).then(() => true)))) return;
    if (self) await signOut();
    else void users.reload();
  };

  return (
    <section className="card" aria-label="Users">
      <div className="card-head">
        <h2>Users</h2>
        <span className="muted small">admins manage users, drains and groups; members search, tail, save searches and alerts</span>
      </div>
      <ErrorText message={users.error} />
      <ErrorText message={action.error} />
      {users.data && (
        <table className="grid" aria-label="Users">
          <thead>
            <tr>
              <th className="email-col">Email</th>
              <th>Role</th>
              <th>Added</th>
              <th>Password changed</th>
              <th>
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {users.data.map((u) => {
              const lastAdmin = u.role === 'admin' && admins <= 1;
              return (
                <tr key={u.id}>
                  <td className="clip" title={u.email}>
                    {u.email} {u.id === session.user.id && <span className="muted">(you)</span>}
                  </td>
                  <td>
                    <select aria-label={`Role of ${u.email}`} value={u.role} disabled={lastAdmin || action.busy} title={lastAdmin ? 'The last admin: make someone else admin first' : undefined} onChange={(e) => void changeRole(u, e.target.value as Role)}>
                      <option value="admin">admin</option>
                      <option value="member">member</option>
                    </select>
                  </td>
                  <td className="muted nowrap" title={fullTime(u.created_at, zone)}>
                    {ago(u.created_at, now)}
                  </td>
                  <td className="muted nowrap" title={fullTime(u.password_changed_at, zone)}>
                    {ago(u.password_changed_at, now)}
                  </td>
                  <td className="actions-cell">
                    <button type="button" className="link danger-text" disabled={lastAdmin || action.busy} title={lastAdmin ? 'The last admin cannot be removed' : undefined} onClick={() => void remove(u)} aria-label={`Remove ${u.email}`}>
                      Remove
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <form onSubmit={add} className="inline-form" aria-label="Add user">
        <label>
          Email
          <input type="email" value={email} onChange={(e) => setEmail(e.target.value)} required autoComplete="off" placeholder="colleague@example.com" />
        </label>
        <label>
          Password
          <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} required minLength={12} autoComplete="new-password" placeholder="12 characters or more" />
        </label>
        <label>
          Role
          <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
            <option value="member">member</option>
            <option value="admin">admin</option>
          </select>
        </label>
        <button type="submit" disabled={action.busy}>
          Add user
        </button>
      </form>
    </section>
  );
}
