// Builds the server bundle once before the tests, as `npm run build` does: tests that run what
// `npm start` runs (the kill -9 test, test/integration/bundle.test.ts) start it.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export function setup(): void {
  const root = fileURLToPath(new URL('../', import.meta.url));
  execFileSync(process.execPath, ['--import', 'tsx', 'server/build.ts'], { cwd: root, stdio: 'inherit' });
}
