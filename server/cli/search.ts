// `driftwood search QUERY [--min-time T] [--max-time T] [--system S] [--group G] [--json] [--limit N]`
// A client command: asks a running server (DRIFTWOOD_URL, DRIFTWOOD_TOKEN) and prints the newest
// matching events, oldest first, like papertrail-cli.
import { parseArgs } from 'node:util';
import { ApiError, commandArgs, commandConfig, search as searchApi } from './client.ts';
import { formatEvent, useColor } from './format.ts';
import { parseTimeArg } from './time.ts';

const USAGE = 'usage: driftwood search QUERY [--min-time T] [--max-time T] [--system S] [--group G] [--json] [--limit N]\n';
const PAGE_MAX = 10_000; // the API's per-request maximum

export async function searchCommand(argv: string[], now = new Date()): Promise<number> {
  const args = commandArgs('search', USAGE, () =>
    parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        'min-time': { type: 'string' },
        'max-time': { type: 'string' },
        system: { type: 'string' },
        group: { type: 'string' },
        json: { type: 'boolean', default: false },
        limit: { type: 'string', default: '100' },
        help: { type: 'boolean', short: 'h' },
      },
    }),
  );
  if ('exit' in args) return args.exit;
  const config = commandConfig('search');
  if (!config) return 2;
  const times: Record<string, string | undefined> = {};
  for (const key of ['min-time', 'max-time'] as const) {
    const raw = args.values[key];
    if (raw === undefined) continue;
    const t = parseTimeArg(raw, now);
    if (t === undefined) {
      process.stderr.write(`driftwood search: --${key} "${raw}" is not a time (try ISO 8601 or "2 hours ago")\n`);
      return 2;
    }
    times[key.replace('-', '_')] = String(t);
  }
  const limit = Number(args.values.limit);
  if (!Number.isInteger(limit) || limit < 1) {
    process.stderr.write(`driftwood search: --limit "${args.values.limit}" is not a positive whole number\n`);
    return 2;
  }
  const q = args.positionals.join(' ');
  const color = useColor(process.stdout, args.values.json, process.env);
  try {
    // Newest first, page by page backwards, then print oldest first.
    const pages = [];
    let maxId: string | undefined;
    let remaining = limit;
    while (remaining > 0) {
      const page = await searchApi(config, { q, ...times, system_id: args.values.system, group_id: args.values.group, max_id: maxId, limit: String(Math.min(remaining, PAGE_MAX)) });
      pages.unshift(page.events);
      remaining -= page.events.length;
      if (page.reached_time_limit) process.stderr.write('driftwood search: the server stopped at its time budget; narrow the query or the time range for more\n');
      if (!page.reached_record_limit || page.events.length === 0) break;
      maxId = page.min_id;
    }
    for (const e of pages.flat()) process.stdout.write(args.values.json ? `${JSON.stringify(e)}\n` : `${formatEvent(e, color)}\n`);
    return 0;
  } catch (e) {
    if (e instanceof ApiError) {
      process.stderr.write(`driftwood search: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}
