import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EVENT_FLAGS } from '../../shared/event.ts';
import { createFrameSplitter, splitLogplexBody, type FramerOutput } from '../../server/ingest/framing.ts';
import { parseCisco } from '../../server/parse/cisco.ts';
import { logfmtField, parseLogfmt } from '../../shared/logfmt.ts';
import { fieldOf, fieldsNamed } from '../../server/store/functions.ts';
import { inferSeverity } from '../../server/parse/severity.ts';
import { parsePlainLine, parseSyslog, type SyslogParseOptions } from '../../server/parse/syslog.ts';
import type { ParsedLine } from '../../server/parse/types.ts';

const opts: SyslogParseOptions = { now: new Date('2027-01-01T00:00:05Z'), timeZone: 'Europe/Berlin', maxMessageBytes: 512 };
const enc = new TextEncoder();
const RUNS = 500;

// Syslog-shaped text: fragments that steer the parsers into their branches, in random order.
const FRAGMENTS = [
  '<13>', '<190>1 ', '<34>', '<999>', '<', '>', ' ', '  ', '-', '[', ']', '"', '\\', '=', ':', '[12]', 'Jan  5 ', 'Dec 31 ',
  '23:59:59', '.123', '2026-05-30T16:24:40', 'Z', '+02:00', ' 2026', 'host', 'app', 'heroku', 'web.1', 'router', 'ID47',
  '[x@1 k="v"]', 'ERROR', 'INFO', 'at=error', 'level=', 'code=H12', 'Error R14', '{"level":"warn"}', '123: *', '%SYS-5-X:',
  'd.73ea7440-270a-435a-a0ea-adf50b4e6f5a', '\n', '\r\n', '\0', '\t', 'é', '😀', '\uFEFF', '\x1b[31m', 'a=b', 'UTC',
  // Cisco IOS / ASA
  '<189>', '4567: ', 'router-1: ', ' asa : ', '*', '.', 'Mar  1 ', 'Mar 15 2025 ', '00:00:15', '1w2d', ' CET', ': ',
  '%ASA-4-106023:', '%LINK-3-UPDOWN:', '%ROUTING-BGP-5-ADJCHANGE:', '%A-9-X:',
];
const syslogish = fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 40 }).map((a) => a.join(''));
const anyText = fc.oneof(syslogish, fc.string({ unit: 'binary', maxLength: 300 }), fc.string({ maxLength: 300 }));

function checkLine(p: ParsedLine, maxMessageBytes = opts.maxMessageBytes): void {
  expect(Number.isInteger(p.facility) && p.facility >= 0 && p.facility <= 23).toBe(true);
  expect(Number.isInteger(p.severity) && p.severity >= 0 && p.severity <= 7).toBe(true);
  expect(p.generatedAt === null || Number.isFinite(p.generatedAt)).toBe(true);
  expect(enc.encode(p.message).length).toBeLessThanOrEqual(maxMessageBytes);
  for (const v of Object.values(p.fields)) expect(typeof v).toBe('string');
  expect(new Set(p.flags).size).toBe(p.flags.length);
  for (const fl of p.flags) expect(EVENT_FLAGS).toContain(fl);
}

describe('parsers never throw and always return a well-formed line', () => {
  it('parseSyslog on strings and bytes', () => {
    fc.assert(fc.property(anyText, (s) => checkLine(parseSyslog(s, opts))), { numRuns: RUNS });
    fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), (b) => checkLine(parseSyslog(b, opts))), { numRuns: RUNS });
    fc.assert(fc.property(syslogish, (s) => checkLine(parseSyslog(enc.encode(s), { ...opts, heroku: true }))), { numRuns: RUNS });
  });

  it('parsePlainLine', () => {
    fc.assert(fc.property(anyText, (s) => checkLine(parsePlainLine(s, opts))), { numRuns: RUNS });
    fc.assert(fc.property(syslogish, (s) => checkLine(parsePlainLine(s, { ...opts, viaDrain: true }))), { numRuns: RUNS });
  });

  it('an unparsed line keeps the raw line as its message; any message is a piece of the line', () => {
    const roomy = { ...opts, maxMessageBytes: 65536 };
    // Without framing leftovers at either end, which the parser trims first.
    const line = syslogish.filter((s) => s.trim() === s && !s.includes('\0'));
    fc.assert(
      fc.property(line, fc.boolean(), (s, drain) => {
        const p = parseSyslog(s, { ...roomy, viaDrain: drain });
        checkLine(p, roomy.maxMessageBytes);
        expect(s.includes(p.message)).toBe(true);
        if (p.flags.includes('unparsed')) expect(p.message).toBe(s);
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it('parseCisco reads a Cisco header or declines; what it reads keeps the tail, mnemonic included', () => {
    const part = (xs: string[]) => fc.constantFrom('', ...xs);
    const cisco = fc
      .tuple(
        part(['<189>', '<166>', '<999>']), part(['123: ', '45: 000044: ']), part(['router-1: ', '10.0.0.9: ', 'asa : ']), part(['*', '.']),
        part(['Mar  1 00:00:15.123', 'Mar 15 2025 11:22:33', 'Mar 15 11:22:33.456 UTC', 'Mar 15 11:22:33 CET', '2018-06-27T12:17:46Z', '00:00:15', '1w2d']),
        part([' asa-1 ', ' ASA']), part([': ', ':', ' ']), part(['%SYS-5-CONFIG_I:', '%ASA-4-106023:', '%ROUTING-BGP-5-ADJCHANGE:', '%bad-5-x:']), anyText,
      )
      .map((parts) => ({ line: parts.join(''), mnemonic: /^%[A-Z]/.test(parts[7]) ? parts[7] : undefined }));
    fc.assert(
      fc.property(cisco, ({ line, mnemonic }) => {
        const p = parseCisco(line, opts);
        if (!p) return;
        checkLine(p, Infinity);
        expect(line.endsWith(p.message)).toBe(true);
        if (mnemonic && line.includes(mnemonic) && p.program) expect(p.message.startsWith(`%${p.program}-`)).toBe(true);
      }),
      { numRuns: RUNS * 2 },
    );
    fc.assert(fc.property(anyText, (s) => void parseCisco(s, opts)), { numRuns: RUNS });
  });

  it('parseLogfmt yields valid keys and string values', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        for (const [k, v] of Object.entries(parseLogfmt(s))) {
          expect(k).toMatch(/^[A-Za-z][A-Za-z0-9_.\-#/@]*$/);
          expect(typeof v).toBe('string');
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('inferSeverity yields a severity code or nothing', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        const v = inferSeverity(s);
        expect(v === undefined || (Number.isInteger(v) && v >= 0 && v <= 7)).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it('splitLogplexBody on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (b) => {
        const { frames } = splitLogplexBody(b);
        for (const fr of frames) expect(fr.length).toBeLessThanOrEqual(b.length);
      }),
      { numRuns: RUNS },
    );
  });
});

// ---- framing -------------------------------------------------------------------------------

/** Splits `data` at the given (unsorted, possibly repeated) positions. */
function chunk(data: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const p of [...points, data.length]) {
    out.push(data.slice(prev, p));
    prev = p;
  }
  return out;
}

function feed(chunks: Uint8Array[], maxFrameBytes: number): FramerOutput[] {
  const s = createFrameSplitter({ maxFrameBytes });
  return [...chunks.flatMap((c) => s.push(c)), ...s.end()];
}

const framesOf = (out: FramerOutput[]) => out.flatMap((o) => (o.kind === 'frame' ? [Array.from(o.bytes)] : []));
const concat = (parts: Uint8Array[]) => {
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return all;
};

// Bytes a framer may consume as framing: MSG-LEN digits, SP, and LF/CR/NUL terminators.
const isFramingByte = (b: number) => (b >= 0x30 && b <= 0x39) || b === 0x20 || b === 0x0a || b === 0x0d || b === 0x00;
const contentCount = (bytes: Iterable<number>) => {
  const counts = new Map<number, number>();
  for (const b of bytes) if (!isFramingByte(b)) counts.set(b, (counts.get(b) ?? 0) + 1);
  return counts;
};

describe('framing', () => {
  // A syslog message starts with '<' (PRI); the octet framer relies on it to spot a wrong MSG-LEN.
  const payload = fc.uint8Array({ maxLength: 80 }).map((b) => Uint8Array.of(0x3c, ...b));
  const cuts = fc.array(fc.nat(), { maxLength: 12 });

  it('octet-counted frames come out the same however the stream is chunked', () => {
    fc.assert(
      fc.property(fc.array(payload, { minLength: 1, maxLength: 8 }), cuts, (payloads, cs) => {
        const stream = concat(payloads.flatMap((p) => [enc.encode(`${p.length} `), p]));
        expect(framesOf(feed(chunk(stream, cs), 100))).toEqual(payloads.map((p) => Array.from(p)));
      }),
      { numRuns: RUNS },
    );
  });

  it('newline-framed lines come out the same however the stream is chunked', () => {
    const line = fc.uint8Array({ minLength: 1, maxLength: 80 }).map((b) => b.map((x) => (x === 0x0a || x === 0x00 || x === 0x0d ? 0x2e : x)));
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 8 }), fc.constantFrom('\n', '\r\n', '\0'), cuts, (lines, term, cs) => {
        const first = Uint8Array.of(0x3c, ...lines[0]!); // '<' first: newline framing
        const all = [first, ...lines.slice(1)];
        const stream = concat(all.flatMap((l) => [l, enc.encode(term)]));
        expect(framesOf(feed(chunk(stream, cs), 100))).toEqual(all.map((l) => Array.from(l)));
      }),
      { numRuns: RUNS },
    );
  });

  it('loses no content byte of arbitrary input, however chunked', () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 400 }),
      fc.array(fc.constantFrom('12 ', '5 <13>', '100 ', '<13>', 'abc', '\n', '\r', '\0', ' ', '9', 'x<1>'), { maxLength: 60 }).map((a) => enc.encode(a.join(''))),
    );
    fc.assert(
      fc.property(bytes, cuts, (data, cs) => {
        const out = feed(chunk(data, cs), Math.max(1, data.length));
        const emitted = out.flatMap((o) => (o.kind === 'frame' ? Array.from(o.bytes) : []));
        expect(contentCount(emitted)).toEqual(contentCount(data));
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it('never throws with small frame limits', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), cuts, fc.integer({ min: 1, max: 50 }), (data, cs, max) => {
        for (const o of feed(chunk(data, cs), max)) if (o.kind === 'error') expect(o.reason.length).toBeGreaterThan(0);
      }),
      { numRuns: RUNS },
    );
  });

  it('splitLogplexBody returns exactly the frames of a well-formed body', () => {
    fc.assert(
      fc.property(fc.array(payload, { maxLength: 10 }), fc.boolean(), (payloads, newlines) => {
        const body = concat(payloads.flatMap((p) => [enc.encode(`${p.length} `), p, enc.encode(newlines ? '\n' : '')]));
        const got = splitLogplexBody(body);
        expect(got.error).toBeUndefined();
        expect(got.frames.map((f) => Array.from(f))).toEqual(payloads.map((p) => Array.from(p)));
      }),
      { numRuns: RUNS },
    );
  });
});

describe('hostile input stays linear', () => {
  const MB = 1 << 20;
  const big = { ...opts, maxMessageBytes: 2 * MB };
  const inputs: [string, string][] = [
    ['=', '='.repeat(MB)],
    ['"', '"'.repeat(MB)],
    ['[', '['.repeat(MB)],
    ['a="', 'a="'.repeat(MB / 3)],
    ['a=\\"', 'a="\\"'.repeat(MB / 5)],
    ['a=', 'a= '.repeat(MB / 3)],
    ['SD', `<13>1 - h a - - [x${' k="v"'.repeat(MB / 6)}]`],
    ['SD escapes', `<13>1 - h a - - [x k="${'\\]'.repeat(MB / 2)}`],
    ['digits', '1'.repeat(MB)],
    ['<', '<'.repeat(MB)],
    ['spaces', ' '.repeat(MB)],
    ['json', `{${'"level":'.repeat(MB / 8)}`],
    ['timestamps', '2020-05-30 16:24:40,438 '.repeat(MB / 24)],
    ['Cisco counters', '1: '.repeat(MB / 3)],
    ['Cisco facilities', '%A-B'.repeat(MB / 4)],
    ['Cisco hosts', 'a'.repeat(MB)],
  ];
  it.each(inputs)('parsers finish on 1 MB of %s', (_name, s) => {
    checkLine(parseSyslog(s, big), big.maxMessageBytes);
    checkLine(parseSyslog(`<13>1 - h a - - ${s}`, big), big.maxMessageBytes);
    checkLine(parseSyslog(`<13>Jan  5 10:00:00 ${s}`, big), big.maxMessageBytes);
    checkLine(parseSyslog(`<189>1: *Mar  1 00:00:15.123: ${s}`, big), big.maxMessageBytes);
    checkLine(parseSyslog(`<189>1: ${s}`, big), big.maxMessageBytes);
    checkLine(parsePlainLine(s, big), big.maxMessageBytes);
    parseLogfmt(s);
    inferSeverity(s);
  });

  it.each(inputs)('framing finishes on 1 MB of %s in small chunks', (_name, s) => {
    const data = enc.encode(s);
    for (const max of [1024, 4 * MB]) {
      const chunks: Uint8Array[] = [];
      for (let i = 0; i < data.length; i += 1000) chunks.push(data.subarray(i, i + 1000));
      feed(chunks, max);
      splitLogplexBody(data);
    }
  });
});

it('logfmtField(message, key) is parseLogfmt(message)[key] for any message and key', () => {
  const piece = fc.oneof(fc.constantFrom('status', 'a', 'status=', '=', '"', '\\"', '\\\\', ' ', 'x="y z"', 'status="5 0"', 'b=1', '\t'), fc.string({ maxLength: 4 }));
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 12 }).map((p) => p.join('')), fc.constantFrom('status', 'a', 'x', 'b', 'y'), (message, key) => {
      const all = parseLogfmt(message);
      expect(logfmtField(message, key)).toBe(Object.hasOwn(all, key) ? all[key] : undefined);
    }),
    { numRuns: 3000 },
  );
});

it('fieldsNamed (the field counts at insert) reads every named field as fieldOf (the SQL comparisons) does', () => {
  const piece = fc.oneof(fc.constantFrom('status', 'code', 'status=', 'code=5', '=', '"', '\\"', ' ', 'status="5 0"', 'x=1', '\t'), fc.string({ maxLength: 4 }));
  const extra = fc.option(fc.dictionary(fc.constantFrom('status', 'code', 'sdid', 'constructor'), fc.string({ maxLength: 3 })), { nil: undefined });
  const names = new Set(['status', 'code', 'constructor']);
  const marks = [...names].map((n) => `${n}=`);
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 12 }).map((p) => p.join('')), extra, (message, stored) => {
      const json = stored && Object.keys(stored).length ? JSON.stringify(stored) : null;
      const got = fieldsNamed(message, json, names, marks);
      for (const name of names) expect(Object.hasOwn(got, name) ? got[name] : undefined, name).toBe(fieldOf(message, json, name));
    }),
    { numRuns: 3000 },
  );
});

it('parseLogfmt(message, only) keeps exactly the pairs of parseLogfmt(message) named in only', () => {
  const piece = fc.oneof(fc.constantFrom('at', 'level', 'at=', '=', '"', '\\"', ' ', 'at="e r"', 'code=H12', 'b=1', '\t', 'level=error'), fc.string({ maxLength: 4 }));
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 12 }).map((p) => p.join('')), fc.subarray(['at', 'level', 'code', 'b']), (message, keys) => {
      const all = parseLogfmt(message);
      const only = new Set(keys);
      expect(parseLogfmt(message, only)).toEqual(Object.fromEntries(Object.entries(all).filter(([k]) => only.has(k))));
    }),
    { numRuns: 3000 },
  );
});
