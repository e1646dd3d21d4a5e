// `driftwood backup DIR` (DESIGN 8): a copy of the data directory that a server can run on, also
// while a server writes. Each file is copied with VACUUM INTO: one read transaction, so a
// consistent snapshot that the writer never has to wait for (the page-by-page backup API would
// start over after every commit of a busy day file), and compact. Files are copied one after
// another, so the meta database and the newest day file may be seconds apart; a server started
// on the copy indexes what its newest day files hold above their index marks. A day's index file
// is copied before its day file, so that its mark never claims rows the copied day file lacks.
import { constants, copyFileSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { KEYS_FILE } from '../integrity/checkpoint.ts';
import { join } from 'node:path';
import { openReadOnly } from './db.ts';
import { Partitions } from './partitions.ts';

export interface BackupResult {
  files: number;
  bytes: number;
}

function copyDb(from: string, to: string): number {
  const db = openReadOnly(from);
  try {
    db.prepare('VACUUM INTO ?').run(to);
  } finally {
    db.close();
  }
  return statSync(to).size;
}

/** Copies every database of `dataDir` into `target`, which must not exist or must be empty. */
export function backupDataDir(dataDir: string, target: string): BackupResult {
  const meta = join(dataDir, 'driftwood.sqlite');
  if (!existsSync(meta)) throw new Error(`${dataDir} holds no Driftwood data (no driftwood.sqlite)`);
  if (existsSync(target) && readdirSync(target).length > 0) throw new Error(`${target} is not empty: back up into a new directory`);
  mkdirSync(target, { recursive: true });
  const source = new Partitions(dataDir, { readOnly: true });
  const copy = new Partitions(target);
  let bytes = copyDb(meta, join(target, 'driftwood.sqlite'));
  let files = 1;
  // The manifest of days (tombstones, heads) before the day files, which are then at least as new.
  const manifest = join(dataDir, 'integrity.sqlite');
  if (existsSync(manifest)) {
    bytes += copyDb(manifest, join(target, 'integrity.sqlite'));
    files++;
  }
  // The checkpoint signing key, so that a server restored from the copy signs as before.
  const key = join(dataDir, KEYS_FILE);
  if (existsSync(key)) copyFileSync(key, join(target, KEYS_FILE), constants.COPYFILE_EXCL);
  for (const day of source.days()) {
    for (const [from, to] of [[source.indexPathOf(day), copy.indexPathOf(day)], [source.pathOf(day), copy.pathOf(day)]] as const) {
      if (!existsSync(from)) continue; // older day files hold their index inside
      bytes += copyDb(from, to);
      files++;
    }
  }
  return { files, bytes };
}
