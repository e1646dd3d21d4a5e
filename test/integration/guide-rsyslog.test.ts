// docs/guides/rsyslog.md, run by a real rsyslogd: its TCP action with the disk queue keeps lines
// while Driftwood is down (across an rsyslog restart) and delivers them when it is back; its TLS
// action checks Driftwood's certificate and delivers; its imjournal block passes rsyslog's check.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect } from 'vitest';
import { apiClientFor } from '../helpers/api.ts';
import { feedDaemon, guideBlock, startTlsServer } from '../helpers/guides.ts';
import { PROGRAMS, requirePrograms } from '../helpers/programs.ts';
import { freePort, startTestServer } from '../helpers/server.ts';
import { tmpDir } from '../helpers/tmp.ts';

const RSYSLOGD = PROGRAMS.rsyslog.bin;
const { test } = requirePrograms(import.meta.url, 'rsyslog');
const withTls = requirePrograms(import.meta.url, 'rsyslog', 'rsyslog-openssl');
const work = tmpDir();
afterAll(() => work.cleanup());
let n = 0;

/**
 * An rsyslog configuration whose UDP input feeds the guide's action and also writes what it got to
 * seen.log; written before it returns, since rsyslog started without its file exits at once.
 */
async function rsyslogConfig(action: string): Promise<{ dir: string; conf: string; input: number }> {
  const dir = join(work.path, `rsyslog-${++n}`);
  mkdirSync(dir);
  const conf = join(dir, 'rsyslog.conf');
  const input = await freePort();
  writeFileSync(
    conf,
    `global(workDirectory="${dir}")
module(load="imudp")
input(type="imudp" port="${input}" address="127.0.0.1")
*.* action(type="omfile" file="${dir}/seen.log")
${action}`,
  );
  return { dir, conf, input };
}

function startRsyslog(dir: string, conf: string): { child: ChildProcess; stop(): Promise<void> } {
  const child = spawn(RSYSLOGD, ['-n', '-f', conf, '-i', join(dir, 'rsyslogd.pid')], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    async stop() {
      child.kill('SIGTERM');
      // rsyslog can hang in a TLS handshake that never completes; the test is over either way.
      const hung = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(hung);
    },
  };
}

test('the TCP action keeps lines in its disk queue while Driftwood is down, across an rsyslog restart, and delivers them', async () => {
  const port = await freePort(); // Driftwood is not listening here yet
  const { dir, conf, input } = await rsyslogConfig(guideBlock('rsyslog.md', 'rsyslog-tcp', { 'logs.example.com': '127.0.0.1', '5514': port }));
  const lines = Array.from({ length: 5 }, (_, i) => `<13>Nov 28 09:00:0${i} web-7 checkout[42]: queued line ${i}`);
  const first = startRsyslog(dir, conf);
  try {
    await feedDaemon(join(dir, 'seen.log'), input, lines);
  } finally {
    await first.stop();
  }
  // The queue went to disk at shutdown (queue.saveOnShutdown): its index file names the queue.
  expect(readdirSync(dir).filter((f) => f.startsWith('driftwood'))).toContain('driftwood.qi');
  const server = await startTestServer({ env: { DRIFTWOOD_SYSLOG_PORT: String(port) } });
  const second = startRsyslog(dir, conf);
  try {
    const api = await apiClientFor(server);
    const found = await api.waitFor('"queued line"', 5, {}, 30_000);
    expect(found.events.map((e) => e.message).sort()).toEqual([0, 1, 2, 3, 4].map((i) => `queued line ${i}`));
    expect(found.events[0]).toMatchObject({ hostname: 'web-7', program: 'checkout', severity: 'Notice', flags: [] });
  } finally {
    await second.stop();
    await server.stop();
  }
}, 60_000);

/** Driftwood with a certificate for `name`, and rsyslog running the guide's TLS action against it. */
async function tlsRelay(name: string, line: string) {
  const { server, cert } = await startTlsServer(work.path, name);
  const action = guideBlock('rsyslog.md', 'rsyslog-tls', { 'target="logs.example.com"': 'target="127.0.0.1"', '"6514"': `"${server.syslogTlsPort}"`, '/etc/ssl/certs/ca-certificates.crt': cert });
  const { dir, conf, input } = await rsyslogConfig(action);
  const rsyslog = startRsyslog(dir, conf);
  const stop = async () => {
    await rsyslog.stop();
    await server.stop();
  };
  try {
    await feedDaemon(join(dir, 'seen.log'), input, [line]);
  } catch (e) {
    await stop();
    throw e;
  }
  return { api: await apiClientFor(server), stop };
}

withTls.test('the TLS action delivers over RFC 5425 to a server whose certificate names logs.example.com', async () => {
  const { api, stop } = await tlsRelay('logs.example.com', '<11>Nov 28 09:00:00 web-7 checkout[42]: sent over tls by rsyslog');
  try {
    const [e] = (await api.waitFor('"sent over tls by rsyslog"', 1, {}, 20_000)).events;
    expect(e).toMatchObject({ hostname: 'web-7', program: 'checkout', severity: 'Error', flags: [] });
  } finally {
    await stop();
  }
}, 60_000);

withTls.test('the TLS action sends nothing to a server whose certificate names another host', async () => {
  const { api, stop } = await tlsRelay('impostor.example.net', '<11>Nov 28 09:00:00 web-7 checkout[42]: must not reach an impostor');
  try {
    expect((await api.waitFor('"must not reach an impostor"', 1, {}, 3000)).events).toEqual([]);
  } finally {
    await stop();
  }
}, 60_000);

test('the journald block (imjournal) with the TCP action passes rsyslog\'s own configuration check', () => {
  const dir = join(work.path, 'journal');
  mkdirSync(dir);
  const conf = join(dir, 'rsyslog.conf');
  writeFileSync(conf, `global(workDirectory="${dir}")\n${guideBlock('rsyslog.md', 'rsyslog-journal')}\n${guideBlock('rsyslog.md', 'rsyslog-tcp')}`);
  const check = spawnSync(RSYSLOGD, ['-N1', '-f', conf], { encoding: 'utf8' });
  expect(check.stderr + check.stdout).not.toMatch(/error/i);
  expect(check.status).toBe(0);
});
