// GET /metrics over HTTP, parsed as the Prometheus text format (0.0.4): Node's process metrics,
// the counters and gauges Driftwood always had (same names), and latency histograms that move
// when drains commit, searches run and alert rounds pass.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClientFor, type ApiClient } from '../helpers/api.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { postLines } from '../helpers/tail.ts';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}
interface Exposition {
  types: Map<string, string>;
  samples: Sample[];
}

// https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format
const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?/gy;
const HISTOGRAM_SUFFIX = /_(bucket|sum|count)$/;

/** A strict reader: every line is a comment, blank, or a sample of a family with a # TYPE. */
function parseExposition(text: string): Exposition {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  text.split('\n').forEach((line, i) => {
    const type = /^# TYPE (\S+) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (type) {
      expect(types.has(type[1]!), `line ${i + 1}: second # TYPE for ${type[1]}`).toBe(false);
      types.set(type[1]!, type[2]!);
      return;
    }
    if (line === '' || line.startsWith('# HELP ')) return;
    const m = SAMPLE.exec(line);
    expect(m, `line ${i + 1} is not a sample: ${line}`).not.toBeNull();
    const labels: Record<string, string> = {};
    const labelText = m![2] ?? '';
    for (let at = 0; at < labelText.length; at = LABEL.lastIndex) {
      LABEL.lastIndex = at;
      const l = LABEL.exec(labelText);
      expect(l, `line ${i + 1}: bad labels at ${at}`).not.toBeNull();
      labels[l![1]!] = l![2]!;
    }
    // The format's values are floats as Go's ParseFloat reads them (Prometheus's parser), NaN among
    // them in any case: prom-client's event-loop lag mean and stddev are NaN (which it writes `Nan`)
    // when no delay was sampled since the last scrape (two scrapes within its 10 ms).
    const value = m![3] === '+Inf' ? Infinity : m![3] === '-Inf' ? -Infinity : Number(m![3]);
    expect(Number.isNaN(value) && m![3]!.toLowerCase() !== 'nan', `line ${i + 1}: bad value ${m![3]}`).toBe(false);
    const name = m![1]!;
    const family = types.has(name) ? name : name.replace(HISTOGRAM_SUFFIX, '');
    expect(types.has(family), `line ${i + 1}: ${name} has no # TYPE`).toBe(true);
    samples.push({ name, labels, value });
  });
  return { types, samples };
}

const one = (e: Exposition, name: string, labels: Record<string, string> = {}) => {
  const found = e.samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  expect(found, `${name}${JSON.stringify(labels)}`).toHaveLength(1);
  return found[0]!.value;
};

/** A histogram's buckets are cumulative and its +Inf bucket is its count. */
function checkHistogram(e: Exposition, name: string, labels: Record<string, string> = {}): number {
  expect(e.types.get(name)).toBe('histogram');
  const buckets = e.samples.filter((s) => s.name === `${name}_bucket` && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  expect(buckets.length).toBeGreaterThan(5);
  const counts = buckets.map((b) => b.value);
  expect(counts).toEqual([...counts].sort((a, b) => a - b));
  const count = one(e, `${name}_count`, labels);
  expect(buckets.at(-1)!.labels.le).toBe('+Inf');
  expect(buckets.at(-1)!.value).toBe(count);
  return count;
}

let server: TestServer;
let api: ApiClient;
const scrape = async () => {
  const res = await fetch(`${server.url}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseExposition(await res.text());
};

beforeAll(async () => {
  server = await startTestServer({ env: { DRIFTWOOD_METRICS_PUBLIC: '1' }, alerts: { tick: false } });
  api = await apiClientFor(server);
});
afterAll(() => server.stop());

describe('/metrics', () => {
  it('has Node process metrics and the counters and gauges Driftwood has always had', async () => {
    const drain = server.store.drains.create('metrics-app', Date.now());
    await postLines(server.url, drain.token, ['hello metrics']);
    const e = await scrape();
    for (const name of ['process_cpu_seconds_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes']) expect(e.types.has(name), name).toBe(true);
    expect(e.types.get('driftwood_events_received_total')).toBe('counter');
    expect(one(e, 'driftwood_events_received_total', { transport: 'drain' })).toBeGreaterThanOrEqual(1);
    expect(one(e, 'driftwood_events_stored_total', { transport: 'drain' })).toBeGreaterThanOrEqual(1);
    expect(e.types.get('driftwood_ingest_queue_events')).toBe('gauge');
    expect(one(e, 'driftwood_ingest_queue_events')).toBe(0);
    expect(one(e, 'driftwood_tail_open')).toBe(0);
    expect(e.types.get('driftwood_tail_events_sent_total')).toBe('counter');
    expect(e.types.get('driftwood_tail_events_skipped_total')).toBe('counter');
  });

  it('histograms of commit, search and alert round latency count what happens', async () => {
    const drain = server.store.drains.create('histogram-app', Date.now());
    await postLines(server.url, drain.token, ['first batch']);
    await server.alerts.runDue();
    const before = await scrape();
    const commits = checkHistogram(before, 'driftwood_commit_duration_seconds');
    const rounds = checkHistogram(before, 'driftwood_alert_round_duration_seconds');
    const searches = before.types.has('driftwood_search_duration_seconds') ? before.samples.filter((s) => s.name === 'driftwood_search_duration_seconds_count').reduce((n, s) => n + s.value, 0) : 0;

    for (let i = 0; i < 3; i++) await postLines(server.url, drain.token, [`batch ${i}`]);
    await api.search('batch');
    await api.search('first');
    expect((await api.get('/api/v1/events/histogram.json?q=batch')).status).toBe(200);
    expect((await api.get('/api/v1/events/facets.json?q=batch')).status).toBe(200);
    await server.alerts.runDue();
    await server.alerts.runDue();

    const after = await scrape();
    expect(checkHistogram(after, 'driftwood_commit_duration_seconds') - commits).toBeGreaterThanOrEqual(3);
    expect(one(after, 'driftwood_commit_duration_seconds_sum')).toBeGreaterThan(0);
    expect(checkHistogram(after, 'driftwood_alert_round_duration_seconds') - rounds).toBe(2);
    const bySearchRoute = (route: string) => checkHistogram(after, 'driftwood_search_duration_seconds', { route });
    expect(bySearchRoute('search.json') + bySearchRoute('histogram.json') + bySearchRoute('facets.json') - searches).toBe(4);
    expect(bySearchRoute('histogram.json')).toBeGreaterThanOrEqual(1);
    expect(bySearchRoute('facets.json')).toBeGreaterThanOrEqual(1);
  });
});
