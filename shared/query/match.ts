// The in-memory back end (DESIGN 5): live tail and UI highlighting. store/compile.ts is the SQL
// twin; both must give the same answer, so the value rules it needs are exported from here.

import { FACILITIES, SEVERITIES, severityCode, facilityCode, type Event } from '../event.ts';
import type { Attr, QueryNode, SeverityCompare, SeverityOp } from './ast.ts';
import { withoutEscapes } from '../escapes.ts';

export interface MatchContext {
  /** Whether the event's system belongs to the group; gets the `group:` value as written (may hold `*`). */
  inGroup?: (groupName: string, event: Event) => boolean;
}

export type Matcher = (event: Event) => boolean;

// A leading decimal number, then an optional unit made of letters, `%`, `°` or `/`:
// `12ms` → 12, `-0.5`, `3%`, `5MB`, `10/s`. Not numbers: `abc`, `10.1.2`, `1,000`, `0x1f`, ``.
const NUMBER = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))[\p{L}%°\/]*$/u;

/** The number in a field value or comparison operand, ignoring a unit suffix; undefined if none. */
export function numericValue(s: string): number | undefined {
  const m = NUMBER.exec(s.trim());
  return m ? Number(m[1]) : undefined;
}

/**
 * `web-*` → /^web-.*$/is. The pattern is lower-cased; the matcher tests lower-cased values
 * (String.prototype.toLowerCase, as the SQL side does), `i` only helps callers that do not.
 */
export function wildcardToRegExp(pattern: string): RegExp {
  const body = pattern
    .toLowerCase()
    .split('*')
    .map((part) => part.replace(/[\\^$.*+?()[\]{}|\/]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`, 'is');
}

/** Codes (0 = Emergency … 7 = Debug) named by a `severity:` value: a name, alias or wildcard. */
export function severityValueCodes(value: string): number[] {
  return enumCodes(value, SEVERITIES, severityCode);
}

/** Codes (RFC 5424 §6.2.1) named by a `facility:` value: a name or wildcard. */
export function facilityValueCodes(value: string): number[] {
  return enumCodes(value, FACILITIES, facilityCode);
}

// event.ts looks aliases up with `in` on a plain object, so `constructor` would yield a function.
function safeCode(code: (name: string) => number | undefined, name: string, count: number): number | undefined {
  const c: unknown = code(name);
  return typeof c === 'number' && Number.isInteger(c) && c >= 0 && c < count ? c : undefined;
}

function enumCodes(value: string, names: readonly string[], code: (name: string) => number | undefined): number[] {
  if (!value.includes('*')) {
    const c = safeCode(code, value, names.length);
    return c === undefined ? [] : [c];
  }
  const re = wildcardToRegExp(value);
  return names.flatMap((n, i) => (re.test(n.toLowerCase()) ? [i] : []));
}

/** Whether an event of severity `code` satisfies `severity:<op><threshold>` ("at least as severe"). */
export function severityCompare(op: SeverityOp, threshold: number, code: number): boolean {
  switch (op) {
    case '>=': return code <= threshold;
    case '>': return code < threshold;
    case '<=': return code >= threshold;
    case '<': return code > threshold;
    case '=': return code === threshold;
  }
}

/** The severity codes that satisfy a SeverityCompare node (handy for `severity IN (…)`). */
export function severityCompareCodes(node: SeverityCompare): number[] {
  return SEVERITIES.flatMap((_, c) => (severityCompare(node.op, node.code, c) ? [c] : []));
}

// Lower-cased haystacks, computed at most once per event and only when a node asks.
// One view per event, shared by every matcher that sees it (a live tail tests each event against
// many queries): the lower-cased fields are computed once, not once per query.
const views = new WeakMap<Event, View>();
function viewOf(event: Event): View {
  let v = views.get(event);
  if (!v) views.set(event, (v = new View(event)));
  return v;
}

class View {
  private cache: Partial<Record<'source_name' | 'program' | 'message' | 'hostname', string>> = {};
  constructor(readonly event: Event) {}
  lower(key: 'source_name' | 'program' | 'message' | 'hostname'): string {
    return (this.cache[key] ??= withoutEscapes(String(this.event[key] ?? '')).toLowerCase());
  }
}

type Test = (v: View) => boolean;

export function compileMatcher(ast: QueryNode, ctx: MatchContext = {}): Matcher {
  const test = compile(ast, ctx);
  return (event) => test(viewOf(event));
}

export function matches(ast: QueryNode, event: Event, ctx: MatchContext = {}): boolean {
  return compileMatcher(ast, ctx)(event);
}

// What SQLite's FTS5 unicode61 tokenizer keeps as token characters (Unicode L*, N* and Co).
const TOKEN_CHAR = /[\p{L}\p{N}\p{Co}]/u;

/**
 * Whether `needle` occurs in `haystack` starting at the beginning of a word (both lower-cased):
 * `status=50` in `status=502`, `10.1.2` in `ip=10.1.23`, `err` in `error`, but not `rror` in
 * `error`. This is the substring rule of DESIGN 5 as a word index can answer it; the SQL back end
 * applies the same function to the candidates its FTS5 index finds. `~"rror"` reaches mid-word.
 */
export function containsAtWordStart(haystack: string, needle: string): boolean {
  if (needle === '') return true;
  return wordStartIndexOf(haystack, needle, 0) !== -1;
}

/**
 * The first offset >= `from` where `needle` occurs in `haystack` starting at a word (both
 * lower-cased; -1 if none): the rule above, also used to mark the matches in the web UI.
 */
export function wordStartIndexOf(haystack: string, needle: string, from: number): number {
  const anchored = TOKEN_CHAR.test(needle[0]!);
  for (let at = haystack.indexOf(needle, from); at !== -1; at = haystack.indexOf(needle, at + 1)) {
    if (!anchored || at === 0 || !TOKEN_CHAR.test(haystack[at - 1]!)) return at;
  }
  return -1;
}

function substring(needle: string): Test {
  const n = needle.toLowerCase();
  return (v) => containsAtWordStart(v.lower('source_name'), n) || containsAtWordStart(v.lower('program'), n) || containsAtWordStart(v.lower('message'), n);
}

function compile(node: QueryNode, ctx: MatchContext): Test {
  switch (node.type) {
    case 'matchAll':
      return () => true;
    case 'term':
    case 'phrase':
      return substring(node.value);
    case 'and': {
      const tests = node.children.map((c) => compile(c, ctx));
      return (v) => tests.every((t) => t(v));
    }
    case 'or': {
      const tests = node.children.map((c) => compile(c, ctx));
      return (v) => tests.some((t) => t(v));
    }
    case 'not': {
      const t = compile(node.child, ctx);
      return (v) => !t(v);
    }
    case 'attr':
      return compileAttr(node, ctx);
    case 'severityCompare':
      return (v) => {
        const code = safeCode(severityCode, String(v.event.severity), SEVERITIES.length);
        return code !== undefined && severityCompare(node.op, node.code, code);
      };
    case 'fieldCompare':
      return (v) => {
        const raw = Object.hasOwn(v.event.fields ?? {}, node.field) ? v.event.fields[node.field] : undefined;
        const n = typeof raw === 'string' ? numericValue(raw) : undefined;
        if (n === undefined) return false;
        switch (node.op) {
          case '>=': return n >= node.value;
          case '>': return n > node.value;
          case '<=': return n <= node.value;
          case '<': return n < node.value;
        }
      };
    case 'regex': {
      const re = new RegExp(node.source, 'i'); // no `g`: a stateful lastIndex would skip matches
      return (v) => re.test(withoutEscapes(String(v.event.message ?? '')));
    }
  }
}

function compileAttr(node: Attr, ctx: MatchContext): Test {
  switch (node.name) {
    case 'message': {
      const needles = node.values.map((x) => x.toLowerCase());
      return (v) => needles.some((n) => containsAtWordStart(v.lower('message'), n));
    }
    case 'severity':
    case 'facility': {
      const key = node.name;
      const codes = new Set(node.values.flatMap(key === 'severity' ? severityValueCodes : facilityValueCodes));
      const [code, count] = key === 'severity' ? [severityCode, SEVERITIES.length] : [facilityCode, FACILITIES.length];
      return (v) => {
        const c = safeCode(code, String(v.event[key]), count);
        return c !== undefined && codes.has(c);
      };
    }
    case 'group': {
      const inGroup = ctx.inGroup;
      if (!inGroup) return () => false;
      return (v) => node.values.some((g) => inGroup(g, v.event));
    }
    case 'sender':
    case 'program':
    case 'host': {
      const key = node.name === 'sender' ? 'source_name' : node.name === 'host' ? 'hostname' : 'program';
      const res = node.values.map(wildcardToRegExp);
      return (v) => res.some((re) => re.test(v.lower(key)));
    }
  }
}
