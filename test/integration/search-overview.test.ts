// The saved-searches screen's one request (issue 12): each search with its alerts' states, last
// runs and a 24 h sparkline, through a real server whose alert rounds the test drives.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { SearchesOverviewResponse, SearchOverview } from '../../shared/api.ts';
import { alertHarness, type AlertHarness } from '../helpers/alerts.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook.ts';

let h: AlertHarness;
let hook: WebhookReceiver;
let overview: SearchesOverviewResponse;
const ids: Record<string, number> = {};

beforeAll(async () => {
  h = await alertHarness({ now: () => h?.now ?? Date.now() }); // the routes' clock is the rounds' clock
  hook = await startWebhookReceiver();
  // Ten minutes into the current hour, lines received then: a few ticks never cross an hour.
  h.now = Math.floor(Date.now() / 3_600_000) * 3_600_000 + 600_000;
  const boom = await h.search('Boom', 'boom');
  ids.boomAlert = (await h.alert({ search_id: boom.id })).id; // 1 minute; no SMTP here: "not configured" is not a failure
  await h.search('Quiet', 'quiet'); // no alert: its sparkline is counted
  const hooked = await h.search('Hooked', 'hooked');
  ids.hookedAlert = (await h.alert({ search_id: hooked.id, webhook_url: hook.url })).id;
  const off = await h.search('Off', 'boom');
  ids.offAlert = (await h.alert({ search_id: off.id, enabled: false })).id;
  const group = h.server.store.groups.save({ name: 'doomed', system_wildcard: 'web-*', system_ids: [] }, Date.now());
  const grouped = await h.call('POST', '/api/v1/searches.json', { name: 'Grouped', query: 'boom', group_id: group.id });
  ids.groupedAlert = (await h.alert({ search_id: grouped.body.id })).id;
  h.server.store.groups.remove(group.id); // its alert's runs now fail
  hook.script.push(404); // not retried: the delivery fails at once

  await h.ingest(['boom one', 'boom two', 'boom three', 'quiet one', 'quiet two', 'hooked one'], { receivedMs: h.now });
  await h.tick();
  overview = await settledOverview();
});

/**
 * The overview once every sparkline hour is known: counting has a time budget per request, and a
 * reload goes on where the previous request stopped (on an idle machine the first one suffices).
 */
async function settledOverview(): Promise<SearchesOverviewResponse> {
  for (let attempt = 1; ; attempt++) {
    const r = await h.call<SearchesOverviewResponse>('GET', '/api/v1/searches/overview.json');
    expect(r.status).toBe(200);
    if (r.body.searches.every((s) => !s.sparkline.includes(null)) || attempt === 10) return r.body;
  }
}
afterAll(async () => {
  await hook?.close();
  await h.stop();
});

const byName = (name: string): SearchOverview => overview.searches.find((s) => s.name === name)!;
const total = (s: SearchOverview) => s.sparkline.reduce<number>((n, c) => n + (c ?? 0), 0);

describe('one request lists every search with its alerts', () => {
  test('searches carry their saved-search fields and their alerts', () => {
    expect(overview.searches.map((s) => s.name)).toEqual(['Boom', 'Grouped', 'Hooked', 'Off', 'Quiet']); // by name, as searches.json
    expect(byName('Boom')).toMatchObject({ query: 'boom', html_search_url: expect.stringMatching(/\/searches\/\d+$/) });
    expect(byName('Boom').alerts.map((a) => a.id)).toEqual([ids.boomAlert]);
    expect(byName('Quiet').alerts).toEqual([]);
  });

  test('an alert that fired shows its last run, its match count and the state "fired"', () => {
    const [alert] = byName('Boom').alerts;
    expect(alert).toMatchObject({ id: ids.boomAlert, frequency: '1m', state: 'fired', failure: null, last_run: { ran_at: new Date(h.now).toISOString(), matched: 3, fired: true, error: null } });
  });

  test('an alert whose last notification failed is "failing", with the receiver\'s answer', () => {
    const [alert] = byName('Hooked').alerts;
    expect(alert!.state).toBe('failing');
    expect(alert!.failure).toMatch(/^webhook: .*HTTP 404/);
    expect(alert!.last_run).toMatchObject({ matched: 1, fired: true });
  });

  test('an alert whose run failed is "failing" with the reason; a disabled one is "disabled"', () => {
    const [grouped] = byName('Grouped').alerts;
    expect(grouped).toMatchObject({ state: 'failing', last_run: { matched: null, fired: false } });
    expect(grouped!.failure).toMatch(/group .* no longer exists/);
    expect(byName('Off').alerts[0]).toMatchObject({ id: ids.offAlert, enabled: false, state: 'disabled', last_run: null });
  });

  test('an alert that ran and found nothing is "ok"', async () => {
    await h.tick();
    const boom = (await settledOverview()).searches.find((s) => s.name === 'Boom')!;
    expect(boom.alerts[0]).toMatchObject({ state: 'ok', last_run: { matched: 0, fired: false } });
    expect(total(boom)).toBe(3); // both runs' matches stay in the sparkline
  });
});

describe('sparklines: matches per hour over the last 24 h', () => {
  test('24 hourly counts ending with the hour in progress', () => {
    expect(overview.sparkline_start).toBe(Math.floor(h.now / 3_600_000) * 3600 - 23 * 3600);
    for (const s of overview.searches) expect(s.sparkline).toHaveLength(24);
  });

  test('a search with a minute alert takes its counts from the alert\'s runs', () => {
    const boom = byName('Boom');
    expect(boom.sparkline_source).toBe('alert_runs');
    expect(total(boom)).toBe(3);
    expect(boom.sparkline.every((c) => c !== null)).toBe(true); // hours before the alert existed are counted
  });

  test('a search without an alert is counted in the store, the lines just sent included', () => {
    const quiet = byName('Quiet');
    expect(quiet.sparkline_source).toBe('counted');
    expect(quiet.sparkline.every((c) => c !== null)).toBe(true);
    expect(total(quiet)).toBe(2);
  });

  test('lines sent later show in the next request', async () => {
    await h.ingest(['quiet three'], { receivedMs: h.now });
    expect(total((await settledOverview()).searches.find((s) => s.name === 'Quiet')!)).toBe(3);
  });

  test('the overview needs credentials like every API call', async () => {
    const res = await fetch(`${h.server.url.replace('localhost', '127.0.0.1')}/api/v1/searches/overview.json`);
    expect(res.status).toBe(401);
  });
});
