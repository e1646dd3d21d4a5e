// The README's rsyslog snippet, for real: rsyslogd forwards to Driftwood over TCP with octet
// counting (omfwd), and the line arrives with its program and message.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { PROGRAMS, requirePrograms } from '../helpers/programs.ts';
import { relayed, relayHarness } from '../helpers/relay.ts';
import { freePort } from '../helpers/server.ts';

const RSYSLOGD = PROGRAMS.rsyslog.bin;
const { test } = requirePrograms(import.meta.url, 'rsyslog');
const h = relayHarness();

test('rsyslog omfwd with TCP_Framing="octet-counted" (README snippet) reaches the store', async () => {
  const input = await freePort();
  const conf = join(h.work, 'rsyslog.conf');
  writeFileSync(
    conf,
    `global(workDirectory="${h.work}")
module(load="imudp")
input(type="imudp" port="${input}" address="127.0.0.1")
*.* action(type="omfwd" target="127.0.0.1" port="${h.server.syslogPort}" protocol="tcp"
           TCP_Framing="octet-counted" template="RSYSLOG_SyslogProtocol23Format"
           queue.type="LinkedList" queue.filename="driftwood" queue.saveOnShutdown="on"
           action.resumeRetryCount="-1")
`,
  );
  const rsyslogd = spawn(RSYSLOGD, ['-n', '-f', conf, '-i', join(h.work, 'rsyslogd.pid')], { stdio: 'ignore' });
  try {
    const e = await relayed(h, input, '<14>Nov 28 09:00:00 web-7 checkout[42]: forwarded by rsyslog', '"forwarded by rsyslog"');
    expect(e).toMatchObject({ hostname: 'web-7', program: 'checkout', message: 'forwarded by rsyslog', flags: [] });
    expect(e!.fields.procid).toBe('42');
  } finally {
    rsyslogd.kill('SIGTERM');
  }
});
