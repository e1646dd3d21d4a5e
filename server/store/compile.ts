// The one compiler from query AST (shared/query) to SQL: an FTS5 MATCH expression that every
// match must satisfy (the index finds candidates) and an exact WHERE clause over `events e` that
// applies the same rules as the in-memory matcher. Every value is bound, never inlined.
import type { QueryNode } from '../../shared/query/ast.ts';
import { containsAtWordStart, facilityValueCodes, severityCompareCodes, severityValueCodes, wildcardToRegExp } from '../../shared/query/match.ts';
import { TEXT_ESCAPES, TEXT_FOLDS, TEXT_LOOKED_AT } from './codec.ts';
import type { FieldCountPlan } from './field-counts.ts';
import type { Filter } from './search.ts';

export interface CompileContext {
  /** Every system: sender names are matched here once, not stored on each row. */
  systems: readonly { id: number; name: string }[];
  /** System ids of the groups whose name matches (may hold `*`); undefined when none does. */
  groupSystemIds: (name: string) => number[] | undefined;
}

interface Part {
  /** A necessary condition in FTS5 syntax, when the index can express one. */
  fts?: string;
  /** The FTS condition alone decides the node (no exact re-check needed when it drives the scan). */
  exact: boolean;
  where: string;
  params: unknown[];
}

const TOKEN = /[\p{L}\p{N}\p{Co}]+/gu; // token characters of FTS5 unicode61
const TOKEN_CHAR = /^[\p{L}\p{N}\p{Co}]$/u;
const PREFIX_INDEX_CHARS = 3; // FTS5 prefix = '3' (day/0001_init.sql)

/**
 * FTS5 candidates for a needle that must start at a word start: all of its tokens, the last one a
 * prefix unless the needle ends in a separator. `status=50` → `"status" AND "50"*`. The index has
 * no positions (detail=none), so word order and columns are left to the exact check.
 */
function ftsTokens(needle: string): { fts?: string; exact: boolean } {
  const tokens = needle.match(TOKEN);
  if (!tokens) return { exact: false };
  const last = tokens.length - 1;
  if (!TOKEN_CHAR.test(needle.at(-1)!)) return { fts: tokens.map((t) => `"${t}"`).join(' AND '), exact: false };
  // The last token is a prefix. The index keeps 3-character prefixes (day/0001_init.sql): a longer
  // one is looked up by its first 3 characters (candidates; the exact check does the rest). A
  // shorter one after other tokens (`10.1.2`: "2"*) is left to the exact check; alone, FTS5
  // merges every term with that prefix (slow, but `ab` alone is a rare query).
  const stem = tokens[last]!;
  const prefix = stem.length < PREFIX_INDEX_CHARS && last > 0 ? [] : [`"${[...stem].slice(0, PREFIX_INDEX_CHARS).join('')}"*`];
  const fts = [...tokens.slice(0, last).map((t) => `"${t}"`), ...prefix].join(' AND ');
  // Only a lone token whose prefix the index holds exactly is decided by the index alone.
  return { fts, exact: last === 0 && tokens[0] === needle && [...stem].length === PREFIX_INDEX_CHARS };
}

/**
 * A necessary condition for `dw_text`/`dw_contains` (shared/query/match.ts's word-start rule) that
 * SQLite checks in C, so that rows without the needle never reach JavaScript: scans of rows not yet
 * indexed, of a quiet system's rows, of a time range. SQLite's LIKE folds ASCII
 * case only, so it stands in for an ASCII needle only where the column's lower case is its ASCII
 * fold: a column holding an escape sequence (search reads text without them: shared/escapes.ts),
 * or, for a needle with `i` or `k`, U+0130 İ or the Kelvin sign U+212A (the only characters that
 * JavaScript lower-cases to ASCII letters), goes to the exact check whatever LIKE says.
 * Which rows hold those characters is in their flags (store/codec.ts TEXT_ bits), an integer test;
 * rows written before the flags existed are looked at with GLOB `*c*`, which cost 0.4 µs a row
 * for the three characters against 0.09 µs for LIKE alone (`instr` was slower still: BENCHMARKS,
 * "Search while ingesting").
 */
function mayContain(columns: string[], needle: string): { where: string; params: string[] } | undefined {
  if (needle === '' || !/^[\x00-\x7f]+$/.test(needle)) return undefined;
  const pattern = `%${needle.replace(/[\\%_]/g, '\\$&')}%`;
  const folds = /[ik]/.test(needle);
  const specials = ['\x1b', ...(folds ? ['\u0130', '\u212a'] : [])].map((ch) => `*${ch}*`);
  const likes = columns.map((c) => `${c} LIKE ? ESCAPE '\\'`);
  // Rows written since store/codec.ts marks them say whether they hold those characters (an integer
  // test); older rows are looked at with GLOB.
  const marked = folds ? TEXT_ESCAPES | TEXT_FOLDS : TEXT_ESCAPES;
  const globs = columns.flatMap((c) => specials.map(() => `${c} GLOB ?`));
  return {
    where: `(${likes.join(' OR ')} OR (e.flags & ${marked}) != 0 OR ((e.flags & ${TEXT_LOOKED_AT}) = 0 AND (${globs.join(' OR ')})))`,
    params: [...columns.map(() => pattern), ...columns.flatMap(() => specials)],
  };
}

/** `check` (a dw_ function of the columns and the needle), behind mayContain's cheap test. */
function textCheck(columns: string[], needle: string, check: string): { where: string; params: unknown[] } {
  const pre = mayContain(columns, needle);
  return pre ? { where: `(${pre.where} AND ${check})`, params: [...pre.params, needle] } : { where: check, params: [needle] };
}

// An empty list is the constant 0, never `IN (NULL)`: that is NULL, and NOT NULL is not true.
const isIn = (column: string, ids: readonly number[]) => (ids.length ? `${column} IN (${ids.map(() => '?').join(',')})` : '0');
const or = (parts: string[]) => (parts.length === 1 ? parts[0]! : `(${parts.join(' OR ')})`);

function compileNode(node: QueryNode, ctx: CompileContext): Part {
  switch (node.type) {
    case 'matchAll':
      return { exact: true, where: '1', params: [] };
    case 'term':
    case 'phrase': {
      const needle = node.value.toLowerCase();
      const senders = ctx.systems.filter((s) => containsAtWordStart(s.name.toLowerCase(), needle)).map((s) => s.id);
      const { fts, exact } = ftsTokens(needle);
      const text = textCheck(['e.message', 'e.program'], needle, 'dw_text(e.program, e.message, ?)');
      if (senders.length) return { exact: false, where: `(${isIn('e.system_id', senders)} OR ${text.where})`, params: [...senders, ...text.params] };
      return { fts, exact, ...text };
    }
    case 'and': {
      const parts = node.children.map((c) => compileNode(c, ctx));
      const fts = parts.filter((p) => p.fts !== undefined).map((p) => `(${p.fts})`);
      return {
        fts: fts.length ? fts.join(' AND ') : undefined,
        exact: parts.every((p) => p.exact && p.fts !== undefined),
        where: `(${parts.map((p) => p.where).join(' AND ')})`,
        params: parts.flatMap((p) => p.params),
      };
    }
    case 'or': {
      const parts = node.children.map((c) => compileNode(c, ctx));
      const all = parts.every((p) => p.fts !== undefined);
      return {
        fts: all ? parts.map((p) => `(${p.fts})`).join(' OR ') : undefined,
        exact: all && parts.every((p) => p.exact),
        where: or(parts.map((p) => p.where)),
        params: parts.flatMap((p) => p.params),
      };
    }
    case 'not': {
      const inner = compileNode(node.child, ctx);
      return { exact: false, where: `NOT ${inner.where}`, params: inner.params };
    }
    case 'severityCompare': {
      const codes = severityCompareCodes(node);
      return { exact: false, where: isIn('(e.pri & 7)', codes), params: codes };
    }
    case 'fieldCompare':
      // dw_num is NULL for an absent, empty or non-numeric field: coalesce makes that false, also under NOT.
      return { exact: false, where: `coalesce(dw_num(e.message, e.extra, ?) ${node.op} ?, 0)`, params: [node.field, node.value] };
    case 'regex':
      return { exact: false, where: 'dw_regex(e.message, ?)', params: [node.source] };
    case 'attr':
      return compileAttr(node.name, node.values, ctx);
  }
}

function compileAttr(name: string, values: string[], ctx: CompileContext): Part {
  switch (name) {
    case 'message': {
      const parts = values.map((v) => ({ ...ftsTokens(v.toLowerCase()), needle: v.toLowerCase() }));
      const checks = parts.map((p) => textCheck(['e.message'], p.needle, 'dw_contains(e.message, ?)'));
      const all = parts.every((p) => p.fts !== undefined);
      return {
        fts: all ? parts.map((p) => `(${p.fts})`).join(' OR ') : undefined,
        exact: false, // the index cannot tell the message from the program
        where: or(checks.map((c) => c.where)),
        params: checks.flatMap((c) => c.params),
      };
    }
    case 'program': {
      // Whole-value comparison; without a wildcard the value's tokens must all be in the program.
      const literal = values.every((v) => !v.includes('*'));
      const phrases = values.map((v) => v.toLowerCase().match(TOKEN));
      const fts = literal && phrases.every((t) => t) ? phrases.map((t) => `(${t!.map((x) => `"${x}"`).join(' AND ')})`).join(' OR ') : undefined;
      return { fts, exact: false, where: or(values.map(() => 'dw_wild(e.program, ?)')), params: values.map((v) => v.toLowerCase()) };
    }
    case 'sender': {
      const ids = ctx.systems.filter((s) => values.some((v) => wildcardToRegExp(v).test(s.name.toLowerCase()))).map((s) => s.id);
      return { exact: false, where: isIn('e.system_id', ids), params: ids };
    }
    case 'host': {
      // hostname is stored NULL when it equals the system's name.
      const ids = ctx.systems.filter((s) => values.some((v) => wildcardToRegExp(v).test(s.name.toLowerCase()))).map((s) => s.id);
      const wild = values.map(() => 'dw_wild(e.hostname, ?)');
      return {
        exact: false,
        where: `((e.hostname IS NULL AND ${isIn('e.system_id', ids)}) OR (e.hostname IS NOT NULL AND ${or(wild)}))`,
        params: [...ids, ...values.map((v) => v.toLowerCase())],
      };
    }
    case 'severity': {
      const codes = [...new Set(values.flatMap(severityValueCodes))];
      return { exact: false, where: isIn('(e.pri & 7)', codes), params: codes };
    }
    case 'facility': {
      const codes = [...new Set(values.flatMap(facilityValueCodes))];
      return { exact: false, where: isIn('(e.pri >> 3)', codes), params: codes };
    }
    case 'group': {
      const ids = [...new Set(values.flatMap((v) => ctx.groupSystemIds(v) ?? []))];
      return { exact: false, where: isIn('e.system_id', ids), params: ids };
    }
    default:
      throw new Error(`BUG: compileAttr called with unknown attribute ${name}`);
  }
}

// Below this share of the traffic, the rows of the selected systems are fewer than the index's
// candidates for any common word: walk the (system_id, id) index instead of the FTS index.
const SYSTEM_DRIVEN_SHARE = 0.01;

export interface CompileOptions {
  /** The API's system_id / group_id scope; undefined = every system. */
  systemIds?: readonly number[];
  /** The share of recent events that the given systems sent (0..1), to choose the plan. */
  shareOf: (systemIds: readonly number[]) => number;
}

/** The systems a query is limited to by a top-level `sender:` or `group:` conjunct. */
function querySystems(ast: QueryNode, ctx: CompileContext): number[] | undefined {
  const conjuncts = ast.type === 'and' ? ast.children : [ast];
  let ids: number[] | undefined;
  for (const c of conjuncts) {
    if (c.type !== 'attr' || (c.name !== 'sender' && c.name !== 'group')) continue;
    const these = compileAttrSystems(c.name, c.values, ctx);
    ids = ids ? ids.filter((id) => these.includes(id)) : these;
  }
  return ids;
}

function compileAttrSystems(name: 'sender' | 'group', values: string[], ctx: CompileContext): number[] {
  if (name === 'group') return [...new Set(values.flatMap((v) => ctx.groupSystemIds(v) ?? []))];
  return ctx.systems.filter((s) => values.some((v) => wildcardToRegExp(v).test(s.name.toLowerCase()))).map((s) => s.id);
}

/**
 * The query as the per-minute field counts answer it (store/field-counts.ts): a conjunction of
 * comparisons on one field with `program:`, `sender:` and `group:` conditions, which `systems`
 * (their systems and the API's scope) already holds. Anything else is counted from the rows.
 */
function fieldCountPlan(ast: QueryNode, systems: readonly number[] | undefined): FieldCountPlan | undefined {
  const plan: FieldCountPlan = { key: '', conditions: [], programs: [], systemIds: systems && [...systems] };
  for (const c of ast.type === 'and' ? ast.children : [ast]) {
    if (c.type === 'fieldCompare' && (plan.key === '' || plan.key === c.field)) {
      plan.key = c.field;
      plan.conditions.push({ op: c.op, value: c.value });
    } else if (c.type === 'attr' && c.name === 'program') plan.programs.push(c.values.map((v) => v.toLowerCase()));
    else if (!(c.type === 'attr' && (c.name === 'sender' || c.name === 'group'))) return undefined;
  }
  return plan.key === '' ? undefined : plan;
}

/**
 * AST → Filter. When FTS drives the scan, conditions it decides alone are not re-checked per row;
 * when the query is limited to a few quiet systems, their index drives it and FTS is not used.
 */
export function compileQuery(ast: QueryNode, ctx: CompileContext, opts?: CompileOptions): Filter {
  const fromQuery = querySystems(ast, ctx);
  const scope = opts?.systemIds;
  const systems = scope && fromQuery ? scope.filter((id) => fromQuery.includes(id)) : (scope ?? fromQuery);
  const plan = fieldCountPlan(ast, systems);
  const filter = compileRows(ast, ctx, scope, systems, opts);
  const countFts = scope === undefined && !filter.bySystem ? loneWordCount(ast, ctx) : undefined;
  return { ...filter, ...(plan && { fieldCounts: plan }), ...(countFts && { countFts }) };
}

/**
 * The FTS5 expression that alone counts a query made of one ASCII word of more than
 * PREFIX_INDEX_CHARS characters (`error`): every token that starts with the word, which is the
 * word-start rule of dw_text for such a word (both fold ASCII case alike, and the index is given
 * the text as dw_text reads it). Pages still take `"err"*` from the prefix index and check rows:
 * that streams newest first, where `"error"*` merges every such term's postings first; a count
 * needs no order, and reads no row at all (a sealed block decoded per candidate otherwise).
 */
function loneWordCount(ast: QueryNode, ctx: CompileContext): string | undefined {
  if (ast.type !== 'term' && ast.type !== 'phrase') return undefined;
  const word = ast.value.toLowerCase();
  if (!/^[a-z0-9]+$/.test(word) || word.length <= PREFIX_INDEX_CHARS) return undefined;
  if (ctx.systems.some((s) => containsAtWordStart(s.name.toLowerCase(), word))) return undefined; // a sender's name too
  return `"${word}"*`;
}

/** The Filter that reads rows: FTS-driven, walking the quiet systems' index, or a scan of ids. */
function compileRows(ast: QueryNode, ctx: CompileContext, scope: readonly number[] | undefined, systems: readonly number[] | undefined, opts?: CompileOptions): Filter {
  const root = compileNode(ast, ctx);
  const scoped = (f: Filter): Filter => (scope === undefined ? f : { ...f, where: `(${f.where}) AND ${isIn('e.system_id', scope)}`, params: [...f.params, ...scope] });
  if (opts && systems !== undefined && opts.shareOf(systems) < SYSTEM_DRIVEN_SHARE) {
    return { bySystem: systems, where: `${isIn('e.system_id', systems)} AND ${root.where}`, params: [...systems, ...root.params] };
  }
  const exact = scoped({ where: root.where, params: root.params });
  if (root.fts === undefined) return exact;
  // Rows not yet indexed are checked with the whole condition (store/unindexed.ts).
  const unindexed = { where: exact.where, params: exact.params };
  if (root.exact) return scoped({ fts: root.fts, where: '1', params: [], unindexed });
  if (ast.type === 'and') {
    // Drop the conjuncts the index already decides; keep the rest as the exact check.
    const parts = ast.children.map((c) => compileNode(c, ctx)).filter((p) => !(p.exact && p.fts !== undefined));
    return scoped({ fts: root.fts, where: parts.length ? parts.map((p) => p.where).join(' AND ') : '1', params: parts.flatMap((p) => p.params), unindexed });
  }
  return scoped({ fts: root.fts, where: root.where, params: root.params, unindexed });
}
