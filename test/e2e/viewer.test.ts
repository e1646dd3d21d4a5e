// The event viewer in a real browser against a real server and real ingest (HTTPS drain and
// syslog): live tail, search, pause/resume, scroll back, permalinks, safety of log text, ANSI
// colours, syntax errors, save search. Each state is saved to docs/screenshots/ to be looked at.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import type { SavedSearch } from '../../shared/api.ts';
import { apiClientFor, type ApiClient } from '../helpers/api.ts';
import { createAdmin } from '../helpers/auth.ts';
import { launchBrowser, screenshot, shownIds, signedInContext, watchProblems, type Theme } from '../helpers/browser.ts';
import { logplexBody, octetFrame, sendTcp } from '../helpers/ingest.ts';
import { requirePrograms } from '../helpers/programs.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

// Functions passed to page.evaluate run in the page: its globals, typed loosely (no DOM lib here).
declare const document: { querySelector(s: string): { textContent: string | null } | null; documentElement: { scrollWidth: number; clientWidth: number }; activeElement: { getAttribute(n: string): string | null } | null };
declare const window: unknown;
declare function requestAnimationFrame(callback: () => void): number;
declare function getComputedStyle(el: unknown): { fontWeight: string; color: string };

const { available, test } = requirePrograms(import.meta.url, 'chromium');
let server: TestServer;
let browser: Browser;
let api: ApiClient;
let drainUrl: string;
let admin: { email: string; password: string };
let base: string;

beforeAll(async () => {
  if (!available) return;
  server = await startTestServer();
  base = server.url.replace('localhost', '127.0.0.1');
  api = await apiClientFor(server);
  admin = await createAdmin(server.store);
  drainUrl = `${base}/drains/${server.store.drains.create('shop-web', Date.now()).token}`;
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** Heroku-style lines through the HTTPS drain; resolves once the drain acknowledged (committed). */
async function drain(lines: { program?: string; message: string }[]): Promise<void> {
  const frames = lines.map((l) => `<190>1 ${new Date().toISOString()} host app ${l.program ?? 'web.1'} - ${l.message}`);
  for (let i = 0; i < frames.length; i += 500) {
    const chunk = frames.slice(i, i + 500);
    const res = await fetch(drainUrl, { method: 'POST', headers: { 'content-type': 'application/logplex-1', 'logplex-msg-count': String(chunk.length) }, body: logplexBody(chunk) });
    if (res.status !== 204) throw new Error(`drain: ${res.status} ${await res.text()}`);
  }
}

async function openViewer(path = '/events', opts: { theme?: Theme; width?: number; height?: number } = {}): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await signedInContext(browser, base, admin, opts);
  const page = await context.newPage();
  const problems = watchProblems(page);
  await page.goto(path);
  await page.getByRole('log', { name: 'Events' }).waitFor();
  return { context, page, problems };
}

const stream = (page: Page) => page.getByRole('log', { name: 'Events' });
const row = (page: Page, text: string) => stream(page).locator('[data-event-id]', { hasText: text });

test('lines sent to a drain appear live, without a reload, in both themes', async () => {
  await drain([{ message: 'warmup before the viewer opens' }]);
  for (const theme of ['light', 'dark'] as const) {
    const { context, page, problems } = await openViewer('/events', { theme });
    await page.getByRole('button', { name: 'Pause' }).waitFor();
    const marker = `livecheck-${theme}`;
    await drain([
      { message: `at=info method=GET path="/cart" host=shop.example.com request_id=${marker}-1 fwd="10.0.0.7" dyno=web.1 connect=1ms service=23ms status=200 bytes=512`, program: 'router' },
      { message: `\u001b[32mINFO\u001b[0m Completed 200 OK in 21ms ${marker}-2` },
      { message: `ERROR PaymentError: card declined for order 1234 ${marker}-3` },
      { message: `at=error code=H12 desc="Request timeout" method=POST path="/checkout" status=503 ${marker}-4`, program: 'router' },
    ]);
    await row(page, `${marker}-4`).waitFor({ timeout: 10_000 });
    expect(await row(page, `${marker}-1`).count()).toBe(1);
    // The graph and the facets count what the stream shows (the facets follow within a few seconds).
    const loaded = (await page.locator('.statusbar').textContent())?.match(/(\d+) loaded/)?.[1];
    await expect.poll(() => page.getByRole('img', { name: 'Velocity' }).locator('.sr-only').textContent()).toBe(`Velocity: ${loaded} matches in the range shown`);
    await expect.poll(() => page.getByRole('region', { name: 'Facets' }).locator('h2').textContent(), { timeout: 10_000 }).toBe(`Facets ${loaded} events`);
    await screenshot(page, `viewer-live-${theme}`);
    expect(problems).toEqual([]);
    await context.close();
  }
});

test('a search with a qualifier shows exactly the API matches, and survives a reload', async () => {
  await drain([
    { message: 'at=info status=200 path=/a qualcheck', program: 'router' },
    { message: 'at=error status=503 path=/b qualcheck', program: 'router' },
    { message: 'status=502 from the app, not the router qualcheck' },
  ]);
  const q = 'qualcheck program:app/router status>=500';
  const expected = (await api.search(q)).events.map((e) => e.id);
  expect(expected).toHaveLength(1);
  const { context, page } = await openViewer();
  await page.getByRole('searchbox', { name: 'Search' }).fill(q);
  await page.getByRole('searchbox', { name: 'Search' }).press('Enter');
  await expect.poll(() => shownIds(page)).toEqual(expected);
  expect(new URL(page.url()).searchParams.get('q')).toBe(q);
  await page.reload();
  await expect.poll(() => shownIds(page)).toEqual(expected);
  expect(await page.getByRole('searchbox', { name: 'Search' }).inputValue()).toBe(q);
  await context.close();
});

test('pause, send, resume: every line once, in order, with the count of new lines shown while paused', async () => {
  await drain(Array.from({ length: 60 }, (_, i) => ({ message: `pausecheck before ${i}` })));
  const { context, page } = await openViewer('/events?q=pausecheck');
  await expect.poll(async () => (await shownIds(page)).length).toBeGreaterThan(20);
  await page.getByRole('button', { name: 'Pause' }).click();
  await page.getByRole('button', { name: 'Resume' }).waitFor();
  await drain(Array.from({ length: 30 }, (_, i) => ({ message: `pausecheck after ${i}` })));
  await expect.poll(() => page.locator('.statusbar').textContent(), { timeout: 10_000 }).toContain('Paused — 30 new');
  await screenshot(page, 'viewer-paused');
  await page.getByRole('button', { name: 'Resume' }).click();
  await page.getByRole('button', { name: 'Pause' }).waitFor();
  const all = (await api.search('pausecheck', { limit: '1000' })).events.map((e) => e.id);
  expect(all).toHaveLength(90);
  // The newest rows are on screen, in order, each once, ending with the newest match.
  await expect.poll(async () => (await shownIds(page)).at(-1)).toBe(all.at(-1));
  const shown = await shownIds(page);
  expect(shown).toEqual(all.slice(all.length - shown.length));
  // The whole buffer is the whole result: no gap, no repeat.
  const loaded = await page.evaluate(() => document.querySelector('.statusbar')!.textContent);
  expect(loaded).toContain('90 loaded');
  await context.close();
});

test('scroll back reaches the first of 3,000 matching lines, keeping the view still while pages load', async () => {
  await drain(Array.from({ length: 3000 }, (_, i) => ({ message: `scrollcheck line ${String(i).padStart(4, '0')} request_id=${crypto.randomUUID()}` })));
  const first = (await api.search('scrollcheck', { limit: '1', min_id: '0' })).events[0]!;
  expect(first.message).toContain('line 0000');
  const { context, page } = await openViewer('/events?q=scrollcheck');
  await row(page, 'line 2999').waitFor();
  const log = stream(page);
  // The event at the top of the view (below the stream's edge line), once the browser has drawn.
  const topEventId = () =>
    log.evaluate(async (el) => {
      await new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      const box = el.getBoundingClientRect();
      return el.ownerDocument.elementFromPoint(box.left + 100, box.top + 30)?.closest('[data-event-id]')?.getAttribute('data-event-id');
    });
  const loaded = async () => Number((await page.locator('.statusbar').textContent())?.match(/([\d,]+) loaded/)?.[1]?.replace(/,/g, ''));
  // Older pages arrive 150 ms after they are asked for, so that each lands while the test watches.
  await page.route('**/api/v1/events/search.json?*', async (route) => {
    await new Promise((r) => setTimeout(r, 150));
    await route.continue();
  });
  let pagesLanded = 0;
  for (let i = 0; i < 10 && (await loaded()) < 3000; i++) {
    // Scroll to the top: an older page loads and is added above the line being read, which stays
    // where it is, at the top of the view. Wait for the page itself, not a fixed time: on a busy
    // machine a page can take longer than any guess.
    const before = await loaded();
    await log.evaluate((el) => el.scrollTo({ top: 0 }));
    const reading = await topEventId();
    expect(reading).toBeTruthy();
    await expect.poll(loaded, { timeout: 10_000 }).toBeGreaterThan(before);
    expect(await topEventId()).toBe(reading);
    pagesLanded++;
  }
  expect(pagesLanded).toBe(4); // 2,000 older lines, in pages of 500
  await log.evaluate((el) => el.scrollTo({ top: 0 }));
  await row(page, 'line 0000').waitFor();
  await expect.poll(() => page.locator('.stream-edge').textContent()).toBe('Beginning of the results');
  await screenshot(page, 'viewer-scrolled-back');
  await context.close();
});

test('a permalink opens its event highlighted in its context, with details and a Permalink link', async () => {
  await drain(Array.from({ length: 20 }, (_, i) => ({ message: `permacheck ${i} ${i === 10 ? 'THE ONE' : ''}` })));
  const target = (await api.search('"THE ONE"')).events[0]!;
  const { context, page } = await openViewer(`/events?centered_on_id=${target.id}`);
  const centered = stream(page).locator(`[data-event-id="${target.id}"]`);
  await centered.waitFor();
  expect(await centered.getAttribute('class')).toContain('centered');
  // Neighbours from before and after it are shown around it.
  await row(page, 'permacheck 9').waitFor();
  await row(page, 'permacheck 11').waitFor();
  expect(await page.getByRole('button', { name: 'Resume' }).count()).toBe(1);
  await centered.click();
  const details = page.getByRole('region', { name: 'Event details' });
  await details.waitFor();
  expect(await details.getByRole('link', { name: 'Permalink' }).getAttribute('href')).toBe(`/events?centered_on_id=${target.id}`);
  await details.locator('.context li.current').waitFor();
  // The line as RFC 5424, to copy or replay.
  await details.getByText('Line', { exact: true }).click();
  expect(await details.locator('details.raw pre').first().textContent()).toMatch(new RegExp(`^<\\d+>1 \\S+ \\S+ \\S+ - - - ${target.message}$`));
  await screenshot(page, 'viewer-permalink-details');
  await context.close();
});

test('the details panel lists every field the API gives (logfmt pairs from the message, structured data) and the same JSON', async () => {
  // The viewer's pages leave out the fields the message gives (derived_fields=omit): the panel
  // must still show exactly the API's full set, in its order, the stored value winning a clash.
  await sendTcp(server.syslogPort!, [
    octetFrame(`<134>1 ${new Date().toISOString()} web-7 shop 4242 ORDERS [meta region="eu-west" status="503"] fieldcheck at=info status=200 path="/a b" empty=`),
  ]);
  const target = (await api.waitFor('fieldcheck', 1)).events[0]!;
  const want = Object.entries(target.fields).map(([k, v]) => [k, v === '' ? '(empty)' : v]);
  expect(want).toEqual(expect.arrayContaining([['at', 'info'], ['status', '503'], ['path', '/a b'], ['empty', '(empty)'], ['region', 'eu-west'], ['procid', '4242']]));
  const { context, page } = await openViewer('/events?q=fieldcheck');
  await row(page, 'fieldcheck').click();
  const details = page.getByRole('region', { name: 'Event details' });
  const fieldRows = details.locator('table.fields tr');
  await expect.poll(() => fieldRows.count()).toBe(want.length);
  const shown = await fieldRows.evaluateAll((trs) => trs.map((tr) => [tr.querySelector('th')!.textContent, tr.querySelector('td')!.textContent]));
  expect(shown).toEqual(want);
  // The event's JSON, as the API's default response has it.
  await details.getByText('JSON', { exact: true }).click();
  expect(await details.locator('details.raw pre').last().textContent()).toBe(JSON.stringify(target, null, 2));
  await screenshot(page, 'viewer-details-fields');
  await context.close();
});

test('a line carrying HTML shows as text and runs nothing; ANSI colours show as colour, not escapes', async () => {
  await drain([{ message: `xsscheck <img src=x onerror="window.__pwned=1"> <script>window.__pwned=2</script>` }]);
  await sendTcp(server.syslogPort!, [octetFrame(`<14>1 ${new Date().toISOString()} build-1 rails - - - ansicheck \u001b[1;31mFAILED\u001b[0m \u001b[38;2;0;160;255mtruecolour\u001b[0m done`)]);
  const { context, page, problems } = await openViewer('/events?q=xsscheck OR ansicheck');
  const xss = row(page, 'xsscheck');
  await xss.waitFor();
  expect(await xss.textContent()).toContain('<img src=x onerror="window.__pwned=1">');
  expect(await page.locator('[role="log"] img, [role="log"] script').count()).toBe(0);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  const ansi = row(page, 'ansicheck');
  await ansi.waitFor();
  const text = (await ansi.textContent())!;
  expect(text).toContain('FAILED truecolour done');
  expect(text).not.toContain('\u001b');
  expect(text).not.toContain('[1;31m');
  const failed = ansi.locator('span.ansi', { hasText: 'FAILED' });
  expect(await failed.evaluate((el) => [getComputedStyle(el).fontWeight, el.style.color])).toEqual(['700', 'var(--ansi-1)']);
  const tc = ansi.locator('span.ansi', { hasText: 'truecolour' });
  expect(await tc.evaluate((el) => getComputedStyle(el).color)).toBe('rgb(0, 160, 255)');
  await screenshot(page, 'viewer-ansi-and-html');
  // A word right after a colour code is found by a plain search, and marked.
  await page.goto('/events?q=truecolour');
  await row(page, 'ansicheck').waitFor();
  expect(await row(page, 'ansicheck').locator('mark').allTextContents()).toEqual(['truecolour']);
  expect(problems).toEqual([]);
  await context.close();
});

test('a syntax error is shown inline, where it is, and nothing is searched', async () => {
  const { context, page } = await openViewer('/events?q=error');
  const box = page.getByRole('searchbox', { name: 'Search' });
  await box.fill('timeout (db OR');
  await box.press('Enter');
  const alert = page.getByRole('alert');
  await alert.waitFor();
  expect(await alert.textContent()).toMatch(/expected a term after 'OR'/);
  expect(await alert.locator('.caret-line').textContent()).toContain('^');
  expect(new URL(page.url()).searchParams.get('q')).toBe('error');
  await screenshot(page, 'viewer-syntax-error');
  await context.close();
});

test('save search creates it (checked through the API) and offers an alert', async () => {
  const { context, page } = await openViewer('/events?q=program:app/router status>=500');
  await page.getByRole('button', { name: 'Save search' }).click();
  const dialog = page.getByRole('dialog', { name: 'Save search' });
  await dialog.getByLabel('Name').fill('Router 5xx');
  await screenshot(page, 'viewer-save-search');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await dialog.getByRole('link', { name: /alert/i }).waitFor();
  const { body } = await api.get<SavedSearch[]>('/api/v1/searches.json');
  const saved = body.find((s) => s.name === 'Router 5xx');
  expect(saved).toMatchObject({ name: 'Router 5xx', query: 'program:app/router status>=500' });
  await context.close();
});

test('keyboard: / focuses the search, j/k move between events, Enter expands, Esc closes, ? lists the shortcuts', async () => {
  await drain(Array.from({ length: 5 }, (_, i) => ({ message: `keycheck ${i}` })));
  const { context, page } = await openViewer('/events?q=keycheck');
  await row(page, 'keycheck 4').waitFor();
  await page.keyboard.press('/');
  expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Search');
  await page.keyboard.press('Escape');
  await page.getByRole('searchbox', { name: 'Search' }).blur();
  await page.keyboard.press('k');
  await page.keyboard.press('k');
  expect(await stream(page).locator('[aria-selected="true"]').textContent()).toContain('keycheck 3');
  await page.keyboard.press('j');
  expect(await stream(page).locator('[aria-selected="true"]').textContent()).toContain('keycheck 4');
  await page.keyboard.press('Enter');
  await page.getByRole('region', { name: 'Event details' }).waitFor();
  await page.keyboard.press('Escape');
  await expect.poll(() => page.getByRole('region', { name: 'Event details' }).count()).toBe(0);
  await page.keyboard.press('?');
  await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
  await screenshot(page, 'viewer-shortcuts');
  await context.close();
});

test('seek to a time shows the events up to that moment with the live tail off; Resume goes live again', async () => {
  await drain([{ message: 'seekcheck early' }]);
  const between = new Date(Date.now() + 2000).toISOString().replace(/\.\d+Z$/, 'Z');
  await new Promise((r) => setTimeout(r, 4100));
  await drain([{ message: 'seekcheck late' }]);
  const { context, page } = await openViewer('/events?q=seekcheck');
  await row(page, 'seekcheck late').waitFor();
  await page.getByLabel('Seek to time').fill(between);
  await page.getByLabel('Seek to time').press('Enter');
  // The time parser loads on first use (a chunk of its own): the seek lands when the address has it.
  await page.waitForURL(/[?&]max_time=\d+/);
  await page.getByRole('button', { name: 'Resume' }).waitFor();
  await row(page, 'seekcheck early').waitFor();
  await expect.poll(() => row(page, 'seekcheck late').count()).toBe(0);
  expect(new URL(page.url()).searchParams.get('max_time')).toMatch(/^\d+$/);
  await page.getByLabel('Seek to time').fill('not a time at all');
  await page.getByLabel('Seek to time').press('Enter');
  await expect.poll(() => page.getByRole('alert').textContent()).toContain('is not a time');
  await page.getByRole('button', { name: 'Resume' }).click();
  await page.getByRole('button', { name: 'Pause' }).waitFor();
  await row(page, 'seekcheck late').waitFor();
  await context.close();
});

test('the velocity graph counts each match once while lines arrive as the page loads', async () => {
  const word = `velocount${Date.now().toString(36)}`;
  await drain([{ message: `${word} before 0` }, { message: `${word} before 1` }]);
  // Bursts before, during and after the first page, the graph's count and the tail's start.
  const sending = (async () => {
    for (let b = 0; b < 20; b++) {
      await drain([0, 1, 2].map((i) => ({ message: `${word} burst ${b}.${i}` })));
      await new Promise((r) => setTimeout(r, 75));
    }
  })();
  const { context, page, problems } = await openViewer(`/events?q=${word}`);
  await sending;
  const total = 2 + 20 * 3;
  await page.locator('.statusbar', { hasText: `${total} loaded` }).waitFor();
  const counted = page.getByRole('img', { name: 'Velocity' }).locator('.sr-only');
  await expect.poll(() => counted.textContent()).toBe(`Velocity: ${total} matches in the range shown`);
  await page.waitForTimeout(500); // live batches still on their way would show as more
  expect(await counted.textContent()).toBe(`Velocity: ${total} matches in the range shown`);
  expect(problems).toEqual([]);
  await context.close();
});

test('dragging across the velocity graph narrows the search to that time range', async () => {
  const { context, page } = await openViewer('/events');
  const graph = page.getByRole('img', { name: /Velocity/ });
  await graph.waitFor();
  const over = graph.locator('.u-over');
  const box = (await over.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.9, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
  await expect.poll(() => new URL(page.url()).searchParams.get('min_time')).toMatch(/^\d+$/);
  const url = new URL(page.url());
  const [min, max] = [Number(url.searchParams.get('min_time')), Number(url.searchParams.get('max_time'))];
  // Live shows the last hour: 40 % of it is about 24 minutes.
  expect(max - min).toBeGreaterThan(20 * 60);
  expect(max - min).toBeLessThan(28 * 60);
  await page.getByRole('button', { name: 'Resume' }).waitFor();
  await context.close();
});

test('the facets count what the search matches, follow the live stream, and a click narrows the search', async () => {
  const word = `facetcheck${Date.now().toString(36)}`;
  await drain([
    { message: `GET /cart ${word} status=200` },
    { message: `GET /cart ${word} status=200` },
    { message: `at=error code=H12 ${word} status=503`, program: 'router' },
  ]);
  const { context, page, problems } = await openViewer(`/events?q=${word}`);
  const facets = page.getByRole('region', { name: 'Facets' });
  await facets.getByText('3 events').waitFor();
  // Lines that arrive while following are counted within seconds, not left behind the stream.
  await drain([{ message: `POST /checkout ${word} status=201` }, { message: `at=error code=H12 ${word} status=503`, program: 'router' }]);
  await row(page, `POST /checkout ${word}`).waitFor();
  await facets.getByText('5 events').waitFor({ timeout: 10_000 }); // 1-5 s after the last count, by how long it took
  const router = facets.getByRole('button', { name: /app\/router/ });
  expect(await router.locator('.facet-count').textContent()).toBe('2');
  await screenshot(page, 'viewer-facets');
  await router.click();
  await expect.poll(() => new URL(page.url()).searchParams.get('q')).toBe(`${word} program:app/router`);
  await expect.poll(async () => (await shownIds(page)).length).toBe(2);
  expect(await stream(page).locator('[data-event-id]', { hasText: 'GET /cart' }).count()).toBe(0);
  expect(problems).toEqual([]);
  await context.close();
});

test('at phone width the stream, search and live control are usable', async () => {
  const { context, page } = await openViewer('/events', { width: 390, height: 780, theme: 'dark' });
  await page.getByRole('button', { name: 'Pause' }).waitFor();
  await expect.poll(async () => (await shownIds(page)).length).toBeGreaterThan(5);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBe(0);
  // Every screen's name is whole on screen, none cut off at the edge.
  const nav = page.getByRole('navigation', { name: 'Main' });
  for (const name of ['Events', 'Searches', 'Systems', 'Sources', 'Settings']) {
    const box = (await nav.getByRole('link', { name }).boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(390);
  }
  await screenshot(page, 'viewer-phone-dark');
  await context.close();
});

