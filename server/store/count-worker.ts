// The counting thread (store/count.ts Windows.countOffThread): its own read-only connection to
// each day file, the same SQL functions, one request at a time. WAL lets it read while the main
// thread writes; it sees every transaction committed before each query starts.
import { parentPort, workerData } from 'node:worker_threads';
import { WindowCounter, type CountReply } from './count.ts';
import { Partitions } from './partitions.ts';

const counter = new WindowCounter(new Partitions((workerData as { dataDir: string }).dataDir, { readOnly: true }));
parentPort!.on('message', (req: { id: number; filter: Parameters<WindowCounter['count']>[0]; after: number; through: number }) => {
  let reply: CountReply;
  try {
    reply = { id: req.id, count: counter.count(req.filter, req.after, req.through).count };
  } catch (e) {
    reply = { id: req.id, error: (e as Error).message };
  }
  parentPort!.postMessage(reply);
});
