// A sealed block as the first sealing version wrote it (store/block-codec.ts format 1: the JSON of
// its columns, deflated), for tests that data written then is still read.
import { deflateRawSync } from 'node:zlib';
import type { StoredRow } from '../../server/store/block-codec.ts';
import { timeOfId } from '../../server/store/ids.ts';

export function formatOneBlock(rows: StoredRow[]): Buffer {
  const column = <T>(k: number) => rows.map((r) => r[k] as T);
  const ids = rows.map((r, i) => r[0] - (i === 0 ? 0 : rows[i - 1]![0]));
  const generated = rows.map((r) => (r[2] === null ? null : r[2] - timeOfId(r[0])));
  const salts = rows.map((r) => r[10]?.toString('hex') ?? null);
  const c = { format: 1, firstPos: rows[0]![11], ids, systems: column(1), generated, ips: column(3), hostnames: column(4), programs: column(5), pris: column(6), messages: column(7), extras: column(8), flags: column(9), salts };
  return deflateRawSync(JSON.stringify(c), { level: 3 });
}
