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
