import { exactDecimal, isWsCode, skipWsBytes, trimEndBytes } from './parseWage';

/*
 * Similarity scores of the related-titles table.
 *
 * Grammar, after trimming whitespace (ASCII 9–13 and 32, U+00A0, U+FEFF) on both sides:
 *   score = [+-]? mantissa exponent?
 *   mantissa = [0-9]+ ("." [0-9]*)?  |  "." [0-9]+
 *   exponent = [eE] [+-]? [0-9]+
 * i.e. what Python's float() and a pandas CSV reader take as a finite number, minus "inf",
 * "nan" and "1_000". The exponent is accepted because Python writes small floats that way
 * (str(0.00001) == '1e-05'), so a score file written by Python can contain it.
 * Everything else is NaN: "87,5" (decimal comma), "", "abc", "0x10", "Infinity", "1,000".
 * The value is Number() of the trimmed text; parseScoreBytes gives bit-identical results.
 */

const CH_PLUS = 43;
const CH_MINUS = 45;
const CH_DOT = 46;
const CH_0 = 48;
const CH_9 = 57;
const CH_E_UP = 69;
const CH_E_LOW = 101;

function isDigit(c: number): boolean {
  return c >= CH_0 && c <= CH_9;
}

/** Whether the code units at(a), …, at(b-1) (a < b, trimmed) match the grammar. */
function isScoreText(at: (i: number) => number, a: number, b: number): boolean {
  let i = a;
  if (i < b && (at(i) === CH_PLUS || at(i) === CH_MINUS)) i++;
  let nInt = 0;
  while (i < b && isDigit(at(i))) {
    i++;
    nInt++;
  }
  let nFrac = 0;
  if (i < b && at(i) === CH_DOT) {
    i++;
    while (i < b && isDigit(at(i))) {
      i++;
      nFrac++;
    }
  }
  if (nInt + nFrac === 0) return false;
  if (i === b) return true;
  const e = at(i);
  if (e !== CH_E_UP && e !== CH_E_LOW) return false;
  i++;
  if (i < b && (at(i) === CH_PLUS || at(i) === CH_MINUS)) i++;
  let nExp = 0;
  while (i < b && isDigit(at(i))) {
    i++;
    nExp++;
  }
  return nExp > 0 && i === b;
}

/** The score in `s`, or NaN when it is not a plain number (see the grammar above). */
export function parseScore(s: string): number {
  let a = 0;
  let b = s.length;
  while (a < b && isWsCode(s.charCodeAt(a))) a++;
  while (b > a && isWsCode(s.charCodeAt(b - 1))) b--;
  if (a === b || !isScoreText((i) => s.charCodeAt(i), a, b)) return NaN;
  return Number(s.slice(a, b));
}

/** parseScore on the UTF-8 bytes buf[start, end), without a string in the common case. */
export function parseScoreBytes(buf: Uint8Array, start: number, end: number): number {
  const a = skipWsBytes(buf, start, end);
  const b = trimEndBytes(buf, a, end);
  if (a === b) return NaN;
  // Every read below is at an index < b (reads past a typed array's end deoptimise V8).
  let i = a;
  let negative = false;
  let c = buf[i];
  if (c === CH_PLUS || c === CH_MINUS) {
    negative = c === CH_MINUS;
    i++;
  }
  let mantissa = 0;
  let n = 0;
  for (; i < b; i++) {
    c = buf[i];
    if (!isDigit(c)) break;
    mantissa = mantissa * 10 + (c - CH_0);
    n++;
  }
  let nFrac = 0;
  if (i < b && c === CH_DOT) {
    for (i++; i < b; i++) {
      c = buf[i];
      if (!isDigit(c)) break;
      mantissa = mantissa * 10 + (c - CH_0);
      nFrac++;
    }
  }
  if (i === b && n + nFrac > 0) {
    const v = exactDecimal(mantissa, nFrac, negative);
    if (v === v) return v;
  }
  // Exponent, invalid text, or too many digits for the exact path: the string route.
  if (!isScoreText((k) => buf[k], a, b)) return NaN;
  let t = '';
  for (let k = a; k < b; k++) t += String.fromCharCode(buf[k]);
  return Number(t);
}
