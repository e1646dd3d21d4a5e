// Counters and gauges, rendered in the Prometheus text format (GET /metrics).

type Labels = Record<string, string>;

interface Series {
  help: string;
  type: 'counter' | 'gauge';
  values: Map<string, number>; // rendered label set -> value
  collect?: () => number;
}

const renderLabels = (labels: Labels) => {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/["\\\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`))}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
};

export class Metrics {
  private readonly series = new Map<string, Series>();

  private get(name: string, type: Series['type'], help: string): Series {
    let s = this.series.get(name);
    if (!s) this.series.set(name, (s = { help, type, values: new Map() }));
    return s;
  }

  inc(name: string, help: string, labels: Labels = {}, by = 1): void {
    const s = this.get(name, 'counter', help);
    const key = renderLabels(labels);
    s.values.set(key, (s.values.get(key) ?? 0) + by);
  }

  /** A gauge read when /metrics is scraped. */
  gauge(name: string, help: string, collect: () => number): void {
    this.get(name, 'gauge', help).collect = collect;
  }

  value(name: string, labels: Labels = {}): number {
    return this.series.get(name)?.values.get(renderLabels(labels)) ?? 0;
  }

  /** A counter summed over all its label sets (every transport, say). */
  total(name: string): number {
    let sum = 0;
    for (const v of this.series.get(name)?.values.values() ?? []) sum += v;
    return sum;
  }

  render(): string {
    const out: string[] = [];
    for (const [name, s] of this.series) {
      out.push(`# HELP ${name} ${s.help}`, `# TYPE ${name} ${s.type}`);
      if (s.collect) out.push(`${name} ${s.collect()}`);
      for (const [labels, v] of s.values) out.push(`${name}${labels} ${v}`);
    }
    return out.join('\n') + '\n';
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
