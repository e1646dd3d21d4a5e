// The management screens in a real browser against one real server, a real SMTP sink and real
// drains: saved searches and alerts end to end (the email arrives and its link opens the viewer),
// "Send test", the starter pack, groups by wildcard, a new drain's first line, what a member may
// not do, and API tokens. Each screen is saved to docs/screenshots/ to be looked at.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import type { Alert, SavedSearch } from '../../shared/api.ts';
import { apiClient, type ApiClient } from '../helpers/api.ts';
import { apiToken, createAdmin, createUser } from '../helpers/auth.ts';
import { launchBrowser, screenshot, signedInContext, watchProblems, type Theme } from '../helpers/browser.ts';
import { logplexBody } from '../helpers/ingest.ts';
import { startMailbox, type Mailbox } from '../helpers/mailbox.ts';
import { requirePrograms } from '../helpers/programs.ts';
import { freePort, startTestServer, type TestServer } from '../helpers/server.ts';

// Functions passed to page.evaluate run in the page: its globals, typed loosely (no DOM lib here).
declare const document: { documentElement: { scrollWidth: number; clientWidth: number } };

const { available, test } = requirePrograms(import.meta.url, 'chromium');
let server: TestServer;
let browser: Browser;
let mail: Mailbox;
let api: ApiClient;
let admin: { email: string; password: string };
let member: { email: string; password: string };
let base: string;

beforeAll(async () => {
  if (!available) return;
  mail = await startMailbox();
  // The public URL is the address the browser and the drains use, so drain URLs and email links are real.
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = await startTestServer({
    env: { DRIFTWOOD_HTTP_PORT: String(port), DRIFTWOOD_PUBLIC_URL: base, DRIFTWOOD_SMTP_URL: mail.url, DRIFTWOOD_MAIL_FROM: 'driftwood@example.com' },
    // Alert rounds are driven by the test (runDue) instead of waiting for the minute.
    alerts: { tick: false },
  });
  api = apiClient(base, await apiToken(server.store));
  admin = await createAdmin(server.store);
  member = await createUser(server.store, { role: 'member' });
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await mail?.close();
});

/** Heroku-style lines through a drain's URL; resolves once the drain acknowledged them (committed). */
async function sendToDrain(url: string, messages: string[], program = 'web.1'): Promise<void> {
  const frames = messages.map((m) => `<190>1 ${new Date().toISOString()} host app ${program} - ${m}`);
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/logplex-1', 'logplex-msg-count': String(frames.length) }, body: logplexBody(frames) });
  if (res.status !== 204) throw new Error(`drain: ${res.status} ${await res.text()}`);
}

function drainUrl(name: string): string {
  const existing = server.store.drains.find(name) ?? server.store.drains.create(name, Date.now());
  return `${base}/drains/${existing.token}`;
}

async function open(path: string, opts: { theme?: Theme; width?: number; height?: number; as?: { email: string; password: string } } = {}): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await signedInContext(browser, base, opts.as ?? admin, opts);
  const page = await context.newPage();
  const problems = watchProblems(page);
  page.on('dialog', (d) => void d.accept());
  await page.goto(path);
  await page.getByRole('navigation').getByRole('link', { name: 'Searches' }).waitFor();
  return { context, page, problems };
}

test('a saved search and a 1-minute alert made in the browser mail matching lines, and the mail links back to the search in the viewer', async () => {
  const url = drainUrl('checkout');
  await sendToDrain(url, ['warming up: nothing to see']);
  const { context, page, problems } = await open('/events?q=PaymentDeclined');
  await page.getByRole('button', { name: 'Save search' }).click();
  const dialog = page.getByRole('dialog', { name: 'Save search' });
  await dialog.getByLabel('Name').fill('Declined payments');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await dialog.getByRole('link', { name: /alert/i }).click();

  // /searches/<id>/edit: no alert yet, so the editor is open.
  const editor = page.getByRole('form', { name: 'New alert' });
  await editor.getByLabel('Frequency').selectOption('1m');
  await editor.getByLabel('Condition').selectOption('at_least');
  await editor.getByLabel('Email').fill('oncall@example.com');
  await screenshot(page, 'search-edit-new-alert');
  await editor.getByRole('button', { name: 'Save' }).click();
  await page.waitForURL(/\/alerts\/\d+$/);
  const alertId = Number(new URL(page.url()).pathname.split('/').pop());
  const { body: alert } = await api.get<Alert>(`/api/v1/alerts/${alertId}.json`);
  expect(alert).toMatchObject({ frequency: '1m', condition: { type: 'at_least', count: 1 }, email_to: ['oncall@example.com'], enabled: true, search: { name: 'Declined payments', query: 'PaymentDeclined' } });

  await sendToDrain(url, ['ERROR PaymentDeclined card=visa order=981', 'INFO order 982 paid', 'ERROR PaymentDeclined card=amex order=983']);
  await server.alerts.runDue(Date.now() + 61_000);
  await server.alerts.settled();
  const [m] = await mail.waitFor(1);
  expect(m!.to).toEqual(['oncall@example.com']);
  expect(m!.subject).toMatch(/^\[Driftwood\] "Declined payments" alert: 2 matches/);
  const link = /Run this search over this window: (\S+)/.exec(m!.text)![1]!;
  expect(link.startsWith(`${base}/events?`)).toBe(true);

  // The mail's link opens the viewer on that search, showing the lines that fired it.
  await page.goto(link);
  const stream = page.getByRole('log', { name: 'Events' });
  await stream.locator('[data-event-id]', { hasText: 'order=983' }).waitFor();
  expect(await page.getByRole('searchbox', { name: 'Search' }).inputValue()).toBe('PaymentDeclined');
  expect(await stream.locator('[data-event-id]').allTextContents()).toEqual([expect.stringContaining('order=981'), expect.stringContaining('order=983')]);

  // The alert's page shows the run that fired and where it was delivered.
  await page.goto(`/alerts/${alertId}`);
  const history = page.getByRole('table', { name: 'Run history' });
  await history.getByText('email sent').waitFor();
  expect(await history.locator('tbody tr').first().textContent()).toContain('fired');
  await screenshot(page, 'alert-history-light');
  expect(problems).toEqual([]);
  await context.close();
});

test('"Send test" delivers a sample to the SMTP sink and shows the result', async () => {
  const { body: search } = await apiPost<SavedSearch>('/api/v1/searches.json', { name: 'Disk warnings', query: 'disk full' });
  const { body: alert } = await apiPost<Alert>('/api/v1/alerts.json', { search_id: search.id, frequency: '10m', email_to: ['ops@example.com'] });
  const before = mail.messages.length;
  for (const theme of ['light', 'dark'] as const) {
    const { context, page, problems } = await open(`/alerts/${alert.id}`, { theme });
    await page.getByRole('button', { name: 'Send test' }).click();
    const result = page.getByRole('status', { name: 'Test result' });
    await result.waitFor();
    expect(await result.textContent()).toContain('email sent');
    await screenshot(page, `alert-editor-${theme}`);
    expect(problems).toEqual([]);
    await context.close();
  }
  const got = await mail.waitFor(before + 2);
  expect(got.slice(before).map((x) => [x.to, x.subject])).toEqual([
    [['ops@example.com'], expect.stringMatching(/^\[Driftwood\] Test: "Disk warnings" alert/)],
    [['ops@example.com'], expect.stringMatching(/^\[Driftwood\] Test: "Disk warnings" alert/)],
  ]);
});

test('the starter pack button creates its searches and alerts, listed on /searches with their state', async () => {
  const { context, page, problems } = await open('/searches');
  await page.getByRole('button', { name: 'Starter alerts' }).click();
  const dialog = page.getByRole('dialog', { name: 'Starter alerts' });
  await dialog.getByLabel('Email').fill('security@example.com');
  await dialog.getByRole('button', { name: 'Add starter alerts' }).click();
  const added = dialog.getByRole('list', { name: 'Starter alerts added' });
  await added.waitFor();
  expect(await added.getByRole('listitem').count()).toBe(9);
  await dialog.getByRole('button', { name: 'Done' }).click();

  const { body: alerts } = await api.get<Alert[]>('/api/v1/alerts.json');
  const starter = alerts.filter((a) => a.email_to.includes('security@example.com'));
  expect(starter).toHaveLength(9);
  // Each search is a row holding its name (DESIGN 7).
  for (const name of ['Failed logins', 'Access-control failures', 'Heroku router 5xx']) await page.getByRole('row', { name: new RegExp(name) }).first().waitFor();
  await screenshot(page, 'searches-light');
  const dark = await open('/searches', { theme: 'dark' });
  await dark.page.getByRole('row', { name: /Failed logins/ }).first().waitFor();
  await screenshot(dark.page, 'searches-dark');
  const phone = await open('/searches', { theme: 'dark', width: 390, height: 780 });
  await phone.page.getByRole('row', { name: /Failed logins/ }).first().waitFor();
  expect(await phone.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBe(0);
  await screenshot(phone.page, 'searches-phone-dark');
  expect([...problems, ...dark.problems, ...phone.problems]).toEqual([]);
  await Promise.all([context.close(), dark.context.close(), phone.context.close()]);
});

test('a group made by wildcard previews its members, then scopes the viewer to them', async () => {
  for (const name of ['web-1', 'web-2', 'db-1']) await sendToDrain(drainUrl(name), [`grouptest hello from ${name}`]);
  const { context, page, problems } = await open('/systems');
  await page.getByRole('table', { name: 'Systems' }).getByRole('link', { name: 'db-1' }).waitFor();
  await screenshot(page, 'systems-light');
  await page.getByRole('button', { name: 'New group' }).click();
  const dialog = page.getByRole('dialog', { name: 'New group' });
  await dialog.getByLabel('Name').fill('web');
  await dialog.getByLabel('Wildcard').fill('web-*');
  const preview = dialog.getByRole('region', { name: 'Matching systems' });
  await expect.poll(() => preview.getByRole('listitem').allTextContents()).toEqual(['web-1', 'web-2']);
  await screenshot(page, 'systems-group-wildcard');
  await dialog.getByRole('button', { name: 'Save group' }).click();
  await dialog.waitFor({ state: 'detached' });

  await page.getByRole('region', { name: 'Groups' }).getByRole('link', { name: 'web' }).click();
  await page.waitForURL(/\/events\?group_id=\d+/);
  const stream = page.getByRole('log', { name: 'Events' });
  await stream.locator('[data-event-id]', { hasText: 'grouptest hello from web-2' }).waitFor();
  const lines = (await stream.locator('[data-event-id]').allTextContents()).filter((t) => t.includes('grouptest'));
  expect(lines).toHaveLength(2);
  expect(lines.join('\n')).not.toContain('db-1');
  expect(problems).toEqual([]);
  await context.close();

  const dark = await open('/systems', { theme: 'dark' });
  await dark.page.getByRole('region', { name: 'Groups' }).getByRole('link', { name: 'web' }).waitFor();
  await screenshot(dark.page, 'systems-dark');
  await dark.context.close();
});

test('a drain created on /sources shows its URL, waits, and turns green with the first line sent to it', async () => {
  const { context, page, problems } = await open('/sources');
  await page.getByRole('button', { name: 'Create drain' }).click();
  await page.getByLabel('Name').fill('shop-api');
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  const urlEl = page.getByLabel('Drain URL');
  await urlEl.waitFor();
  const url = (await urlEl.textContent())!;
  expect(url).toMatch(new RegExp(`^${base}/drains/d\\.[0-9a-f-]{36}$`));
  const status = page.getByRole('status', { name: 'First event' });
  expect(await status.textContent()).toContain('Waiting for the first event');
  // The Heroku command carries the URL as the API gave it.
  expect(await page.getByRole('region', { name: 'Drain shop-api' }).getByRole('tabpanel').textContent()).toContain(`heroku drains:add ${url} -a shop-api`);
  await screenshot(page, 'sources-waiting-light');

  await sendToDrain(url, ['first line from shop-api']);
  await expect.poll(() => status.textContent(), { timeout: 10_000 }).toContain('first line from shop-api');
  expect(await status.getAttribute('class')).toContain('received');
  await screenshot(page, 'sources-received-light');
  // The syslog instructions carry this server's host and syslog port.
  await page.getByRole('tab', { name: 'rsyslog' }).click();
  expect(await page.getByRole('tabpanel', { name: 'rsyslog' }).textContent()).toContain(`target="127.0.0.1" port="${server.syslogPort}"`);
  expect(problems).toEqual([]);
  await context.close();

  const dark = await open('/sources', { theme: 'dark' });
  await dark.page.getByRole('button', { name: 'Instructions' }).first().click();
  await dark.page.getByRole('status', { name: 'First event' }).waitFor();
  await screenshot(dark.page, 'sources-dark');
  await dark.context.close();
});

test('a member sees no users, drains or group controls, and a forged request from their page is refused', async () => {
  const { context, page, problems } = await open('/settings', { as: member });
  await page.getByRole('region', { name: 'API tokens' }).waitFor();
  expect(await page.getByRole('region', { name: 'Users' }).count()).toBe(0);
  await screenshot(page, 'settings-member');
  expect(problems).toEqual([]);
  // The page's own session and CSRF token, used to ask for what the UI does not offer.
  const forged = await page.evaluate(async () => {
    const session = (await (await fetch('/api/v1/session')).json()) as { csrf_token: string };
    const res = await fetch('/api/v1/users.json', { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrf_token }, body: JSON.stringify({ email: 'intruder@example.com', password: 'a long enough password 1', role: 'admin' }) });
    return { status: res.status, body: await res.json() };
  });
  expect(forged.status).toBe(403);
  expect(server.store.users.list().some((u) => u.email === 'intruder@example.com')).toBe(false);

  await page.getByRole('navigation').getByRole('link', { name: 'Sources' }).click();
  await page.getByRole('region', { name: 'Syslog' }).waitFor();
  expect(await page.getByRole('button', { name: 'Create drain' }).count()).toBe(0);
  await page.getByRole('navigation').getByRole('link', { name: 'Systems' }).click();
  await page.getByRole('region', { name: 'Groups' }).waitFor();
  expect(await page.getByRole('button', { name: 'New group' }).count()).toBe(0);
  // Only the forged request failed.
  expect(problems).toEqual([expect.stringContaining('403 (Forbidden)')]);
  await context.close();
});

test('a new API token is shown once and works against the API', async () => {
  const { context, page, problems } = await open('/settings');
  await page.getByRole('region', { name: 'Users' }).getByRole('row', { name: new RegExp(member.email) }).waitFor();
  await page.getByLabel('Token name').fill('ci deploys');
  await page.getByRole('button', { name: 'Create token' }).click();
  const shown = page.getByLabel('New API token');
  await shown.waitFor();
  const token = (await shown.textContent())!;
  const res = await fetch(`${base}/api/v1/events/search.json?q=PaymentDeclined`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  expect(((await res.json()) as { events: unknown[] }).events.length).toBeGreaterThan(0);
  await screenshot(page, 'settings-light');
  await page.reload();
  await page.getByRole('table', { name: 'Your API tokens' }).getByText('ci deploys').waitFor();
  expect(await page.content()).not.toContain(token);
  expect(problems).toEqual([]);
  await context.close();
  const dark = await open('/settings', { theme: 'dark' });
  await dark.page.getByRole('table', { name: 'Your API tokens' }).waitFor();
  await screenshot(dark.page, 'settings-dark');
  await dark.context.close();
});

async function apiPost<T>(path: string, body: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(base + path, { method: 'POST', headers: { authorization: `Bearer ${api.token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as T };
}
