// The README's syslog-ng snippet, for real: syslog-ng's syslog() destination forwards to Driftwood
// over TCP (RFC 5424 with octet counting), and the line arrives with its program and message.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { apiClientFor, type ApiClient } from '../helpers/api.ts';
import { sendUdp } from '../helpers/ingest.ts';
import { freePort, startTestServer, type TestServer } from '../helpers/server.ts';
import { tmpDir } from '../helpers/tmp.ts';

// Debian's syslog-ng-core conflicts with rsyslog (each is the system logger), so .ci/run unpacks
// it under /opt/syslog-ng beside rsyslog; an installed one is used where there is one.
const UNPACKED = '/opt/syslog-ng/usr/lib/syslog-ng';
const syslogNg = existsSync('/usr/sbin/syslog-ng')
  ? { bin: '/usr/sbin/syslog-ng', args: [], env: {} }
  : {
      bin: '/opt/syslog-ng/usr/sbin/syslog-ng',
      args: existsSync(UNPACKED) ? readdirSync(UNPACKED).filter((d) => /^\d+\.\d+$/.test(d)).map((d) => `--module-path=${UNPACKED}/${d}`) : [],
      env: { LD_LIBRARY_PATH: UNPACKED },
    };
const haveSyslogNg = spawnSync(syslogNg.bin, ['--version'], { env: { ...process.env, ...syslogNg.env } }).status === 0;
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

test.runIf(haveSyslogNg)('syslog-ng syslog() destination over TCP (README snippet) reaches the store', async () => {
  const input = await freePort();
  const conf = join(work.path, 'syslog-ng.conf');
  // s_src stands for the source of the distribution's own configuration; the options, destination
  // and log lines are the README's (keep-hostname for a relay), with its host and port.
  writeFileSync(
    conf,
    `@version: 3.38
options { keep-hostname(yes); };
source s_src { network(ip("127.0.0.1") port(${input}) transport("udp")); };
destination d_driftwood { syslog("127.0.0.1" transport("tcp") port(${server.syslogPort})); };
log { source(s_src); destination(d_driftwood); };
`,
  );
  const files = (name: string) => join(work.path, name);
  const daemon = spawn(syslogNg.bin, [...syslogNg.args, '-F', '--no-caps', '-f', conf, '-R', files('persist'), '-p', files('pid'), '-c', files('ctl')], {
    stdio: 'ignore',
    env: { ...process.env, ...syslogNg.env },
  });
  try {
    // syslog-ng needs a moment to bind its input; resend until the line shows up.
    let found = 0;
    for (let attempt = 0; attempt < 20 && !found; attempt++) {
      await sendUdp(input, ['<11>Nov 28 09:00:00 web-7 checkout[42]: forwarded by syslog-ng']);
      found = (await api.waitFor('"forwarded by syslog-ng"', 1, {}, 500)).events.length;
    }
    const [e] = (await api.search('"forwarded by syslog-ng"')).events;
    expect(e).toMatchObject({ source_name: 'web-7', program: 'checkout', message: 'forwarded by syslog-ng', severity: 'Error', facility: 'User', flags: [] });
    expect(e!.fields.procid).toBe('42');
  } finally {
    daemon.kill('SIGTERM');
  }
});
