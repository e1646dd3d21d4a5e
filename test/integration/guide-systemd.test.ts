// docs/driftwood.service and docs/guides/systemd.md: systemd-analyze accepts the unit; its
// ExecStart, with the unit's Environment= and the guide's settings file, starts a server that
// answers /healthz and stops on the unit's KillSignal within its TimeoutStopSec; the guide's
// admin command creates the first admin. (No systemd runs here: the unit is run by hand.)
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, test as plainTest } from 'vitest';
import { guideBlock, runProgram } from '../helpers/guides.ts';
import { requirePrograms } from '../helpers/programs.ts';
import { freePort } from '../helpers/server.ts';
import { tmpDir } from '../helpers/tmp.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url)).replace(/\/$/, '');
const UNIT = readFileSync(join(ROOT, 'docs/driftwood.service'), 'utf8');
const { test } = requirePrograms(import.meta.url, 'systemd-analyze');
const dir = tmpDir();
afterAll(() => dir.cleanup());

/** The unit as installed on this machine: its node and its checkout where the unit says /usr/bin/node and /opt/driftwood. */
const localUnit = () => UNIT.replaceAll('/usr/bin/node', process.execPath).replaceAll('/opt/driftwood', ROOT);

/** Every value of `key=` in the unit's [Service] section. */
function directive(unit: string, key: string): string[] {
  const service = unit.slice(unit.indexOf('[Service]'), unit.indexOf('[Install]'));
  return [...service.matchAll(new RegExp(`^${key}=(.*)$`, 'gm'))].map((m) => m[1]!);
}

/** systemd's KEY=VALUE lines (EnvironmentFile=; Environment= holds several, space-separated). */
function envLines(text: string, separator: RegExp): Record<string, string> {
  const pairs = text.split(separator).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  return Object.fromEntries(pairs.map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

test('systemd-analyze verify accepts the shipped unit', async () => {
  const file = join(dir.path, 'driftwood.service');
  writeFileSync(file, localUnit());
  const r = await runProgram('systemd-analyze', ['verify', file]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
});

plainTest('the unit\'s ExecStart with its environment and the guide\'s settings serves, then stops on SIGTERM in time', async () => {
  const unit = localUnit();
  const [httpPort, syslogPort] = [await freePort(), await freePort()];
  const settings = envLines(guideBlock('systemd.md', 'systemd-env', { 'DRIFTWOOD_HTTP_PORT=8080': `DRIFTWOOD_HTTP_PORT=${httpPort}`, 'DRIFTWOOD_SYSLOG_PORT=5514': `DRIFTWOOD_SYSLOG_PORT=${syslogPort}` }), /\n/);
  expect(directive(unit, 'EnvironmentFile')).toEqual(['-/etc/driftwood.env']);
  const unitEnv = envLines(directive(unit, 'Environment').join(' '), / +/);
  expect(unitEnv.DRIFTWOOD_DATA_DIR).toBe('/var/lib/driftwood');
  expect(directive(unit, 'StateDirectory')).toEqual(['driftwood']); // systemd makes /var/lib/driftwood
  const [bin, ...args] = directive(unit, 'ExecStart')[0]!.split(' ');
  const env = { ...process.env, ...unitEnv, ...settings, DRIFTWOOD_DATA_DIR: join(dir.path, 'data') };
  const child = spawn(bin!, args, { cwd: directive(unit, 'WorkingDirectory')[0], env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; at: number }>((resolve) => child.once('exit', (code) => resolve({ code, at: Date.now() })));
  try {
    const deadline = Date.now() + 30_000;
    while (!/running at/.test(out)) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the unit's server did not start: ${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(out).toContain('https://logs.example.com'); // DRIFTWOOD_PUBLIC_URL from the settings
    expect((await fetch(`http://127.0.0.1:${httpPort}/healthz`)).status).toBe(200);
  } finally {
    child.kill(directive(unit, 'KillSignal')[0] as NodeJS.Signals);
  }
  const sent = Date.now();
  const { code, at } = await exited;
  expect(code).toBe(0);
  expect(at - sent).toBeLessThan(Number(directive(unit, 'TimeoutStopSec')[0]) * 1000);
}, 60_000);

plainTest('the guide\'s admin command creates the first admin in the service\'s data directory', async () => {
  const data = join(dir.path, 'admin-data');
  const command = guideBlock('systemd.md', 'systemd-admin', { 'sudo -u driftwood ': '', '/var/lib/driftwood': data, '/opt/driftwood': ROOT });
  const r = await runProgram('sh', ['-c', command]);
  expect(r.code).toBe(0);
  expect(r.stderr).toContain('action=user_created'); // the audit line every account change writes
  expect(r.stdout).toContain('User you@example.com (admin) created.');
}, 30_000);
