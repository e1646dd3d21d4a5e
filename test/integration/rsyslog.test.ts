// The README's rsyslog snippet, for real: rsyslogd forwards to Driftwood over TCP with octet
// counting (omfwd), and the line arrives with its program and message.
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { apiClientFor, type ApiClient } from '../helpers/api.ts';
import { sendUdp } from '../helpers/ingest.ts';
import { freePort, startTestServer, type TestServer } from '../helpers/server.ts';
import { tmpDir } from '../helpers/tmp.ts';

const RSYSLOGD = '/usr/sbin/rsyslogd';
const haveRsyslog = spawnSync(RSYSLOGD, ['-v']).status === 0;
let server: TestServer;
let api: ApiClient;
const work = tmpDir();

beforeAll(async () => {
  server = await startTestServer();
  api = await apiClientFor(server);
});
afterAll(async () => {
  await server.stop();
  work.cleanup();
});

test.runIf(haveRsyslog)('rsyslog omfwd with TCP_Framing="octet-counted" (README snippet) reaches the store', async () => {
  const input = await freePort();
  const conf = join(work.path, 'rsyslog.conf');
  writeFileSync(
    conf,
    `global(workDirectory="${work.path}")
module(load="imudp")
input(type="imudp" port="${input}" address="127.0.0.1")
*.* action(type="omfwd" target="127.0.0.1" port="${server.syslogPort}" protocol="tcp"
           TCP_Framing="octet-counted" template="RSYSLOG_SyslogProtocol23Format"
           queue.type="LinkedList" queue.filename="driftwood" queue.saveOnShutdown="on"
           action.resumeRetryCount="-1")
`,
  );
  const rsyslogd = spawn(RSYSLOGD, ['-n', '-f', conf, '-i', join(work.path, 'rsyslogd.pid')], { stdio: 'ignore' });
  try {
    // rsyslogd needs a moment to bind its input; resend until the line shows up.
    let found = 0;
    for (let attempt = 0; attempt < 20 && !found; attempt++) {
      await sendUdp(input, ['<14>Nov 28 09:00:00 web-7 checkout[42]: forwarded by rsyslog']);
      found = (await api.waitFor('"forwarded by rsyslog"', 1, {}, 500)).events.length;
    }
    const [e] = (await api.search('"forwarded by rsyslog"')).events;
    expect(e).toMatchObject({ hostname: 'web-7', program: 'checkout', message: 'forwarded by rsyslog', flags: [] });
    expect(e!.fields.procid).toBe('42');
  } finally {
    rsyslogd.kill('SIGTERM');
  }
});
