// Query lexer (DESIGN 5): text → tokens with 0-based source offsets [start, end).
// A word runs to whitespace or a parenthesis; quotes and `-` are special only at a token's start,
// so `don't`, `a-b`, `/api/v1/`, `10.1.2`, `status=50`, `user@example.com` are plain words.

import { ATTR_NAMES, type AttrName, type CompareOp, type QueryError } from './ast.ts';

type Punct = 'lparen' | 'rparen' | 'minus' | 'and' | 'or' | 'not';

export type Token =
  | { type: 'word'; text: string; start: number; end: number }
  | { type: 'phrase'; text: string; quote: '"' | "'"; start: number; end: number }
  | { type: 'regex'; source: string; start: number; end: number }
  | { [K in Punct]: { type: K; start: number; end: number } }[Punct]
  // `sender:` — the value is the next token, which must start at `end` (lexed in value mode).
  | { type: 'attr'; name: AttrName; start: number; end: number }
  // `status>=500`: `value` is the text after the operator (may be empty or not a number).
  | { type: 'compare'; field: string; op: CompareOp; value: string; valueStart: number; start: number; end: number };

export type LexResult = { ok: true; tokens: Token[] } | { ok: false; error: QueryError };

const KEYWORDS: Record<string, 'and' | 'or' | 'not'> = { AND: 'and', OR: 'or', NOT: 'not' };
const ATTR_PREFIX = /^([A-Za-z]+):/;
// DESIGN 2 field keys: a letter, then letters, digits or `_ . - # / @`. Requiring the name to end
// in a letter, digit or `_` keeps arrows such as `a->b` ordinary words.
const FIELD_NAME = /^\p{L}(?:[\p{L}\p{N}_.\-#\/@]*[\p{L}\p{N}_])?$/u;

export function isSpace(c: string): boolean {
  return /\s/.test(c);
}

function endsWord(c: string): boolean {
  return c === '(' || c === ')' || isSpace(c);
}

export function column(offset: number): number {
  return offset + 1;
}

export function lex(q: string): LexResult {
  const tokens: Token[] = [];
  let i = 0;
  let valueMode = false; // the token right after `attr:` is a literal value
  while (i < q.length) {
    const c = q[i];
    if (isSpace(c)) {
      i++;
      valueMode = false;
      continue;
    }
    const start = i;
    const wasValue = valueMode;
    valueMode = false;
    if (c === '(' || c === ')') {
      tokens.push({ type: c === '(' ? 'lparen' : 'rparen', start, end: ++i });
    } else if (c === '"' || c === "'") {
      const r = lexPhrase(q, i);
      if (!r.ok) return r;
      tokens.push({ type: 'phrase', text: r.text, quote: c, start, end: r.end });
      i = r.end;
    } else if (!wasValue && c === '~' && (q[i + 1] === '"' || q[i + 1] === "'")) {
      const r = lexRegex(q, i + 1);
      if (!r.ok) return r;
      tokens.push({ type: 'regex', source: r.source, start, end: r.end });
      i = r.end;
    } else if (!wasValue && c === '-' && i + 1 < q.length && q[i + 1] !== ')' && !isSpace(q[i + 1])) {
      // `-x`, `-(…)`, `-"…"` negate; a lone `-` (before a space, `)` or the end) is a word.
      tokens.push({ type: 'minus', start, end: ++i });
    } else {
      while (i < q.length && !endsWord(q[i])) i++;
      const text = q.slice(start, i);
      if (wasValue) {
        tokens.push({ type: 'word', text, start, end: i });
        continue;
      }
      const kw = Object.hasOwn(KEYWORDS, text) ? KEYWORDS[text] : undefined;
      if (kw !== undefined) {
        tokens.push({ type: kw, start, end: i });
        continue;
      }
      const attr = ATTR_PREFIX.exec(text);
      const name = attr?.[1].toLowerCase();
      if (attr && (ATTR_NAMES as readonly string[]).includes(name ?? '')) {
        i = start + attr[0].length;
        tokens.push({ type: 'attr', name: name as AttrName, start, end: i });
        valueMode = true;
        continue;
      }
      tokens.push(wordOrCompare(text, start, i));
    }
  }
  return { ok: true, tokens };
}

function wordOrCompare(text: string, start: number, end: number): Token {
  const at = text.search(/[<>]/);
  const field = text.slice(0, at);
  if (at > 0 && FIELD_NAME.test(field)) {
    const op = (text[at + 1] === '=' ? text.slice(at, at + 2) : text[at]) as CompareOp;
    const valueStart = start + at + op.length;
    return { type: 'compare', field, op, value: text.slice(at + op.length), valueStart, start, end };
  }
  return { type: 'word', text, start, end };
}

// "…": `\"` and `\\` are escapes, any other backslash is literal (`"C:\temp"`). '…': no escapes.
function lexPhrase(q: string, open: number): { ok: true; text: string; end: number } | { ok: false; error: QueryError } {
  const quote = q[open];
  let text = '';
  for (let i = open + 1; i < q.length; i++) {
    const c = q[i];
    if (c === quote) return { ok: true, text, end: i + 1 };
    if (quote === '"' && c === '\\' && (q[i + 1] === '"' || q[i + 1] === '\\')) {
      text += q[++i];
    } else {
      text += c;
    }
  }
  const want = quote === '"' ? `'"'` : `"'"`;
  return { ok: false, error: { message: `expected ${want} to close the phrase opened at column ${column(open)}`, offset: q.length } };
}

// The regex source is the raw text between the quotes: a backslash keeps the next character
// (so `\"` does not close it and reaches RegExp as an identity escape), nothing is unescaped.
function lexRegex(q: string, open: number): { ok: true; source: string; end: number } | { ok: false; error: QueryError } {
  const quote = q[open];
  for (let i = open + 1; i < q.length; i++) {
    if (q[i] === '\\') i++;
    else if (q[i] === quote) return { ok: true, source: q.slice(open + 1, i), end: i + 1 };
  }
  const want = quote === '"' ? `'"'` : `"'"`;
  const message = `expected ${want} to close the regular expression opened at column ${column(open - 1)}`;
  return { ok: false, error: { message, offset: q.length } };
}
