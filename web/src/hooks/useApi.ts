// Data for a management screen: one GET, its error as the server said it, and a reload after a
// change (or on a timer, for screens that watch something arrive).
import { useCallback, useEffect, useRef, useState } from 'react';
import { get } from '../api/client.ts';

export interface Loaded<T> {
  data: T | undefined;
  error: string | undefined;
  loading: boolean;
  /** Fetch again (keeps the current data on screen meanwhile). */
  reload(): Promise<void>;
}

/** GET `path` (undefined: nothing to fetch yet); `pollMs` fetches again that often while mounted. */
export function useApi<T>(path: string | undefined, opts: { pollMs?: number } = {}): Loaded<T> {
  const [state, setState] = useState<{ data: T | undefined; error: string | undefined; loading: boolean }>({ data: undefined, error: undefined, loading: path !== undefined });
  const current = useRef<AbortController>(undefined);
  const reload = useCallback(async () => {
    if (path === undefined) return;
    current.current?.abort();
    const ctl = new AbortController();
    current.current = ctl;
    try {
      const data = await get<T>(path, ctl.signal);
      if (!ctl.signal.aborted) setState({ data, error: undefined, loading: false });
    } catch (e) {
      if (!ctl.signal.aborted) setState((s) => ({ data: s.data, error: (e as Error).message, loading: false }));
    }
  }, [path]);
  useEffect(() => {
    setState({ data: undefined, error: undefined, loading: path !== undefined });
    void reload();
    return () => current.current?.abort();
  }, [reload, path]);
  useEffect(() => {
    if (!opts.pollMs || path === undefined) return;
    const timer = setInterval(() => void reload(), opts.pollMs);
    return () => clearInterval(timer);
  }, [opts.pollMs, reload, path]);
  return { ...state, reload };
}

/** Runs a change (POST/PUT/DELETE) and keeps its error message for the form that started it. */
export function useAction(): { busy: boolean; error: string; run<R>(fn: () => Promise<R>): Promise<R | undefined>; clear(): void } {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const run = useCallback(async <R,>(fn: () => Promise<R>): Promise<R | undefined> => {
    setBusy(true);
    setError('');
    try {
      return await fn();
    } catch (e) {
      setError((e as Error).message);
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, run, clear: () => setError('') };
}
