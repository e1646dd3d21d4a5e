// NDJSON / JSON drain bodies: objects with at least `message`. Anything else on a line is kept raw
// and flagged `unparsed`, never dropped.
import { severityCode, facilityCode } from '../../shared/event.ts';
import { parsePlainLine, type SyslogParseOptions } from '../parse/syslog.ts';
import type { ParsedLine } from '../parse/types.ts';

const KNOWN = new Set(['message', 'msg', 'program', 'app', 'hostname', 'host', 'severity', 'level', 'facility', 'time', 'timestamp']);

function fromObject(o: Record<string, unknown>, opts: SyslogParseOptions): ParsedLine | undefined {
  const message = o.message ?? o.msg;
  if (typeof message !== 'string') return undefined;
  const base = parsePlainLine(message, opts);
  const str = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : undefined);
  const sevName = str(o.severity ?? o.level);
  const sev = sevName === undefined ? undefined : /^[0-7]$/.test(sevName) ? Number(sevName) : severityCode(sevName);
  const fac = str(o.facility);
  const time = str(o.time ?? o.timestamp);
  const timeMs = time === undefined ? NaN : /^\d+(\.\d+)?$/.test(time) ? Number(time) * (Number(time) < 1e11 ? 1000 : 1) : Date.parse(time);
  const fields = { ...base.fields };
  const ownFields = { ...base.ownFields };
  for (const [k, v] of Object.entries(o)) if (!KNOWN.has(k) && str(v) !== undefined) fields[k] = ownFields[k] = str(v)!;
  return {
    message: base.message,
    program: str(o.program ?? o.app) ?? base.program,
    hostname: str(o.hostname ?? o.host) ?? base.hostname,
    severity: sev ?? base.severity,
    facility: (fac === undefined ? undefined : /^\d+$/.test(fac) ? Number(fac) : facilityCode(fac)) ?? base.facility,
    generatedAt: Number.isFinite(timeMs) ? timeMs : base.generatedAt,
    fields,
    ownFields,
    flags: sev === undefined ? base.flags : base.flags.filter((f) => f !== 'severity_inferred'),
  };
}

function unparsed(raw: string, opts: SyslogParseOptions): ParsedLine {
  const line = parsePlainLine(raw, opts);
  if (!line.flags.includes('unparsed')) line.flags.push('unparsed');
  return line;
}

/** One ParsedLine per JSON object: a JSON array, one object, or one object per line (NDJSON). */
export function parseJsonBody(body: string, opts: SyslogParseOptions): ParsedLine[] {
  const trimmed = body.trim();
  if (trimmed.startsWith('[')) {
    try {
      const items = JSON.parse(trimmed) as unknown;
      if (Array.isArray(items)) {
        return items.map((item) =>
          (item && typeof item === 'object' && fromObject(item as Record<string, unknown>, opts)) || unparsed(JSON.stringify(item), opts),
        );
      }
    } catch {
      // not one JSON array: fall through to line by line
    }
  }
  return trimmed
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '')
    .map((l) => {
      try {
        const o = JSON.parse(l) as unknown;
        if (o && typeof o === 'object' && !Array.isArray(o)) return fromObject(o as Record<string, unknown>, opts) ?? unparsed(l, opts);
      } catch {
        // kept raw below
      }
      return unparsed(l, opts);
    });
}
