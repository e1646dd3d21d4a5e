// `driftwood archive [DIR]`: writes the archives of every finished day that has none yet, now, into
// DIR or DRIFTWOOD_ARCHIVE_DIR (the server does this at start and hourly; store/archive.ts).
import { loadConfig } from '../config.ts';
import { archiveFinishedDays } from '../store/archive.ts';
import { fail, UsageError, withStore } from './accounts.ts';

const USAGE = 'usage: driftwood archive [DIR]   (default DRIFTWOOD_ARCHIVE_DIR)\n';

export async function archiveCommand(argv: string[]): Promise<number> {
  const loaded = loadConfig(process.env, []);
  return withStore(USAGE, async (store) => {
    if (argv.length > 1 || argv[0]?.startsWith('-')) throw new UsageError(`unexpected ${argv.join(' ')}`);
    const dir = argv[0] ?? (loaded.ok ? loaded.config.archiveDir : undefined);
    if (!dir) return fail('no archive directory: give DIR or set DRIFTWOOD_ARCHIVE_DIR');
    const days = await archiveFinishedDays(store.partitions, (id) => store.systems.nameOf(id), dir, Date.now());
    process.stdout.write(days.length ? `Archived ${days.join(', ')} into ${dir}.\n` : `Every finished day already has an archive in ${dir}.\n`);
    return 0;
  });
}
