// The query language (DESIGN 5): one parser, one AST, two back ends (match.ts here, store/compile.ts).

export type {
  And, Attr, AttrName, CompareOp, FieldCompare, MatchAll, Not, Or, ParseResult, Phrase, QueryError, QueryNode,
  Regex, SeverityCompare, SeverityOp, Span, Term,
} from './ast.ts';
export { ATTR_NAMES, COMPARE_OPS } from './ast.ts';
export { lex, type LexResult, type Token } from './lexer.ts';
export { parse } from './parse.ts';
export { print } from './print.ts';
export {
  compileMatcher, facilityValueCodes, matches, numericValue, severityCompare, severityCompareCodes,
  severityValueCodes, wildcardToRegExp, type MatchContext, type Matcher,
} from './match.ts';
