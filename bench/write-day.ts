// One day of unique Heroku-like lines written as the server writes them (EventWriter in flushes of
// ingest/pipeline.ts's 5,000 events at most), with a rare word in 10 of them, and handed to the
// caller's indexing every 10,000 (store/index-thread.ts batches): shared by the benches that
// compare two layouts of a day file on the same lines.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { attribute } from '../server/ingest/attribute.ts';
import { parseSyslog } from '../server/parse/syslog.ts';
import { EventWriter } from '../server/store/events.ts';
import type { Store } from '../server/store/index.ts';
import { dayOf } from '../server/store/partitions.ts';
import type { NewEvent } from '../server/store/types.ts';
import { herokuMessage, resetSeed } from './heroku-lines.ts';

export const RARE_WORD = 'zanzibarquux'; // in 10 lines, as in bench/search
const FLUSH = 5_000;
const INDEX_EVERY = 10_000;

export interface DayWriting {
  lines: number;
  /** Lines a day at which they arrive: the gaps between ids. */
  perDay: number;
  startMs: number;
  sender: (k: number) => string;
  /** Called every 10,000 lines and at the end. */
  index: () => void;
}

export interface DayFigures {
  writeRate: number;
  /** Rows a second of the `index` steps. */
  indexRate: number;
  /** The day file and its index file, with their WALs, after the store closed. */
  dayBytes: number;
  indexBytes: number;
  rawBytes: number;
}

const fileBytes = (path: string) => ['', '-wal'].reduce((n, s) => n + (existsSync(path + s) ? statSync(path + s).size : 0), 0);

/** writeDay on the store of `dir`, its index steps timed too; closes the store and measures the day's files. */
export function writeAndMeasure(dir: string, store: Store, w: DayWriting): DayFigures {
  let indexMs = 0;
  const index = () => {
    const t = performance.now();
    w.index();
    indexMs += performance.now() - t;
  };
  const { writeMs, rawBytes } = writeDay(store, { ...w, index });
  store.close();
  const day = dayOf(w.startMs);
  return {
    writeRate: w.lines / (writeMs / 1000),
    indexRate: w.lines / (indexMs / 1000),
    dayBytes: fileBytes(join(dir, 'events', `${day}.sqlite`)),
    indexBytes: fileBytes(join(dir, 'events', `${day}.fts.sqlite`)),
    rawBytes,
  };
}

/** Writes the lines; returns the writer's time and the raw bytes (a newline each). */
export function writeDay(store: Store, w: DayWriting): { writeMs: number; rawBytes: number } {
  const writer = new EventWriter(store.partitions, store.systems);
  resetSeed(42);
  const now = new Date(w.startMs);
  let writeMs = 0;
  let rawBytes = 0;
  let pending = 0;
  for (let i = 0; i < w.lines; i += FLUSH) {
    const events: NewEvent[] = [];
    for (let k = i; k < Math.min(w.lines, i + FLUSH); k++) {
      const msg = herokuMessage(k) + (k % Math.floor(w.lines / 10) === 7 ? ` ${RARE_WORD}` : '');
      rawBytes += Buffer.byteLength(msg) + 1;
      const receivedMs = w.startMs + 1 + Math.floor((k * 86_400_000) / w.perDay);
      events.push(attribute(parseSyslog(msg, { now, timeZone: 'UTC', maxMessageBytes: 65536, heroku: true }), { ip: '10.0.0.1', drainName: w.sender(k) }, receivedMs));
    }
    const t = performance.now();
    writer.write([{ events }]);
    writeMs += performance.now() - t;
    pending += events.length;
    if (pending >= INDEX_EVERY) {
      w.index();
      pending = 0;
    }
  }
  w.index();
  return { writeMs, rawBytes };
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
export const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
