// Micro-benchmark of the ingest hot path: framing and parsing of Heroku-like lines.
// Run: npx tsx bench/parse.ts   (deterministic input; prints the median of 5 runs per case)

import { createFrameSplitter, splitLogplexBody } from '../server/ingest/framing.ts';
import { parseSyslog, type SyslogParseOptions } from '../server/parse/syslog.ts';

const RUNS = 5;
const FRAMES_PER_BODY = 100; // Heroku sends up to a few hundred frames per POST
const TCP_CHUNK_BYTES = 64 * 1024; // what a Node socket typically hands over per 'data' event
const opts: SyslogParseOptions = { now: new Date('2026-05-30T16:25:00Z'), timeZone: 'UTC', maxMessageBytes: 65536 };
const enc = new TextEncoder();

// mulberry32: a tiny seeded PRNG so every run sees the same lines.
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const rand = rng(42);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
const hex = (n: number) => Array.from({ length: n }, () => Math.floor(rand() * 16).toString(16)).join('');
const PATHS = ['/', '/login', '/api/v1/items', '/assets/app-3f2a.js', '/search?q=boots'];

function ts(i: number): string {
  return new Date(Date.parse('2026-05-30T16:24:40Z') + i * 7).toISOString().replace('Z', '+00:00');
}

/** A Heroku router or app line as RFC 5424 text (~225 bytes on average). */
function herokuLine(i: number): string {
  if (i % 2 === 0) {
    const status = pick([200, 200, 200, 302, 404, 503]);
    const at = status === 503 ? 'error code=H12 desc="Request timeout"' : 'info';
    return `<158>1 ${ts(i)} host heroku router - at=${at} method=GET path="${pick(PATHS)}" host=myapp.herokuapp.com request_id=${hex(8)}-${hex(4)}-${hex(4)} fwd="10.1.${i % 256}.7" dyno=web.${1 + (i % 3)} connect=0ms service=${Math.floor(rand() * 900)}ms status=${status} bytes=${Math.floor(rand() * 9000)} protocol=https`;
  }
  return `<190>1 ${ts(i)} host app web.${1 + (i % 3)} - Completed 200 OK in ${Math.floor(rand() * 90)}ms (Views: 5.1ms | ActiveRecord: 1.2ms | Allocations: ${Math.floor(rand() * 9999)}) user_id=${i % 1000} request_id=${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}`;
}

function ciscoLine(i: number): string {
  return `<189>${i}: router-${i % 8}: *Mar  1 00:${String(i % 60).padStart(2, '0')}:15.123: %LINK-3-UPDOWN: Interface GigabitEthernet0/${i % 48}, changed state to ${pick(['up', 'down'])}`;
}

function rfc3164Line(i: number): string {
  return `<30>May 30 16:24:${String(i % 60).padStart(2, '0')} web-${i % 8} nginx[${1000 + (i % 50)}]: 10.1.${i % 256}.7 - - "GET ${pick(PATHS)} HTTP/1.1" 200 ${Math.floor(rand() * 9000)} "-" "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36" rt=0.${i % 999}`;
}

const concat = (parts: Uint8Array[]) => {
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return all;
};
const octetFrame = (text: string) => {
  const msg = enc.encode(`${text}\n`);
  return concat([enc.encode(`${msg.length} `), msg]);
};

const LINES = 20_000;
const heroku = Array.from({ length: LINES }, (_, i) => herokuLine(i));
const bsd = Array.from({ length: LINES }, (_, i) => rfc3164Line(i));
const herokuBytes = heroku.map((l) => enc.encode(l));
const bsdBytes = bsd.map((l) => enc.encode(l));
const ciscoBytes = Array.from({ length: LINES }, (_, i) => enc.encode(ciscoLine(i)));
const bodies: Uint8Array[] = [];
for (let i = 0; i < LINES; i += FRAMES_PER_BODY) bodies.push(concat(heroku.slice(i, i + FRAMES_PER_BODY).map(octetFrame)));
const tcpStream = concat(heroku.map(octetFrame));
const tcpChunks: Uint8Array[] = [];
for (let i = 0; i < tcpStream.length; i += TCP_CHUNK_BYTES) tcpChunks.push(tcpStream.subarray(i, i + TCP_CHUNK_BYTES));
const newlineStream = concat(heroku.map((l) => enc.encode(`${l}\n`)));
const newlineChunks: Uint8Array[] = [];
for (let i = 0; i < newlineStream.length; i += TCP_CHUNK_BYTES) newlineChunks.push(newlineStream.subarray(i, i + TCP_CHUNK_BYTES));

let sink = 0; // keeps results alive so the work is not optimised away

/** Lines per second of `work` (which handles `lines` lines per call), median of RUNS runs. */
function measure(name: string, lines: number, repeat: number, work: () => void): void {
  work(); // warm-up: let the JIT settle
  const rates: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    for (let k = 0; k < repeat; k++) work();
    const s = (performance.now() - t0) / 1000;
    rates.push((lines * repeat) / s);
  }
  rates.sort((a, b) => a - b);
  const median = rates[Math.floor(RUNS / 2)]!;
  console.log(`${name.padEnd(40)} ${Math.round(median).toLocaleString('en-US').padStart(13)} lines/s   (min ${Math.round(rates[0]!).toLocaleString('en-US')}, max ${Math.round(rates[RUNS - 1]!).toLocaleString('en-US')})`);
}

const avg = (xs: Uint8Array[]) => Math.round(xs.reduce((n, x) => n + x.length, 0) / xs.length);
console.log(`node ${process.version}; ${LINES} lines; Heroku line avg ${avg(herokuBytes)} B, RFC 3164 line avg ${avg(bsdBytes)} B; median of ${RUNS} runs`);

measure('splitLogplexBody (100-frame bodies)', LINES, 20, () => {
  for (const b of bodies) sink += splitLogplexBody(b).frames.length;
});
measure('TCP octet framing (64 KiB chunks)', LINES, 20, () => {
  const s = createFrameSplitter({ maxFrameBytes: 65536 + 8192 });
  for (const c of tcpChunks) sink += s.push(c).length;
  sink += s.end().length;
});
measure('TCP newline framing (64 KiB chunks)', LINES, 20, () => {
  const s = createFrameSplitter({ maxFrameBytes: 65536 + 8192 });
  for (const c of newlineChunks) sink += s.push(c).length;
  sink += s.end().length;
});
const herokuOpts = { ...opts, heroku: true }; // as the drain parses logplex frames
measure('parseSyslog RFC 5424 Heroku (bytes)', LINES, 2, () => {
  for (const b of herokuBytes) sink += parseSyslog(b, herokuOpts).severity;
});
measure('parseSyslog RFC 5424 non-Heroku (bytes)', LINES, 2, () => {
  for (const b of herokuBytes) sink += parseSyslog(b, opts).severity;
});
measure('parseSyslog RFC 3164 (bytes)', LINES, 2, () => {
  for (const b of bsdBytes) sink += parseSyslog(b, opts).severity;
});
measure('parseSyslog Cisco IOS (bytes)', LINES, 2, () => {
  for (const b of ciscoBytes) sink += parseSyslog(b, opts).severity;
});
measure('splitLogplexBody + parseSyslog (drain path)', LINES, 2, () => {
  for (const b of bodies) for (const f of splitLogplexBody(b).frames) sink += parseSyslog(f, { ...opts, heroku: true }).severity;
});
if (sink === 0.5) console.log(sink);
