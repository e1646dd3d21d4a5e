// The event viewer's benchmarks' server: a checkout built as `npm start` builds it (its server bundle
// and web/dist), serving its own store of LINES unique Heroku-like lines that all hold the word
// `firstrender`, and a user to sign in as. bench/ui-first-render.ts, bench/ui-scroll.ts and
// bench/ui-uninstrumented.ts. Also the scroll back every viewer benchmark makes (bench/ui.ts too).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { hashPassword } from '../server/security/passwords.ts';
import { openStore } from '../server/store/index.ts';
import { herokuMessage, octetFrame } from './heroku-lines.ts';
import { startCommand } from './start-command.ts';

const LINES = 20_000;
export const EMAIL = 'bench@example.com';
export const PASSWORD = 'bench password 1234';
/** The search every load opens: all LINES lines match it, so its first page has 1,000 events. */
export const FIRST_RENDER_PATH = '/events?q=firstrender';

function freePort(): Promise<number> {
  return new Promise((res) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => res(p));
    });
  });
}

export interface Served {
  checkout: string;
  base: string;
  child: ChildProcess;
  dataDir: string;
}

/** Builds `checkout`, starts its server on a free port and fills its store. */
export async function serve(checkout: string): Promise<Served> {
  execFileSync(process.execPath, ['--import', 'tsx', join(checkout, 'server/build.ts')], { cwd: checkout, stdio: 'ignore' });
  execFileSync(process.execPath, [join(checkout, 'node_modules/vite/bin/vite.js'), 'build', join(checkout, 'web'), '--logLevel', 'error'], { cwd: checkout, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
  const dataDir = mkdtempSync(join(tmpdir(), 'driftwood-bench-first-render-'));
  const store = openStore(dataDir);
  store.users.create(EMAIL, 'admin', await hashPassword(PASSWORD), Date.now());
  const token = store.drains.create('bench-app', Date.now()).token;
  store.close();
  const port = await freePort();
  const start = startCommand(); // as `npm start` runs it (this checkout's script, for every checkout compared)
  const child = spawn(process.execPath, [...start.nodeArgs, join(checkout, 'server/dist/main.js'), 'serve'], {
    env: { ...start.env, ...process.env, DRIFTWOOD_DATA_DIR: dataDir, DRIFTWOOD_HTTP_HOST: '127.0.0.1', DRIFTWOOD_HTTP_PORT: String(port), DRIFTWOOD_SYSLOG_PORT: '0' },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  await new Promise<void>((res) => child.stdout!.on('data', (d: Buffer) => d.toString().includes('running at') && res()));
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < LINES; i += 500) {
    const body = Array.from({ length: 500 }, (_, j) => octetFrame(`${herokuMessage(1e7 + i + j)} firstrender`)).join('');
    const res = await fetch(`${base}/drains/${token}`, { method: 'POST', headers: { 'content-type': 'application/logplex-1' }, body });
    if (res.status !== 204) throw new Error(`drain: ${res.status}`);
  }
  return { checkout, base, child, dataDir };
}

/** Stops the server and deletes its store. */
export async function stop(s: Served): Promise<void> {
  s.child.kill('SIGTERM');
  await new Promise((r) => s.child.once('exit', r));
  rmSync(s.dataDir, { recursive: true, force: true });
}

/**
 * The search every load opens, in a new signed-in context of `browser` on `s` with `initScript`
 * run before the page's own scripts, once its first row is on screen. Close the context after.
 */
export async function openFirstRender(browser: Browser, s: Served, initScript: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL: s.base, viewport: { width: 1280, height: 800 } });
  await context.addInitScript(initScript);
  await context.request.post('/api/v1/session', { data: { email: EMAIL, password: PASSWORD } });
  const page = await context.newPage();
  await page.goto(FIRST_RENDER_PATH);
  await page.locator('[data-event-id]').first().waitFor();
  return { context, page };
}

/**
 * One step of scroll back, as a page expression: true once "Beginning of the results" shows, else
 * the stream is scrolled up 4,000 px. Every viewer benchmark scrolls back so, a step every 30 ms.
 */
const SCROLL_BACK_STEP = `(() => {
  if ([...document.querySelectorAll('.stream-edge')].some((e) => e.textContent.includes('Beginning of the results'))) return true;
  document.querySelector('[role="log"][aria-label="Events"]').scrollBy({ top: -4000 });
  return false;
})()`;

/** Scroll back (SCROLL_BACK_STEP) at most 400 steps in a page (Playwright's or bench/cdp's); whether the beginning was reached. */
export async function scrollToBeginning(page: { evaluate(expression: string): Promise<unknown> }): Promise<boolean> {
  for (let i = 0; i < 400; i++) {
    if (await page.evaluate(SCROLL_BACK_STEP)) return true;
    await new Promise((r) => setTimeout(r, 30));
  }
  return false;
}
