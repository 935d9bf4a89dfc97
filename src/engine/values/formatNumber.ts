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

/** Integers below this are exact in a double, so their digits are exact too. */
const MAX_EXACT = 2 ** 53;

/** The most bytes writeNumber writes for one number (formatNumber has no exponent: ~330 characters). */
export const MAX_NUMBER_BYTES = 340;

/**
 * formatNumber(x) as ASCII bytes into out at `at` (room for MAX_NUMBER_BYTES needed); returns the
 * end. Integers below 2^53 (counts, most wages) are written digit by digit without making a
 * string, and so are halves below 2^52 (the mean of two integer middles: a third of the medians):
 * an integer and ".5" is then the shortest text that gives x back, so it is what String(x) gives.
 */
export function writeNumber(out: Uint8Array, at: number, x: number): number {
  const whole = Math.trunc(x);
  const half = x !== whole && x + x === Math.trunc(x + x) && Math.abs(x) < MAX_HALF;
  if (!half && !(x === whole && Math.abs(x) < MAX_EXACT)) {
    const text = formatNumber(x);
    for (let i = 0; i < text.length; i++) out[at++] = text.charCodeAt(i);
    return at;
  }
  if (x < 0) out[at++] = 0x2d;
  at = writeDigits(out, at, Math.abs(whole));
  if (half) {
    out[at++] = 0x2e;
    out[at++] = 0x35;
  }
  return at;
}

/** Below this, every half (n + 0.5) is a double and so is every integer next to it. */
const MAX_HALF = 2 ** 52;

/** The decimal digits of an integer 0 <= x < 2^53 ("0" for 0 and -0); returns the end. */
function writeDigits(out: Uint8Array, at: number, x: number): number {
  // Digits from the last, then reversed in place; in int32 arithmetic while x fits (counts and
  // wages do), where a double's % and floor cost several times as much.
  const first = at;
  if (x <= 0x7fffffff) {
    let n = x | 0;
    do {
      const q = (n / 10) | 0;
      out[at++] = 0x30 + n - 10 * q;
      n = q;
    } while (n > 0);
  } else {
    do {
      out[at++] = 0x30 + (x % 10);
      x = Math.floor(x / 10);
    } while (x > 0);
  }
  for (let i = first, j = at - 1; i < j; i++, j--) {
    const t = out[i];
    out[i] = out[j];
    out[j] = t;
  }
  return at;
}
