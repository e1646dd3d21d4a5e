// docs/guides/syslog-ng.md, run by a real syslog-ng: its TCP destination's disk buffer keeps lines
// while Driftwood is down (across a syslog-ng restart) and delivers them when it is back; its TLS
// destination checks Driftwood's certificate and delivers over RFC 5425.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect } from 'vitest';
import { apiClientFor } from '../helpers/api.ts';
import { feedDaemon, guideBlock, makeCert, startTlsServer } from '../helpers/guides.ts';
import { PROGRAMS, requirePrograms } from '../helpers/programs.ts';
import { freePort, startTestServer } from '../helpers/server.ts';
import { tmpDir } from '../helpers/tmp.ts';

const syslogNg = PROGRAMS['syslog-ng'];
const { test } = requirePrograms(import.meta.url, 'syslog-ng');
const work = tmpDir();
afterAll(() => work.cleanup());
let n = 0;

/**
 * syslog-ng running the guide's block (its `/var/lib/syslog-ng` and `s_src` made the test's own),
 * with a UDP source that also writes what it got to seen.log. The same dir means the same
 * persist file and disk buffer, as a restarted syslog-ng has.
 */
async function startSyslogNg(dir: string, input: number, block: string) {
  writeFileSync(
    join(dir, 'syslog-ng.conf'),
    `@version: 3.38
options { keep-hostname(yes); };
source s_src { network(ip("127.0.0.1") port(${input}) transport("udp")); };
destination d_seen { file("${dir}/seen.log"); };
log { source(s_src); destination(d_seen); };
${block.replaceAll('/var/lib/syslog-ng', dir)}`,
  );
  const f = (name: string) => join(dir, name);
  const child = spawn(syslogNg.bin, [...syslogNg.args, '-F', '--no-caps', '-f', f('syslog-ng.conf'), '-R', f('persist'), '-p', f('pid'), '-c', f('ctl')], {
    stdio: 'ignore',
    env: { ...process.env, ...syslogNg.env },
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

function newDir(): string {
  const dir = join(work.path, `syslog-ng-${++n}`);
  mkdirSync(dir);
  return dir;
}

test('the TCP destination keeps lines in its disk buffer while Driftwood is down, across a restart, and delivers them', async () => {
  const dir = newDir();
  const [input, port] = [await freePort(), await freePort()];
  const block = guideBlock('syslog-ng.md', 'syslog-ng-tcp', { 'logs.example.com': '127.0.0.1', '5514': port });
  const lines = Array.from({ length: 5 }, (_, i) => `<13>Nov 28 09:00:0${i} web-7 checkout[42]: buffered line ${i}`);
  const first = await startSyslogNg(dir, input, block);
  try {
    await feedDaemon(join(dir, 'seen.log'), input, lines);
  } finally {
    await first.stop();
  }
  expect(readdirSync(dir).some((f) => f.endsWith('.qf'))).toBe(true); // the disk buffer's file
  const server = await startTestServer({ env: { DRIFTWOOD_SYSLOG_PORT: String(port) } });
  const second = await startSyslogNg(dir, input, block);
  try {
    const found = await (await apiClientFor(server)).waitFor('"buffered line"', 5, {}, 30_000);
    expect(found.events.map((e) => e.message).sort()).toEqual([0, 1, 2, 3, 4].map((i) => `buffered line ${i}`));
    expect(found.events[0]).toMatchObject({ hostname: 'web-7', program: 'checkout', severity: 'Notice', flags: [] });
  } finally {
    await second.stop();
    await server.stop();
  }
}, 60_000);

/** Driftwood over TLS, and syslog-ng whose ca-file is Driftwood's own certificate or, untrusted, another one. */
async function tlsRelay(trusted: boolean, line: string) {
  const dir = newDir();
  const { server, cert } = await startTlsServer(dir);
  const caFile = trusted ? cert : makeCert(mkdtempSync(join(dir, 'other-'))).cert;
  const input = await freePort();
  // The destination names 127.0.0.1, which the test certificates also carry.
  const block = guideBlock('syslog-ng.md', 'syslog-ng-tls', { 'logs.example.com': '127.0.0.1', '6514': server.syslogTlsPort!, '/etc/ssl/certs/ca-certificates.crt': caFile });
  const daemon = await startSyslogNg(dir, input, block);
  const stop = async () => {
    await daemon.stop();
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

test('the TLS destination delivers over RFC 5425 to a server with a certificate its CA file trusts', async () => {
  const { api, stop } = await tlsRelay(true, '<11>Nov 28 09:00:00 web-7 checkout[42]: sent over tls by syslog-ng');
  try {
    const [e] = (await api.waitFor('"sent over tls by syslog-ng"', 1, {}, 20_000)).events;
    expect(e).toMatchObject({ hostname: 'web-7', program: 'checkout', severity: 'Error', flags: [] });
  } finally {
    await stop();
  }
}, 60_000);

test('the TLS destination sends nothing to a server whose certificate its CA file does not trust', async () => {
  const { api, stop } = await tlsRelay(false, '<11>Nov 28 09:00:00 web-7 checkout[42]: must not reach an impostor');
  try {
    expect((await api.waitFor('"must not reach an impostor"', 1, {}, 3000)).events).toEqual([]);
  } finally {
    await stop();
  }
}, 60_000);
