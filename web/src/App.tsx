// Router and auth gate: first run → setup, no session → sign in, else the app. Addresses as
// DESIGN 7; the server serves this page for every UI path (SPA fallback).
import { lazy, Suspense, useEffect, useState } from 'react';
import { Redirect, Route, Switch } from 'wouter';
import type { SessionInfo, SetupStatus } from '../../shared/api.ts';
import { ApiError, del, get, onSignedOut, setCsrfToken } from './api/client.ts';
import { Layout } from './components/Layout.tsx';
import { EventsPage } from './pages/EventsPage.tsx';
import { NotFound } from './pages/NotFound.tsx';
import { SignIn } from './pages/SignIn.tsx';
import { SessionContext } from './session.tsx';

// The events screen (the home, and where alert emails link) is in the first script; the
// management screens are chunks loaded when first opened, so the page has less to evaluate.
const AlertPage = lazy(() => import('./pages/AlertPage.tsx').then((m) => ({ default: m.AlertPage })));
const SavedSearchPage = lazy(() => import('./pages/SavedSearchPage.tsx').then((m) => ({ default: m.SavedSearchPage })));
const SearchEditPage = lazy(() => import('./pages/SearchEditPage.tsx').then((m) => ({ default: m.SearchEditPage })));
const SearchesPage = lazy(() => import('./pages/SearchesPage.tsx').then((m) => ({ default: m.SearchesPage })));
const SettingsPage = lazy(() => import('./pages/SettingsPage.tsx').then((m) => ({ default: m.SettingsPage })));
const SourcesPage = lazy(() => import('./pages/SourcesPage.tsx').then((m) => ({ default: m.SourcesPage })));
const SystemsPage = lazy(() => import('./pages/SystemsPage.tsx').then((m) => ({ default: m.SystemsPage })));

type Gate = { kind: 'loading' } | { kind: 'setup' } | { kind: 'sign-in' } | { kind: 'signed-in'; session: SessionInfo } | { kind: 'error'; message: string };

export function App() {
  const [gate, setGate] = useState<Gate>({ kind: 'loading' });
  const signedIn = (session: SessionInfo) => {
    setCsrfToken(session.csrf_token);
    setGate({ kind: 'signed-in', session });
  };

  useEffect(() => {
    void (async () => {
      const setup = await get<SetupStatus>('/api/v1/setup');
      if (setup.setup_required) return setGate({ kind: 'setup' });
      try {
        signedIn(await get<SessionInfo>('/api/v1/session'));
      } catch (e) {
        if (e instanceof ApiError && e.status === 401) setGate({ kind: 'sign-in' });
        else throw e;
      }
    })().catch((e: Error) => setGate({ kind: 'error', message: e.message }));
    return onSignedOut(() => setGate({ kind: 'sign-in' }));
  }, []);

  if (gate.kind === 'loading') return <main className="signin" aria-busy="true" />;
  if (gate.kind === 'error')
    return (
      <main className="signin">
        <h1>Driftwood</h1>
        <p role="alert" className="error">
          Cannot reach the server: {gate.message}
        </p>
      </main>
    );
  if (gate.kind !== 'signed-in') return <SignIn setup={gate.kind === 'setup'} onSignedIn={signedIn} />;

  const signOut = async () => {
    await del('/api/v1/session').catch(() => undefined);
    setCsrfToken(undefined);
    setGate({ kind: 'sign-in' });
  };
  return (
    <SessionContext.Provider value={{ session: gate.session, signOut }}>
      <Layout>
        <Suspense fallback={null}>
          <Switch>
            <Route path="/" component={() => <Redirect to="/events" replace />} />
            <Route path="/setup" component={() => <Redirect to="/events" replace />} />
            <Route path="/events" component={EventsPage} />
            <Route path="/searches" component={SearchesPage} />
            <Route path="/searches/:id/edit">{({ id }) => <SearchEditPage key={id} id={id} />}</Route>
            <Route path="/searches/:id">{({ id }) => <SavedSearchPage key={id} id={id} />}</Route>
            <Route path="/alerts/:id">{({ id }) => <AlertPage key={id} id={id} />}</Route>
            <Route path="/systems" component={SystemsPage} />
            <Route path="/sources" component={SourcesPage} />
            <Route path="/settings" component={SettingsPage} />
            <Route>
              <NotFound />
            </Route>
          </Switch>
        </Suspense>
      </Layout>
    </SessionContext.Provider>
  );
}
