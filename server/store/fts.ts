// FTS5 prefix queries (`"get"*`) merge the doclists of every term with that prefix before the
// first row comes out: 22 ms for `get*` at 200k rows, seconds at 10M. A plain OR of the terms
// themselves streams newest-first instead (0.3 ms). So, per day file, each prefix is expanded from
// the index's own vocabulary; only a prefix with very many terms stays a prefix query.
import type { Db, Statement } from './db.ts';

const EXPANSION_MAX = 64; // more terms than this: the prefix query is the better plan
// compile.ts writes prefix tokens as "tok"*, last in their AND group; tokens never hold quotes.
const PREFIX = /( AND )?"([^"]+)"\*/g;

const vocab = new WeakMap<Db, Statement>();

function vocabStatement(db: Db): Statement {
  let s = vocab.get(db);
  if (!s) {
    db.exec("CREATE VIRTUAL TABLE IF NOT EXISTS temp.events_vocab USING fts5vocab(main, 'events_fts', 'row')");
    s = db.prepare('SELECT term FROM temp.events_vocab WHERE term >= ? AND term < ? LIMIT ?');
    vocab.set(db, s);
  }
  return s;
}

/** The first string after every string that starts with `prefix` (for a range seek). */
function prefixEnd(prefix: string): string {
  const last = prefix.codePointAt(prefix.length - 1)!;
  return prefix.slice(0, prefix.length - String.fromCodePoint(last).length) + String.fromCodePoint(last + 1);
}

/** The MATCH expression for one day file: prefixes replaced by the terms that file holds. */
export function ftsFor(db: Db, fts: string): string {
  if (!fts.includes('"*')) return fts;
  const statement = vocabStatement(db);
  return fts.replace(PREFIX, (whole, and: string | undefined, prefix: string) => {
    const terms = statement.pluck().all(prefix, prefixEnd(prefix), EXPANSION_MAX + 1) as string[];
    // Too many terms: after other tokens, leave it to the exact check; alone, keep the prefix query.
    if (terms.length > EXPANSION_MAX) return and ? '' : whole;
    if (terms.length === 0) return `${and ?? ''}"${prefix}"`; // matches nothing here, as the prefix would
    return `${and ?? ''}(${terms.map((t) => `"${t}"`).join(' OR ')})`;
  });
}
