// A process that seals a day's events one block per transaction and says so after each, for the
// kill -9 test (test/integration/sealed-blocks.test.ts): argv = data dir, day.
import { Partitions } from '../../server/store/partitions.ts';
import { sealDay } from '../../server/store/sealer.ts';

const [dataDir, day] = process.argv.slice(2) as [string, string];
const partitions = new Partitions(dataDir);
const db = partitions.indexer(day)!;
for (let total = 0; ; ) {
  const made = sealDay(db, { keepLive: 0, maxBlocks: 1 });
  if (made === 0) break;
  total += made;
  process.stdout.write(`sealed ${total}\n`);
}
process.stdout.write('done\n');
