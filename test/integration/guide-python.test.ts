// docs/guides/python.md, run by python3 against a real server: both scripts (SysLogHandler over
// UDP, and the octet-counting handler over TCP) deliver their records with program, host, level
// and time, and a traceback arrives as one event.
import { hostname } from 'node:os';
import { expect } from 'vitest';
import { firstMatch, guideBlock, runProgram } from '../helpers/guides.ts';
import { relayHarness } from '../helpers/relay.ts';
import { requirePrograms } from '../helpers/programs.ts';

const { test } = requirePrograms(import.meta.url, 'python3');
const h = relayHarness();

async function python(script: string): Promise<void> {
  const run = await runProgram('python3', ['-'], { input: script });
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
}

const one = (q: string) => firstMatch(h.api, q);

const sentAt = Date.now();
const fromPython = { source_name: hostname(), hostname: hostname(), program: 'myapp', facility: 'Local0', flags: [] };

test('the UDP script: each record one event, a traceback with its lines', async () => {
  await python(guideBlock('python.md', 'python-udp', { 'logs.example.com': '127.0.0.1', '5514': h.server.syslogPort! }));
  const info = await one('"order 8812 paid"');
  expect(info).toMatchObject({ ...fromPython, severity: 'Info', message: 'INFO [shop.orders] order 8812 paid' });
  expect(Math.abs(Date.parse(info.generated_at!) - sentAt)).toBeLessThan(60_000);
  const error = await one('"cannot total order 8813"');
  expect(error).toMatchObject({ ...fromPython, severity: 'Error' });
  expect(error.message).toMatch(/^ERROR \[shop.orders\] cannot total order 8813\nTraceback \(most recent call last\):\n[\s\S]*\nZeroDivisionError: division by zero$/);
});

test('the TCP script (octet counting): a traceback stays one event', async () => {
  await python(guideBlock('python.md', 'python-tcp', { 'logs.example.com': '127.0.0.1', '5514': h.server.syslogPort! }));
  expect(await one('"order 8814 shipped"')).toMatchObject({ ...fromPython, severity: 'Info', message: 'INFO [shop.orders] order 8814 shipped' });
  const error = await one('"cannot charge order 8815"');
  expect(error).toMatchObject({ ...fromPython, severity: 'Error' });
  expect(error.message).toMatch(/\nTraceback \(most recent call last\):\n[\s\S]*\nKeyError: 'card'$/);
});

test('plain SysLogHandler over TCP (NUL after each record) works, but cuts a multi-line record into lines, as the guide warns', async () => {
  await python(`import logging, logging.handlers, socket
h = logging.handlers.SysLogHandler(address=("127.0.0.1", ${h.server.syslogPort}), socktype=socket.SOCK_STREAM)
h.setFormatter(logging.Formatter("plainapp: %(message)s"))
log = logging.getLogger("plain")
log.addHandler(h)
log.warning("plain tcp first")
log.warning("plain tcp second\\nsecond's next line")
logging.shutdown()
`);
  expect(await one('"plain tcp first"')).toMatchObject({ program: 'plainapp', severity: 'Warning', message: 'plain tcp first' });
  expect((await one('"plain tcp second"')).message).toBe('plain tcp second');
  expect(await one('"second\'s next line"')).toBeTruthy();
});
