// The README's syslog-ng snippet, for real: syslog-ng's syslog() destination forwards to Driftwood
// over TCP (RFC 5424 with octet counting), and the line arrives with its program and message.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { PROGRAMS, requirePrograms } from '../helpers/programs.ts';
import { relayed, relayHarness } from '../helpers/relay.ts';
import { freePort } from '../helpers/server.ts';

const syslogNg = PROGRAMS['syslog-ng'];
const { test } = requirePrograms(import.meta.url, 'syslog-ng');
const h = relayHarness();

test('syslog-ng syslog() destination over TCP (README snippet) reaches the store', async () => {
  const input = await freePort();
  const conf = join(h.work, 'syslog-ng.conf');
  // s_src stands for the source of the distribution's own configuration; the options, destination
  // and log lines are the README's (keep-hostname for a relay), with its host and port.
  writeFileSync(
    conf,
    `@version: 3.38
options { keep-hostname(yes); };
source s_src { network(ip("127.0.0.1") port(${input}) transport("udp")); };
destination d_driftwood { syslog("127.0.0.1" transport("tcp") port(${h.server.syslogPort})); };
log { source(s_src); destination(d_driftwood); };
`,
  );
  const files = (name: string) => join(h.work, name);
  const daemon = spawn(syslogNg.bin, [...syslogNg.args, '-F', '--no-caps', '-f', conf, '-R', files('persist'), '-p', files('pid'), '-c', files('ctl')], {
    stdio: 'ignore',
    env: { ...process.env, ...syslogNg.env },
  });
  try {
    const e = await relayed(h, input, '<11>Nov 28 09:00:00 web-7 checkout[42]: forwarded by syslog-ng', '"forwarded by syslog-ng"');
    expect(e).toMatchObject({ source_name: 'web-7', program: 'checkout', message: 'forwarded by syslog-ng', severity: 'Error', facility: 'User', flags: [] });
    expect(e!.fields.procid).toBe('42');
  } finally {
    daemon.kill('SIGTERM');
  }
});
