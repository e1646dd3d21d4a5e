// A tiny line of counts (24 hours, 24 points) as inline SVG: a chart library per table row would
// cost more than the table. Unknown points (null) break the line.
import { count } from '../lib/count.ts';

export function Sparkline({ values, label, width = 96, height = 20 }: { values: (number | null)[]; label: string; width?: number; height?: number }) {
  const max = Math.max(1, ...values.map((v) => v ?? 0));
  const step = values.length > 1 ? width / (values.length - 1) : width;
  const y = (v: number) => (height - 2 - (v / max) * (height - 4)).toFixed(1);
  let d = '';
  let pen = false;
  values.forEach((v, i) => {
    if (v === null) return void (pen = false);
    d += `${pen ? 'L' : 'M'}${(i * step).toFixed(1)} ${y(v)}`;
    pen = true;
  });
  const total = values.reduce<number>((sum, v) => sum + (v ?? 0), 0);
  return (
    <svg className="sparkline" width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={`${label}: ${count(total)}`}>
      <title>{`${label}: ${count(total)} (peak ${count(max)} an hour)`}</title>
      <line x1="0" x2={width} y1={height - 2} y2={height - 2} className="sparkline-base" />
      <path d={d} className="sparkline-line" />
    </svg>
  );
}
