// The saved-search and alert API (DESIGN 4, 6): shapes, validation, access, the starter pack.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Alert, AlertWithSecret, SavedSearch, StarterResponse } from '../../shared/api.ts';
import { STARTER_PACK } from '../../server/alerts/starter.ts';
import { alertHarness, type AlertHarness } from '../helpers/alerts.ts';

let h: AlertHarness;
beforeAll(async () => {
  h = await alertHarness();
});
afterAll(() => h.stop());

describe('saved searches', () => {
  test('create, read, list, update and delete; flat or Papertrail\'s nested body', async () => {
    const created = await h.call<SavedSearch>('POST', '/api/v1/searches.json', { search: { name: 'Login rejected', query: '"login rejected"' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Login rejected', query: '"login rejected"', group_id: null, html_edit_url: `https://logs.example.com/searches/${created.body.id}/edit` });
    const id = created.body.id;
    expect((await h.call('GET', `/api/v1/searches/${id}.json`)).body).toEqual(created.body);
    expect((await h.call<SavedSearch[]>('GET', '/api/v1/searches.json')).body.map((s) => s.id)).toContain(id);
    const updated = await h.call<SavedSearch>('PUT', `/api/v1/searches/${id}.json`, { query: '"login rejected" OR "login refused"' });
    expect(updated.body).toMatchObject({ name: 'Login rejected', query: '"login rejected" OR "login refused"' });
    expect((await h.call('DELETE', `/api/v1/searches/${id}.json`)).status).toBe(204);
    expect((await h.call('GET', `/api/v1/searches/${id}.json`)).status).toBe(404);
  });

  test('a bad query is refused with where it is bad', async () => {
    const r = await h.call('POST', '/api/v1/searches.json', { name: 'x', query: 'error (timeout' });
    expect(r.status).toBe(400);
    expect(r.body.message).toMatch(/^bad query: .*\(at offset \d+\)$/);
  });

  test('validation errors say which field', async () => {
    const f = async (body: unknown, message: RegExp) => {
      const r = await h.call('POST', '/api/v1/searches.json', body);
      expect(r.status).toBe(400);
      expect(r.body.message).toMatch(message);
    };
    await f({ query: 'x' }, /^name: /);
    await f({ name: 'x' }, /^query: /);
    await f({ name: 'x', query: 'x', group_id: 'no-such-group' }, /^group_id: no group "no-such-group"/);
    await f({ name: 'x', query: 'x', colour: 'red' }, /^unknown field colour/);
    await f([1], /must be a JSON object/);
  });

  test('a search can be limited to a group, by id or name', async () => {
    const group = h.server.store.groups.save({ name: 'web', system_wildcard: 'web-*', system_ids: [] }, Date.now());
    const r = await h.call<SavedSearch>('POST', '/api/v1/searches.json', { name: 'web errors', query: 'error', group_id: 'web' });
    expect(r.body.group_id).toBe(group.id);
  });
});

describe('alerts', () => {
  let search: SavedSearch;
  beforeAll(async () => {
    search = await h.search('WARNING', 'warning');
  });

  test('create returns the webhook secret once; reads do not', async () => {
    const created = await h.call<AlertWithSecret>('POST', '/api/v1/alerts.json', {
      alert: { search_id: search.id, frequency: '1d', condition: { type: 'at_least', count: 5 }, email_to: ['a@example.com', 'b@example.com'], webhook_url: 'https://hooks.example.com/x', timezone: 'Europe/Berlin' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      search_id: search.id,
      search: { id: search.id, name: 'WARNING', query: 'warning' },
      frequency: '1d',
      condition: { type: 'at_least', count: 5 },
      email_to: ['a@example.com', 'b@example.com'],
      webhook_url: 'https://hooks.example.com/x',
      webhook_counts_only: false,
      timezone: 'Europe/Berlin',
      enabled: true,
      html_url: `https://logs.example.com/alerts/${created.body.id}`,
    });
    expect(created.body.webhook_secret).toMatch(/^dwh_[\w-]{43}$/);
    const read = await h.call<Alert>('GET', `/api/v1/alerts/${created.body.id}.json`);
    expect(read.body).not.toHaveProperty('webhook_secret');
    expect((await h.call<Alert[]>('GET', '/api/v1/alerts.json')).body.every((a) => !('webhook_secret' in a))).toBe(true);
    const rotated = await h.call<AlertWithSecret>('POST', `/api/v1/alerts/${created.body.id}/secret.json`);
    expect(rotated.body.webhook_secret).toMatch(/^dwh_/);
    expect(rotated.body.webhook_secret).not.toBe(created.body.webhook_secret);
  });

  test('update, disable, enable, delete; deleting the search deletes its alerts', async () => {
    const s = await h.search('tmp', 'tmp');
    const a = await h.alert({ search_id: s.id, condition: { type: 'none' } });
    expect((await h.call<Alert>('PUT', `/api/v1/alerts/${a.id}.json`, { enabled: false, frequency: '10m' })).body).toMatchObject({ enabled: false, frequency: '10m', condition: { type: 'none' } });
    const enabledAgain = await h.call<Alert>('PUT', `/api/v1/alerts/${a.id}.json`, { enabled: true });
    // Enabling restarts the window: nothing from the disabled time is reported.
    expect(Date.parse(enabledAgain.body.last_run_at)).toBeGreaterThan(Date.parse(a.last_run_at) - 1);
    expect((await h.call<Alert[]>('GET', `/api/v1/alerts.json?search_id=${s.id}`)).body.map((x) => x.id)).toEqual([a.id]);
    expect((await h.call('DELETE', `/api/v1/searches/${s.id}.json`)).status).toBe(204);
    expect((await h.call('GET', `/api/v1/alerts/${a.id}.json`)).status).toBe(404);
  });

  test('validation errors say which field', async () => {
    const f = async (body: Record<string, unknown>, message: RegExp) => {
      const r = await h.call('POST', '/api/v1/alerts.json', { search_id: search.id, frequency: '1m', ...body });
      expect(r.status).toBe(400);
      expect(r.body.message).toMatch(message);
    };
    await f({ frequency: '5m' }, /^frequency: one of 1m, 10m, 1h, 1d/);
    await f({ search_id: 99999 }, /^search_id: no saved search 99999/);
    await f({ condition: { type: 'at_least', count: 0 } }, /^condition\.count: /);
    await f({ condition: { type: 'sometimes' } }, /^condition\.type: /);
    await f({ email_to: ['not an address'] }, /^email_to: "not an address" is not an email address/);
    await f({ webhook_url: 'ftp://x' }, /^webhook_url: an http\(s\) URL/);
    await f({ timezone: 'Mars/Olympus' }, /^timezone: "Mars\/Olympus" is not an IANA time zone/);
    await f({ enabled: 'yes' }, /^enabled: true or false/);
  });

  test('history lists runs newest first, with window, count, outcome and deliveries', async () => {
    const a = await h.alert({ search_id: search.id });
    await h.ingest(['WARNING one']);
    await h.tick();
    await h.tick();
    const runs = await h.history(a.id);
    expect(runs).toHaveLength(2);
    expect(runs[1]).toMatchObject({ alert_id: a.id, kind: 'scheduled', late: false, note: null, query: 'warning', matched: 1, fired: true, error: null, deliveries: [] });
    expect(runs[0]).toMatchObject({ matched: 0, fired: false });
    expect(runs[0]!.window.after_id).toBe(runs[1]!.window.through_id);
    expect(runs[1]!.window.since).toBe(a.last_run_at);
    const limited = await h.call('GET', `/api/v1/alerts/${a.id}/history.json?limit=1&before_id=${runs[0]!.id}`);
    expect(limited.body.runs.map((r: { id: number }) => r.id)).toEqual([runs[1]!.id]);
    expect((await h.call('GET', '/api/v1/alerts/424242/history.json')).status).toBe(404);
  });

  test('a test of an alert with nowhere to send is refused', async () => {
    const a = await h.alert({ search_id: search.id });
    const r = await h.call('POST', `/api/v1/alerts/${a.id}/test.json`);
    expect(r.status).toBe(400);
    expect(r.body.message).toMatch(/no email recipients and no webhook/);
  });

  test('a member may manage alerts; nobody may without credentials', async () => {
    const base = h.server.url.replace('localhost', '127.0.0.1');
    expect((await fetch(`${base}/api/v1/alerts.json`)).status).toBe(401);
    expect((await fetch(`${base}/api/v1/searches.json`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })).status).toBe(401);
    expect((await h.call('GET', '/api/v1/alerts.json')).status).toBe(200); // h's token is a member's
  });
});

test('starter pack over the API: every search and alert once, even when installed twice', async () => {
  const first = await h.call<StarterResponse>('POST', '/api/v1/alerts/starter.json', { email: 'oncall@example.com' });
  expect(first.status).toBe(200);
  expect(first.body.items.map((i) => i.key)).toEqual(STARTER_PACK.map((s) => s.key));
  expect(first.body.items.every((i) => i.search_created && i.alert === 'created')).toBe(true);
  const second = await h.call<StarterResponse>('POST', '/api/v1/alerts/starter.json', { email: 'oncall@example.com' });
  expect(second.body.items.every((i) => !i.search_created && i.alert === 'unchanged')).toBe(true);
  expect(second.body.items.map((i) => i.alert_id)).toEqual(first.body.items.map((i) => i.alert_id));
  const third = await h.call<StarterResponse>('POST', '/api/v1/alerts/starter.json', { email: 'second@example.com' });
  expect(third.body.items.every((i) => i.alert === 'recipient_added')).toBe(true);
  const alerts = (await h.call<Alert[]>('GET', '/api/v1/alerts.json')).body.filter((a) => first.body.items.some((i) => i.alert_id === a.id));
  expect(alerts).toHaveLength(STARTER_PACK.length);
  expect(alerts.every((a) => a.email_to.join() === 'oncall@example.com,second@example.com')).toBe(true);
  expect(alerts.filter((a) => a.frequency === '1m')).toHaveLength(STARTER_PACK.length - 1);
  // No router line stored yet: the site-quiet alert waits, disabled, instead of firing forever.
  expect(first.body.items.find((i) => i.key === 'site-quiet')!.enabled).toBe(false);
  expect((await h.call('POST', '/api/v1/alerts/starter.json', { email: 'nope' })).status).toBe(400);
});
