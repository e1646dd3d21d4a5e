// What every guide in docs/guides/ says must exist: each `driftwood` command it runs is one the
// CLI knows, each `npm run` script is in package.json, each relative link leads to a file, and
// the README links every guide.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { runCli } from '../helpers/server.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const GUIDES = join(ROOT, 'docs/guides');
const guides = readdirSync(GUIDES).filter((f) => f.endsWith('.md'));
const text = (f: string) => readFileSync(join(GUIDES, f), 'utf8');

test('every driftwood command the guides run is one the CLI lists', async () => {
  const usage = (await runCli(['--help'], {})).stderr;
  const named = guides.flatMap((f) => [...text(f).matchAll(/(?:npm run driftwood --|bin\/driftwood\.js|`driftwood) ([a-z]+)/g)].map((m) => ({ guide: f, command: m[1]! })));
  expect(named.length).toBeGreaterThan(5);
  const unknown = named.filter((n) => !new RegExp(`^  ${n.command}\\b`, 'm').test(usage));
  expect(unknown).toEqual([]);
}, 30_000);

test('every npm script the guides run is in package.json', () => {
  const scripts = Object.keys((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts);
  const named = guides.flatMap((f) => [...text(f).matchAll(/npm run ([a-z:-]+)/g)].map((m) => m[1]!));
  expect(named.filter((s) => !scripts.includes(s))).toEqual([]);
});

test('every relative link in the guides and the README leads to a file', () => {
  const files = [...guides.map((f) => join(GUIDES, f)), join(ROOT, 'README.md')];
  const broken = files.flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)]
      .map((m) => m[1]!)
      .filter((href) => !/^[a-z]+:/.test(href) && !existsSync(join(dirname(file), href)))
      .map((href) => `${file.slice(ROOT.length)} → ${href}`),
  );
  expect(broken).toEqual([]);
});

test('the README links every guide and the shipped unit file', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  expect(guides.filter((f) => !readme.includes(`](docs/guides/${f})`))).toEqual([]);
  expect(readme).toContain('](docs/driftwood.service)');
});
