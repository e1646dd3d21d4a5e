// A process for the kill -9 test (test/integration/sealed-blocks.test.ts), argv = data dir, day,
// blocks: it seals that many blocks of the day, one per transaction, then seals one more in a
// transaction it leaves open, says so, and waits there to be killed. The kill lands inside
// that transaction every time, whatever the machine's speed.
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
db.transaction(() => {
  if (sealDay(db, { keepLive: 0, maxBlocks: 1 }) !== 1) throw new Error('no block left to seal in the open transaction');
  process.stdout.write(`sealed ${total}, holding one more\n`); // synchronous on a pipe
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); // until the kill
})();
