// `driftwood import FILE…`: Papertrail archives (theirs, or ours from DRIFTWOOD_ARCHIVE_DIR; .tsv
// or .tsv.gz) and plain log files, appended through the store's writer as ingest appends: chained,
// indexed, ids from their arrival times. An archive row keeps its times, sender, program,
// severity, facility and message (integrity/tsv.ts), so an archive round-trips to the same events;
// a plain line is parsed as syslog would be. Importing the same lines again stores them once.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { attribute } from '../ingest/attribute.ts';
import { parseSyslog } from '../parse/syslog.ts';
import type { NewEvent, Store } from '../store/index.ts';
import { looksLikeArchive, parseRow } from './tsv.ts';

const BATCH_EVENTS = 5000; // one transaction per batch, as a pipeline flush
const PROBLEMS_SHOWN = 10;

export interface ImportOptions {
  /** Plain files: the system their lines are filed under (default: the file's name). */
  system?: string;
  now: () => number;
  timeZone: string;
  maxMessageBytes: number;
}

export interface ImportResult {
  kind: 'archive' | 'plain';
  events: number;
  /** Lines in batches imported before (same content): not stored again. */
  duplicates: number;
  /** Archive lines that are not in the layout: not imported, counted, the first few described. */
  bad: number;
  problems: string[];
}

export async function importFile(store: Store, path: string, o: ImportOptions): Promise<ImportResult> {
  const input = createReadStream(path);
  const lines = createInterface({ input: path.endsWith('.gz') ? input.pipe(createGunzip()) : input, crlfDelay: Infinity });
  const result: ImportResult = { kind: 'plain', events: 0, duplicates: 0, bad: 0, problems: [] };
  const system = o.system ?? basename(path).replace(/\.(tsv|log|txt)?(\.gz)?$/, '');
  let batch: NewEvent[] = [];
  let batchText = createHash('sha256');
  const flush = () => {
    if (batch.length === 0) return;
    // The batch's content names it: a second import of the same lines is a duplicate frame.
    const [r] = store.append([{ events: batch, frameId: `import:${batchText.digest('hex')}` }]);
    if (r!.duplicate) result.duplicates += batch.length;
    else result.events += r!.count;
    batch = [];
    batchText = createHash('sha256');
  };
  let n = 0;
  for await (const line of lines) {
    n++;
    if (n === 1 && looksLikeArchive(line)) result.kind = 'archive';
    if (line === '') continue;
    const event = result.kind === 'archive' ? archiveEvent(line, n, result) : plainEvent(line, system, o);
    if (!event) continue;
    batch.push(event);
    batchText.update(line).update('\n');
    if (batch.length >= BATCH_EVENTS) flush();
  }
  flush();
  return result;
}

function archiveEvent(line: string, n: number, result: ImportResult): NewEvent | undefined {
  const parsed = parseRow(line);
  if (!parsed.ok) {
    result.bad++;
    if (result.problems.length < PROBLEMS_SHOWN) result.problems.push(`line ${n}: ${parsed.problem}`);
    return undefined;
  }
  const r = parsed.row;
  return {
    receivedMs: r.receivedMs, sourceIp: r.sourceIp, systemName: r.sourceName, hostname: r.sourceName, program: r.program, severity: r.severity, facility: r.facility,
    generatedAt: r.generatedMs, message: r.message, fields: {}, ownFields: {}, flags: [],
  };
}

/** A plain line, parsed as a syslog line; filed at its own timestamp when it has one, else now. */
function plainEvent(line: string, system: string, o: ImportOptions): NewEvent {
  const now = o.now();
  const parsed = parseSyslog(line, { now: new Date(now), timeZone: o.timeZone, maxMessageBytes: o.maxMessageBytes });
  return attribute(parsed, { ip: '127.0.0.1', drainName: system }, parsed.generatedAt ?? now);
}
