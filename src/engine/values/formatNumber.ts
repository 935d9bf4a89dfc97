/**
 * A number as plain decimal text for CSV output: never an exponent, integers without ".0",
 * otherwise the shortest digits that round-trip (the digits String(x) gives), expanded:
 *   1e21 → "1000000000000000000000", 1.5e-7 → "0.00000015", 39810 → "39810", 66.59 → "66.59".
 * -0 → "0". null → "" (missing). NaN → "" as well (also missing). ±Infinity → "Infinity" /
 * "-Infinity" (not produced by the engine; kept visible rather than hidden).
 */
export function formatNumber(x: number | null): string {
  if (x === null || x !== x) return '';
  if (x === 0) return '0';
  const s = String(x);
  const e = s.indexOf('e');
  if (e < 0) return s;
  // s = [-]d[.ddd]e[+-]n
  const negative = s.charCodeAt(0) === 45;
  const mant = s.slice(negative ? 1 : 0, e);
  const exp = Number(s.slice(e + 1));
  const dot = mant.indexOf('.');
  const digits = dot < 0 ? mant : mant.slice(0, dot) + mant.slice(dot + 1);
  const pointAt = (dot < 0 ? mant.length : dot) + exp; // digits before the decimal point
  let out: string;
  if (pointAt <= 0) out = '0.' + '0'.repeat(-pointAt) + digits;
  else if (pointAt >= digits.length) out = digits + '0'.repeat(pointAt - digits.length);
  else out = digits.slice(0, pointAt) + '.' + digits.slice(pointAt);
  return negative ? '-' + out : out;
}
