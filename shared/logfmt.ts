// logfmt `key=value` pairs found anywhere in a message (DESIGN 2 "fields"): Heroku router lines,
// Go/Ruby loggers and `sample#memory_rss=21MB` metrics all print them.
// One left-to-right pass; no regex ever runs over the message, so hostile input stays linear.

const SP = 0x20;
const TAB = 0x09;
const EQ = 0x3d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

function isLetter(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
}

// DESIGN 2: a key is a letter followed by letters, digits or `_ . - # / @`.
function isKeyChar(c: number): boolean {
  return (
    isLetter(c) ||
    (c >= 0x30 && c <= 0x39) ||
    c === 0x5f || c === 0x2e || c === 0x2d || c === 0x23 || c === 0x2f || c === 0x40
  );
}

function isSpace(c: number): boolean {
  return c === SP || c === TAB || c === 0x0a || c === 0x0d;
}

/**
 * Every `key=value` pair in `message`, keyed by name (a later duplicate wins). A pair starts at the
 * beginning of the message or after whitespace. Values end at whitespace, or are double-quoted with
 * `\"` and `\\` escapes; an unterminated quote takes the rest of the message. `key=` alone is ''.
 * Tokens without `=` are skipped. With `only`, pairs with other keys are scanned past, not kept.
 */
export function parseLogfmt(message: string, only?: ReadonlySet<string>): Record<string, string> {
  const out: Record<string, string> = {};
  const n = message.length;
  let i = 0;
  while (i < n) {
    // Skip whitespace to the start of a token.
    while (i < n && isSpace(message.charCodeAt(i))) i++;
    if (i >= n) break;
    const keyStart = i;
    if (isLetter(message.charCodeAt(i))) {
      i++;
      while (i < n && isKeyChar(message.charCodeAt(i))) i++;
      if (i < n && message.charCodeAt(i) === EQ) {
        // With `only`, a key of another length is not even cut out (no string made for it).
        const key = !only || keyLengths(only).has(i - keyStart) ? message.slice(keyStart, i) : '';
        i++;
        const keep = !only || only.has(key);
        if (i < n && message.charCodeAt(i) === QUOTE) {
          i = keep ? readQuoted(message, i + 1, out, key) : skipQuoted(message, i + 1);
        } else {
          const valueStart = i;
          while (i < n && !isSpace(message.charCodeAt(i))) i++;
          if (keep) out[key] = message.slice(valueStart, i);
        }
        continue;
      }
    }
    // Not a pair: skip the rest of this token.
    while (i < n && !isSpace(message.charCodeAt(i))) i++;
  }
  return out;
}

let lengthsOf: ReadonlySet<string> | undefined;
let lengths = new Set<number>();
/** The lengths of the keys in `only` (callers pass the same few sets: the last one is kept). */
function keyLengths(only: ReadonlySet<string>): Set<number> {
  if (only !== lengthsOf) {
    lengthsOf = only;
    lengths = new Set([...only].map((k) => k.length));
  }
  return lengths;
}

/**
 * An event's fields (DESIGN 2): the message's logfmt pairs, under the fields its parser found
 * elsewhere (header, structured data, syslog_severity), which win on a clash.
 */
export function fieldsOf(message: string, ownFields: Readonly<Record<string, string>> | null | undefined): Record<string, string> {
  const fields = parseLogfmt(message);
  if (ownFields) Object.assign(fields, ownFields);
  return fields;
}

/** Reads a quoted value starting after the opening quote; stores it; returns the index after it. */
function readQuoted(s: string, start: number, out: Record<string, string>, key: string): number {
  const n = s.length;
  let i = start;
  let chunkStart = start;
  let value = '';
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c === QUOTE) {
      out[key] = value + s.slice(chunkStart, i);
      return i + 1;
    }
    if (c === BACKSLASH && i + 1 < n) {
      const next = s.charCodeAt(i + 1);
      if (next === QUOTE || next === BACKSLASH) {
        value += s.slice(chunkStart, i);
        chunkStart = i + 1; // keep the escaped character itself
        i += 2;
        continue;
      }
    }
    i++;
  }
  out[key] = value + s.slice(chunkStart, n);
  return n;
}

/**
 * parseLogfmt(message)[name] without building the object: the SQL field comparisons
 * (`status>=500`) call this once per candidate row. Same scan, same answer (a property test
 * holds the two together).
 */
export function logfmtField(message: string, name: string): string | undefined {
  const n = message.length;
  let found: string | undefined;
  let i = 0;
  while (i < n) {
    while (i < n && isSpace(message.charCodeAt(i))) i++;
    if (i >= n) break;
    const keyStart = i;
    if (isLetter(message.charCodeAt(i))) {
      i++;
      while (i < n && isKeyChar(message.charCodeAt(i))) i++;
      if (i < n && message.charCodeAt(i) === EQ) {
        const wanted = i - keyStart === name.length && message.startsWith(name, keyStart);
        i++;
        if (i < n && message.charCodeAt(i) === QUOTE) {
          const box: Record<string, string> = {};
          i = wanted ? readQuoted(message, i + 1, box, name) : skipQuoted(message, i + 1);
          if (wanted) found = box[name];
        } else {
          const valueStart = i;
          while (i < n && !isSpace(message.charCodeAt(i))) i++;
          if (wanted) found = message.slice(valueStart, i);
        }
        continue;
      }
    }
    while (i < n && !isSpace(message.charCodeAt(i))) i++;
  }
  return found;
}

/** The index after a quoted value that starts after its opening quote (as readQuoted reads it). */
function skipQuoted(s: string, start: number): number {
  const n = s.length;
  for (let i = start; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === QUOTE) return i + 1;
    if (c === BACKSLASH && i + 1 < n) {
      const next = s.charCodeAt(i + 1);
      if (next === QUOTE || next === BACKSLASH) i++;
    }
  }
  return n;
}
