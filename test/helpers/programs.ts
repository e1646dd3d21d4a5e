// The system programs some tests drive (DEVELOPERS.md, "The two commands"): on a machine that lacks
// one, its tests are reported as not run, by name and with the install command, while every other
// test runs; with DRIFTWOOD_TEST_REQUIRE_PROGRAMS=1 (.ci/run sets it) a missing program fails them.
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'vitest';

export interface SystemProgram {
  /** What the test drives, as the not-run report names it. */
  name: string;
  /** The command that installs it on Debian (.ci/run runs the same). */
  install: string;
  /** How to run it: the binary, arguments every run needs and extra environment. */
  bin: string;
  args: string[];
  env: Record<string, string>;
  /** A quick run that succeeds only where the program works (`--version` and the like). */
  probe: string[];
}

// Debian's syslog-ng-core conflicts with rsyslog (each is the system logger), so .ci/run unpacks it
// under /opt/syslog-ng beside rsyslog; an installed one is used where there is one.
const SYSLOG_NG_UNPACKED = '/opt/syslog-ng/usr/lib/syslog-ng';

const syslogNg: SystemProgram =
  existsSync('/usr/sbin/syslog-ng')
    ? { name: 'syslog-ng', install: 'apt-get install syslog-ng-core', bin: '/usr/sbin/syslog-ng', args: [], env: {}, probe: ['--version'] }
    : {
        name: 'syslog-ng',
        install: 'apt-get install syslog-ng-core (or unpack it beside rsyslog as .ci/run does)',
        bin: '/opt/syslog-ng/usr/sbin/syslog-ng',
        args: existsSync(SYSLOG_NG_UNPACKED) ? readdirSync(SYSLOG_NG_UNPACKED).filter((d) => /^\d+\.\d+$/.test(d)).map((d) => `--module-path=${SYSLOG_NG_UNPACKED}/${d}`) : [],
        env: { LD_LIBRARY_PATH: SYSLOG_NG_UNPACKED },
        probe: ['--version'],
      };

export const PROGRAMS = {
  chromium: { name: 'chromium', install: 'apt-get install chromium', bin: '/usr/bin/chromium', args: [], env: {}, probe: ['--version'] },
  rsyslog: { name: 'rsyslog', install: 'apt-get install rsyslog', bin: '/usr/sbin/rsyslogd', args: [], env: {}, probe: ['-v'] },
  'syslog-ng': syslogNg,
  logger: { name: 'logger (util-linux)', install: 'apt-get install bsdutils', bin: 'logger', args: [], env: {}, probe: ['--help'] },
  // rsyslog's TLS driver (docs/guides/rsyslog.md): a module file, not a program of its own.
  'rsyslog-openssl': { name: 'rsyslog-openssl', install: 'apt-get install rsyslog-openssl', bin: 'sh', args: [], env: {}, probe: ['-c', 'ls /usr/lib/*/rsyslog/lmnsd_ossl.so'] },
  nginx: { name: 'nginx', install: 'apt-get install nginx-light', bin: '/usr/sbin/nginx', args: [], env: {}, probe: ['-v'] },
  caddy: { name: 'caddy', install: 'apt-get install caddy', bin: '/usr/bin/caddy', args: [], env: {}, probe: ['version'] },
  'systemd-analyze': { name: 'systemd-analyze', install: 'apt-get install systemd', bin: 'systemd-analyze', args: [], env: {}, probe: ['--version'] },
  chrt: { name: 'chrt (util-linux)', install: 'apt-get install util-linux', bin: 'chrt', args: [], env: {}, probe: ['--version'] },
  python3: { name: 'python3', install: 'apt-get install python3', bin: 'python3', args: [], env: {}, probe: ['--version'] },
} satisfies Record<string, SystemProgram>;

export type ProgramName = keyof typeof PROGRAMS;

/** Set by test/global-setup.ts: where test files note the programs they could not find. */
export const NOT_RUN_DIR_ENV = 'DRIFTWOOD_TEST_NOT_RUN_DIR';
/** .ci/run: every program must be there, and a missing one fails its tests instead of skipping them. */
export const REQUIRE_ENV = 'DRIFTWOOD_TEST_REQUIRE_PROGRAMS';
/** Comma-separated program names to treat as absent (the fresh-machine check in .ci/run). */
export const HIDE_ENV = 'DRIFTWOOD_TEST_HIDE_PROGRAMS';

export function programAvailable(program: SystemProgram): boolean {
  const hidden = (process.env[HIDE_ENV] ?? '').split(',').map((s) => s.trim());
  if (hidden.includes(program.name.split(' ')[0]!)) return false;
  return spawnSync(program.bin, program.probe, { env: { ...process.env, ...program.env }, stdio: 'ignore' }).status === 0;
}

/**
 * `test` where the programs are installed; elsewhere `test.skip`, and the file and the missing
 * programs are noted for the report at the end of the run (test/global-setup.ts). Call it at the
 * top of a test file: `const testWith = requirePrograms(import.meta.url, 'chromium');`.
 */
export function requirePrograms(fileUrl: string, ...names: ProgramName[]): { available: boolean; test: typeof test } {
  const missing = names.map((n) => PROGRAMS[n]).filter((p) => !programAvailable(p));
  if (missing.length === 0) return { available: true, test };
  const list = missing.map((p) => `${p.name} (${p.install})`).join(', ');
  if (process.env[REQUIRE_ENV] === '1') throw new Error(`${REQUIRE_ENV}=1 but these programs are missing: ${list}`);
  const dir = process.env[NOT_RUN_DIR_ENV];
  const file = new URL(fileUrl).pathname.replace(/^.*?\/test\//, 'test/');
  const note = (testName: string) => {
    if (dir) appendFileSync(join(dir, 'not-run.tsv'), missing.map((p) => `${p.name}\t${p.install}\t${file} > ${testName}\n`).join(''));
  };
  // Each test declared with it is skipped and named in the report.
  const skipped = ((name: string, ...rest: unknown[]) => {
    note(name);
    return (test.skip as (...args: unknown[]) => unknown)(name, ...rest);
  }) as unknown as typeof test;
  return { available: false, test: skipped };
}
