// Query AST (DESIGN 5). Every node carries the 0-based source offsets [start, end) of the text it
// was parsed from; print() ignores them, so ASTs built by hand may use 0/0.

export interface Span {
  start: number;
  end: number;
}

/** The attributes `name:value` understood by the parser; any other `x:y` is an ordinary term. */
export const ATTR_NAMES = ['sender', 'program', 'message', 'severity', 'facility', 'host', 'group'] as const;
export type AttrName = (typeof ATTR_NAMES)[number];

/** Numeric comparison operators. A lone `=` is not one: `status=50` is a term (finds `status=502`). */
export const COMPARE_OPS = ['>=', '>', '<=', '<'] as const;
export type CompareOp = (typeof COMPARE_OPS)[number];
export type SeverityOp = CompareOp | '=';

/** The empty (or all-whitespace) query. Only ever the root. */
export interface MatchAll extends Span {
  type: 'matchAll';
}

/** Bare word: case-insensitive substring of the sender name, program or message. */
export interface Term extends Span {
  type: 'term';
  value: string;
}

/** Quoted text: the same substring semantics as Term, but may hold spaces and operators. */
export interface Phrase extends Span {
  type: 'phrase';
  value: string;
}

export interface And extends Span {
  type: 'and';
  children: QueryNode[];
}

export interface Or extends Span {
  type: 'or';
  children: QueryNode[];
}

export interface Not extends Span {
  type: 'not';
  child: QueryNode;
}

/**
 * `name:value` or `name:(v1 v2)` — any of the values matches (OR).
 * `message:` values are substrings of the message. The others compare the whole value
 * case-insensitively, `*` matching any run of characters (quoted or not). `severity:` and
 * `facility:` values are stored lower-cased and canonical (`err` → `error`), or as a wildcard
 * pattern that matches at least one name. `group:` values go to MatchContext.inGroup as written.
 */
export interface Attr extends Span {
  type: 'attr';
  name: AttrName;
  values: string[];
}

/**
 * `severity:>=warning`: "at least as severe as". Codes run Emergency = 0 … Debug = 7, so
 * `>=` holds when event code <= this code, `>` when <, `<=` when >=, `<` when >, `=` when equal.
 */
export interface SeverityCompare extends Span {
  type: 'severityCompare';
  op: SeverityOp;
  code: number;
}

/** `status>=500`, `service>1000ms`: numeric comparison on event.fields[field]; `raw` as written. */
export interface FieldCompare extends Span {
  type: 'fieldCompare';
  field: string;
  op: CompareOp;
  value: number;
  raw: string;
}

/** `~"timeout after \d+ms"`: JavaScript regular expression over the message, case-insensitive. */
export interface Regex extends Span {
  type: 'regex';
  source: string;
}

export type QueryNode = MatchAll | Term | Phrase | And | Or | Not | Attr | SeverityCompare | FieldCompare | Regex;

export interface QueryError {
  message: string;
  /** 0-based offset into the query; messages speak of 1-based columns. */
  offset: number;
}

export type ParseResult = { ok: true; ast: QueryNode } | { ok: false; error: QueryError };
