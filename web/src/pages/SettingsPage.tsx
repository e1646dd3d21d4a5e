// /settings: your account and API tokens; users and roles (admins only: members do not see them,
// and the server refuses them anyway); a read-only view of the server.
import { AccountPanel } from '../components/AccountPanel.tsx';
import { ServerPanel } from '../components/ServerPanel.tsx';
import { TokensPanel } from '../components/TokensPanel.tsx';
import { UsersPanel } from '../components/UsersPanel.tsx';
import { useSession } from '../session.tsx';

export function SettingsPage() {
  const { session } = useSession();
  return (
    <div className="page narrow-page">
      <div className="page-head">
        <h1>Settings</h1>
      </div>
      <AccountPanel />
      <TokensPanel />
      {session.user.role === 'admin' && <UsersPanel />}
      <ServerPanel />
    </div>
  );
}
