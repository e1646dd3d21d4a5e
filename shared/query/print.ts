// AST → canonical query text (DESIGN 5), shown for saved searches. Round trip:
// print(parse(print(ast))) === print(ast), and print(parse(q)) === q for canonical q.
//
// Canonical form: single spaces; implicit AND (never `AND`); ` OR `; `-x` (never `NOT`);
// parentheses only where precedence needs them (an OR inside an AND or after `-`, an AND after
// `-`); nested AND-in-AND / OR-in-OR flattened; a word stays bare when it lexes back as the same
// plain word, otherwise it is quoted: "…" with `\"` escapes, or '…' when it holds `"` but no `'`;
// attribute names lower-case, one value as `name:v`, several as `name:(a b)`; severity and
// facility names lower-case; `severity:>=warning`; `status>=500` with the number as written;
// `~"regex"`; the empty query prints as ''.

import { SEVERITIES } from '../event.ts';
import type { QueryNode } from './ast.ts';
import { lex } from './lexer.ts';

export function print(ast: QueryNode): string {
  return show(normalize(ast), 'top');
}

type Context = 'top' | 'and' | 'or' | 'not';

function show(node: QueryNode, ctx: Context): string {
  switch (node.type) {
    case 'matchAll':
      return '';
    case 'term':
      return value(node.value);
    case 'phrase':
      return quote(node.value);
    case 'and': {
      const text = node.children.map((c) => show(c, 'and')).join(' ');
      return ctx === 'not' ? `(${text})` : text;
    }
    case 'or': {
      const text = node.children.map((c) => show(c, 'or')).join(' OR ');
      return ctx === 'and' || ctx === 'not' ? `(${text})` : text;
    }
    case 'not':
      return `-${show(node.child, 'not')}`;
    case 'attr':
      return `${node.name}:${node.values.length === 1 ? value(node.values[0]) : `(${node.values.map(value).join(' ')})`}`;
    case 'severityCompare':
      return `severity:${node.op}${(SEVERITIES[node.code] ?? `${node.code}`).toLowerCase()}`;
    case 'fieldCompare':
      return `${node.field}${node.op}${node.raw}`;
    case 'regex':
      return `~"${regexBody(node.source)}"`;
  }
}

// Flatten AND-in-AND and OR-in-OR and unwrap one-child groups: the shape parse() produces.
function normalize(node: QueryNode): QueryNode {
  switch (node.type) {
    case 'and':
    case 'or': {
      const type = node.type;
      const children = node.children.map(normalize).flatMap((c) => (c.type === type ? c.children : [c]));
      return children.length === 1 ? children[0] : { ...node, children };
    }
    case 'not':
      return { ...node, child: normalize(node.child) };
    default:
      return node;
  }
}

/** `s` as written when it lexes back as that same plain word, else quoted. */
function value(s: string): string {
  const r = lex(s);
  const t = r.ok && r.tokens.length === 1 ? r.tokens[0] : undefined;
  return t?.type === 'word' && t.text === s ? s : quote(s);
}

function quote(s: string): string {
  if (s.includes('"') && !s.includes("'")) return `'${s}'`;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    const next = s[i + 1];
    // The lexer reads `\"` and `\\` as escapes and any other backslash literally.
    if (c === '"') out += '\\"';
    else if (c === '\\' && (next === undefined || next === '"' || next === '\\')) out += '\\\\';
    else out += c;
  }
  return `"${out}"`;
}

// Regex sources are kept raw: only an unescaped `"` needs a backslash (an identity escape).
function regexBody(source: string): string {
  let out = '';
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') out += i + 1 < source.length ? c + source[++i] : '\\\\';
    else out += c === '"' ? '\\"' : c;
  }
  return out;
}
