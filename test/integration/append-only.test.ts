// Events are append-only (issue 14, part 1): the day file itself refuses UPDATE and DELETE from any
// connection, except the one change a recorded redaction makes.
import { afterEach, beforeEach, expect, test } from 'vitest';
import { openDb, type Db } from '../../server/store/db.ts';
import { openStore, type Store } from '../../server/store/index.ts';
import { tmpDir } from '../helpers/tmp.ts';

const NOW = Date.parse('2026-05-30T12:00:00Z');
let dir: ReturnType<typeof tmpDir>;
let store: Store;
let db: Db; // a connection of its own, as the sqlite3 shell or another program would open
let id: number;

beforeEach(() => {
  dir = tmpDir();
  store = openStore(dir.path);
  const [r] = store.append([{ events: [{ receivedMs: NOW, sourceIp: '10.0.0.1', systemName: 'web-1', hostname: 'web-1', program: 'app', severity: 6, facility: 1, generatedAt: null, message: 'password=hunter2 login ok', fields: {}, flags: [] }] }]);
  id = r!.lastId!;
  db = openDb(store.partitions.pathOf('2026-05-30'), 'day', { mustExist: true });
});
afterEach(() => {
  db.close();
  store.close();
  dir.cleanup();
});

const messageOf = () => (db.prepare('SELECT message FROM events WHERE id = ?').get(id) as { message: string }).message;

test('the database refuses to delete an event', () => {
  expect(() => db.prepare('DELETE FROM events WHERE id = ?').run(id)).toThrow(/append-only/);
  expect(() => db.exec('DELETE FROM events')).toThrow(/append-only/);
  expect(messageOf()).toBe('password=hunter2 login ok');
});

test('the database refuses to change an event, any column', () => {
  for (const set of ["message = 'login ok'", "program = 'other'", 'pri = 0', 'id = id + 1', 'pos = pos + 1', "message = '[redacted]', extra = NULL"]) {
    expect(() => db.prepare(`UPDATE events SET ${set} WHERE id = ?`).run(id), set).toThrow(/append-only/);
  }
  expect(messageOf()).toBe('password=hunter2 login ok');
});

test('only a recorded redaction may blank an event (and destroy its salt), and it may change nothing else', () => {
  db.prepare("INSERT INTO redactions (id, leaf, reason, redacted_by, at_ms) VALUES (?, 'x', 'leaked password', 'admin@example.com', 0)").run(id);
  expect(() => db.prepare("UPDATE events SET message = '[redacted]', program = 'x' WHERE id = ?").run(id)).toThrow(/append-only/);
  expect(() => db.prepare("UPDATE events SET message = 'something else' WHERE id = ?").run(id)).toThrow(/append-only/);
  expect(() => db.prepare("UPDATE events SET message = '[redacted]', extra = NULL, salt = zeroblob(16) WHERE id = ?").run(id)).toThrow(/append-only/); // gives it a salt
  expect(() => db.prepare("UPDATE events SET message = '[redacted]', extra = NULL, salt = NULL, pos = 7 WHERE id = ?").run(id)).toThrow(/append-only/); // its place in the index
  db.prepare("UPDATE events SET message = '[redacted]', extra = NULL, salt = NULL WHERE id = ?").run(id);
  expect(messageOf()).toBe('[redacted]');
  expect(() => db.exec('DELETE FROM redactions')).toThrow(/append-only/);
  expect(() => db.exec("UPDATE redactions SET reason = 'none'")).toThrow(/append-only/);
});

test('the hash chain refuses changes, but for a redaction destroying a batch key whose salts it stored first', () => {
  const batch = db.prepare('SELECT batch, salt_key FROM chain').get() as { batch: number; salt_key: Buffer };
  expect(batch.salt_key).toHaveLength(16);
  for (const set of ["hash = 'x'", 'events = 2', 'tags = zeroblob(8)', 'salt_key = zeroblob(16)', 'salt_key = NULL']) {
    expect(() => db.prepare(`UPDATE chain SET ${set} WHERE batch = ?`).run(batch.batch), set).toThrow(/append-only/);
  }
  expect(() => db.exec('DELETE FROM chain')).toThrow(/append-only/);
  db.prepare('INSERT INTO batch_salts (batch, salts) VALUES (?, zeroblob(16))').run(batch.batch);
  expect(() => db.prepare("UPDATE chain SET salt_key = NULL, hash = 'x' WHERE batch = ?").run(batch.batch)).toThrow(/append-only/);
  db.prepare('UPDATE chain SET salt_key = NULL WHERE batch = ?').run(batch.batch);
  expect(() => db.exec('DELETE FROM batch_salts')).toThrow(/only by redaction/);
  expect(() => db.exec('UPDATE batch_salts SET salts = zeroblob(32)')).toThrow(/only by redaction/);
});
