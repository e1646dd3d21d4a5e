// "12,345": one shared formatter (Number#toLocaleString builds a new one on every call, which a
// table of 500 rows feels).
const FORMAT = new Intl.NumberFormat();

export function count(n: number): string {
  return FORMAT.format(n);
}
