// Alerts end to end: real SMTP (smtp-server on 127.0.0.1) and a real HTTP webhook receiver; the
// test drives alert rounds with its own clock (runDue(now)) instead of waiting minutes.
import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, test } from 'vitest';
import { alertHarness, type AlertHarness } from '../helpers/alerts.ts';
import { startMailbox, type Mailbox } from '../helpers/mailbox.ts';
import { freePort } from '../helpers/server.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(opts: { smtp?: 'up' | 'down' | 'none' } = {}): Promise<{ h: AlertHarness; mail?: Mailbox; hook: WebhookReceiver; smtpPort: number }> {
  const smtpPort = await freePort();
  const mail = opts.smtp === 'up' || opts.smtp === undefined ? await startMailbox(smtpPort) : undefined;
  if (mail) cleanups.push(() => mail.close());
  const hook = await startWebhookReceiver();
  cleanups.push(() => hook.close());
  const env: Record<string, string> = opts.smtp === 'none' ? {} : { DRIFTWOOD_SMTP_URL: `smtp://127.0.0.1:${smtpPort}`, DRIFTWOOD_MAIL_FROM: 'driftwood@example.com' };
  const h = await alertHarness({ env });
  cleanups.push(() => h.stop());
  return { h, mail, hook, smtpPort };
}

describe('conditions', () => {
  test('at least N fires at N new matches and not below, and mails the count, lines and links', async () => {
    const { h, mail } = await setup();
    const search = await h.search('WARNING', 'warning');
    const alert = await h.alert({ search_id: search.id, condition: { type: 'at_least', count: 3 }, email_to: ['oncall@example.com'] });

    await h.ingest(['WARNING disk 91% full', 'all good', 'WARNING disk 92% full', 'GET / 200']);
    await h.tick();
    await h.ingest(['WARNING disk 93% full', 'WARNING disk 94% full', 'WARNING disk 95% full']);
    await h.tick();
    await h.tick();

    const runs = (await h.history(alert.id)).reverse();
    expect(runs.map((r) => [r.matched, r.fired])).toEqual([[2, false], [3, true], [0, false]]);
    expect(runs[1]!.deliveries).toMatchObject([{ channel: 'email', status: 'sent', attempts: 1 }]);
    const [m] = await mail!.waitFor(1);
    expect(mail!.messages).toHaveLength(1);
    expect(m!.to).toEqual(['oncall@example.com']);
    expect(m!.subject).toMatch(/^\[Driftwood\] "WARNING" alert: 3 matches \(at \d{4}-\d\d-\d\d \d\d:\d\d\)$/);
    expect(m!.text).toContain('3 events matched your "WARNING" search in the past minute.');
    expect(m!.text).toMatch(/\w{3} \d\d \d\d:\d\d:\d\d web-1 app\/web\.1: WARNING disk 93% full\n {2}https:\/\/logs\.example\.com\/events\?centered_on_id=\d+/);
    expect(m!.text).not.toContain('disk 91%');
    expect(m!.text).toContain(`Edit the search: https://logs.example.com/searches/${search.id}/edit`);
    expect(m!.text).toContain('Times are in UTC.');
    const windowLink = new URL(/Run this search over this window: (\S+)/.exec(m!.text)![1]!);
    expect(windowLink.searchParams.get('min_id')).toBe(runs[1]!.window.after_id);
    expect(windowLink.searchParams.get('max_id')).toBe(String(Number(runs[1]!.window.through_id) + 1));
    // The link's window finds exactly the three events of the run through the search API.
    const found = await h.call('GET', `/api/v1/events/search.json?${new URLSearchParams({ q: 'warning', min_id: windowLink.searchParams.get('min_id')!, max_id: windowLink.searchParams.get('max_id')! })}`);
    expect(found.body.events.map((e: { message: string }) => e.message)).toEqual(['WARNING disk 93% full', 'WARNING disk 94% full', 'WARNING disk 95% full']);
    expect(m!.html).toContain('3 events matched your &quot;WARNING&quot; search');
    expect(m!.html).toMatch(/<a href="https:\/\/logs\.example\.com\/events\?centered_on_id=\d+"[^>]*>\w{3} \d\d [\d:]+ web-1 app\/web\.1: WARNING disk 93% full<\/a>/);
  });

  test('none fires when the site goes quiet and not while it has traffic; the webhook is Papertrail\'s, signed', async () => {
    const { h, hook } = await setup();
    const search = await h.search('Router', 'program:heroku/router');
    const alert = await h.alert({ search_id: search.id, condition: { type: 'none' }, webhook_url: hook.url });

    await h.ingest(['at=info method=GET path="/" status=200'], { program: 'heroku/router' });
    await h.tick();
    expect(hook.received).toHaveLength(0);
    await h.ingest(['app line only']);
    await h.tick();
    const [r] = await hook.waitFor(1);
    const runs = (await h.history(alert.id)).reverse();
    expect(runs.map((x) => [x.matched, x.fired])).toEqual([[1, false], [0, true]]);
    expect(runs[1]!.deliveries).toMatchObject([{ channel: 'webhook', status: 'sent', attempts: 1, detail: 'HTTP 200: ok' }]);

    expect(r!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(r!.body.startsWith('payload=')).toBe(true);
    const expected = `sha256=${createHmac('sha256', alert.webhook_secret).update(r!.body).digest('hex')}`;
    expect(r!.headers['x-driftwood-signature']).toBe(expected);
    expect(r!.payload).toMatchObject({
      events: [],
      saved_search: { id: search.id, name: 'Router', query: 'program:heroku/router', html_edit_url: `https://logs.example.com/searches/${search.id}/edit`, html_search_url: `https://logs.example.com/searches/${search.id}` },
      max_id: runs[1]!.window.through_id,
      reached_record_limit: false,
      frequency: '1 minute',
    });
  });
});

test('HTML injection in a log line is escaped in the email', async () => {
  const { h, mail } = await setup();
  const search = await h.search('Errors', 'error');
  await h.alert({ search_id: search.id, email_to: ['oncall@example.com'] });
  await h.ingest(['Error: <script>alert("x")</script><img src=x onerror=alert(1)> <a href="https://evil.example">click</a>'], { systemName: '<b>evil-host</b>' });
  await h.tick();
  const [m] = await mail!.waitFor(1);
  expect(m!.html).not.toMatch(/<script|<img|<a href="https:\/\/evil|<b>evil/);
  expect(m!.html).toContain('Error: &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt; &lt;a href=&quot;https://evil.example&quot;&gt;click&lt;/a&gt;');
  expect(m!.text).toContain('Error: <script>alert("x")</script>');
});

test('SMTP down: the failure is recorded, the server keeps running, and the mail goes out on a later retry', async () => {
  const { h, smtpPort } = await setup({ smtp: 'down' });
  const search = await h.search('Errors', 'error');
  const alert = await h.alert({ search_id: search.id, email_to: ['oncall@example.com'] });
  await h.ingest(['Error: database unreachable']);
  await h.tick();
  let [run] = await h.history(alert.id);
  expect(run).toMatchObject({ matched: 1, fired: true });
  expect(run!.deliveries).toMatchObject([{ channel: 'email', status: 'pending', attempts: 1 }]);
  expect(run!.deliveries[0]!.detail).toMatch(/cannot send mail to oncall@example.com via smtp:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED/);
  expect(Date.parse(run!.deliveries[0]!.next_attempt_at!)).toBe(Date.parse(run!.ran_at) + 60_000);
  expect(h.server.logs.some((l) => l.includes('retrying in 60 s'))).toBe(true);

  // The server still answers and counts.
  expect((await h.call('GET', '/api/v1/alerts.json')).status).toBe(200);
  const mail = await startMailbox(smtpPort);
  cleanups.push(() => mail.close());
  await h.tick();
  const [m] = await mail.waitFor(1);
  expect(m!.subject).toMatch(/^\[Driftwood\] "Errors" alert: 1 match /);
  expect(m!.text).toContain('Error: database unreachable');
  const runs = await h.history(alert.id);
  expect(runs[1]!.deliveries).toMatchObject([{ channel: 'email', status: 'sent', attempts: 2, next_attempt_at: null }]);
  expect(runs[0]).toMatchObject({ matched: 0, fired: false, deliveries: [] });
  [run] = runs;
});

test('SMTP down for good: the delivery gives up after 5 attempts and says so', async () => {
  const { h } = await setup({ smtp: 'down' });
  const search = await h.search('Errors', 'error');
  const alert = await h.alert({ search_id: search.id, email_to: ['oncall@example.com'] });
  await h.ingest(['Error: x']);
  await h.tick();
  for (const delay of [60_000, 120_000, 240_000, 480_000]) await h.tick(delay);
  const fired = (await h.history(alert.id)).find((r) => r.fired)!;
  expect(fired.deliveries).toMatchObject([{ channel: 'email', status: 'failed', attempts: 5, next_attempt_at: null }]);
  expect(h.server.logs.some((l) => l.includes('giving up'))).toBe(true);
});

test('email not configured is recorded in the history, not a crash', async () => {
  const { h, hook } = await setup({ smtp: 'none' });
  const search = await h.search('Errors', 'error');
  const alert = await h.alert({ search_id: search.id, email_to: ['oncall@example.com'], webhook_url: hook.url });
  await h.ingest(['Error: x']);
  await h.tick();
  const [run] = await h.history(alert.id);
  expect(run!.deliveries).toEqual([
    { channel: 'email', status: 'not_configured', attempts: 0, next_attempt_at: null, detail: 'email not configured: set DRIFTWOOD_SMTP_URL' },
    { channel: 'webhook', status: 'sent', attempts: 1, next_attempt_at: null, detail: 'HTTP 200: ok' },
  ]);
});

describe('webhook delivery', () => {
  test('retried with backoff on 5xx and timeouts, then delivered', async () => {
    const { h, hook } = await setup();
    const search = await h.search('Errors', 'error');
    const alert = await h.alert({ search_id: search.id, webhook_url: hook.url });
    hook.script.push(503, 'hang', 500);
    await h.ingest(['Error: one', 'Error: two']);
    await h.tick();
    expect(hook.received).toHaveLength(4);
    expect(new Set(hook.received.map((r) => r.body)).size).toBe(1); // the same payload each time
    expect(hook.received[3]!.payload.events.map((e: { message: string }) => e.message)).toEqual(['Error: one', 'Error: two']);
    expect(typeof hook.received[3]!.payload.events[0].id).toBe('number');
    const [run] = await h.history(alert.id);
    expect(run!.deliveries).toMatchObject([{ channel: 'webhook', status: 'sent', attempts: 4 }]);
  });

  test('gives up after 5 attempts and records it', async () => {
    const { h, hook } = await setup();
    const search = await h.search('Errors', 'error');
    const alert = await h.alert({ search_id: search.id, webhook_url: hook.url });
    hook.script.push(500, 500, 502, 503, 500, 200);
    await h.ingest(['Error: x']);
    await h.tick();
    expect(hook.received).toHaveLength(5);
    const [run] = await h.history(alert.id);
    expect(run!.deliveries[0]).toMatchObject({ channel: 'webhook', status: 'failed', attempts: 5 });
    expect(run!.deliveries[0]!.detail).toMatch(/^cannot deliver webhook to 127\.0\.0\.1:\d+: gave up after 5 attempts; last: HTTP 500/);
  });

  test('a 4xx is not retried', async () => {
    const { h, hook } = await setup();
    const search = await h.search('Errors', 'error');
    const alert = await h.alert({ search_id: search.id, webhook_url: hook.url });
    hook.script.push(404);
    await h.ingest(['Error: x']);
    await h.tick();
    expect(hook.received).toHaveLength(1);
    expect((await h.history(alert.id))[0]!.deliveries[0]).toMatchObject({ status: 'failed', attempts: 1 });
  });

  test('counts only sends per-sender time series instead of events', async () => {
    const { h, hook } = await setup();
    const search = await h.search('Errors', 'error');
    await h.alert({ search_id: search.id, webhook_url: hook.url, webhook_counts_only: true });
    await h.ingest(['Error: a', 'Error: b'], { systemName: 'arthur' });
    await h.ingest(['Error: c'], { systemName: 'ford' });
    await h.tick();
    const [r] = await hook.waitFor(1);
    expect(r!.payload.events).toBeUndefined();
    const counts = r!.payload.counts as { source_name: string; source_id: number; timeseries: Record<string, number> }[];
    const total = (name: string) => Object.values(counts.find((c) => c.source_name === name)!.timeseries).reduce((a, b) => a + b, 0);
    expect(total('arthur')).toBe(2);
    expect(total('ford')).toBe(1);
    for (const c of counts) for (const t of Object.keys(c.timeseries)) expect(Math.abs(Number(t) - Date.now() / 1000)).toBeLessThan(60);
  });
});

test('a run after the server was down for 3 hours covers the gap once and says so', async () => {
  const { h, mail } = await setup();
  const search = await h.search('Errors', 'error');
  const alert = await h.alert({ search_id: search.id, email_to: ['oncall@example.com'] });
  await h.ingest(['Error: before']);
  await h.tick();
  await h.ingest(['Error: during the outage 1', 'Error: during the outage 2']);
  await h.tick(3 * 3_600_000);
  await h.tick();
  const runs = (await h.history(alert.id)).reverse();
  expect(runs.map((r) => [r.matched, r.late])).toEqual([[1, false], [2, true], [0, false]]);
  expect(runs[1]!.note).toMatch(/^This run covers 3 hours since the previous run at .* \(the server was down or busy\)/);
  expect(runs[1]!.window.after_id).toBe(runs[0]!.window.through_id);
  await mail!.waitFor(2);
  const late = mail!.messages[1]!;
  expect(late.text).toContain('2 events matched your "Errors" search in the past 3 hours.');
  expect(late.text).toContain('This run covers 3 hours since the previous run');
});

test('send test delivers a sample now, records it, and leaves the window alone', async () => {
  const { h, mail, hook } = await setup();
  const search = await h.search('Errors', 'error');
  const alert = await h.alert({ search_id: search.id, email_to: ['oncall@example.com'], webhook_url: hook.url });
  await h.ingest(['Error: stored before the test']);
  const r = await h.call('POST', `/api/v1/alerts/${alert.id}/test.json`);
  expect(r.status).toBe(200);
  expect(r.body).toMatchObject({ kind: 'test', matched: 1, deliveries: [{ channel: 'email', status: 'sent' }, { channel: 'webhook', status: 'sent' }] });
  const [m] = await mail!.waitFor(1);
  expect(m!.subject).toMatch(/^\[Driftwood\] Test: "Errors" alert: 1 match/);
  expect(m!.text).toContain('Error: stored before the test');
  expect(hook.received[0]!.payload.driftwood.test).toBe(true);
  // The scheduled run still counts the event: a test is not a window.
  await h.tick();
  const runs = await h.history(alert.id);
  expect(runs.map((x) => [x.kind, x.matched, x.fired])).toEqual([['scheduled', 1, true], ['test', 1, true]]);
});

test('send test with nothing matching sends a sample event', async () => {
  const { h, mail } = await setup();
  const search = await h.search('Nothing', 'zzzunmatched');
  const alert = await h.alert({ search_id: search.id, email_to: ['oncall@example.com'] });
  expect((await h.call('POST', `/api/v1/alerts/${alert.id}/test.json`)).status).toBe(200);
  const [m] = await mail!.waitFor(1);
  expect(m!.text).toContain('No stored event matches it yet; this is a sample.');
  expect(m!.text).toContain('This is a sample event');
});

test('the scheduler runs due alerts by itself (node-cron ticking every second, a clock 60× fast)', async () => {
  const hook = await startWebhookReceiver();
  cleanups.push(() => hook.close());
  const start = Date.now();
  const h = await alertHarness({ tick: '* * * * * *', now: () => start + (Date.now() - start) * 60 });
  cleanups.push(() => h.stop());
  const search = await h.search('Errors', 'error');
  const alert = await h.alert({ search_id: search.id, webhook_url: hook.url });
  await h.ingest(['Error: found by the scheduler']);
  const [r] = await hook.waitFor(1, 15_000);
  expect(r!.payload.events[0].message).toBe('Error: found by the scheduler');
  expect((await h.history(alert.id)).at(-1)).toMatchObject({ kind: 'scheduled', matched: 1, fired: true });
  expect(h.server.logs.some((l) => /alerts: 1 due, 1 recorded, 1 fired/.test(l))).toBe(true);
});

test('a webhook to an internal address is refused unless DRIFTWOOD_WEBHOOK_ALLOW names it, by IP or by name', async () => {
  const hook = await startWebhookReceiver();
  cleanups.push(() => hook.close());
  const h = await alertHarness({ env: { DRIFTWOOD_WEBHOOK_ALLOW: '' } }); // the receiver on 127.0.0.1 is internal
  cleanups.push(() => h.stop());
  const search = await h.search('Errors', 'error');
  const byIp = await h.alert({ search_id: search.id, webhook_url: hook.url });
  const byName = await h.alert({ search_id: search.id, webhook_url: hook.url.replace('127.0.0.1', 'localhost') });
  const metadata = await h.alert({ search_id: search.id, webhook_url: 'http://169.254.169.254/latest/meta-data/' });
  await h.ingest(['Error: x']);
  await h.tick();
  expect(hook.received).toHaveLength(0);
  const port = new URL(hook.url).port;
  expect((await h.history(byIp.id))[0]!.deliveries[0]).toMatchObject({
    status: 'failed', attempts: 1, detail: `cannot deliver webhook to 127.0.0.1:${port}: 127.0.0.1 is an internal address (allow it with DRIFTWOOD_WEBHOOK_ALLOW)`,
  });
  expect((await h.history(byName.id))[0]!.deliveries[0]).toMatchObject({ status: 'failed', attempts: 1 });
  expect((await h.history(byName.id))[0]!.deliveries[0]!.detail).toMatch(/localhost resolves to (127\.0\.0\.1|::1), an internal address/);
  expect((await h.history(metadata.id))[0]!.deliveries[0]).toMatchObject({ status: 'failed', detail: expect.stringContaining('169.254.169.254 is an internal address') });
});
