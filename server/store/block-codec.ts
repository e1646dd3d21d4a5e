// Sealed blocks (store/blocks.ts): BLOCK_ROWS events of consecutive positions in one deflated
// value, deflate finding the repetition between neighbouring lines: a Heroku-like line takes ~70
// bytes here against ~290 as a row with its indexes (docs/BENCHMARKS.md, "Sealed blocks"). Two
// formats are read: 2, each row's leaf text (encodeBlock), which is written; and 1, the JSON of
// the columns apart (all ids, then all systems, …), which the first sealing version wrote. Pure:
// rows in, bytes out, and back.
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { leafText } from '../integrity/hash.ts';
import { timeOfId } from './ids.ts';

/** Events per block: a block is positions block × BLOCK_ROWS + 1 … (block + 1) × BLOCK_ROWS. */
export const BLOCK_ROWS = 256;
// Deflate level 3: on Heroku-like lines 62.7 bytes a line for 1.8 µs of deflate a line, against
// 59.2 for 3.2 µs at zlib's default 6 and 66.1 for 2.0 µs at 1 (docs/BENCHMARKS.md, "Sealed blocks").
const LEVEL = 3;
// A block inflates to ~65 KB: in zlib's default 16 KB chunks that is five native steps and a
// copy to join them, 126 µs a block against 96 µs in one 128 KB chunk (bench/sealed-blocks' lines).
const INFLATE_CHUNK = 128 * 1024;

/** An event in the column order of the `events` table, its salt as `Salt`. */
type EventColumns<Salt> = [
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
  salt: Salt,
  pos: number,
];

/** An event as the `events` table holds it. */
export type StoredRow = EventColumns<Buffer | null>;
/** An event with its salt in lower-case hex (as SQLite's hex() reads it, and as blocks keep it). */
export type HexRow = EventColumns<string | null>;
/** An event to seal: its salt as a Buffer or in hex. */
export type SealedRow = EventColumns<Buffer | string | null>;

/** The columns of StoredRow, as SQL names them. */
export const STORED_COLUMNS = ['id', 'system_id', 'generated_ms', 'source_ip', 'hostname', 'program', 'pri', 'message', 'extra', 'flags', 'salt', 'pos'] as const;

/** A format-1 block (JSON of columns), as stored: its columns. */
interface Columns {
  format: 1;
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

const saltHexOf = (salt: SealedRow[10]) => (salt === null || typeof salt === 'string' ? salt : salt.toString('hex'));

/**
 * Rows of consecutive positions, in position order, as one compressed value: each row's leaf text
 * (integrity/hash.ts, with an empty salt for a row without one), their lengths in a header line
 * `2|<first position>|<length>,<length>,…`. The leaf text is an unambiguous encoding of every
 * stored column, so verify hashes slices of the inflated text as they are (~1 µs an event against
 * ~1.9 for rebuilding texts from format 1's columns) for ~9 bytes a line more on disk
 * (docs/BENCHMARKS.md, "Sealed blocks"). A text that UTF-8 cannot carry (a lone surrogate) keeps
 * format 1.
 */
export function encodeBlock(rows: readonly SealedRow[]): Buffer {
  if (rows.length === 0) throw new Error('BUG: an empty block');
  const firstPos = rows[0]![11];
  const texts = new Array<string>(rows.length);
  const lengths = new Array<number>(rows.length);
  let wellFormed = true;
  rows.forEach((r, i) => {
    if (r[11] !== firstPos + i) throw new Error(`BUG: block rows are not consecutive positions (${r[11]} after ${firstPos + i - 1})`);
    const text = leafText(saltHexOf(r[10]) ?? '', r[0], r[1], r[2], r[6], r[9], r[3], r[4], r[5], r[7], r[8]);
    wellFormed &&= text.isWellFormed();
    texts[i] = text;
    lengths[i] = text.length;
  });
  if (!wellFormed) return encodeColumns(rows);
  return deflateRawSync(`2|${firstPos}|${lengths.join(',')}\n${texts.join('')}`, { level: LEVEL });
}

function encodeColumns(rows: readonly SealedRow[]): Buffer {
  const c: Columns = { format: 1, firstPos: rows[0]![11], ids: [], systems: [], generated: [], ips: [], hostnames: [], programs: [], pris: [], messages: [], extras: [], flags: [], salts: [] };
  let lastId = 0;
  for (const r of rows) {
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
    c.salts.push(saltHexOf(r[10]));
  }
  return deflateRawSync(JSON.stringify(c), { level: LEVEL });
}

/** A block opened for reading: its events' ids, leaf texts and rows, in position order. */
export interface SealedBlock {
  readonly firstPos: number;
  readonly ids: readonly number[];
  /**
   * Event i's leaf text (integrity/hash.ts leafText) as stored. Without a stored salt (derived from
   * its batch's key since day/0011, redacted, or from before the chain) the salt is empty: the
   * text starts with `|`.
   */
  leafText(i: number): string;
  /** Event i's system. */
  systemId(i: number): number;
  /** Event i as a row: a full-text hit needs one row of its block. */
  row(i: number): StoredRow;
  /** All rows (salts as views of one Buffer). */
  rows(): StoredRow[];
  /** All rows, salts in lower-case hex: no Buffer a row, for readers that do not need them. */
  hexRows(): HexRow[];
}

/** Opens a block's bytes. Throws on bytes that are not a block. */
export function openBlock(data: Buffer): SealedBlock {
  const text = inflateRawSync(data, { chunkSize: INFLATE_CHUNK }).toString('utf8');
  return text.startsWith('2|') ? new LeafTextBlock(text) : new ColumnsBlock(JSON.parse(text) as Columns);
}

/** The rows of a block, in position order. Throws on bytes that are not a block. */
export function decodeBlock(data: Buffer): StoredRow[] {
  return openBlock(data).rows();
}

/** The rows with their hex salts made into views of one Buffer (in place: the rows are new ones). */
function withSalts(rows: HexRow[]): StoredRow[] {
  const salts = Buffer.from(rows.map((r) => r[10] ?? '').join(''), 'hex');
  let at = 0;
  for (const r of rows as SealedRow[]) {
    const hex = r[10] as string | null;
    r[10] = hex === null ? null : salts.subarray(at, (at += hex.length / 2));
  }
  return rows as SealedRow[] as StoredRow[];
}

class ColumnsBlock implements SealedBlock {
  readonly firstPos: number;
  readonly ids: number[];

  constructor(private readonly c: Columns) {
    if (c.format !== 1) throw new Error(`a block of format ${String(c.format)}, which this version cannot read`);
    this.firstPos = c.firstPos;
    this.ids = new Array<number>(c.ids.length);
    let id = 0;
    for (let i = 0; i < c.ids.length; i++) this.ids[i] = id += c.ids[i]!;
  }

  private generated(i: number): number | null {
    const g = this.c.generated[i]!;
    return g === null ? null : g + timeOfId(this.ids[i]!);
  }

  leafText(i: number): string {
    const c = this.c;
    return leafText(c.salts[i] ?? '', this.ids[i]!, c.systems[i]!, this.generated(i), c.pris[i]!, c.flags[i]!, c.ips[i]!, c.hostnames[i]!, c.programs[i]!, c.messages[i]!, c.extras[i]!);
  }

  systemId(i: number): number {
    return this.c.systems[i]!;
  }

  row(i: number): StoredRow {
    return withSalts([this.hexRow(i)])[0]!;
  }

  rows(): StoredRow[] {
    return withSalts(this.hexRows());
  }

  hexRows(): HexRow[] {
    return this.ids.map((_, i) => this.hexRow(i));
  }

  private hexRow(i: number): HexRow {
    const c = this.c;
    return [this.ids[i]!, c.systems[i]!, this.generated(i), c.ips[i]!, c.hostnames[i]!, c.programs[i]!, c.pris[i]!, c.messages[i]!, c.extras[i]!, c.flags[i]!, c.salts[i]!, c.firstPos + i];
  }
}

const TWO_32 = 4_294_967_296;
const PIPE = 0x7c; // |
const DASH = 0x2d; // -
const DOT = 0x2e; // .
const COLON = 0x3a; // :
const ZERO = 0x30;

/**
 * A format-2 block: leaf texts, split by the header's lengths and read back field by field with a
 * cursor (charCodeAt, no slices for numbers: slicing and Number() per field made decoding twice
 * as slow as format 1's JSON.parse).
 */
class LeafTextBlock implements SealedBlock {
  readonly firstPos: number;
  readonly ids: number[];
  /** Where each text starts in `text`; one more for the end. */
  private readonly starts: number[];
  private at = 0;

  constructor(private readonly text: string) {
    const newline = text.indexOf('\n');
    const header = text.slice(0, newline).split('|');
    const lengths = header[2]?.split(',') ?? [];
    this.firstPos = Number(header[1]);
    if (header.length !== 3 || newline < 0 || !Number.isSafeInteger(this.firstPos)) throw new Error('not a block: its header is damaged');
    this.starts = new Array<number>(lengths.length + 1);
    this.ids = new Array<number>(lengths.length);
    let at = newline + 1;
    for (let i = 0; i < lengths.length; i++) {
      this.starts[i] = at;
      const length = Number(lengths[i]);
      if (!(length > 0)) throw new Error('not a block: a length is damaged');
      at += length;
      this.at = text.indexOf('|', this.starts[i]) + 1;
      this.ids[i] = this.int();
    }
    this.starts[lengths.length] = at;
    if (at !== text.length) throw new Error(`not a block: its texts take ${text.length - newline - 1} characters, not ${at - newline - 1}`);
  }

  leafText(i: number): string {
    return this.text.slice(this.starts[i]!, this.starts[i + 1]);
  }

  systemId(i: number): number {
    const t = this.text;
    this.at = t.indexOf('|', t.indexOf('|', this.starts[i]!) + 1) + 1;
    return this.natural(PIPE);
  }

  row(i: number): StoredRow {
    return withSalts([this.hexRow(i)])[0]!;
  }

  rows(): StoredRow[] {
    return withSalts(this.hexRows());
  }

  hexRows(): HexRow[] {
    const rows = new Array<HexRow>(this.ids.length);
    for (let i = 0; i < rows.length; i++) rows[i] = this.hexRow(i);
    return rows;
  }

  /** Row i read back from `salt|id|system_id|generated_ms|pri|flags|` and five `-` or `<length>:<text>`. */
  private hexRow(i: number): HexRow {
    const t = this.text;
    const start = this.starts[i]!;
    const saltEnd = t.indexOf('|', start);
    this.at = t.indexOf('|', saltEnd + 1) + 1; // the id is known
    const systemId = this.natural(PIPE);
    const generated = t.charCodeAt(this.at) === DASH && t.charCodeAt(this.at + 1) === PIPE ? ((this.at += 2), null) : this.int();
    const pri = this.natural(PIPE);
    const flags = this.natural(PIPE);
    const sourceIp = this.string();
    const hostname = this.string();
    const program = this.string();
    const message = this.string();
    const extra = this.string();
    if (this.at !== this.starts[i + 1] || sourceIp === null || program === null || message === null) throw new Error(`not a block: row ${i} is damaged`);
    const salt = saltEnd === start ? null : t.slice(start, saltEnd);
    return [this.ids[i]!, systemId, generated, sourceIp, hostname, program, pri, message, extra, flags, salt, this.firstPos + i];
  }

  /** Decimal digits up to `end` (consumed), at the cursor. */
  private natural(end: number): number {
    const t = this.text;
    let n = 0;
    let digits = 0;
    for (let c = t.charCodeAt(this.at++); c !== end; c = t.charCodeAt(this.at++), digits++) {
      if (c < ZERO || c > ZERO + 9 || digits > 15) throw new Error('not a block: a number is damaged');
      n = n * 10 + (c - ZERO);
    }
    if (digits === 0) throw new Error('not a block: a number is missing');
    return n;
  }

  /** `<floor(n / 2^32)>.<n mod 2^32>|` (hash.ts int()) at the cursor; the high part may be negative. */
  private int(): number {
    const negative = this.text.charCodeAt(this.at) === DASH;
    if (negative) this.at++;
    const high = this.natural(DOT);
    const n = (negative ? -high : high) * TWO_32 + this.natural(PIPE);
    if (!Number.isSafeInteger(n)) throw new Error('not a block: a number is damaged');
    return n;
  }

  /** `-` (null) or `<length>:<text>` at the cursor. */
  private string(): string | null {
    if (this.text.charCodeAt(this.at) === DASH) {
      this.at++;
      return null;
    }
    const length = this.natural(COLON);
    return this.text.slice(this.at, (this.at += length));
  }
}
