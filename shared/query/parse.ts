// Query parser (DESIGN 5): tokens → AST. Never throws on input; user errors come back as values.
//
//   query   := or EOF                      (empty → MatchAll)
//   or      := and ( 'OR' and )*
//   and     := unary ( 'AND'? unary )*
//   unary   := ( '-' | 'NOT' ) unary | primary
//   primary := word | phrase | regex | compare | attr value | '(' or ')'
//   value   := word | phrase | '(' value ( 'OR'? value )* ')'

import { SEVERITIES, FACILITIES } from '../event.ts';
import type { Attr, QueryError, QueryNode, ParseResult, SeverityOp } from './ast.ts';
import { column, lex, type Token } from './lexer.ts';
import { facilityValueCodes, numericValue, severityValueCodes } from './match.ts';

class QuerySyntaxError {
  constructor(readonly error: QueryError) {}
}

function fail(message: string, offset: number): never {
  throw new QuerySyntaxError({ message, offset });
}

const MAX_DEPTH = 100; // nesting of `-`, `NOT` and `(`: far beyond any real query
const STRAY_RPAREN = `unexpected ')' with no matching '('`;
const SEVERITY_NAMES = `one of ${SEVERITIES.map((s) => s.toLowerCase()).join(', ')} (aliases emerg, crit, err, warn)`;
const FACILITY_NAMES = `one of ${FACILITIES.map((s) => s.toLowerCase()).join(', ')}`;

export function parse(q: string): ParseResult {
  const lexed = lex(q);
  if (!lexed.ok) return lexed;
  if (lexed.tokens.length === 0) return { ok: true, ast: { type: 'matchAll', start: 0, end: q.length } };
  try {
    return { ok: true, ast: new Parser(q, lexed.tokens).query() };
  } catch (e) {
    if (e instanceof QuerySyntaxError) return { ok: false, error: e.error };
    throw e; // a bug, not bad input
  }
}

function describeToken(t: Token): string {
  switch (t.type) {
    case 'word': return `'${t.text}'`;
    case 'phrase': return `${t.quote}${t.text}${t.quote}`;
    case 'regex': return 'regular expression';
    case 'lparen': return `'('`;
    case 'rparen': return `')'`;
    case 'minus': return `'-'`;
    case 'and': return `'AND'`;
    case 'or': return `'OR'`;
    case 'not': return `'NOT'`;
    case 'attr': return `'${t.name}:'`;
    case 'compare': return `'${t.field}${t.op}${t.value}'`;
  }
}

function startsUnary(t: Token | undefined): boolean {
  return t !== undefined && t.type !== 'rparen' && t.type !== 'and' && t.type !== 'or';
}

class Parser {
  private pos = 0;
  private depth = 0;
  constructor(private readonly q: string, private readonly tokens: Token[]) {}

  private peek(): Token | undefined {
    return this.tokens[this.pos];
  }

  private here(): number {
    return this.peek()?.start ?? this.q.length;
  }

  query(): QueryNode {
    const ast = this.or();
    const t = this.peek();
    if (t) fail(STRAY_RPAREN, t.start); // or() stops only at ')' or the end
    return ast;
  }

  private or(): QueryNode {
    const children = [this.and()];
    for (let t = this.peek(); t?.type === 'or'; t = this.peek()) {
      this.pos++;
      if (!startsUnary(this.peek())) fail(`expected a term after 'OR'`, t.start);
      children.push(this.and());
    }
    return group('or', children);
  }

  private and(): QueryNode {
    const first = this.peek();
    if (first && (first.type === 'or' || first.type === 'and')) {
      fail(`expected a term before '${first.type.toUpperCase()}'`, first.start);
    }
    if (first?.type === 'rparen') fail(STRAY_RPAREN, first.start); // only at the top: '()' is caught in primary()
    const children = [this.unary()];
    for (let t = this.peek(); t && (t.type === 'and' || startsUnary(t)); t = this.peek()) {
      if (t.type === 'and') {
        this.pos++;
        if (!startsUnary(this.peek())) fail(`expected a term after 'AND'`, t.start);
      }
      children.push(this.unary());
    }
    return group('and', children);
  }

  // Every nesting (`-`, `NOT`, `(`) recurses through here; the bound keeps the stack (and the
  // recursive printer and matchers downstream) safe from `((((…` pasted a thousand times.
  private unary(): QueryNode {
    const t = this.peek();
    if (++this.depth > MAX_DEPTH) fail(`query nests deeper than ${MAX_DEPTH} levels`, t?.start ?? this.q.length);
    try {
      if (t && (t.type === 'minus' || t.type === 'not')) {
        this.pos++;
        if (!startsUnary(this.peek())) fail(`expected a term after ${describeToken(t)}`, t.start);
        const child = this.unary();
        return { type: 'not', child, start: t.start, end: child.end };
      }
      return this.primary();
    } finally {
      this.depth--;
    }
  }

  private primary(): QueryNode {
    const t = this.tokens[this.pos++];
    if (t === undefined) throw new Error('BUG: primary() past the end of the query');
    switch (t.type) {
      case 'word':
        return { type: 'term', value: t.text, start: t.start, end: t.end };
      case 'phrase':
        return { type: 'phrase', value: this.phraseText(t), start: t.start, end: t.end };
      case 'regex':
        return this.regex(t.source, t.start, t.end);
      case 'compare':
        return this.compare(t);
      case 'attr':
        return this.attr(t);
      case 'lparen': {
        const unclosed = `expected ')' to close '(' opened at column ${column(t.start)}`;
        if (this.peek() === undefined) fail(unclosed, this.q.length);
        if (this.peek()?.type === 'rparen') fail(`empty group '()'`, t.start);
        const inner = this.or();
        const close = this.peek();
        if (close?.type !== 'rparen') return fail(unclosed, this.here());
        this.pos++;
        return { ...inner, start: t.start, end: close.end };
      }
      default:
        throw new Error(`BUG: primary() called on ${describeToken(t)}`);
    }
  }

  private phraseText(t: Token & { type: 'phrase' }): string {
    if (t.text === '') fail('empty phrase: put the text to find between the quotes', t.start);
    return t.text;
  }

  private regex(source: string, start: number, end: number): QueryNode {
    try {
      new RegExp(source, 'i');
    } catch (e) {
      fail(e instanceof Error ? e.message : String(e), start);
    }
    return { type: 'regex', source, start, end };
  }

  private compare(t: Token & { type: 'compare' }): QueryNode {
    const written = `${t.field}${t.op}`;
    if (t.value === '') fail(`expected a number after '${written}'`, t.valueStart);
    const value = numericValue(t.value);
    if (value === undefined) {
      const hint = t.field.toLowerCase() === 'severity' && severityValueCodes(t.value).length > 0
        ? ` (did you mean severity:${t.op}${t.value}?)`
        : `, optionally with a unit (500, 1000ms); quote text to search for it`;
      return fail(`bad comparison value '${t.value}' in '${written}${t.value}': expected a number${hint}`, t.valueStart);
    }
    return { type: 'fieldCompare', field: t.field, op: t.op, value, raw: t.value, start: t.start, end: t.end };
  }

  private attr(t: Token & { type: 'attr' }): QueryNode {
    const prefix = `'${this.q.slice(t.start, t.end)}'`;
    const next = this.peek();
    if (next === undefined || next.start !== t.end || !(isValue(next) || next.type === 'lparen')) {
      return fail(`expected a value right after ${prefix}`, t.end);
    }
    this.pos++;
    if (next.type === 'word' && t.name === 'severity') {
      const op = /^(>=|<=|>|<|=)/.exec(next.text)?.[1] as SeverityOp | undefined;
      if (op) return this.severityCompare(op, next.text.slice(op.length), next.start + op.length, t.start, next.end);
    }
    const values: [string, number][] = [];
    let end = next.end;
    if (next.type === 'lparen') {
      if (this.peek()?.type === 'rparen') fail(`empty value list after ${prefix}`, next.start);
      for (;;) {
        const v = this.tokens[this.pos];
        if (v === undefined) fail(`expected ')' to close '(' opened at column ${column(next.start)}`, this.q.length);
        this.pos++;
        if (v.type === 'rparen') {
          end = v.end;
          break;
        }
        if (v.type === 'or' && values.length > 0 && isValue(this.peek())) continue;
        if (!isValue(v)) return fail(`unexpected ${describeToken(v)} in the value list of ${prefix}`, v.start);
        values.push([this.valueText(v), v.start]);
      }
    } else {
      values.push([this.valueText(next), next.start]);
    }
    const node: Attr = { type: 'attr', name: t.name, values: values.map(([v]) => v), start: t.start, end };
    if (t.name === 'severity' || t.name === 'facility') {
      const name = t.name;
      node.values = values.map(([v, at]) => this.enumValue(name, v, at));
    }
    return node;
  }

  private valueText(t: Token & { type: 'word' | 'phrase' }): string {
    return t.type === 'word' ? t.text : this.phraseText(t);
  }

  // Canonical lower-case name for `severity:err` → `error`; wildcards are kept, lower-cased.
  private enumValue(name: 'severity' | 'facility', value: string, at: number): string {
    const codes = name === 'severity' ? severityValueCodes(value) : facilityValueCodes(value);
    if (codes.length === 0) fail(`unknown ${name} '${value}': expected ${name === 'severity' ? SEVERITY_NAMES : FACILITY_NAMES}`, at);
    if (value.includes('*')) return value.toLowerCase();
    return (name === 'severity' ? SEVERITIES : FACILITIES)[codes[0]].toLowerCase();
  }

  private severityCompare(op: SeverityOp, name: string, at: number, start: number, end: number): QueryNode {
    if (name === '') fail(`expected a severity after 'severity:${op}', ${SEVERITY_NAMES}`, at);
    const codes = name.includes('*') ? [] : severityValueCodes(name);
    if (codes.length === 0) fail(`unknown severity '${name}': expected ${SEVERITY_NAMES}`, at);
    return { type: 'severityCompare', op, code: codes[0], start, end };
  }
}

function isValue(t: Token | undefined): t is Token & { type: 'word' | 'phrase' } {
  return t?.type === 'word' || t?.type === 'phrase';
}

// `a OR (b OR c)` is `a OR b OR c`: nested groups of the same kind are flattened, so that the
// printed form (parentheses only where precedence needs them) parses back to the same tree.
function group(type: 'and' | 'or', parts: QueryNode[]): QueryNode {
  if (parts.length === 1) return parts[0];
  const children = parts.flatMap((p) => (p.type === type ? p.children : [p]));
  return { type, children, start: parts[0].start, end: parts[parts.length - 1].end };
}
