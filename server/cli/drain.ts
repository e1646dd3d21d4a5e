// `driftwood drain add NAME | list | rm NAME`: works on DRIFTWOOD_DATA_DIR directly (DESIGN 8).
import { loadConfig } from '../config.ts';
import { drainView, checkDrainName } from '../http/routes/drains.ts';
import { openStore } from '../store/index.ts';

export async function drain(argv: string[]): Promise<number> {
  const [sub, name] = argv;
  const loaded = loadConfig(process.env, []);
  if (!loaded.ok) {
    for (const p of loaded.problems) process.stderr.write(`driftwood: ${p}\n`);
    return 1;
  }
  const { dataDir, publicUrl } = loaded.config;
  const store = openStore(dataDir);
  try {
    if (sub === 'add' && name) {
      try {
        checkDrainName(name);
      } catch (e) {
        process.stderr.write(`driftwood: ${(e as Error).message}\n`);
        return 2;
      }
      if (store.drains.find(name)) {
        process.stderr.write(`driftwood: a drain named "${name}" exists (driftwood drain list)\n`);
        return 1;
      }
      const d = drainView(store.drains.create(name, Date.now()), publicUrl);
      process.stdout.write(`Drain "${d.name}" created.\nURL: ${d.url}\nAdd it to your Heroku app:\n  ${d.heroku_command}\n`);
      return 0;
    }
    if (sub === 'list') {
      for (const d of store.drains.list().map((row) => drainView(row, publicUrl))) process.stdout.write(`${d.id}\t${d.name}\t${d.url}\n`);
      return 0;
    }
    if (sub === 'rm' && name) {
      const d = store.drains.find(name);
      if (!d) {
        process.stderr.write(`driftwood: no drain "${name}"\n`);
        return 1;
      }
      store.drains.remove(d.id);
      process.stdout.write(`Drain "${d.name}" removed: its URL no longer accepts logs.\n`);
      return 0;
    }
    process.stderr.write('usage: driftwood drain add NAME | drain list | drain rm NAME\n');
    return 2;
  } finally {
    store.close();
  }
}
