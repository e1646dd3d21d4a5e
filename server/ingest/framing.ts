// Syslog over a byte stream (RFC 6587): split TCP/TLS data into frames, bytes only (UTF-8 is
// decoded per complete frame by the parser). RFC 6587 §3.4.1 octet counting `MSG-LEN SP MSG` when
// the connection's first byte is a digit, else §3.4.2 non-transparent framing on LF (CRLF, NUL).
// Pure and incremental: push() chunks as they arrive; buffered data stays under ~2 × maxFrameBytes.

export type FramerOutput =
  | { kind: 'frame'; bytes: Uint8Array }
  /** fatal: the stream cannot be framed any more (the listener closes the connection). */
  | { kind: 'error'; reason: string; fatal: boolean; bytes?: Uint8Array };

export interface FrameSplitter {
  /** Frames completed by `chunk`. Frames may be views into `chunk`: do not reuse its memory. */
  push(chunk: Uint8Array): FramerOutput[];
  /** Connection closed: whatever is buffered, as a last frame (with an error if it was partial). */
  end(): FramerOutput[];
}

export interface FrameSplitterOptions {
  /** Longest frame kept; a longer one is cut to this size (the parser flags it `truncated`). */
  maxFrameBytes: number;
}

const LF = 0x0a;
const CR = 0x0d;
const NUL = 0x00;
const SP = 0x20;
const LT = 0x3c;
const GT = 0x3e;
// MSG-LEN digits: 10 covers any length we would accept; a longer run is not a length.
const MAX_LEN_DIGITS = 10;
// Resynchronisation target after a wrong count, `\d{1,7} <\d{1,3}>`: 7 digits is ~10 MB.
const RESYNC_LEN_DIGITS = 7;
// Longest resync target (7 digits, SP, '<', 3 digits, '>'): a search resumes this far back.
const RESYNC_TARGET_BYTES = RESYNC_LEN_DIGITS + 6;
// A declared length up to this multiple of maxFrameBytes is an oversized frame (cut, rest skipped);
// beyond it the "length" is garbage (RFC 6587 gives no way to recover, so we look for a new start).
const OVERSIZE_FACTOR = 2;
// An empty pending buffer larger than this is released (a burst of big frames must not pin memory).
const RELEASE_BUFFER_BYTES = 256 * 1024;

const isDigit = (c: number | undefined) => c !== undefined && c >= 0x30 && c <= 0x39;

export function createFrameSplitter(opts: FrameSplitterOptions): FrameSplitter {
  const max = Math.max(1, Math.floor(opts.maxFrameBytes));
  let mode: 'detect' | 'octet' | 'newline' = 'detect';
  // Pending bytes live in store[start, end); grown by doubling, compacted only when growing.
  let store = new Uint8Array(0);
  let start = 0;
  let end = 0;
  let scanned = 0; // pending bytes known to hold no terminator / no resync target (from `start`)
  let discard = 0; // octet: bytes of an oversized frame still to skip
  let discardLine = false; // newline: skipping the rest of an oversized line
  let frames = 0;
  let mismatchReported = false;

  function append(chunk: Uint8Array): void {
    const live = end - start;
    if (end + chunk.length > store.length) {
      if (live + chunk.length > store.length / 2) {
        const grown = new Uint8Array(Math.max(2 * (live + chunk.length), 4096));
        grown.set(store.subarray(start, end));
        store = grown;
      } else {
        store.copyWithin(0, start, end);
      }
      start = 0;
      end = live;
    }
    store.set(chunk, end);
    end += chunk.length;
  }

  function run(d: Uint8Array, copy: boolean, final: boolean): { out: FramerOutput[]; pos: number } {
    const out: FramerOutput[] = [];
    const frame = (a: number, b: number) => {
      out.push({ kind: 'frame', bytes: copy ? d.slice(a, b) : d.subarray(a, b) });
    };
    const error = (reason: string, fatal = false) => out.push({ kind: 'error', reason, fatal });
    let pos = 0;
    const n = d.length;
    if (mode === 'detect') {
      while (pos < n && (d[pos] === LF || d[pos] === CR || d[pos] === NUL)) pos++;
      if (pos === n) return { out, pos };
      // RFC 6587 §3.4.1/§3.4.2: a digit first means octet counting, anything else ('<') newline.
      mode = isDigit(d[pos]) ? 'octet' : 'newline';
    }
    if (mode === 'octet') pos = octet(d, pos, n, final, frame, error);
    if (mode === 'newline') pos = newline(d, pos, n, final, frame, error);
    return { out, pos };
  }

  type Emit = (a: number, b: number) => void;
  type Err = (reason: string, fatal?: boolean) => void;

  function octet(d: Uint8Array, pos: number, n: number, final: boolean, frame: Emit, error: Err): number {
    while (pos < n) {
      if (discard > 0) {
        const skip = Math.min(discard, n - pos);
        pos += skip;
        discard -= skip;
        continue;
      }
      const c = d[pos]!;
      if (c === LF || c === CR || c === NUL) {
        pos++; // a separator some senders add after each counted frame
        continue;
      }
      const h = readHeader(d, pos, n);
      if (h === NEED_MORE) {
        if (!final) return pos;
        frame(pos, n);
        error(`connection closed inside an octet-counting header (${n - pos} bytes); kept them as a frame`);
        return n;
      }
      if (h === BAD || h.len === 0 || h.len > OVERSIZE_FACTOR * max) {
        if (frames === 0) {
          // Not octet counting after all (a line starting with a digit): newline framing instead.
          mode = 'newline';
          return pos;
        }
        const q = findFrameStart(d, Math.max(pos + 1, resumeFrom(pos)), n);
        if (q >= 0) {
          frame(pos, q);
          reportMismatch(error, `no octet-counting header (MSG-LEN SP "<PRI>") after frame ${frames}; kept ${q - pos} bytes as a frame`);
          scanned = 0;
          pos = q;
          continue;
        }
        if (!final && n - pos < max) {
          if (d[n - 1] !== LF) {
            scanned = Math.max(0, n - RESYNC_TARGET_BYTES); // a header may still come: search on from here
            return pos;
          }
          frame(pos, n); // the tail of a miscounted frame that arrived on its own
          reportMismatch(error, `no octet-counting header (MSG-LEN SP "<PRI>") after frame ${frames}; kept ${n - pos} bytes as a frame`);
          return n;
        }
        frame(pos, n);
        if (final) {
          error(`connection closed after ${n - pos} bytes without an octet-counting header; kept them as a frame`);
          return n;
        }
        // No resync within maxFrameBytes: the stream is not octet counting any more.
        error(`cannot find an octet-counting header (MSG-LEN SP "<PRI>") in ${n - pos} bytes after frame ${frames}; passed them through as one frame`, true);
        mode = 'newline';
        return n;
      }
      const payload = h.payload;
      if (h.len > max) {
        if (n - payload < max && !final) return pos;
        frame(payload, Math.min(n, payload + max));
        error(`octet-counted frame of ${h.len} bytes exceeds ${max}; kept the first ${max}`);
        discard = h.len - Math.min(max, n - payload);
        pos = Math.min(n, payload + max);
        frames++;
        continue;
      }
      const fe = payload + h.len;
      if (fe > n) {
        if (!final) return pos;
        frame(payload, n);
        error(`connection closed after ${n - payload} of ${h.len} bytes of an octet-counted frame; kept them`);
        return n;
      }
      if (followsFrame(d, fe, n)) {
        frame(payload, fe);
        frames++;
        pos = fe;
        continue;
      }
      // Wrong MSG-LEN (syslog-ng loggen declares 100 for 140 bytes): the frame runs to the next
      // plausible header, before or after `fe`, so that no byte is lost.
      const q = findFrameStart(d, Math.max(payload + 1, resumeFrom(payload + 1)), n);
      if (q >= 0 || final || d[n - 1] === LF || n - fe > max) {
        const stop = q >= 0 ? q : n - fe > max ? fe : n;
        frame(payload, stop);
        frames++;
        if (stop !== fe) reportMismatch(error, `octet-counted frame declared ${h.len} bytes but ran ${stop - payload}; kept all of them`);
        scanned = 0;
        pos = stop;
        continue;
      }
      scanned = Math.max(0, n - RESYNC_TARGET_BYTES); // resume the search here when more arrives
      return pos; // the rest of a miscounted frame may still be on its way
    }
    return pos;
  }

  /** Where the resync search may resume: bytes before it were searched already. */
  function resumeFrom(from: number): number {
    return Math.max(from, scanned);
  }

  function reportMismatch(error: Err, reason: string): void {
    if (mismatchReported) return;
    mismatchReported = true;
    error(`${reason} (further framing mismatches on this connection are not reported)`);
  }

  function newline(d: Uint8Array, pos: number, n: number, final: boolean, frame: Emit, error: Err): number {
    let lf = -2; // next LF at or after the search position; -1: none in d; -2: not searched yet
    let nul = -2;
    let from = Math.max(pos, scanned);
    while (pos < n) {
      if (lf === -2 || (lf >= 0 && lf < from)) lf = d.indexOf(LF, from);
      if (nul === -2 || (nul >= 0 && nul < from)) nul = d.indexOf(NUL, from);
      const term = lf < 0 ? nul : nul < 0 ? lf : Math.min(lf, nul);
      if (discardLine) {
        if (term < 0) return n;
        discardLine = false;
        pos = from = term + 1;
        continue;
      }
      if (term < 0) {
        if (n - pos > max) {
          frame(pos, pos + max);
          error(`line longer than ${max} bytes; kept the first ${max} and skipped the rest of the line`);
          discardLine = true;
          frames++;
          return n;
        }
        if (final && n > pos) {
          const stop = d[n - 1] === CR ? n - 1 : n;
          if (stop > pos) frame(pos, stop);
          return n;
        }
        scanned = n; // no terminator in pos..n: do not search it again
        return pos;
      }
      let stop = term;
      if (d[term] === LF && stop > pos && d[stop - 1] === CR) stop--;
      if (stop - pos > max) {
        frame(pos, pos + max);
        error(`line of ${stop - pos} bytes exceeds ${max}; kept the first ${max}`);
        frames++;
      } else if (stop > pos) {
        frame(pos, stop);
        frames++;
      }
      pos = from = term + 1;
    }
    return pos;
  }

  function process(chunk: Uint8Array, final: boolean): FramerOutput[] {
    const pendingLen = end - start;
    let d = chunk;
    let inStore = false;
    if (pendingLen > 0 && chunk.length >= pendingLen) {
      // A fresh buffer (≤ 2 × chunk bytes copied): frames can be views, nothing reuses it.
      d = new Uint8Array(pendingLen + chunk.length);
      d.set(store.subarray(start, end));
      d.set(chunk, pendingLen);
      start = end = 0;
    } else if (pendingLen > 0) {
      // Small chunk, big remainder (a slow sender): append in place, amortised; frames are copied.
      append(chunk);
      d = store.subarray(start, end);
      inStore = true;
    }
    const { out, pos } = run(d, inStore, final);
    scanned = Math.max(0, scanned - pos);
    if (inStore) start += pos;
    else if (pos < d.length) append(d.subarray(pos));
    if (start === end) {
      start = end = 0;
      scanned = 0;
      if (store.length > RELEASE_BUFFER_BYTES) store = new Uint8Array(0);
    }
    return out;
  }

  return {
    push: (chunk) => (chunk.length === 0 ? [] : process(chunk, false)),
    end: () => {
      const out = process(new Uint8Array(0), true);
      store = new Uint8Array(0);
      start = end = scanned = discard = frames = 0;
      discardLine = mismatchReported = false;
      mode = 'detect';
      return out;
    },
  };
}

const NEED_MORE = 0;
const BAD = 1;

/** `MSG-LEN SP` at `pos`: the length and where the message starts, or NEED_MORE / BAD. */
function readHeader(d: Uint8Array, pos: number, n: number): { len: number; payload: number } | typeof NEED_MORE | typeof BAD {
  let len = 0;
  let i = pos;
  while (i < n && isDigit(d[i])) {
    if (i - pos >= MAX_LEN_DIGITS) return BAD;
    len = len * 10 + (d[i]! - 0x30);
    i++;
  }
  if (i === n) return NEED_MORE;
  if (i === pos || d[i] !== SP) return BAD;
  return { len, payload: i + 1 };
}

/** After a counted frame: end of data, separators, or (a prefix of) `digits SP <`. */
function followsFrame(d: Uint8Array, i: number, n: number): boolean {
  while (i < n && (d[i] === LF || d[i] === CR || d[i] === NUL)) i++;
  const digits = i;
  while (i < n && isDigit(d[i]) && i - digits < MAX_LEN_DIGITS) i++;
  if (i === n) return true;
  if (i === digits || d[i] !== SP) return false;
  return i + 1 === n || d[i + 1] === LT;
}

/** First index ≥ from that starts `\d{1,7} <\d{1,3}>` (its digit run beginning there), or -1. */
export function findFrameStart(d: Uint8Array, from: number, n: number): number {
  let k = d.indexOf(LT, from + 2);
  while (k >= 0 && k < n) {
    if (d[k - 1] === SP) {
      let q = k - 1;
      while (q > 0 && k - 1 - q < RESYNC_LEN_DIGITS + 1 && isDigit(d[q - 1])) q--;
      const digits = k - 1 - q;
      if (digits >= 1 && digits <= RESYNC_LEN_DIGITS && q >= from && !isDigit(d[q - 1])) {
        let j = k + 1;
        while (j < n && j - k <= 3 && isDigit(d[j])) j++;
        if (j > k + 1 && j - k <= 4 && d[j] === GT) return q;
      }
    }
    k = d.indexOf(LT, k + 1);
  }
  return -1;
}

/**
 * A Heroku HTTPS drain body (application/logplex-1): RFC 6587 octet-counted frames back to back,
 * each usually ending in a '\n' counted in its length; stray LF/CR/SP between frames are skipped.
 * Frames are views into `body`. On a malformed body: the frames read so far, the rest as one
 * raw frame, and an error saying where it went wrong.
 */
export function splitLogplexBody(body: Uint8Array): { frames: Uint8Array[]; error?: string } {
  const frames: Uint8Array[] = [];
  const n = body.length;
  let pos = 0;
  while (pos < n) {
    const c = body[pos];
    if (c === LF || c === CR || c === SP || c === NUL) {
      pos++;
      continue;
    }
    const h = readHeader(body, pos, n);
    let problem: string | undefined;
    if (h === NEED_MORE) problem = 'the body ends inside a MSG-LEN';
    else if (h === BAD) problem = 'expected MSG-LEN SP';
    else if (h.len === 0) problem = 'MSG-LEN is 0';
    else if (h.payload + h.len > n) problem = `MSG-LEN ${h.len} runs past the end of the body (${n - h.payload} bytes left)`;
    if (problem !== undefined || typeof h === 'number') {
      frames.push(body.subarray(pos));
      return { frames, error: `cannot split logplex body at byte ${pos} (frame ${frames.length}): ${problem}; kept the rest as one frame` };
    }
    frames.push(body.subarray(h.payload, h.payload + h.len));
    pos = h.payload + h.len;
  }
  return { frames };
}
