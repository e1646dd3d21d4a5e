// Archives and import (issue 14, part 5): each finished day becomes a gzip TSV in Papertrail's
// archive layout with a sha256sum file, before retention may delete the day; `driftwood import`
// loads it (or a real Papertrail archive, or a plain log file) back to the same events.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterEach, beforeEach, expect, test } from 'vitest';
import type { Event } from '../../shared/event.ts';
import { archiveFinishedDays, archivePath } from '../../server/store/archive.ts';
import { openStore, type Store } from '../../server/store/index.ts';
import { enforceRetention } from '../../server/store/retention.ts';
import type { NewEvent } from '../../server/store/types.ts';
import { verifyStore } from '../../server/store/verify.ts';
import { CLI_TEST_TIMEOUT_MS, runCli, startTestServer } from '../helpers/server.ts';
import { tmpDir } from '../helpers/tmp.ts';

const DAY = 86_400_000;
const NOW = Date.parse('2026-05-30T12:00:00Z');
const YESTERDAY = '2026-05-29';
let dir: ReturnType<typeof tmpDir>;
beforeEach(() => (dir = tmpDir()));
afterEach(() => dir.cleanup());

const e = (over: Partial<NewEvent>): NewEvent => ({
  receivedMs: NOW - DAY, sourceIp: '10.0.0.1', systemName: 'web-1', hostname: 'web-1', program: 'app/web.1', severity: 6, facility: 23, generatedAt: null, message: 'hello', fields: {}, flags: [], ...over,
});

/** What "the same event" means for an archive: message, times, sender, program, severity, facility. */
const same = (x: Event) => ({ message: x.message, received_at: x.received_at, generated_at: x.generated_at, source_name: x.source_name, source_ip: x.source_ip, program: x.program, severity: x.severity, facility: x.facility });

function allEvents(store: Store): Event[] {
  return store.searcher.page({ filter: { where: '1', params: [] }, direction: 'oldest', limit: 10_000, deadlineMs: Date.now() + 10_000, now: Date.now }).events;
}

const ORIGINAL: Partial<NewEvent>[] = [
  { message: 'at=info method=GET path="/" status=200', generatedAt: NOW - DAY - 5 },
  { receivedMs: NOW - DAY + 1, systemName: 'db-2', hostname: 'db-2', sourceIp: '10.0.0.2', program: 'postgres', severity: 3, facility: 16, message: 'ERROR:\tduplicate key\nDETAIL: Key (id)=(7) exists; path C:\\new\\table' },
  { receivedMs: NOW - DAY + 2, severity: 0, facility: 0, program: 'kernel', message: 'panic', generatedAt: NOW - 2 * DAY },
  { receivedMs: NOW - DAY + 3, message: 'ünïcödé ✓ and a trailing backslash \\' },
];

test('a finished day is archived in Papertrail\'s layout with a checksum, and imports back to the same events', async () => {
  const store = openStore(dir.path);
  store.append([{ events: ORIGINAL.map(e) }]);
  store.append([{ events: [e({ receivedMs: NOW, message: 'today, not finished' })] }]);
  const archives = join(dir.path, 'archives');
  expect(await archiveFinishedDays(store.partitions, (id) => store.systems.nameOf(id), archives, NOW)).toEqual([YESTERDAY]);
  const original = allEvents(store).filter((x) => x.received_at < '2026-05-30');
  store.close();

  const gz = readFileSync(archivePath(archives, YESTERDAY));
  expect(readFileSync(`${archivePath(archives, YESTERDAY)}.sha256`, 'utf8')).toBe(`${createHash('sha256').update(gz).digest('hex')}  ${YESTERDAY}.tsv.gz\n`);
  const lines = gunzipSync(gz).toString().split('\n');
  expect(lines.pop()).toBe('');
  expect(lines).toHaveLength(4);
  expect(lines[0]!.split('\t')).toEqual([original[0]!.id, '2026-05-29 11:59:59.995 +0000', '2026-05-29 12:00:00.000 +0000', String(original[0]!.source_id), 'web-1', '10.0.0.1', 'Local7', 'Info', 'app/web.1', 'at=info method=GET path="/" status=200']);
  expect(lines[1]!.split('\t')[9]).toBe('ERROR:\\tduplicate key\\nDETAIL: Key (id)=(7) exists; path C:\\\\new\\\\table');

  const target = tmpDir();
  try {
    const env = { DRIFTWOOD_DATA_DIR: target.path };
    const r = await runCli(['import', archivePath(archives, YESTERDAY)], env);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`${archivePath(archives, YESTERDAY)}: 4 events imported (archive).\n`);
    const again = await runCli(['import', archivePath(archives, YESTERDAY)], env);
    expect(again.stdout).toMatch(/: 0 events imported \(archive\), 4 imported before \(skipped\)\.\n$/);
    const imported = openStore(target.path);
    try {
      expect(allEvents(imported).map(same)).toEqual(original.map(same));
      expect(verifyStore(imported.partitions).problem).toBeUndefined();
    } finally {
      imported.close();
    }
  } finally {
    target.cleanup();
  }
}, CLI_TEST_TIMEOUT_MS);

test('a Papertrail archive written from the documented layout imports', async () => {
  // help.papertrailapp.com/kb/how-it-works/permanent-log-archives: the example line, and two more.
  const sample = [
    '50342052\t2011-02-10 00:19:36 -0800\t2011-02-10 00:19:36 -0800\t42424\tmysystem\t208.122.34.202\tUser\tInfo\ttestprogram\tLorem ipsum dolor sit amet, consectetur adipisicing elit, sed do eiusmod tempor',
    '50342053\t2011-02-10 00:19:35 -0800\t2011-02-10 00:19:37 -0800\t42424\tmysystem\t208.122.34.202\tLocal7\tError\tapp/web.1\tat=error code=H12 desc="Request timeout"',
    '50342054\t2011-02-10 09:20:00 +0100\t2011-02-10 08:20:01 +0000\t42425\tother-box\t10.1.2.3\tAuthpriv\tNotice\tsshd\tAccepted publickey for deploy',
  ].join('\n');
  const file = join(dir.path, '2011-02-10.tsv.gz');
  writeFileSync(file, gzipSync(`${sample}\n`));
  const target = join(dir.path, 'data');
  const r = await runCli(['import', file], { DRIFTWOOD_DATA_DIR: target });
  expect(r.stdout).toBe(`${file}: 3 events imported (archive).\n`);
  const store = openStore(target);
  try {
    expect(allEvents(store).map(same)).toEqual([
      { message: 'Lorem ipsum dolor sit amet, consectetur adipisicing elit, sed do eiusmod tempor', received_at: '2011-02-10T08:19:36.000Z', generated_at: '2011-02-10T08:19:36.000Z', source_name: 'mysystem', source_ip: '208.122.34.202', program: 'testprogram', severity: 'Info', facility: 'User' },
      { message: 'at=error code=H12 desc="Request timeout"', received_at: '2011-02-10T08:19:37.000Z', generated_at: '2011-02-10T08:19:35.000Z', source_name: 'mysystem', source_ip: '208.122.34.202', program: 'app/web.1', severity: 'Error', facility: 'Local7' },
      { message: 'Accepted publickey for deploy', received_at: '2011-02-10T08:20:01.000Z', generated_at: '2011-02-10T08:20:00.000Z', source_name: 'other-box', source_ip: '10.1.2.3', program: 'sshd', severity: 'Notice', facility: 'Authpriv' },
    ]);
    expect(allEvents(store)[1]!.fields).toMatchObject({ at: 'error', code: 'H12' }); // searchable like ingested lines
  } finally {
    store.close();
  }
  writeFileSync(join(dir.path, 'bad.tsv'), `${sample.split('\n')[0]}\nnot\tan\tarchive\tline\n`);
  const bad = await runCli(['import', join(dir.path, 'bad.tsv')], { DRIFTWOOD_DATA_DIR: target });
  expect(bad.code).toBe(1);
  expect(bad.stderr).toMatch(/1 lines not in the archive layout were not imported:\n {2}line 2: 4 tab-separated fields, not 10/);
}, CLI_TEST_TIMEOUT_MS);

test('plain log files import as syslog lines of the system named after the file', async () => {
  const file = join(dir.path, 'legacy-app.log');
  writeFileSync(file, '<13>May 29 10:00:00 box1 cron[42]: job started\nno syslog header here\n');
  const r = await runCli(['import', file], { DRIFTWOOD_DATA_DIR: join(dir.path, 'data') });
  expect(r.stdout).toBe(`${file}: 2 events imported (plain lines).\n`);
  const store = openStore(join(dir.path, 'data'));
  try {
    const events = allEvents(store);
    expect(events.map((x) => [x.source_name, x.program, x.message])).toEqual(expect.arrayContaining([['legacy-app', 'cron', 'job started'], ['legacy-app', '', 'no syslog header here']]));
  } finally {
    store.close();
  }
}, CLI_TEST_TIMEOUT_MS);

test('retention waits for a day\'s archive, and an archive cut short is written again', async () => {
  const store = openStore(dir.path);
  try {
    store.append([{ events: [e({ receivedMs: NOW - 30 * DAY, message: 'old' })] }]);
    store.append([{ events: [e({ receivedMs: NOW, message: 'new' })] }]);
    const archives = join(dir.path, 'archives');
    expect(enforceRetention(store.partitions, { retentionDays: 7, archiveDir: archives }, NOW)).toEqual([]);
    // A crash left half a file behind and no checksum.
    mkdirSync(archives, { recursive: true });
    writeFileSync(`${archivePath(archives, '2026-04-30')}.tmp`, 'half a gzip');
    expect(await archiveFinishedDays(store.partitions, (id) => store.systems.nameOf(id), archives, NOW)).toEqual(['2026-04-30']);
    expect(existsSync(`${archivePath(archives, '2026-04-30')}.tmp`)).toBe(false);
    expect(gunzipSync(readFileSync(archivePath(archives, '2026-04-30'))).toString()).toMatch(/\told\n$/);
    expect(enforceRetention(store.partitions, { retentionDays: 7, archiveDir: archives }, NOW)).toEqual(['2026-04-30']);
  } finally {
    store.close();
  }
});

test('the server archives finished days at start, then lets retention delete them', async () => {
  const store = openStore(dir.path);
  store.append([{ events: [e({ receivedMs: Date.now() - 30 * DAY, message: 'a month ago' })] }]);
  store.close();
  const archives = join(dir.path, 'archives');
  const server = await startTestServer({ dataDir: dir.path, env: { DRIFTWOOD_ARCHIVE_DIR: archives, DRIFTWOOD_RETENTION_DAYS: '7' } });
  try {
    const day = new Date(Date.now() - 30 * DAY).toISOString().slice(0, 10);
    // The archive runs at idle priority (store/archive-process.ts): on a busy machine it waits for
    // a free moment of CPU, so this waits for it generously.
    await expect.poll(() => server.store.partitions.days(), { timeout: 40_000, interval: 100 }).not.toContain(day);
    expect(gunzipSync(readFileSync(archivePath(archives, day))).toString()).toMatch(/\ta month ago\n$/);
    expect(server.logs).toEqual(expect.arrayContaining([`info archive: wrote ${day} to ${archives}`, `info retention: deleted the events of ${day}`]));
  } finally {
    await server.stop();
  }
}, 60_000);

test('driftwood archive writes the missing archives now, and says when there are none to write', async () => {
  const store = openStore(dir.path);
  store.append([{ events: [e({ receivedMs: Date.now() - 2 * DAY, message: 'two days ago' })] }]);
  store.close();
  const day = new Date(Date.now() - 2 * DAY).toISOString().slice(0, 10);
  const env = { DRIFTWOOD_DATA_DIR: dir.path, DRIFTWOOD_ARCHIVE_DIR: join(dir.path, 'archives') };
  expect((await runCli(['archive'], env)).stdout).toBe(`Archived ${day} into ${join(dir.path, 'archives')}.\n`);
  expect((await runCli(['archive'], env)).stdout).toBe(`Every finished day already has an archive in ${join(dir.path, 'archives')}.\n`);
  expect(existsSync(`${archivePath(join(dir.path, 'archives'), day)}.sha256`)).toBe(true);
}, CLI_TEST_TIMEOUT_MS);
