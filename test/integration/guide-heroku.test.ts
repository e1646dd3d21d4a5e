// docs/guides/heroku.md: the guide's `drain add` command, run as written against a running
// server's data directory, prints what the guide shows; Logplex's POSTs to that drain and a
// syslog+tls drain's frames (Heroku's token as the host name) arrive as the guide says.
import { expect, test } from 'vitest';
import { DemoTraffic } from '../../server/demo/traffic.ts';
import { guideBlock, tlsServerHarness } from '../helpers/guides.ts';
import { octetFrame, sendTcp } from '../helpers/ingest.ts';
import { runCli } from '../helpers/server.ts';
import { postSyslog } from '../helpers/tail.ts';

const h = tlsServerHarness();

test('`drain add` prints the guide\'s output, and Logplex batches posted to its URL arrive named after the app', async () => {
  // `DRIFTWOOD_PUBLIC_URL=… npm run driftwood -- drain add my-app`, on the running server's data.
  const words = guideBlock('heroku.md', 'heroku-drain-add').trim().split(/\s+/);
  const [variable, value] = words[0]!.split('=');
  const r = await runCli(words.slice(words.indexOf('--') + 1), { DRIFTWOOD_DATA_DIR: h.server.dataDir, [variable!]: value! });
  expect(r.stderr).toBe('');
  const shown = guideBlock('heroku.md', 'heroku-drain-output');
  const token = /drains\/(d\.[0-9a-f-]{36})\n/.exec(r.stdout)?.[1];
  expect(token).toBeDefined();
  expect(r.stdout).toBe(shown.replaceAll('d.6f3c2a1e-…', token!));
  // Heroku posts to the URL (here the test server's own address): the demo's Heroku lines.
  const lines = new DemoTraffic({ seed: 11, app: 'my-app' }).everyKind(Date.now()).filter((l) => l.path === 'drain');
  await postSyslog(h.server.url.replace('localhost', '127.0.0.1'), token!, lines.map((l) => l.line));
  const h12 = (await h.api.waitFor('sender:my-app program:heroku/router code=H12', 1)).events;
  expect(h12[0]).toMatchObject({ source_name: 'my-app', hostname: 'my-app', severity: 'Error' });
  expect((await h.api.search('sender:my-app program:heroku/router status>=500')).events.length).toBe(2); // the H12 (503) and the 500
  expect((await h.api.search('sender:my-app program:app/api "Release v"')).events.length).toBe(1);
  expect((await h.api.search('sender:my-app program:heroku/web.*')).events.length).toBeGreaterThan(0);
});

test('a syslog+tls drain\'s lines (Heroku\'s token as host name) arrive with Heroku\'s programs under a system named by the token', async () => {
  expect(guideBlock('heroku.md', 'heroku-syslog-drain')).toContain('syslog+tls://logs.example.com:6514');
  const herokuToken = 'd.0b5c6c6e-3f2a-4c9e-9a57-7d1e2f3a4b5c';
  const ts = new Date().toISOString().replace('Z', '000+00:00');
  await sendTcp(h.server.syslogTlsPort!, [
    octetFrame(`<190>1 ${ts} ${herokuToken} app web.1 - 2026-05-30 16:24:40,438 ERROR [shop] over a syslog drain`) +
      octetFrame(`<158>1 ${ts} ${herokuToken} heroku router - at=info method=GET path="/" host=my-app.herokuapp.com request_id=5e1 fwd="198.51.100.7" dyno=web.1 connect=0ms service=4ms status=200 bytes=100 protocol=https`),
  ], { tls: true });
  const [app] = (await h.api.waitFor('"over a syslog drain"', 1)).events;
  expect(app).toMatchObject({ source_name: herokuToken, program: 'app/web.1', severity: 'Error' });
  const [router] = (await h.api.waitFor(`sender:${herokuToken} program:heroku/router`, 1)).events;
  expect(router!.fields.request_id).toBe('5e1');
});
