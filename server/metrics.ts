// Metrics through prom-client, rendered in the Prometheus text format (GET /metrics): Node's
// process metrics (CPU, memory, event loop lag, GC), our counters and gauges, and histograms.

import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

type Labels = Record<string, string>;

/** Bucket bounds in seconds, for the latencies people watch. */
export const BUCKETS = {
  // A drain waits for its commit: milliseconds normally, Heroku gives up at 5 s.
  commit: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  // Searches have a 5 s budget (DESIGN 4) and return partial results after it.
  search: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  // An alert round runs every minute; beyond one it overlaps the next tick.
  alertRound: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
};

let processRegistry: Registry | undefined;
/** Process metrics exist once per process, however many servers (tests) run in it. */
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

const seriesKey = (name: string, labels: Labels) => `${name}${JSON.stringify(Object.entries(labels).sort())}`;

export class Metrics {
  private readonly registry = new Registry();
  readonly contentType = this.registry.contentType;
  private readonly counters = new Map<string, Counter>();
  private readonly histograms = new Map<string, Histogram>();
  private readonly gauges = new Map<string, () => number>();
  /** Counter values by series, so that value() answers without prom-client's async collection. */
  private readonly counted = new Map<string, number>();

  constructor() {
    processMetrics();
  }

  inc(name: string, help: string, labels: Labels = {}, by = 1): void {
    let counter = this.counters.get(name);
    if (!counter) this.counters.set(name, (counter = new Counter({ name, help, labelNames: Object.keys(labels), registers: [this.registry] })));
    counter.inc(labels, by);
    const key = seriesKey(name, labels);
    this.counted.set(key, (this.counted.get(key) ?? 0) + by);
  }

  /** A gauge read when /metrics is scraped; a later call for the same name replaces the reading. */
  gauge(name: string, help: string, collect: () => number): void {
    if (!this.gauges.has(name)) {
      const read = () => this.gauges.get(name)!();
      new Gauge({ name, help, registers: [this.registry], collect() { this.set(read()); } });
    }
    this.gauges.set(name, collect);
  }

  /** Records one duration in a histogram with the given bucket bounds (seconds). */
  observe(name: string, help: string, buckets: number[], seconds: number, labels: Labels = {}): void {
    let histogram = this.histograms.get(name);
    if (!histogram) this.histograms.set(name, (histogram = new Histogram({ name, help, buckets, labelNames: Object.keys(labels), registers: [this.registry] })));
    histogram.observe(labels, seconds);
  }

  /** A counter summed over all its label sets (every transport, say). */
  total(name: string): number {
    let sum = 0;
    for (const [key, v] of this.counted) if (key.startsWith(`${name}[`)) sum += v;
    return sum;
  }

  /** A counter's value, or a gauge's current reading. */
  value(name: string, labels: Labels = {}): number {
    return this.gauges.get(name)?.() ?? this.counted.get(seriesKey(name, labels)) ?? 0;
  }

  async render(): Promise<string> {
    return `${await processMetrics().metrics()}\n${await this.registry.metrics()}`;
  }
}

const RATE_SAMPLE_MS = 5000;

/**
 * The per-second rate of a counter over the last `windowMs` (the settings screen's ingest rate),
 * from samples taken every 5 s; over the time since start while that is shorter.
 */
export class CounterRate {
  private readonly samples: { ms: number; value: number }[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly metrics: Metrics,
    private readonly name: string,
    private readonly windowMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {
    this.sample();
    this.timer = setInterval(() => this.sample(), RATE_SAMPLE_MS).unref();
  }

  private sample(): void {
    const ms = this.now();
    this.samples.push({ ms, value: this.metrics.total(this.name) });
    while (this.samples.length > 1 && this.samples[1]!.ms <= ms - this.windowMs) this.samples.shift();
  }

  perSecond(): number {
    const oldest = this.samples[0]!;
    const ms = this.now();
    return ms > oldest.ms ? ((this.metrics.total(this.name) - oldest.value) * 1000) / (ms - oldest.ms) : 0;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
