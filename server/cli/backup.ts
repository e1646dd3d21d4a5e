// `driftwood backup DIR`: copies DRIFTWOOD_DATA_DIR into DIR, also while a server runs (DESIGN 8).
// To restore, stop the server and point DRIFTWOOD_DATA_DIR at the copy (or move it into place).
import { loadConfig } from '../config.ts';
import { backupDataDir } from '../store/backup.ts';

export async function backup(argv: string[]): Promise<number> {
  const [target, ...extra] = argv;
  if (!target || extra.length || target.startsWith('-')) {
    process.stderr.write('usage: driftwood backup DIR   (DIR must not exist or must be empty)\n');
    return 2;
  }
  const loaded = loadConfig(process.env, []);
  if (!loaded.ok) {
    for (const p of loaded.problems) process.stderr.write(`driftwood: ${p}\n`);
    return 1;
  }
  const started = performance.now();
  const { files, bytes } = backupDataDir(loaded.config.dataDir, target);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  process.stdout.write(`Backed up ${files} database files (${(bytes / 1e6).toFixed(1)} MB) into ${target} in ${seconds} s.\n`);
  return 0;
}
