// The Dockerfile cannot be built here (no Docker engine): it is read as text and held to what the
// repo says elsewhere. Its build stage must run the build CI runs on a clean machine (.ci/run), and
// its runtime stage must hold everything `npm start` runs and reads.
import { readdirSync, readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

interface Instruction {
  keyword: string;
  args: string;
}

/** Dockerfile syntax: `#` comment lines, `\` continues a line, one instruction a line. */
function parseDockerfile(text: string): Instruction[][] {
  const logical = text
    .split('\n')
    .filter((l) => !/^\s*#/.test(l))
    .join('\n')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .filter((l) => l.trim());
  const stages: Instruction[][] = [];
  for (const line of logical) {
    const [, keyword, args] = /^\s*(\w+)\s+(.*)$/.exec(line)!;
    if (keyword!.toUpperCase() === 'FROM') stages.push([]);
    stages.at(-1)!.push({ keyword: keyword!.toUpperCase(), args: args!.trim() });
  }
  return stages;
}

const [build, runtime] = parseDockerfile(read('Dockerfile')) as [Instruction[], Instruction[]];
const all = (stage: Instruction[], keyword: string) => stage.filter((i) => i.keyword === keyword).map((i) => i.args);
const runs = (stage: Instruction[]) => all(stage, 'RUN').flatMap((r) => r.split(/\s*&&\s*/));
const pkg = JSON.parse(read('package.json')) as { engines: { node: string }; scripts: Record<string, string>; dependencies: Record<string, string> };
const defaults = (() => {
  const r = loadConfig({}, []);
  if (!r.ok) throw new Error(r.problems.join('; '));
  return r.config;
})();

/** COPY --from=build SRC DEST in the runtime stage: the paths (relative to /app) the image holds. */
const copied = all(runtime, 'COPY').map((args) => {
  const parts = args.split(/\s+/);
  expect(parts[0]).toBe('--from=build');
  return parts.at(-1)!.replace(/^\.\//, '').replace(/^\.$/, '');
});
const inImage = (path: string) => copied.some((dest) => dest === '' ? !path.includes('/') : path === dest || path.startsWith(`${dest.replace(/\/$/, '')}/`));

describe('Dockerfile', () => {
  it('has a build stage with the toolchain for better-sqlite3 and a slim runtime stage, both Node 20', () => {
    const major = /\d+/.exec(pkg.engines.node)![0];
    expect(build[0]!.args).toBe(`node:${major}-bookworm-slim AS build`);
    expect(runtime[0]!.args).toBe(`node:${major}-bookworm-slim`);
    expect(runs(build).find((r) => r.startsWith('apt-get install'))).toMatch(/\bpython3\b.*\bmake\b.*\bg\+\+/);
  });

  it('builds with the same commands as CI on a clean machine (.ci/run), in the same order', () => {
    const ci = read('.ci/run')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => /^npm (ci|run build)\b/.test(l));
    expect(ci).toEqual(['npm ci --no-audit --no-fund', 'npm run build']);
    const steps = runs(build).filter((r) => /^npm (ci|run build)\b/.test(r));
    expect(steps).toEqual(ci);
    // `npm run build` is the build: the UI into web/dist and the server bundle into server/dist.
    expect(pkg.scripts.build).toMatch(/^vite build web .*&& tsx server\/build\.ts$/);
  });

  it('builds the native batch digest in `npm ci`, from its sources copied before it, and keeps it', () => {
    expect(pkg.scripts.install).toMatch(/^node-gyp rebuild --directory server\/native\b/);
    const copyNative = build.findIndex((i) => i.keyword === 'COPY' && i.args === 'server/native ./server/native');
    const npmCi = build.findIndex((i) => i.keyword === 'RUN' && i.args.startsWith('npm ci'));
    expect(copyNative).toBeGreaterThan(0);
    expect(copyNative).toBeLessThan(npmCi);
    expect(inImage('server/native/build/Release/batch_digest.node')).toBe(true);
  });

  it('runs what `npm start` runs after its build, with its environment, from the build outputs it copies', () => {
    // `NAME=value … node …`: the assignments are the image's ENV, the rest its CMD.
    const [, assignments, startCommand] = /^((?:\w+=\S+ )*)(.*)$/.exec(pkg.scripts.start!.split('&&').at(-1)!.trim())!;
    const cmd = JSON.parse(all(runtime, 'CMD')[0]!) as string[];
    expect(cmd.join(' ')).toBe(startCommand);
    const env = all(runtime, 'ENV').join(' ').split(/\s+/);
    expect(assignments!.split(' ').filter(Boolean)).toEqual(['MALLOC_ARENA_MAX=2']);
    for (const assignment of assignments!.split(' ').filter(Boolean)) expect(env).toContain(assignment);
    for (const path of ['package.json', 'node_modules/x', 'server/dist/main.js', 'server/dist/writer-thread.js', 'web/dist/index.html']) expect(inImage(path), path).toBe(true);
  });

  it('copies every file the bundle reads beside its sources (every non-TypeScript file under server/)', () => {
    const assets: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
        const path = `${dir}/${entry.name}`;
        if (entry.isDirectory()) {
          if (!entry.name.startsWith('dist')) walk(path);
        } else if (!entry.name.endsWith('.ts')) assets.push(path);
      }
    };
    walk('server');
    expect(assets.length).toBeGreaterThan(5);
    expect(assets.filter((a) => !inImage(a))).toEqual([]);
  });

  it('keeps every package the server bundle imports after pruning devDependencies', () => {
    const bundleDir = join(ROOT, 'server/dist');
    const imported = new Set<string>();
    for (const file of readdirSync(bundleDir).filter((f) => f.endsWith('.js'))) {
      const code = readFileSync(join(bundleDir, file), 'utf8');
      // esbuild writes `import … from "pkg";` and `import "pkg";` at the start of a line, and `import("pkg")`.
      for (const m of code.matchAll(/^import\s(?:[^;]*?\sfrom\s*)?"([^"./][^"]*)";|\bimport\("([^"./][^"]*)"\)/gm)) {
        const spec = (m[1] ?? m[2])!;
        if (isBuiltin(spec)) continue;
        imported.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
      }
    }
    expect(imported).toContain('better-sqlite3');
    expect([...imported].filter((name) => !(name in pkg.dependencies))).toEqual([]);
    expect(runs(build)).toContain('npm prune --omit=dev --no-audit --no-fund');
  });

  it('runs as a non-root user with the data on a volume, and checks /healthz with node (no curl in slim)', () => {
    expect(all(runtime, 'USER')).toEqual(['node']);
    const dataDir = /DRIFTWOOD_DATA_DIR=(\S+)/.exec(all(runtime, 'ENV').join(' '))![1]!;
    expect(all(runtime, 'VOLUME')).toEqual([dataDir]);
    expect(runs(runtime)).toContain(`chown node:node ${dataDir}`);
    const health = all(runtime, 'HEALTHCHECK')[0]!;
    expect(health).toMatch(/CMD \["node", "-e", .*\/healthz/);
    expect(health).toContain(`|| ${defaults.httpPort}}`);
    expect(health).not.toMatch(/curl|wget/);
    expect(all(runtime, 'EXPOSE')[0]!.split(' ').sort()).toEqual([`${defaults.httpPort}/tcp`, `${defaults.syslogPort}/tcp`, `${defaults.syslogPort}/udp`, `${defaults.syslogTlsPort}/tcp`].sort());
  });

  it(".dockerignore keeps the host builds, data and modules out of the image", () => {
    const ignored = read('.dockerignore').split('\n').filter((l) => l && !l.startsWith('#'));
    for (const path of ['node_modules', 'data', 'web/dist', '.git', 'server/native/build']) expect(ignored).toContain(path);
    expect(ignored).toContain('server/dist*');
  });
});
