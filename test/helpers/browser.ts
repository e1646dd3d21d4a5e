// The web UI in a real browser: Debian's Chromium driven by playwright-core against a real server.
// The page is built once per run by test/global-setup.ts (as `npm start` builds it).
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { PROGRAMS } from './programs.ts';

export const SCREENSHOTS = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: PROGRAMS.chromium.bin,
    // As root in a sandbox without network: no sandbox, and no background calls to Google's hosts.
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export type Theme = 'light' | 'dark';

/** A browser context signed in as `email` (the session cookie set by POST /api/v1/session). */
export async function signedInContext(browser: Browser, baseUrl: string, creds: { email: string; password: string }, opts: { theme?: Theme; width?: number; height?: number; timezoneId?: string } = {}): Promise<BrowserContext> {
  const context = await browser.newContext({
    baseURL: baseUrl,
    colorScheme: opts.theme ?? 'light',
    viewport: { width: opts.width ?? 1280, height: opts.height ?? 800 },
    timezoneId: opts.timezoneId ?? 'UTC',
  });
  const res = await context.request.post('/api/v1/session', { data: creds });
  if (!res.ok()) throw new Error(`sign in as ${creds.email}: ${res.status()} ${await res.text()}`);
  return context;
}

/** Problems the page reported (console errors, uncaught exceptions): a test expects none. */
export function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  page.on('pageerror', (e) => problems.push(e.message));
  return problems;
}

/** docs/screenshots/<name>.png: the tests' pictures of each state, looked at by people. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOTS}${name}.png` });
}

/** The ids shown in the stream, top to bottom (only rows rendered by the virtual list). */
export async function shownIds(page: Page): Promise<string[]> {
  return page.locator('[role="log"][aria-label="Events"] [data-event-id]').evaluateAll((rows) =>
    rows.map((r) => ({ id: r.getAttribute('data-event-id')!, top: r.getBoundingClientRect().top })).sort((a, b) => a.top - b.top).map((r) => r.id),
  );
}
