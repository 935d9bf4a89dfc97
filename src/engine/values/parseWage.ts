/*
 * Wage / employment cells of OES tables.
 *
 * Grammar, after trimming whitespace (ASCII 9–13 and 32, U+00A0 NBSP, U+FEFF BOM) on both sides:
 *   missing marker: "" | "*" | "**" | "#" | "~" | "N/A" | "NA" (the last two in any case) → NaN;
 *     "#" (BLS: at or above the top-code, $100/hour or $208,000/year) → topCodeValue if given.
 *   number: sign? "$"? digits, or "$" sign digits, where
 *     sign    = "-"
 *     digits  = int ("." [0-9]*)?  |  "." [0-9]+
 *     int     = [0-9]+  |  [0-9]{1,3} ("," [0-9]{3})+
 *   Comma rule: a comma is a thousands separator only; the group before the first comma has
 *   1–3 digits and every comma is followed by exactly 3 digits, then another comma, a ".", or
 *   the end. "12,5", "1,2345", "1234,567", ",123", "1," are INVALID_WAGE, not 125 or 12.5:
 *   a decimal comma cannot be told from a thousands comma, so neither is guessed.
 *   Anything else ("abc", "1.2.3", "TRUE", "12 000", "1e5", "+5") → INVALID_WAGE.
 * An empty cell is missing (NaN), never 0 (Number('') is 0 in JavaScript).
 *
 * The value is what Number() gives for the digits with the commas and "$" removed; "-0" is -0.
 * parseWageBytes returns bit-identical results for the UTF-8 encoding of the same text.
 */

/** Returned for a cell that is neither a number nor a known missing marker. */
export const INVALID_WAGE = Number.NEGATIVE_INFINITY;

const MAX_POW10 = 22;
/** 10^0 … 10^22, every one exactly representable as a double. */
const POW10: readonly number[] = Array.from({ length: MAX_POW10 + 1 }, (_, k) => Number('1e' + k));

/**
 * ±mantissa / 10^fracDigits when that equals Number() of the decimal text, else NaN (the
 * caller then falls back to Number()). Exact because mantissa ≤ 2^53−1 and 10^k (k ≤ 22) are
 * both exactly representable, and one IEEE division rounds the exact quotient correctly — the
 * same correctly rounded result Number() gives for the decimal text.
 */
export function exactDecimal(mantissa: number, fracDigits: number, negative: boolean): number {
  if (mantissa > Number.MAX_SAFE_INTEGER || fracDigits > MAX_POW10) return NaN;
  const v = fracDigits === 0 ? mantissa : mantissa / POW10[fracDigits];
  return negative ? -v : v;
}

const CH_TAB = 9;
const CH_CR = 13;
const CH_SPACE = 32;
const CH_HASH = 35;
const CH_DOLLAR = 36;
const CH_STAR = 42;
const CH_COMMA = 44;
const CH_MINUS = 45;
const CH_DOT = 46;
const CH_SLASH = 47;
const CH_0 = 48;
const CH_9 = 57;
const CH_A_UP = 65;
const CH_N_UP = 78;
const CH_TILDE = 126;
const CH_NBSP = 0xa0;
const CH_BOM = 0xfeff;
const LOWER = 0x20;

/** Whitespace a cell may carry around its value: ASCII spaces and controls TAB..CR, NBSP, BOM. */
export function isWsCode(c: number): boolean {
  return c === CH_SPACE || (c >= CH_TAB && c <= CH_CR) || c === CH_NBSP || c === CH_BOM;
}

/**
 * Marker check on code units (chars or bytes; markers are ASCII). Returns NaN or the top-code
 * value for a marker, undefined for "not a marker".
 */
function markerValue(len: number, c0: number, c1: number, c2: number, top: number | undefined): number | undefined {
  if (len === 1) {
    if (c0 === CH_STAR || c0 === CH_TILDE) return NaN;
    if (c0 === CH_HASH) return top === undefined ? NaN : top;
    return undefined;
  }
  const n0 = c0 | LOWER;
  if (len === 2) {
    if (c0 === CH_STAR && c1 === CH_STAR) return NaN;
    if (n0 === (CH_N_UP | LOWER) && (c1 | LOWER) === (CH_A_UP | LOWER)) return NaN;
    return undefined;
  }
  if (len === 3 && n0 === (CH_N_UP | LOWER) && c1 === CH_SLASH && (c2 | LOWER) === (CH_A_UP | LOWER)) return NaN;
  return undefined;
}

/** Parse a wage/employment cell. Returns the number; NaN for a missing marker; INVALID_WAGE for garbage. */
export function parseWageText(s: string, topCodeValue?: number): number {
  let a = 0;
  let b = s.length;
  while (a < b && isWsCode(s.charCodeAt(a))) a++;
  while (b > a && isWsCode(s.charCodeAt(b - 1))) b--;
  const len = b - a;
  if (len === 0) return NaN;
  if (len <= 3) {
    const m = markerValue(len, s.charCodeAt(a), s.charCodeAt(a + 1), s.charCodeAt(a + 2), topCodeValue);
    if (m !== undefined) return m;
  }
  let i = a;
  let negative = false;
  let c = s.charCodeAt(i);
  if (c === CH_MINUS) {
    negative = true;
    c = s.charCodeAt(++i);
  }
  if (c === CH_DOLLAR) {
    c = s.charCodeAt(++i);
    if (!negative && c === CH_MINUS) {
      negative = true;
      c = s.charCodeAt(++i);
    }
  }
  let digits = negative ? '-' : '';
  let nDigits = 0;
  let group = 0;
  let sawComma = false;
  let runStart = i;
  for (; i < b; c = s.charCodeAt(++i)) {
    if (c >= CH_0 && c <= CH_9) {
      group++;
    } else if (c === CH_COMMA) {
      if (sawComma ? group !== 3 : group === 0 || group > 3) return INVALID_WAGE;
      sawComma = true;
      nDigits += group;
      group = 0;
      digits += s.slice(runStart, i);
      runStart = i + 1;
    } else {
      break;
    }
  }
  if (sawComma && group !== 3) return INVALID_WAGE;
  nDigits += group;
  if (i < b && c === CH_DOT) {
    for (c = s.charCodeAt(++i); i < b && c >= CH_0 && c <= CH_9; c = s.charCodeAt(++i)) nDigits++;
  }
  if (i !== b || nDigits === 0) return INVALID_WAGE;
  digits += s.slice(runStart, b);
  return Number(digits);
}

const B_NBSP_1 = 0xc2;
const B_NBSP_2 = 0xa0;
const B_BOM_1 = 0xef;
const B_BOM_2 = 0xbb;
const B_BOM_3 = 0xbf;

/** Index after the whitespace that starts at `a` (stopping at `b`); UTF-8 NBSP and BOM included. */
export function skipWsBytes(buf: Uint8Array, a: number, b: number): number {
  for (;;) {
    if (a >= b) return a;
    const c = buf[a];
    if (c === CH_SPACE || (c >= CH_TAB && c <= CH_CR)) a++;
    else if (c === B_NBSP_1 && a + 1 < b && buf[a + 1] === B_NBSP_2) a += 2;
    else if (c === B_BOM_1 && a + 2 < b && buf[a + 1] === B_BOM_2 && buf[a + 2] === B_BOM_3) a += 3;
    else return a;
  }
}

/** End index after dropping trailing whitespace of buf[a, b); UTF-8 NBSP and BOM included. */
export function trimEndBytes(buf: Uint8Array, a: number, b: number): number {
  for (;;) {
    if (b <= a) return a;
    const c = buf[b - 1];
    if (c === CH_SPACE || (c >= CH_TAB && c <= CH_CR)) b--;
    else if (c === B_NBSP_2 && b - 2 >= a && buf[b - 2] === B_NBSP_1) b -= 2;
    else if (c === B_BOM_3 && b - 3 >= a && buf[b - 2] === B_BOM_2 && buf[b - 3] === B_BOM_1) b -= 3;
    else return b;
  }
}

/** Number() of the ASCII bytes buf[a, b) with commas and "$" left out (slow path). */
function numberOfCleaned(buf: Uint8Array, a: number, b: number): number {
  let t = '';
  for (let i = a; i < b; i++) {
    const c = buf[i];
    if (c !== CH_COMMA && c !== CH_DOLLAR) t += String.fromCharCode(c);
  }
  return Number(t);
}

/** Same as parseWageText, straight from UTF-8 bytes buf[start, end), without creating a string. */
export function parseWageBytes(buf: Uint8Array, start: number, end: number, topCodeValue?: number): number {
  const a = skipWsBytes(buf, start, end);
  const b = trimEndBytes(buf, a, end);
  const len = b - a;
  if (len === 0) return NaN;
  if (len <= 3) {
    const m = markerValue(len, buf[a], len > 1 ? buf[a + 1] : 0, len > 2 ? buf[a + 2] : 0, topCodeValue);
    if (m !== undefined) return m;
  }
  // Every read below is at an index < b (reads past a typed array's end deoptimise V8).
  let i = a;
  let negative = false;
  if (buf[i] === CH_MINUS) {
    negative = true;
    i++;
  }
  if (i < b && buf[i] === CH_DOLLAR) {
    i++;
    if (!negative && i < b && buf[i] === CH_MINUS) {
      negative = true;
      i++;
    }
  }
  let mantissa = 0;
  let nDigits = 0;
  let group = 0;
  let sawComma = false;
  let c = 0;
  for (; i < b; i++) {
    c = buf[i];
    if (c >= CH_0 && c <= CH_9) {
      mantissa = mantissa * 10 + (c - CH_0);
      group++;
    } else if (c === CH_COMMA) {
      if (sawComma ? group !== 3 : group === 0 || group > 3) return INVALID_WAGE;
      sawComma = true;
      nDigits += group;
      group = 0;
    } else {
      break;
    }
  }
  if (sawComma && group !== 3) return INVALID_WAGE;
  nDigits += group;
  let fracDigits = 0;
  if (i < b && c === CH_DOT) {
    for (i++; i < b; i++) {
      c = buf[i];
      if (c < CH_0 || c > CH_9) break;
      mantissa = mantissa * 10 + (c - CH_0);
      fracDigits++;
    }
  }
  if (i !== b || nDigits + fracDigits === 0) return INVALID_WAGE;
  const v = exactDecimal(mantissa, fracDigits, negative);
  return v === v ? v : numberOfCleaned(buf, a, b);
}
