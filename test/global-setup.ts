// Before the tests: builds the server bundle and the web UI once, as `npm run build` does (the kill -9
// test and test/integration/bundle.test.ts run what `npm start` runs; the browser tests load the UI).
// After them: reports, in one block, the tests that did not run because a system program is
// missing (test/helpers/programs.ts).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NOT_RUN_DIR_ENV } from './helpers/programs.ts';

export function setup(): () => void {
  const root = fileURLToPath(new URL('../', import.meta.url));
  execFileSync(process.execPath, ['--import', 'tsx', 'server/build.ts'], { cwd: root, stdio: 'inherit' });
  // The web UI the browser tests load, as `npm start` builds it (a few seconds). vitest sets
  // NODE_ENV=test, with which Vite would build React's development bundle (jsxDEV, 1.5x the code,
  // effects run twice): the tests would see a different UI than users get.
  execFileSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', 'web', '--logLevel', 'error'], { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
  // Test workers are started after this, with this process's environment.
  const notRun = mkdtempSync(join(tmpdir(), 'driftwood-not-run-'));
  process.env[NOT_RUN_DIR_ENV] = notRun;
  return () => {
    const file = join(notRun, 'not-run.tsv');
    const rows = existsSync(file) ? [...new Set(readFileSync(file, 'utf8').split('\n').filter(Boolean))] : [];
    rmSync(notRun, { recursive: true, force: true });
    if (rows.length === 0) return;
    const byProgram = new Map<string, { install: string; tests: Set<string> }>();
    for (const row of rows) {
      const [program, install, testName] = row.split('\t') as [string, string, string];
      const entry = byProgram.get(program) ?? { install, tests: new Set<string>() };
      entry.tests.add(testName);
      byProgram.set(program, entry);
    }
    const lines = [
      '',
      'NOT RUN: these tests drive programs this machine lacks (every other test ran):',
      ...[...byProgram].flatMap(([program, { install, tests }]) => [`  ${program} — install with: ${install}`, ...[...tests].sort().map((t) => `      ${t}`)]),
      'Install them and run `npm test` again to run these too (.ci/run installs them all).',
      '',
    ];
    process.stdout.write(lines.join('\n') + '\n');
  };
}
