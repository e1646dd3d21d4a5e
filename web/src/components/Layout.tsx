// The frame of every signed-in page: the navigation (DESIGN 7: a nav landmark with links named
// Events, Searches, Systems, Sources, Settings), the time zone switch and the account menu.
import { useEffect, type ReactNode } from 'react';
import { Link, useLocation } from 'wouter';
import { localZoneName, setZone, useKnownLocalZoneName, useZone } from '../lib/time-format.ts';
import { useSession } from '../session.tsx';

const ZONE_NAME_DELAY_MS = 1000;

const NAV: [string, string][] = [
  ['/events', 'Events'],
  ['/searches', 'Searches'],
  ['/systems', 'Systems'],
  ['/sources', 'Sources'],
  ['/settings', 'Settings'],
];

export function Layout({ children }: { children: ReactNode }) {
  const [location] = useLocation();
  const zone = useZone();
  const { session, signOut } = useSession();
  // The local zone's name comes from Intl, whose first use in a page loads ICU's data: 28-50 ms in
  // one task, which must not fall while the first page of events is awaited or drawn. The events
  // screen's velocity graph asks for it in a task after its first page; any other screen, once it
  // has settled (a second after it mounts, when idle). "Local" until then.
  const localName = useKnownLocalZoneName();
  useEffect(() => {
    let idle: number | undefined;
    const timer = setTimeout(() => (idle = requestIdleCallback(() => localZoneName(), { timeout: 1000 })), ZONE_NAME_DELAY_MS);
    return () => {
      clearTimeout(timer);
      if (idle !== undefined) cancelIdleCallback(idle);
    };
  }, []);
  return (
    <div className="app">
      <header className="topbar">
        <Link href="/events" className="brand" aria-label="Driftwood home">
          <span className="logo" aria-hidden="true">≋</span>
          <span className="brand-name">Driftwood</span>
        </Link>
        <nav aria-label="Main">
          {NAV.map(([href, name]) => (
            <Link key={href} href={href} className={location === href || location.startsWith(`${href}/`) || (href === '/events' && location === '/') ? 'active' : undefined} aria-current={location.startsWith(href) ? 'page' : undefined}>
              {name}
            </Link>
          ))}
        </nav>
        <div className="topbar-right">
          <button type="button" className="zone" aria-label="Time zone" title="Times are shown in this zone; click to switch" onClick={() => setZone(zone === 'utc' ? 'local' : 'utc')}>
            {zone === 'utc' ? 'UTC' : (localName ?? 'Local')}
          </button>
          <span className="user hide-narrow" title={`${session.user.email} (${session.user.role})`}>
            {session.user.email}
          </span>
          <button type="button" className="link" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main className="content">{children}</main>
    </div>
  );
}
