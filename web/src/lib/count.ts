// "12,345": a count with its thousands grouped, as the (English) UI writes numbers everywhere. Not
// Intl.NumberFormat nor Number#toLocaleString: a page's first Intl call loads ICU's locale data,
// 28-50 ms in one task in Chromium, and the events screen counts its loaded lines as it first draws.
const THOUSANDS = /\B(?=(\d{3})+$)/g;

/** Whole numbers grouped by commas; anything else (a fraction, NaN) as String writes it. */
export function count(n: number): string {
  return Number.isSafeInteger(n) ? String(n).replace(THOUSANDS, ',') : String(n);
}
