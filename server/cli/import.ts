// `driftwood import FILE… [--system NAME]`: Papertrail archives (theirs or ours, .tsv or .tsv.gz)
// and plain log files into DRIFTWOOD_DATA_DIR, also while a server runs (integrity/import.ts).
import { existsSync } from 'node:fs';
import { loadConfig } from '../config.ts';
import { importFile } from '../integrity/import.ts';
import { fail, takeOption, UsageError, withStore } from './accounts.ts';

const USAGE = `usage: driftwood import FILE… [--system NAME]
  FILE: a Papertrail archive (id, generated_at, received_at, source_id, source_name, source_ip,
  facility_name, severity_name, program, message; .tsv or .tsv.gz), Driftwood's own archives
  (DRIFTWOOD_ARCHIVE_DIR), or a plain log file (one line per event; --system names its sender,
  default the file's name). Lines imported before are not stored twice.
`;

export async function importCommand(argv: string[]): Promise<number> {
  const args = [...argv];
  const loaded = loadConfig(process.env, []);
  return withStore(USAGE, async (store) => {
    const system = takeOption(args, '--system');
    if (args.length === 0 || args.some((a) => a.startsWith('-'))) throw new UsageError(args.length ? `unknown option ${args.find((a) => a.startsWith('-'))}` : '');
    const missing = args.filter((f) => !existsSync(f));
    if (missing.length) return fail(`no such file: ${missing.join(', ')}`);
    let failed = false;
    for (const file of args) {
      const r = await importFile(store, file, { system, now: Date.now, timeZone: loaded.ok ? loaded.config.timeZone : 'UTC', maxMessageBytes: loaded.ok ? loaded.config.maxMessageBytes : 65536 });
      const dup = r.duplicates ? `, ${r.duplicates} imported before (skipped)` : '';
      process.stdout.write(`${file}: ${r.events} events imported (${r.kind === 'archive' ? 'archive' : 'plain lines'})${dup}.\n`);
      if (r.bad) {
        failed = true;
        process.stderr.write(`driftwood import: ${file}: ${r.bad} lines not in the archive layout were not imported:\n${r.problems.map((p) => `  ${p}\n`).join('')}`);
      }
    }
    return failed ? 1 : 0;
  });
}
