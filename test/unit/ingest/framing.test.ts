import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createFrameSplitter, splitLogplexBody, type FramerOutput } from '../../../server/ingest/framing.ts';
import { parseSyslog } from '../../../server/parse/syslog.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();
/** `MSG-LEN SP MSG` with the right length (RFC 6587 §3.4.1). */
const oc = (msg: string) => `${enc.encode(msg).length} ${msg}`;
/** Frames as text; errors as 'ERR' / 'FATAL' so tables stay readable. */
const show = (out: FramerOutput[]) => out.map((o) => (o.kind === 'frame' ? dec.decode(o.bytes) : o.fatal ? 'FATAL' : 'ERR'));

/** Feeds `chunks` to one splitter, then closes it; `want` lists everything emitted, in order. */
const f = (chunks: string[], want: string[], maxFrameBytes = 1000) => {
  const s = createFrameSplitter({ maxFrameBytes });
  const got = chunks.flatMap((c) => show(s.push(enc.encode(c))));
  expect([...got, ...show(s.end())]).toEqual(want);
};

describe('frame splitter: octet counting (RFC 6587 §3.4.1)', () => {
  it('splits frames, whole or cut anywhere across chunks', () => {
    f([oc('<13>hello')], ['<13>hello']);
    f([oc('<13>a') + oc('<13>bb') + oc('<13>ccc')], ['<13>a', '<13>bb', '<13>ccc']);
    f(['1', '0 <13>hello', '!'], ['<13>hello!']);
    f([oc('<13>a').slice(0, 3), oc('<13>a').slice(3) + oc('<13>b').slice(0, 1), oc('<13>b').slice(1)], ['<13>a', '<13>b']);
    f([oc('<13>ünïcode ✓')], ['<13>ünïcode ✓']);
  });

  it('octet-counted frame split across two TCP packets is stored once', () => {
    const frame = oc('<190>1 2026-05-30T16:24:40Z host app web.1 - hello');
    f([frame.slice(0, 20), frame.slice(20)], ['<190>1 2026-05-30T16:24:40Z host app web.1 - hello']);
  });

  it('tolerates a newline after each counted frame, counted or not', () => {
    f([`${oc('<13>a')}\n${oc('<13>b')}\r\n`], ['<13>a', '<13>b']);
    f([oc('<13>a\n') + oc('<13>b\n')], ['<13>a\n', '<13>b\n']); // Heroku counts the LF
  });

  it('keeps every byte of a frame whose MSG-LEN is too small (syslog-ng loggen)', () => {
    const long = '<38>2026-05-30T16:24:40 localhost prg00000[1234]: seq: 0000000001, thread: 0000, runid: 1780158280, stamp: 2026-05-30T16:24:40 PADDPADDPADD\n';
    const wrong = (msg: string) => `100 ${msg}`;
    f([wrong(long) + wrong(long) + oc('<13>ok')], [long, 'ERR', long, '<13>ok']);
    // The last miscounted frame of a chunk, ending in LF: emitted at once.
    const s = createFrameSplitter({ maxFrameBytes: 1000 });
    expect(show(s.push(enc.encode(wrong(long))))).toEqual([long, 'ERR']);
    // The rest of a miscounted frame still on its way: held until it is complete.
    const t = createFrameSplitter({ maxFrameBytes: 1000 });
    expect(show(t.push(enc.encode(wrong(long).slice(0, 120))))).toEqual([]);
    expect(show(t.push(enc.encode(wrong(long).slice(120) + oc('<13>x'))))).toEqual([long, 'ERR', '<13>x']);
  });

  it('keeps the next frame separate when MSG-LEN is too large', () => {
    f([`20 <13>short${oc('<13>next frame is here')}`], ['<13>short', 'ERR', '<13>next frame is here']);
  });

  it('cuts a frame longer than maxFrameBytes and skips the rest of it', () => {
    // Up to 2 × maxFrameBytes a length is believed: the frame is cut, the rest of it skipped.
    f([oc('<13>0123456789abcdef') + oc('<13>x')], ['<13>01234567', 'ERR', '<13>x'], 12);
    f([oc('<13>0123456789abcdef').slice(0, 9), oc('<13>0123456789abcdef').slice(9) + oc('<13>x')], ['<13>01234567', 'ERR', '<13>x'], 12);
  });

  it('resynchronises on the next plausible header after garbage', () => {
    // Right after a frame: the bytes belong to it (its MSG-LEN was wrong).
    f([`${oc('<13>a')}99999999999 junk ${oc('<13>b')}`], ['<13>a99999999999 junk ', 'ERR', '<13>b']);
    // At a header position (the previous frame already gone): a frame of their own.
    f([oc('<13>a'), `zz${oc('<13>b')}`], ['<13>a', 'zz', 'ERR', '<13>b']);
    f([oc('<13>a'), `99999999 <13>junk ${oc('<13>b')}`], ['<13>a', '99999999 <13>junk ', 'ERR', '<13>b']);
    f([`${oc('<13>a')}0 <13>b ${oc('<13>c')}`], ['<13>a', '0 <13>b ', 'ERR', '<13>c']);
  });

  it('waits up to maxFrameBytes for a header after garbage, then gives up with a fatal error', () => {
    const s = createFrameSplitter({ maxFrameBytes: 30 });
    expect(show(s.push(enc.encode(oc('<13>a'))))).toEqual(['<13>a']);
    expect(show(s.push(enc.encode('this is not octet ')))).toEqual([]);
    const out = s.push(enc.encode('counting\nmore and more'));
    expect(show(out)).toEqual(['this is not octet counting\nmore and more', 'FATAL']);
    expect(out[1]).toMatchObject({ kind: 'error', reason: expect.stringMatching(/^cannot find an octet-counting header/) });
    expect(show(s.push(enc.encode('after\n')))).toEqual(['after']); // newline framing from here on
    // A header arriving in time resynchronises instead.
    f([oc('<13>a'), 'tail', ` of it ${oc('<13>b')}`], ['<13>a', 'tail of it ', 'ERR', '<13>b'], 30);
    // A tail ending in LF, on its own in a chunk: a frame at once.
    f([oc('<13>a'), 'PADDPADD\n', oc('<13>b')], ['<13>a', 'PADDPADD\n', 'ERR', '<13>b'], 30);
  });

  it('falls back to newline framing when the first line merely starts with a digit', () => {
    f(['2026-05-30T16:24:40Z host app: one\n2026-05-30T16:24:41Z host app: two\n'], ['2026-05-30T16:24:40Z host app: one', '2026-05-30T16:24:41Z host app: two']);
  });

  it('emits what is left when the connection closes mid-frame', () => {
    f([oc('<13>a') + '12'], ['<13>a', '12', 'ERR']);
    f(['10 <13>ab'], ['<13>ab', 'ERR']);
  });
});

describe('frame splitter: newline framing (RFC 6587 §3.4.2)', () => {
  it('splits on LF, CRLF and NUL, across chunks', () => {
    f(['<13>a\n<13>b\n'], ['<13>a', '<13>b']);
    f(['<13>a\r\n<13>b\r\n'], ['<13>a', '<13>b']);
    f(['<13>a\0<13>b\0'], ['<13>a', '<13>b']);
    f(['<13>a', 'bc\n<13>', 'd\n'], ['<13>abc', '<13>d']);
    f(['<13>a\r', '\n<13>b'], ['<13>a', '<13>b']);
  });

  it('skips empty lines and keeps a last line without terminator', () => {
    f(['\n\n<13>a\n\n\r\n<13>b'], ['<13>a', '<13>b']);
    f(['<13>tail\r'], ['<13>tail']);
  });

  it('cuts a line longer than maxFrameBytes and skips to the next newline', () => {
    f(['<13>abcdefgh\n<13>x\n'], ['<13>a', 'ERR', '<13>x'], 5);
    f(['<13>abcdefgh', 'ijk', 'lmn\n<1>x\n'], ['<13>a', 'ERR', '<1>x'], 5);
  });

  it('keeps memory bounded on an endless line', () => {
    const s = createFrameSplitter({ maxFrameBytes: 1000 });
    const chunk = new Uint8Array(64 * 1024).fill(0x61);
    chunk[0] = 0x3c; // '<': newline framing
    const out = [...s.push(chunk)];
    for (let i = 0; i < 100; i++) out.push(...s.push(chunk.subarray(1)));
    out.push(...s.push(enc.encode('\n<13>ok\n')));
    expect(show(out).map((x) => x.slice(0, 5))).toEqual(['<aaaa', 'ERR', '<13>o']);
  });
});

describe('splitLogplexBody', () => {
  const g = (body: string, want: string[], error?: RegExp) => {
    const got = splitLogplexBody(enc.encode(body));
    expect(got.frames.map((b) => dec.decode(b))).toEqual(want);
    if (error) expect(got.error).toMatch(error);
    else expect(got.error).toBeUndefined();
  };

  it('splits a real Heroku body into frames that parse as Heroku lines', () => {
    const { frames, error } = splitLogplexBody(readFileSync(new URL('../../fixtures/heroku-logplex-body.txt', import.meta.url)));
    expect(error).toBeUndefined();
    const opts = { now: new Date('2026-05-30T16:25:00Z'), timeZone: 'UTC', maxMessageBytes: 65536, heroku: true };
    const lines = frames.map((b) => parseSyslog(b, opts));
    expect(lines.map((l) => [l.program, l.severity])).toEqual([
      ['heroku/router', 6], ['app/web.1', 6], ['app/web.1', 6], ['heroku/router', 3],
      ['app/web.1', 6], ['heroku/web.1', 3], ['heroku/web.1', 5], ['heroku/logplex', 4],
    ]);
    expect(lines[4]!.message).toBe('[DATABASE] could not connect to server: Connection refused — réessayez');
    expect(lines.every((l) => l.flags.every((x) => x === 'severity_inferred'))).toBe(true);
  });

  it('reads frames with or without newlines between them', () => {
    g('83 <40>1 2012-11-30T06:45:29+00:00 host app web.3 - State changed from starting to up\n', ['<40>1 2012-11-30T06:45:29+00:00 host app web.3 - State changed from starting to up\n']);
    g(oc('<13>a') + oc('<13>b'), ['<13>a', '<13>b']);
    g(`${oc('<13>a')}\n${oc('<13>b')}\r\n`, ['<13>a', '<13>b']);
    g('', []);
    g('\n', []);
  });

  it('keeps the rest of a malformed body as one frame and says where', () => {
    g(`${oc('<13>a')}junk`, ['<13>a', 'junk'], /at byte 7 \(frame 2\): expected MSG-LEN SP/);
    g('10 <13>a', ['10 <13>a'], /MSG-LEN 10 runs past the end of the body \(5 bytes left\)/);
    g(`${oc('<13>a')}12`, ['<13>a', '12'], /ends inside a MSG-LEN/);
    g('0 x', ['0 x'], /MSG-LEN is 0/);
  });
});
