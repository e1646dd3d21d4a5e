// A process for the kill -9 test (test/integration/sealed-blocks.test.ts), argv = data dir, day,
// blocks: it seals that many blocks of the day, one per transaction, then seals one more in a
// transaction it leaves open, says so, and waits there to be killed. The kill lands inside
// that transaction every time, whatever the machine's speed, with part of it already in the WAL.
import { Partitions } from '../../server/store/partitions.ts';
import { sealDay } from '../../server/store/sealer.ts';

const [dataDir, day, blocks] = process.argv.slice(2) as [string, string, string];
const partitions = new Partitions(dataDir);
const db = partitions.indexer(day)!;
let total = 0;
while (total < Number(blocks)) {
  const made = sealDay(db, { keepLive: 0, maxBlocks: 1 });
  if (made === 0) throw new Error(`only ${total} blocks to seal`);
  total += made;
}
// A page cache of one page: the open transaction spills its pages into the WAL as it goes (~80 KB
// of frames with no commit among them), so the restart must tell them from committed ones, not
// merely forget a transaction that never left memory.
db.pragma('main.cache_size = 1');
db.transaction(() => {
  if (sealDay(db, { keepLive: 0, maxBlocks: 1 }) !== 1) throw new Error('no block left to seal in the open transaction');
  process.stdout.write(`sealed ${total}, holding one more\n`); // synchronous on a pipe
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); // until the kill
})();
