// Sealed blocks (store/blocks.ts): BLOCK_ROWS events of consecutive positions in one compressed
// value. Columns are stored apart (all ids, then all systems, …, then all messages), so that
// deflate finds the repetition between neighbouring lines: a Heroku-like line takes ~60 bytes
// here against ~290 as a row with its indexes (docs/BENCHMARKS.md, "Sealed blocks"). Pure: rows
// in, bytes out, and back.
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { timeOfId } from './ids.ts';

/** Events per block: a block is positions block × BLOCK_ROWS + 1 … (block + 1) × BLOCK_ROWS. */
export const BLOCK_ROWS = 256;
// Deflate level 3: on Heroku-like lines 62.7 bytes a line for 1.8 µs of deflate a line, against
// 59.2 for 3.2 µs at zlib's default 6 and 66.1 for 2.0 µs at 1 (docs/BENCHMARKS.md, "Sealed blocks").
const LEVEL = 3;
const FORMAT = 1;
// A block inflates to ~65 KB: in zlib's default 16 KB chunks that is five native steps and a
// copy to join them, 126 µs a block against 96 µs in one 128 KB chunk (bench/sealed-blocks' lines).
const INFLATE_CHUNK = 128 * 1024;

/** An event as the `events` table holds it, in its column order. */
export type StoredRow = [
  id: number,
  systemId: number,
  generatedMs: number | null,
  sourceIp: string,
  hostname: string | null,
  program: string,
  pri: number,
  message: string,
  extra: string | null,
  flags: number,
  salt: Buffer | null,
  pos: number,
];

/** The columns of StoredRow, as SQL names them. */
export const STORED_COLUMNS = ['id', 'system_id', 'generated_ms', 'source_ip', 'hostname', 'program', 'pri', 'message', 'extra', 'flags', 'salt', 'pos'] as const;

/** A block as stored: its columns. */
export interface Columns {
  format: number;
  firstPos: number;
  /** The first id, then each id less the one before. */
  ids: number[];
  systems: number[];
  /** generated_ms less the received time's ms (ids are received ms × 1024 + n): small numbers. */
  generated: (number | null)[];
  ips: string[];
  hostnames: (string | null)[];
  programs: string[];
  pris: number[];
  messages: string[];
  extras: (string | null)[];
  flags: number[];
  /** Hex; null for a row without one (redacted, or from before the chain). */
  salts: (string | null)[];
}

/** An event to seal: a StoredRow whose salt may also be given in lower-case hex (as SQLite's hex() reads it). */
export type SealedRow = Omit<StoredRow, 10> & { 10: Buffer | string | null };

/** Rows of consecutive positions, in position order, as one compressed value. */
export function encodeBlock(rows: readonly (StoredRow | SealedRow)[]): Buffer {
  if (rows.length === 0) throw new Error('BUG: an empty block');
  const c: Columns = { format: FORMAT, firstPos: rows[0]![11], ids: [], systems: [], generated: [], ips: [], hostnames: [], programs: [], pris: [], messages: [], extras: [], flags: [], salts: [] };
  let lastId = 0;
  rows.forEach((r, i) => {
    if (r[11] !== c.firstPos + i) throw new Error(`BUG: block rows are not consecutive positions (${r[11]} after ${c.firstPos + i - 1})`);
    c.ids.push(r[0] - lastId);
    lastId = r[0];
    c.systems.push(r[1]);
    c.generated.push(r[2] === null ? null : r[2] - timeOfId(r[0]));
    c.ips.push(r[3]);
    c.hostnames.push(r[4]);
    c.programs.push(r[5]);
    c.pris.push(r[6]);
    c.messages.push(r[7]);
    c.extras.push(r[8]);
    c.flags.push(r[9]);
    const salt = r[10] as Buffer | string | null;
    c.salts.push(salt === null || typeof salt === 'string' ? salt : salt.toString('hex'));
  });
  return deflateRawSync(JSON.stringify(c), { level: LEVEL });
}

/** A block's columns (ids as deltas, generated times relative). Throws on bytes that are not a block. */
export function decodeColumns(data: Buffer): Columns {
  const c = JSON.parse(inflateRawSync(data, { chunkSize: INFLATE_CHUNK }).toString('utf8')) as Columns;
  if (c.format !== FORMAT) throw new Error(`a block of format ${String(c.format)}, which this version cannot read`);
  return c;
}

/** Calls `visit` for each row of a block's columns with its id and generated time, in position order. */
export function eachRow(c: Columns, visit: (i: number, id: number, generatedMs: number | null) => void): void {
  let id = 0;
  for (let i = 0; i < c.ids.length; i++) {
    id += c.ids[i]!;
    const generated = c.generated[i]!;
    visit(i, id, generated === null ? null : generated + timeOfId(id));
  }
}

/** The rows of a block, in position order. Throws on bytes that are not a block. */
export function decodeBlock(data: Buffer): StoredRow[] {
  const c = decodeColumns(data);
  const rows = new Array<StoredRow>(c.ids.length);
  // All salts in one buffer, each row's a view of it: one allocation a block, not one a row.
  const salts = Buffer.from(c.salts.join(''), 'hex');
  let saltAt = 0;
  eachRow(c, (i, id, generatedMs) => {
    const salt = c.salts[i]!;
    rows[i] = [id, c.systems[i]!, generatedMs, c.ips[i]!, c.hostnames[i]!, c.programs[i]!, c.pris[i]!, c.messages[i]!, c.extras[i]!, c.flags[i]!, salt === null ? null : salts.subarray(saltAt, (saltAt += salt.length / 2)), c.firstPos + i];
  });
  return rows;
}
