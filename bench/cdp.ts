// A reader's browser for the viewer's benchmarks: headless Chromium driven over the DevTools
// protocol with no domain enabled in the page. Playwright enables Runtime (and more) in every page
// it drives, and with Runtime enabled V8 records a detailed stack trace for every Error object made,
// re-parsing the functions on the stack for their source positions: React DOM makes five Errors as
// it loads, and the page load's longest task roughly doubles (docs/BENCHMARKS.md, "What Playwright
// adds"). Here a page is attached to and told only what it must be: a script to run before its own
// (Page.addScriptToEvaluateOnNewDocument), where to go, and expressions to evaluate
// (Runtime.evaluate, which needs no Runtime.enable). Tracing and cookies go to the browser.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';

export interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  args?: { data?: Record<string, unknown>; name?: string };
}

export type Cookie = { name: string; value: string; url: string };
type Send = <T = unknown>(method: string, params?: object) => Promise<T>;

/** A page target, attached on its own session. */
export interface CdpPage {
  /** The value of a page expression (awaited if a promise); throws with the page's message if it threw. */
  evaluate<T>(expression: string): Promise<T>;
  /** Polls `expression` every 50 ms until it is truthy; throws after `timeoutMs`. */
  waitFor(expression: string, timeoutMs?: number): Promise<void>;
  /** The JS heap in use after a full garbage collection, in MB. */
  heapMb(): Promise<number>;
  close(): Promise<void>;
}

export interface CdpBrowser {
  /**
   * Opens a page of 1280×800 at `url` that runs `initScript` before its own scripts, in a browser
   * context of its own (no cache, as a first visit) holding `cookies`.
   */
  open(url: string, opts?: { initScript?: string; cookies?: Cookie[] }): Promise<CdpPage>;
  /** The browser-wide trace of `during` (timeline, user timing, loading). */
  trace(during: () => Promise<void>, categories?: string[]): Promise<TraceEvent[]>;
  close(): Promise<void>;
}

const TRACE_CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink.user_timing', 'loading'];

/** Starts Chromium (Debian's) with a debugging port on a fresh profile and connects to the browser. */
export async function launch(port = 9333): Promise<CdpBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'driftwood-bench-cdp-'));
  const chromium: ChildProcess = spawn(
    '/usr/bin/chromium',
    ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', `--remote-debugging-port=${port}`, `--user-data-dir=${profile}`, 'about:blank'],
    { stdio: 'ignore' },
  );
  let version: { webSocketDebuggerUrl: string } | undefined;
  for (let i = 0; i < 100 && !version; i++) {
    await new Promise((r) => setTimeout(r, 100));
    version = await fetch(`http://127.0.0.1:${port}/json/version`).then((r) => r.json() as Promise<{ webSocketDebuggerUrl: string }>, () => undefined);
  }
  if (!version) {
    chromium.kill();
    throw new Error(`chromium did not open its debugging port ${port}`);
  }
  const ws = new WebSocket(version.webSocketDebuggerUrl, { maxPayload: 1 << 30 });
  await new Promise((r, j) => ws.once('open', r).once('error', j));

  let nextId = 1;
  const pending = new Map<number, { resolve: (r: unknown) => void; reject: (e: Error) => void }>();
  let traceEvents: TraceEvent[] = [];
  let traced: () => void = () => {};
  ws.on('message', (d) => {
    const m = JSON.parse(d.toString()) as { id?: number; result?: unknown; error?: { message: string }; method?: string; params?: { value: TraceEvent[] } };
    if (m.id !== undefined) {
      const p = pending.get(m.id);
      pending.delete(m.id);
      if (m.error) p?.reject(new Error(m.error.message));
      else p?.resolve(m.result);
    } else if (m.method === 'Tracing.dataCollected') traceEvents.push(...m.params!.value);
    else if (m.method === 'Tracing.tracingComplete') traced();
  });
  const sendOn =
    (sessionId?: string): Send =>
    <T>(method: string, params: object = {}) =>
      new Promise<T>((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve: resolve as (r: unknown) => void, reject });
        ws.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
      });
  const send = sendOn();

  return {
    async open(url, { initScript, cookies } = {}) {
      const { browserContextId } = await send<{ browserContextId: string }>('Target.createBrowserContext', { disposeOnDetach: true });
      if (cookies) await send('Storage.setCookies', { cookies, browserContextId });
      const { targetId } = await send<{ targetId: string }>('Target.createTarget', { url: 'about:blank', width: 1280, height: 800, browserContextId });
      const { sessionId } = await send<{ sessionId: string }>('Target.attachToTarget', { targetId, flatten: true });
      const on = sendOn(sessionId);
      await on('Emulation.setDeviceMetricsOverride', { width: 1280, height: 800, deviceScaleFactor: 1, mobile: false });
      // The Page domain (without it the script is not run) costs the page nothing measurable.
      await on('Page.enable');
      if (initScript) await on('Page.addScriptToEvaluateOnNewDocument', { source: initScript });
      await on('Page.navigate', { url });
      const evaluate = async <T>(expression: string): Promise<T> => {
        const r = await on<{ result: { value?: T }; exceptionDetails?: { text: string; exception?: { description?: string } } }>('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true });
        if (r.exceptionDetails) throw new Error(`in the page: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`);
        return r.result.value as T;
      };
      return {
        evaluate,
        waitFor: (expression, timeoutMs) => pollUntil(evaluate, expression, timeoutMs),
        async heapMb() {
          await on('HeapProfiler.collectGarbage');
          return (await on<{ usedSize: number }>('Runtime.getHeapUsage')).usedSize / 1e6;
        },
        async close() {
          await send('Target.closeTarget', { targetId });
          await send('Target.disposeBrowserContext', { browserContextId });
        },
      };
    },
    async trace(during, categories = TRACE_CATEGORIES) {
      traceEvents = [];
      await send('Tracing.start', { traceConfig: { includedCategories: categories }, transferMode: 'ReportEvents' });
      await during();
      const done = new Promise<void>((r) => (traced = r));
      await send('Tracing.end');
      await done;
      return traceEvents;
    },
    async close() {
      ws.close();
      chromium.kill();
      await new Promise((r) => (chromium.exitCode === null ? chromium.once('exit', r) : r(undefined)));
      rmSync(profile, { recursive: true, force: true, maxRetries: 5 });
    },
  };
}

/**
 * Polls a page `expression` (through `evaluate`) every 50 ms until it is truthy; throws after
 * `timeoutMs`. Before a navigation commits the expression runs in the page before: a throw there
 * counts as not yet.
 */
export async function pollUntil(evaluate: (expression: string) => Promise<unknown>, expression: string, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await evaluate(`Boolean(${expression})`).catch(() => false))) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${expression}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The session cookies of `email` on the server at `base`, for open(). */
export async function signIn(base: string, email: string, password: string): Promise<Cookie[]> {
  const login = await fetch(`${base}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  if (!login.ok) throw new Error(`sign-in: ${login.status} ${await login.text()}`);
  return login.headers.getSetCookie().map((c) => {
    const pair = c.split(';')[0]!;
    return { name: pair.slice(0, pair.indexOf('=')), value: pair.slice(pair.indexOf('=') + 1), url: base };
  });
}
