// The counting thread (store/count.ts Windows.countOffThread): its own read-only connection to
// each day file, the same SQL functions, one request at a time. WAL lets it read while the main
// thread writes; it sees every transaction committed before each query starts.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { openReadOnly, type Db } from './db.ts';
import { WindowCounter, type CountReply, type DayFiles } from './count.ts';

const DAY_FILE = /^(\d{4}-\d{2}-\d{2})\.sqlite$/;
const READERS_MAX = 16; // open day files; counting windows rarely reaches back further

class ReadOnlyDays implements DayFiles {
  private readonly readers = new Map<string, Db>();
  constructor(private readonly dir: string) {}

  days(): string[] {
    return readdirSync(this.dir)
      .map((f) => DAY_FILE.exec(f)?.[1])
      .filter((d): d is string => d !== undefined)
      .sort()
      .reverse();
  }

  reader(day: string): Db | undefined {
    let db = this.readers.get(day);
    if (db) {
      this.readers.delete(day); // re-insert: Map order is the LRU order
      this.readers.set(day, db);
      return db;
    }
    const path = join(this.dir, `${day}.sqlite`);
    if (!existsSync(path)) return undefined;
    db = openReadOnly(path);
    this.readers.set(day, db);
    if (this.readers.size > READERS_MAX) {
      const [oldest, handle] = this.readers.entries().next().value as [string, Db];
      handle.close();
      this.readers.delete(oldest);
    }
    return db;
  }
}

const counter = new WindowCounter(new ReadOnlyDays(join((workerData as { dataDir: string }).dataDir, 'events')));
parentPort!.on('message', (req: { id: number; filter: Parameters<WindowCounter['count']>[0]; after: number; through: number }) => {
  let reply: CountReply;
  try {
    reply = { id: req.id, count: counter.count(req.filter, req.after, req.through).count };
  } catch (e) {
    reply = { id: req.id, error: (e as Error).message };
  }
  parentPort!.postMessage(reply);
});
