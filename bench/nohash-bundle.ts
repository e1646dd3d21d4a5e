// bench/nohash-bundle: a throw-away server bundle WITHOUT the hash chain, only for bench/ingest's
// A/B of what tamper evidence costs end to end (issue 14: "ingest with and without the hashes in
// the same run", docs/BENCHMARKS.md "Ingest"). The server itself has no switch that turns the chain
// off; this copies the committed sources (git HEAD) into .bench/nohash-src, replaces BatchHasher
// (store/chain.ts) with one that draws no salt key, hashes nothing and writes no chain row, and
// bundles that copy into server/dist-nohash.
//   npx tsx bench/nohash-bundle.ts
//   npx tsx server/build.ts server/dist-hash          # the same HEAD, with the chain
//   BENCH_BIN=server/dist-nohash/main.js BENCH_SKIP_BARE=1 npx tsx bench/ingest.ts 20 1   (and dist-hash, interleaved)
import { execFileSync, execSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const SRC = join(ROOT, '.bench/nohash-src');
const OUT = join(ROOT, 'server/dist-nohash');

rmSync(SRC, { recursive: true, force: true });
mkdirSync(SRC, { recursive: true });
execSync(`git archive HEAD server shared package.json tsconfig.base.json | tar -x -C ${JSON.stringify(SRC)}`, { cwd: ROOT, stdio: 'inherit' });
symlinkSync(join(ROOT, 'node_modules'), join(SRC, 'node_modules'));

const chainPath = join(SRC, 'server/store/chain.ts');
const chain = readFileSync(chainPath, 'utf8');
const start = chain.indexOf('export class BatchHasher');
if (start < 0) throw new Error(`${chainPath} has no BatchHasher: update this script`);
const noHashes = `export class BatchHasher {
  constructor(_events: number) {}
  add(_row: LeafColumns, _texts: SubmissionTexts, _event: number): void {}
  seal(): void {}
}
`;
writeFileSync(chainPath, `${chain.slice(0, start)}${noHashes}`);

execFileSync(process.execPath, ['--import', 'tsx', join(SRC, 'server/build.ts'), OUT], { cwd: SRC, stdio: 'inherit' });
console.log(`bundle without the hash chain: ${OUT}/main.js (sources in ${SRC}; never ship it)`);
