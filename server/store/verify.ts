// `driftwood verify`: checks every day file against its hash chain, the days against the manifest,
// and the chain heads against exported checkpoints, and names the first problem
// (docs/SECURITY.md, "What verify proves"). Reads only; never writes a day file.
import { hash } from 'node:crypto';
import { batchHash, GENESIS, leaf, SALT_BYTES, tagOf, TAG_BYTES } from '../integrity/hash.ts';
import { saltsOfBatch } from './chain.ts';
import type { HexRow, SealedBlock } from './block-codec.ts';
import type { Checkpoint } from '../integrity/checkpoint.ts';
import { firstSealedId, sealedBlocksAfter, sealedThrough, storedRowsAfter } from './blocks.ts';
import { inSnapshot, type Db } from './db.ts';
import type { ManifestDay } from './manifest.ts';
import type { Partitions } from './partitions.ts';

export type Problem =
  | { kind: 'altered'; day: string; batch: number; id: number }
  | { kind: 'missing'; day: string; batch: number; after: number | null; before: number | null }
  | { kind: 'reordered'; day: string; batch: number; id: number; holds: number }
  | { kind: 'duplicated'; day: string; batch: number; id: number; of: number }
  | { kind: 'inserted'; day: string; batch: number; id: number }
  | { kind: 'batch-rewritten'; day: string; batch: number; why: string }
  | { kind: 'batch-missing'; day: string; batch: number }
  | { kind: 'chain-broken'; day: string; previousDay: string | null }
  | { kind: 'truncated'; day: string; batch: number; why: string }
  | { kind: 'rows-after-head'; day: string; id: number }
  | { kind: 'missing-day'; day: string }
  | { kind: 'unlisted-day'; day: string }
  | { kind: 'manifest-recreated'; atMs: number };

export interface VerifyReport {
  problem?: Problem;
  days: number;
  batches: number;
  events: number;
  redacted: number[];
  /** Events written before tamper evidence: present, not covered. */
  legacy: number;
  /** Days retention removed (tombstones). */
  removed: string[];
  checkpoints: number;
}

export interface VerifyOptions {
  /** Check only days from this one on (earlier days' chains are still read, for the links). */
  since?: string;
  checkpoints?: readonly Checkpoint[];
}

interface ChainRow {
  batch: number;
  first_id: number;
  last_id: number;
  events: number;
  tags: Buffer;
  prev: string;
  hash: string;
  /** The key its events' salts derive from (day/0011); null for per-row salts, or stored ones after a redaction. */
  salt_key: Buffer | null;
}
/**
 * A batch's salts, event k's at k × 32 in hex: derived from its key, or stored when a redaction
 * destroyed the key. Undefined for a batch from before day/0011, whose rows hold their own.
 */
type BatchSalts = string | undefined;
const SALT_HEX = SALT_BYTES * 2;
const saltAt = (salts: string, k: number): string | undefined => (k < salts.length / SALT_HEX ? salts.slice(k * SALT_HEX, (k + 1) * SALT_HEX) : undefined);
const PIPE = 0x7c; // a leaf text without a stored salt starts with its separator
/** A stored event as read for checking (raw: no object per row), its salt in lower-case hex. */
type Row = [id: number, systemId: number, generatedMs: number | null, sourceIp: string, hostname: string | null, program: string, pri: number, message: string, extra: string | null, flags: number, saltHex: string | null];
const ID = 0;
const MESSAGE = 7;
const EXTRA = 8;
const SALT = 10;
const TAG_HEX = TAG_BYTES * 2;
const SEALED_BLOCKS_PER_READ = 16; // 4,096 events a read

/** The row's leaf, with another id when asked (to recognize content moved between ids). */
function leafOfRow(r: Row, saltHex: string, id = r[ID]): string {
  return leaf(saltHex, id, r[1], r[2], r[6], r[9], r[3], r[4], r[5], r[MESSAGE], r[EXTRA]);
}

/**
 * Each row's leaf text (integrity/hash.ts leaf()) built by SQLite, as one string: reading six text
 * columns into JavaScript and joining them there cost more than hashing. A row without a stored
 * salt gets an empty one (the text starts with `|`). SQLite's length() counts code points, not
 * UTF-16 units as leaf() does: a text with a character beyond U+FFFF (or a NUL, or a value of an
 * unexpected type) gets another text, whose leaf does not fit, and its batch is checked again from
 * the columns (checkBatchExactly), which decides every problem reported. One value per row (no row
 * array; the ids are in the texts): better-sqlite3's cost per row counts.
 */
const LEAF_TEXT_SQL = `SELECT concat(lower(hex(salt)), '|', id >> 32, '.', id & 4294967295, '|', system_id, '|',
    CASE WHEN generated_ms IS NULL THEN '-' ELSE concat(generated_ms >> 32, '.', generated_ms & 4294967295) END, '|', pri, '|', flags, '|',
    length(source_ip), ':', source_ip, CASE WHEN hostname IS NULL THEN '-' ELSE concat(length(hostname), ':', hostname) END,
    length(program), ':', program, length(message), ':', message, CASE WHEN extra IS NULL THEN '-' ELSE concat(length(extra), ':', extra) END)
  FROM events WHERE id > ? AND id <= ? ORDER BY id`;

/** What the day before allows as the first batch's `prev`: its batch hashes (or its recorded head once removed). */
type Link = { day: string | null; hashes: Set<string> | undefined };

export function verifyStore(partitions: Partitions, opts: VerifyOptions = {}): VerifyReport {
  const report: VerifyReport = { days: 0, batches: 0, events: 0, redacted: [], legacy: 0, removed: [], checkpoints: 0 };
  const since = opts.since ?? '';
  const manifest = partitions.manifest;
  const recreated = manifest.fact('recreated_ms');
  if (recreated !== undefined) return { ...report, problem: { kind: 'manifest-recreated', atMs: Number(recreated) } };
  const listed = manifest.days();
  const listedNames = new Set(listed.map((d) => d.day));
  const unlisted = partitions.days().filter((d) => !listedNames.has(d) && d >= since && hasEvents(partitions.reader(d)!)).sort()[0];
  if (unlisted) return { ...report, problem: { kind: 'unlisted-day', day: unlisted } };

  const checkpointsOf = new Map<string, Checkpoint[]>();
  for (const c of opts.checkpoints ?? []) checkpointsOf.set(c.day, [...(checkpointsOf.get(c.day) ?? []), c]);

  let link: Link = { day: null, hashes: new Set([GENESIS]) };
  for (const d of listed) {
    const db = partitions.reader(d.day);
    if (!db) {
      if (d.removedMs === null) return { ...report, problem: { kind: 'missing-day', day: d.day } };
      report.removed.push(d.day);
      // A removed day's chain is gone: the day after it continued from its final head, or (events
      // written into it later) from the head recorded when that day began.
      const next = listed[listed.indexOf(d) + 1];
      const heads = [d.head?.hash, next?.link].filter((h): h is string => h !== undefined && h !== null);
      link = { day: d.day, hashes: d.head ? new Set(heads) : undefined };
      continue;
    }
    const checkEvents = d.day >= since;
    const day = new DayVerifier(db, d, report, checkEvents, checkpointsOf.get(d.day) ?? []);
    const problem = inSnapshot(db, () => day.run(link)); // sealing may go on meanwhile (store/db.ts)
    if (problem) return { ...report, problem };
    if (checkEvents) report.days++;
    link = { day: d.day, hashes: day.hashes };
  }
  return report;
}

function hasEvents(db: Db): boolean {
  return db.prepare('SELECT 1 FROM events LIMIT 1').get() !== undefined || firstSealedId(db) !== undefined;
}

class DayVerifier {
  /** The hashes of this day's batches, for the next day's link (GENESIS while it has none). */
  readonly hashes = new Set<string>();
  private readonly redactions: Map<number, string>;
  private readonly liveRowsIn;
  private readonly leafTextsIn;
  /** Events up to this id are sealed in blocks (store/blocks.ts), the rest rows. */
  private readonly sealedThrough: number;

  constructor(
    private readonly db: Db,
    private readonly d: ManifestDay,
    private readonly report: VerifyReport,
    private readonly checkEvents: boolean,
    private readonly checkpoints: Checkpoint[],
  ) {
    this.redactions = new Map((db.prepare('SELECT id, leaf FROM redactions').raw().all() as [number, string][]));
    this.leafTextsIn = db.prepare(LEAF_TEXT_SQL).pluck();
    this.liveRowsIn = db.prepare('SELECT id, system_id, generated_ms, source_ip, hostname, program, pri, message, extra, flags, nullif(lower(hex(salt)), \'\') FROM events WHERE id > ? AND id <= ? ORDER BY id').raw();
    this.sealedThrough = sealedThrough(db);
  }

  /** Calls `visit` for each sealed event in (after, through], in id order, with its block. */
  private eachSealed(after: number, through: number, visit: (block: SealedBlock, i: number) => void): void {
    for (let from = after; from < Math.min(through, this.sealedThrough); ) {
      const blocks = sealedBlocksAfter(this.db, from, SEALED_BLOCKS_PER_READ);
      if (blocks.length === 0) break;
      for (const block of blocks) {
        block.ids.forEach((id, i) => {
          if (id > after && id <= through) visit(block, i);
        });
        from = block.ids.at(-1)!;
      }
    }
  }

  /**
   * Calls `visit` with the leaf text of each event in (after, through], in id order (starting with
   * `|` without a stored salt), while it returns true: of rows as SQLite builds them, of sealed events as their blocks
   * hold them (no row objects made). Texts are visited one at a time and not kept: a batch's texts
   * held together outlived the young generation, and collecting them took 40 % of verify.
   */
  private eachLeafText(after: number, through: number, visit: (text: string) => boolean): void {
    let more = true;
    this.eachSealed(after, through, (block, i) => {
      if (more) more = visit(block.leafText(i));
    });
    if (!more) return;
    for (const text of this.leafTextsIn.all(Math.max(after, this.sealedThrough), through) as string[]) if (!visit(text)) return;
  }

  /** The events in (after, through], sealed or rows, in id order. */
  private rowsIn(after: number, through: number): Row[] {
    const rows: Row[] = [];
    const opened = new Map<SealedBlock, HexRow[]>();
    this.eachSealed(after, through, (block, i) => {
      let decoded = opened.get(block);
      if (!decoded) opened.set(block, (decoded = block.hexRows()));
      rows.push(decoded[i]!.slice(0, 11) as Row); // without the position
    });
    return rows.concat(this.liveRowsIn.all(Math.max(after, this.sealedThrough), through) as Row[]);
  }

  run(link: Link): Problem | undefined {
    const { db, d } = this;
    const day = d.day;
    // Rows from before tamper evidence: the whole file of a legacy day never chained, else up to legacy_through.
    const legacyThrough = d.legacyThrough ?? (d.legacy ? Number.MAX_SAFE_INTEGER : 0);
    if (this.checkEvents && legacyThrough > 0) this.report.legacy += db.prepare('SELECT count(*) FROM events WHERE id <= ?').pluck().get(legacyThrough) as number;
    let covered = legacyThrough;
    let prev: string | undefined;
    let expected = 1;
    const hashOfBatch = new Map<number, string>();
    for (const b of db.prepare('SELECT batch, first_id, last_id, events, tags, prev, hash, salt_key FROM chain ORDER BY batch').iterate() as IterableIterator<ChainRow>) {
      if (b.batch !== expected) return { kind: 'batch-missing', day, batch: expected };
      if (b.batch === 1) {
        if (link.hashes && !link.hashes.has(b.prev)) return { kind: 'chain-broken', day, previousDay: link.day };
      } else if (b.prev !== prev) {
        return { kind: 'batch-rewritten', day, batch: b.batch, why: `its previous hash is not batch ${b.batch - 1}'s` };
      }
      if (this.checkEvents) {
        const problem = this.checkBatch(b, covered);
        if (problem) return problem;
      }
      hashOfBatch.set(b.batch, b.hash);
      this.hashes.add(b.hash);
      prev = b.hash;
      covered = b.last_id;
      expected++;
      this.report.batches++;
    }
    // A day that had no batch when the next one began was linked to GENESIS (store/manifest.ts).
    if (this.hashes.size === 0 || d.legacy) this.hashes.add(GENESIS);
    const last = expected - 1;
    // Heads kept elsewhere: exported checkpoints, and what the manifest recorded when the next day began.
    const recorded = [...this.checkpoints.map((c) => ({ batch: c.batch, hash: c.hash, what: `the checkpoint of ${c.at}` })), ...(d.head ? [{ batch: d.head.batch, hash: d.head.hash, what: 'the head the manifest recorded' }] : [])];
    for (const r of recorded) {
      if (r.batch > last) return { kind: 'truncated', day, batch: last, why: `${r.what} saw batch ${r.batch}` };
      if (hashOfBatch.get(r.batch) !== r.hash) return { kind: 'batch-rewritten', day, batch: r.batch, why: `it does not match ${r.what}` };
    }
    this.report.checkpoints += this.checkpoints.length;
    if (this.checkEvents) {
      const after = this.sealedThrough > covered ? storedRowsAfter(db, covered, 1)[0]![0] : (db.prepare('SELECT id FROM events WHERE id > ? ORDER BY id LIMIT 1').pluck().get(covered) as number | undefined);
      if (after !== undefined) return { kind: 'rows-after-head', day, id: after };
    }
    return undefined;
  }

  /** The batch's rows (and any before it that no batch holds) against its tags and hash. */
  private checkBatch(b: ChainRow, after: number): Problem | undefined {
    try {
      const salts: BatchSalts = saltsOfBatch(this.db, b)?.toString('hex');
      if (this.batchFits(b, after, salts)) {
        this.report.events += b.events;
        return undefined;
      }
      return this.checkBatchExactly(b, after, salts);
    } catch (e) {
      // A block whose bytes no longer decode (store/block-codec.ts): its events were altered.
      if (after < this.sealedThrough) return { kind: 'altered', day: this.d.day, batch: b.batch, id: b.first_id };
      throw e;
    }
  }

  /**
   * Whether the batch holds exactly its events, unchanged and none redacted: leaves of SQLite's
   * leaf texts. Each leaf covers its row's id, so the batch hash (over first_id and the leaves)
   * holding means the first row is first_id.
   */
  private batchFits(b: ChainRow, after: number, salts: BatchSalts): boolean {
    const tags = b.tags.toString('hex');
    let n = 0;
    let leaves = '';
    let fits = true;
    this.eachLeafText(after, b.last_id, (text) => {
      if (n === b.events) return (fits = false);
      // A stored salt in a batch whose salts are its key's, or none where each row holds its own
      // (redacted: its kept leaf is in redactions; or altered): decided from the columns.
      if ((text.charCodeAt(0) === PIPE) !== (salts !== undefined)) return (fits = false);
      const leafHex = hash('sha256', salts === undefined ? text : saltAt(salts, n) + text, 'hex');
      if (leafHex.slice(0, TAG_HEX) !== tags.slice(n * TAG_HEX, (n + 1) * TAG_HEX)) return (fits = false);
      leaves += leafHex;
      n++;
      return true;
    });
    return fits && n === b.events && batchHash({ day: this.d.day, batch: b.batch, firstId: b.first_id, lastId: b.last_id, events: b.events, prev: b.prev }, leaves) === b.hash;
  }

  /** The batch checked from its rows' columns, naming the first problem. */
  private checkBatchExactly(b: ChainRow, after: number, salts: BatchSalts): Problem | undefined {
    const day = this.d.day;
    const rows = this.rowsIn(after, b.last_id);
    const leaves = rows.map((r, k) => this.leafOf(r, salts, k));
    const tags = b.tags.toString('hex');
    const tag = (i: number) => tags.slice(i * TAG_BYTES * 2, (i + 1) * TAG_BYTES * 2);
    let k = 0;
    while (k < rows.length && k < b.events && leaves[k] !== undefined && tagOf(leaves[k]!) === tag(k)) k++;
    if (k < rows.length || k < b.events) return this.classify(b, rows, leaves, tag, k, salts);
    const joined = leaves.join('');
    if (batchHash({ day, batch: b.batch, firstId: b.first_id, lastId: b.last_id, events: b.events, prev: b.prev }, joined) !== b.hash) {
      return { kind: 'batch-rewritten', day, batch: b.batch, why: 'its hash does not match its events' };
    }
    if (rows[0]![ID] !== b.first_id) return { kind: 'batch-rewritten', day, batch: b.batch, why: 'its first id does not match its events' };
    this.report.events += rows.length;
    return undefined;
  }

  /** The leaf of a stored row, event k of its batch: recomputed, or the one kept by its redaction; undefined when neither can be had. */
  private leafOf(r: Row, salts: BatchSalts, k: number): string | undefined {
    const leaf = this.leafAs(r, salts, k);
    if (leaf !== undefined && this.redactions.has(r[ID])) this.report.redacted.push(r[ID]);
    return leaf;
  }

  /**
   * The leaf row r's content would have as event k of its batch, under `id`: the salt is event k's
   * where the batch's salts are its key's (or stored), the row's own before day/0011. A redacted
   * row has only its kept leaf, as itself.
   */
  private leafAs(r: Row, salts: BatchSalts, k: number, id = r[ID]): string | undefined {
    const kept = this.redactions.get(r[ID]);
    if (kept !== undefined) return id === r[ID] && r[MESSAGE] === '[redacted]' && r[EXTRA] === null && r[SALT] === null ? kept : undefined;
    const salt = salts === undefined ? r[SALT] : r[SALT] === null ? saltAt(salts, k) : undefined;
    return salt == null ? undefined : leafOfRow(r, salt, id);
  }

  /** Names what happened at the first row `k` that does not match its tag. */
  private classify(b: ChainRow, rows: Row[], leaves: (string | undefined)[], tag: (i: number) => string, k: number, salts: BatchSalts): Problem {
    const day = this.d.day;
    const batch = b.batch;
    const shifted = k < rows.length ? this.leafAs(rows[k]!, salts, k + 1) : undefined; // row k as the event after it
    if (rows.length < b.events && (k >= rows.length || (shifted !== undefined && tagOf(shifted) === tag(k + 1)))) {
      return { kind: 'missing', day, batch, after: rows[k - 1]?.[ID] ?? null, before: rows[k]?.[ID] ?? null };
    }
    const row = rows[k]!;
    const id = row[ID];
    if (rows.length > b.events) {
      const original = rows.find((r) => r !== row && r.every((v, i) => i === ID || v === row[i]));
      return original && (row[SALT] !== null || salts !== undefined) ? { kind: 'duplicated', day, batch, id, of: original[ID] } : { kind: 'inserted', day, batch, id };
    }
    // Same count: content moved to another id shows as the leaf that id had.
    for (let j = 0; j < rows.length; j++) {
      if (j === k) continue;
      const moved = this.leafAs(row, salts, j, rows[j]![ID]);
      if (moved !== undefined && tagOf(moved) === tag(j)) return { kind: 'reordered', day, batch, id, holds: rows[j]![ID] };
    }
    return { kind: 'altered', day, batch, id };
  }
}

/** One line per problem kind, naming the event, batch or day. */
export function describeProblem(p: Problem): string {
  switch (p.kind) {
    case 'altered':
      return `event ${p.id} (${p.day}, batch ${p.batch}) was altered: it does not match its leaf hash`;
    case 'missing':
      return `an event is missing from ${p.day} batch ${p.batch}${p.after !== null ? ` after event ${p.after}` : ''}${p.before !== null ? ` before event ${p.before}` : ''}`;
    case 'reordered':
      return `rows reordered in ${p.day} batch ${p.batch}: event ${p.id} holds what was stored as event ${p.holds}`;
    case 'duplicated':
      return `event ${p.id} (${p.day}, batch ${p.batch}) duplicates event ${p.of}`;
    case 'inserted':
      return `event ${p.id} (${p.day}) is not in batch ${p.batch}: it was inserted afterwards`;
    case 'batch-rewritten':
      return `batch ${p.batch} of ${p.day} was rewritten: ${p.why}`;
    case 'batch-missing':
      return `batch ${p.batch} of ${p.day} is missing`;
    case 'chain-broken':
      return `the chain of ${p.day} does not continue from ${p.previousDay ?? 'the start'}: a day before it is missing or was rewritten`;
    case 'truncated':
      return `${p.day} ends at batch ${p.batch}, but ${p.why}: its newest batches were removed`;
    case 'rows-after-head':
      return `event ${p.id} (${p.day}) is after the day's last head: it was added outside the chain`;
    case 'missing-day':
      return `day ${p.day} is missing: its files are gone and retention left no tombstone`;
    case 'unlisted-day':
      return `day ${p.day} holds events but is not in the manifest (data/integrity.sqlite)`;
    case 'manifest-recreated':
      return `the manifest (data/integrity.sqlite) was deleted and made anew at ${new Date(p.atMs).toISOString()}: removed days can no longer be told from missing ones`;
  }
}
