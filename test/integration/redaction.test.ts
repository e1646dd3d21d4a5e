// Redaction of a leaked secret (issue 14, part 4): the text is gone from every file of the data
// directory (raw bytes searched), search no longer finds it, verify still passes and lists the
// event as redacted, and the redaction is a security event naming who, what and why.
import Database from 'better-sqlite3';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import type { RedactionResponse, SearchResponse } from '../../shared/api.ts';
import { parse } from '../../shared/query/parse.ts';
import { openStore, type Store } from '../../server/store/index.ts';
import { redactEvents } from '../../server/store/redact.ts';
import type { NewEvent } from '../../server/store/types.ts';
import { verifyStore } from '../../server/store/verify.ts';
import { apiToken } from '../helpers/auth.ts';
import { CLI_TEST_TIMEOUT_MS, runCli, startTestServer } from '../helpers/server.ts';
import { toPerRowSalts } from '../helpers/per-row-salts.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { batchSalts } from '../../server/integrity/hash.ts';

const SECRET = 'sk_live_4f9a8c7e2b1d';
const NOW = Date.parse('2026-05-30T12:00:00Z');
let dir: ReturnType<typeof tmpDir>;
beforeEach(() => (dir = tmpDir()));
afterEach(() => dir.cleanup());

const event = (message: string, receivedMs = NOW): NewEvent => ({
  receivedMs, sourceIp: '10.0.0.1', systemName: 'web-1', hostname: 'web-1', program: 'app', severity: 6, facility: 1, generatedAt: null, message, fields: {}, flags: [],
});

/** Every file under the data directory that holds these bytes. */
function filesHolding(root: string, text: string | Buffer): string[] {
  const found: string[] = [];
  const walk = (d: string) => {
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (readFileSync(p).includes(Buffer.from(text))) found.push(p.slice(root.length + 1));
    }
  };
  walk(root);
  return found;
}

function find(store: Store, q: string): string[] {
  const parsed = parse(q);
  if (!parsed.ok) throw new Error(q);
  return store.searcher.page({ filter: store.compile(parsed.ast), direction: 'newest', limit: 100, deadlineMs: Date.now() + 5000, now: Date.now }).events.map((e) => e.message);
}

/** Many ordinary lines around the leaked one, indexed, as a day's file holds them. */
function seed(): number {
  const store = openStore(dir.path);
  store.append([{ events: Array.from({ length: 500 }, (_, i) => event(`GET /orders/${i} status=200`, NOW - 1000)) }]);
  const [leak] = store.append([{ events: [event(`config loaded stripe_key=${SECRET} region=eu`)] }]);
  store.append([{ events: Array.from({ length: 500 }, (_, i) => event(`GET /users/${i} status=200`, NOW + 1000)) }]);
  expect(find(store, SECRET)).toHaveLength(1);
  store.close();
  return leak!.lastId!;
}

test('redact --id: the secret is gone from the files and the index, verify passes and names it redacted, who and why are recorded', async () => {
  const id = seed();
  expect(filesHolding(dir.path, SECRET).length).toBeGreaterThan(0); // the day file and (its tokens) the index file
  const r = await runCli(['redact', '--id', String(id), '--reason', 'Stripe key pasted into a log line'], { DRIFTWOOD_DATA_DIR: dir.path, USER: 'alice' });
  expect(r.stderr).toMatch(/security action=redact outcome=success user=cli:\S+ count=1 ids=\d+ reason="Stripe key pasted into a log line"/);
  expect(r.stdout).toBe('Redacted 1 events.\n');
  expect(r.code).toBe(0);

  expect(filesHolding(dir.path, SECRET)).toEqual([]);
  expect(filesHolding(dir.path, SECRET.toLowerCase())).toEqual([]); // FTS5 stores tokens in lower case
  const store = openStore(dir.path);
  try {
    expect(find(store, SECRET)).toEqual([]);
    expect(find(store, 'stripe_key')).toEqual([]);
    expect(store.searcher.byId(id)).toMatchObject({ message: '[redacted]', fields: {} });
    expect(find(store, 'orders')).toHaveLength(100); // the rest of the day is untouched
    const report = verifyStore(store.partitions);
    expect(report.problem).toBeUndefined();
    expect(report.redacted).toEqual([id]);
    expect(find(store, 'action=redact')).toEqual([expect.stringMatching(new RegExp(`^action=redact outcome=success user=cli:\\S+ count=1 ids=${id} reason="Stripe key pasted into a log line"`))]);
  } finally {
    store.close();
  }
  const again = await runCli(['redact', '--id', String(id), '--reason', 'twice'], { DRIFTWOOD_DATA_DIR: dir.path });
  expect(again.stdout).toBe('Redacted 0 events; 1 were already redacted.\n');
  const verify = await runCli(['verify'], { DRIFTWOOD_DATA_DIR: dir.path });
  expect(verify.stdout).toMatch(new RegExp(`Redacted \\(their leaf hashes kept\\): ${id}\\.`));
  expect(verify.code).toBe(0);
}, CLI_TEST_TIMEOUT_MS);

test('a redacted event\'s salt goes with its batch\'s key: the key leaves the files, the other events keep their salts and still verify', () => {
  const store = openStore(dir.path);
  const messages = ['GET / 200', `token=${SECRET}`, 'GET /a 200', `again ${SECRET}x`, 'GET /b 200'];
  const [r] = store.append([{ events: messages.map((m, i) => event(m, NOW + i)) }]);
  const path = store.partitions.pathOf('2026-05-30');
  const ids = new Database(path, { readonly: true }).prepare('SELECT id FROM events ORDER BY id').pluck().all() as number[];
  expect(ids.at(-1)).toBe(r!.lastId);
  const key = new Database(path, { readonly: true }).prepare('SELECT salt_key FROM chain').pluck().get() as Buffer;
  const salts = batchSalts(key, 5);
  const why = { reason: 'leaked', by: 'admin@example.com', nowMs: NOW };
  const stored = () => {
    const db = new Database(path, { readonly: true });
    const row = { key: db.prepare('SELECT salt_key FROM chain').pluck().get(), salts: db.prepare('SELECT salts FROM batch_salts').pluck().get() };
    db.close();
    return row;
  };
  try {
    expect(redactEvents(store.partitions, [ids[1]!], why).redacted).toEqual([ids[1]]);
    const zeroed = Buffer.from(salts);
    zeroed.fill(0, 16, 32);
    expect(stored()).toEqual({ key: null, salts: zeroed });
    expect(filesHolding(dir.path, key)).toEqual([]); // secure_delete and the checkpoint took the key with the text
    expect(filesHolding(dir.path, salts.subarray(16, 32))).toEqual([]);
    expect(verifyStore(store.partitions)).toEqual(expect.objectContaining({ events: 5, redacted: [ids[1]] }));
    expect(verifyStore(store.partitions).problem).toBeUndefined();
    // A second redaction in the batch zeroes that event's salt too.
    expect(redactEvents(store.partitions, [ids[3]!], why).redacted).toEqual([ids[3]]);
    zeroed.fill(0, 48, 64);
    expect(stored()).toEqual({ key: null, salts: zeroed });
    expect(filesHolding(dir.path, SECRET)).toEqual([]);
    expect(verifyStore(store.partitions)).toEqual(expect.objectContaining({ events: 5, redacted: [ids[1], ids[3]] }));
    expect(verifyStore(store.partitions).problem).toBeUndefined();
  } finally {
    store.close();
  }
  // The stored salts still catch a change to the batch's other events.
  const db = new Database(path);
  db.exec('DROP TRIGGER events_no_update');
  db.prepare("UPDATE events SET message = 'GET /c 200' WHERE id = ?").run(ids[2]);
  db.close();
  const reopened = openStore(dir.path);
  expect(verifyStore(reopened.partitions).problem).toEqual({ kind: 'altered', day: '2026-05-30', batch: 1, id: ids[2] });
  reopened.close();
});

test('an event of a batch written before salts were derived (day/0011) is redacted as before', () => {
  const id = seed();
  const path = join(dir.path, 'events', '2026-05-30.sqlite');
  const file = new Database(path);
  toPerRowSalts(file);
  file.pragma('user_version = 10');
  file.close();
  const store = openStore(dir.path);
  try {
    expect(redactEvents(store.partitions, [id], { reason: 'leaked', by: 'admin@example.com', nowMs: NOW }).redacted).toEqual([id]);
    expect(filesHolding(dir.path, SECRET)).toEqual([]);
    expect(verifyStore(store.partitions)).toEqual(expect.objectContaining({ redacted: [id] }));
    expect(verifyStore(store.partitions).problem).toBeUndefined();
    expect(new Database(path, { readonly: true }).prepare('SELECT count(*) FROM batch_salts').pluck().get()).toBe(0); // its salt was its row's
  } finally {
    store.close();
  }
});

test('redact --query lists the matches and redacts only after "yes"; a reason and a start time are required', async () => {
  seed();
  const env = { DRIFTWOOD_DATA_DIR: dir.path };
  const args = ['redact', '--query', 'stripe_key', '--min-time', '2026-05-30T11:00:00Z', '--max-time', '2026-05-30T13:00:00Z', '--reason', 'leaked key'];
  const no = await runCli(args, env, 'no\n');
  expect(no.stdout).toMatch(/^\d+ May 30 12:00:00 web-1 app: config loaded stripe_key=sk_live_4f9a8c7e2b1d region=eu\n$/);
  expect(no.stderr).toMatch(/Redact these 1 events\? Type "yes": driftwood: not confirmed: nothing redacted/);
  expect(no.code).toBe(1);
  expect(filesHolding(dir.path, SECRET).length).toBeGreaterThan(0);
  const yes = await runCli(args, env, 'yes\n');
  expect(yes.stdout).toMatch(/Redacted 1 events\.\n$/);
  expect(filesHolding(dir.path, SECRET)).toEqual([]);
  expect((await runCli(['redact', '--query', 'x', '--reason', 'r'], env)).stderr).toMatch(/a query needs a start time/);
  expect((await runCli(['redact', '--id', '1'], env)).stderr).toMatch(/a reason is required/);
  expect((await runCli(['redact', '--id', '1', '--query', 'x', '--reason', 'r'], env)).stderr).toMatch(/give --id or --query/);
}, CLI_TEST_TIMEOUT_MS);

test('the admin API redacts with the same rules while the server ingests, members may not', async () => {
  const server = await startTestServer();
  try {
    const admin = await apiToken(server.store, { role: 'admin' });
    const member = await apiToken(server.store, { role: 'member' });
    const leak = await server.pipeline.submit([event(`config loaded stripe_key=${SECRET} region=eu`, Date.now())], 'test');
    const post = (token: string, body: unknown) =>
      fetch(`${server.url}/api/v1/redactions.json`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const search = async (q: string) => ((await (await fetch(`${server.url}/api/v1/events/search.json?q=${encodeURIComponent(q)}`, { headers: { authorization: `Bearer ${admin}` } })).json()) as SearchResponse).events;
    // Indexed before it is redacted: the index thread has written the token to the index file.
    for (let i = 0; i < 100 && filesHolding(server.dataDir, SECRET.toLowerCase()).every((f) => !f.endsWith('.fts.sqlite')); i++) await new Promise((r) => setTimeout(r, 50));
    expect(await search(SECRET)).toHaveLength(1);

    expect((await post(member, { ids: [String(leak.lastId)], reason: 'x' })).status).toBe(403);
    expect(await (await post(admin, { ids: [String(leak.lastId)] })).json()).toMatchObject({ message: expect.stringMatching(/reason/) });
    const minTime = Math.floor(Date.now() / 1000) - 60;
    const listed = (await (await post(admin, { q: 'stripe_key', min_time: minTime, reason: 'leaked key' })).json()) as RedactionResponse;
    expect(listed.matches!.map((e) => e.id)).toEqual([String(leak.lastId)]);
    expect(listed.redacted).toEqual([]);
    const done = (await (await post(admin, { q: 'stripe_key', min_time: minTime, reason: 'leaked key', confirm: true })).json()) as RedactionResponse;
    expect(done).toMatchObject({ redacted: [String(leak.lastId)], refused: [], checkpointed: true });

    expect(await search(SECRET)).toEqual([]);
    expect(filesHolding(server.dataDir, SECRET)).toEqual([]);
    expect(filesHolding(server.dataDir, SECRET.toLowerCase())).toEqual([]);
    await server.pipeline.submit([event('after the redaction', Date.now())], 'test');
    const report = verifyStore(server.store.partitions);
    expect(report.problem).toBeUndefined();
    expect(report.redacted).toEqual([leak.lastId]);
  } finally {
    await server.stop();
  }
});

test('an event that no longer matches its leaf hash is not redacted (which would hide the change), nor is the rest of its day', async () => {
  const id = seed();
  const db = new Database(join(dir.path, 'events', '2026-05-30.sqlite'));
  db.exec('DROP TRIGGER events_no_update');
  db.prepare("UPDATE events SET message = 'config loaded' WHERE id = ?").run(id);
  db.close();
  const store = openStore(dir.path);
  try {
    const other = (NOW + 1000) * 1024; // the first line after it, intact
    expect(store.searcher.byId(other)!.message).toMatch(/^GET \/users\//);
    const r = redactEvents(store.partitions, [other, id], { reason: 'x', by: 'test', nowMs: NOW });
    expect(r).toMatchObject({ redacted: [], refused: [id] });
    expect(store.searcher.byId(id)!.message).toBe('config loaded');
    expect(store.searcher.byId(other)!.message).toMatch(/^GET \/users\//);
  } finally {
    store.close();
  }
});
