// Bundles the server for `npm start` (run by `npm run build`): one ES module per entry (the CLI,
// the writer thread, the counting thread) in server/dist, dependencies left in node_modules. The
// sources keep working under tsx as they are; see server/workers.ts.
//   tsx server/build.ts [outdir=server/dist]
import { build, type Plugin } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const outdir = resolve(process.argv[2] ?? resolve(ROOT, 'server/dist'));

/**
 * Modules find their files (migrations, the password list, web/dist) relative to import.meta.url.
 * In a bundle that is the bundle's own URL, so each module's import.meta.url is rewritten to its
 * source file, relative to the bundle: the checkout can still move as a whole.
 */
const sourceLocations: Plugin = {
  name: 'source-locations',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const fromBundle = relative(outdir, args.path).split('\\').join('/');
      return { contents: source.replaceAll('import.meta.url', `new URL(${JSON.stringify(fromBundle)}, import.meta.url).href`), loader: 'ts' };
    });
  },
};

await build({
  entryPoints: {
    main: resolve(ROOT, 'server/cli/main.ts'),
    'writer-thread': resolve(ROOT, 'server/store/writer-thread.ts'),
    'index-thread': resolve(ROOT, 'server/store/index-thread.ts'),
    'count-worker': resolve(ROOT, 'server/store/count-worker.ts'),
    'archive-process': resolve(ROOT, 'server/store/archive-process.ts'),
  },
  outdir,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  define: { DRIFTWOOD_BUNDLE_DIR: JSON.stringify(`${relative(ROOT, outdir).split('\\').join('/')}/`) },
  plugins: [sourceLocations],
  logLevel: 'warning',
});
console.log(`server bundle: ${pathToFileURL(outdir).pathname}`);
