import us from 'us';
import { STATES, type StateInfo } from './states';

/*
 * Free-text location → state. Every rule below either reads an explicit state token or returns
 * undefined; nothing picks "the closest" state.
 *
 * 1. Whitespace (any Unicode space, NBSP, BOM) collapses to one space; the text is trimmed.
 * 2. The text is split on commas; empty parts are dropped, then trailing US-country parts
 *    ("United States", "United States of America", "USA", "US", "U.S.", "U.S.A.") are dropped.
 *    Nothing left ("United States", "U.S.") → undefined.
 * 3. One part left (no comma): a FIPS code of 1–2 digits ("6", "06", "72"), else the part rules
 *    below, else "City ST" with an UPPER-CASE code after a space ("Washington DC", "Austin TX
 *    78701"). Several parts: only the LAST part is read, with the part rules ("Austin, TX",
 *    "Kansas City, MO", "Washington, D.C.", "New York, United States"). A last part that is not
 *    a state ("Toronto, ON", "London, England", "Milan, Lombardy, Italy") gives undefined:
 *    earlier parts are never tried.
 * 4. Part rules, on the part with a trailing ZIP ("TX 78701", "TX 78701-1234") and a trailing
 *    "Metropolitan Area" / "Metro Area" removed, dots removed, lower-cased:
 *    a. 2-letter USPS code ("ca", "D.C.");
 *    b. the full name ("new york", "district of columbia");
 *    c. the AP abbreviation from the `us` data, dots and spaces ignored ("Calif.", "W. Va.");
 *    d. a loose prefix of a name (see PREFIX below; "calif", "penn", "mass", "minn");
 *    e. the `us` package's metaphone lookup (what Python `us.states.lookup` does for names:
 *       "misisipi", "Masachusets"), for parts made of letters and spaces only, kept only when
 *       the part is also SPELLED close to the name: edit distance ≤ ⌊name length / 3⌋.
 *       Metaphone alone maps "Gambia" and "Kim" to Guam and "Yemen" to Wyoming (the keys of
 *       the `us` data are that coarse); requiring both signals to agree drops those and keeps
 *       the misspellings metaphone is there for ("Tenesee", "Hawai", "Conneticut").
 *
 * PREFIX (d), added because `us` lookup does not accept "calif"/"penn"/"mass": the part has at
 * least 4 letters, is a prefix of exactly one of the 56 names, the cut falls inside that name's
 * LAST word and leaves at least 3 letters of it ("penn|sylvania", "new h|ampshire"), and it is
 * not one of PREFIX_STOP. Reasons: a cut inside the first word of a two-word name drops what
 * tells the name apart ("amer" ≠ "American Samoa", "west"); a word one or two letters short of
 * a name is usually another word ("India"/Indiana, "America"/American Samoa, "alas"/Alaska);
 * PREFIX_STOP lists the remaining prefixes that are common place or given names.
 * Prefix (d) runs before metaphone (e) because bare metaphone maps "virgin i" to Virginia.
 * So (e) only ever narrows `us.lookup`: it never returns a state `us.lookup` would not.
 *
 * Cost: linear in the text's length. Parts are found from the end, only the last one is
 * normalised, a part with more letters than any rule accepts is rejected before any lookup, and
 * "City ST" is matched on the last characters: a location of megabytes (a misaligned column)
 * costs a few scans, where one regex over the whole text used to backtrack quadratically.
 */

const PREFIX_MIN = 4;
const PREFIX_LEFT_MIN = 3;
/** Unique name prefixes that are ordinary words or places: "Kent" (WA; England), "Mary", "Louis". */
const PREFIX_STOP: ReadonlySet<string> = new Set(['kent', 'mary', 'louis']);

const US_COUNTRY: ReadonlySet<string> = new Set([
  'united states',
  'united states of america',
  'usa',
  'us',
]);
const US_COUNTRY_MAX = Math.max(...[...US_COUNTRY].map((c) => c.length));

/**
 * Whitespace that rule 1 changes: a run of two or more, or one character other than a plain
 * space (\s covers NBSP and the BOM; U+200B is added). Single spaces, nearly all the whitespace
 * of real text, are left alone, so a long text costs one scan, not one replacement per word.
 */
const WS_FIX = /[\s\u200b]{2,}|[^\S ]|\u200b/g;
/** Some text in an earlier part: a character that is neither a comma nor whitespace. */
const HAS_TEXT = /[^,\s\u200b]/;
const DOTS = /\./g;
const SPACES = / /g;
const FIPS_FORM = /^\d{1,2}$/;
const LETTERS_SPACES = /^[a-z]+(?: [a-z]+)*$/;
const ZIP_TAIL = / \d{5}(?:-\d{4})?$/;
const METRO_TAIL = / (?:metropolitan|metro) area$/;
/**
 * "Austin TX", "Washington D.C.", "Austin TX 78701": upper-case code after a space, at the end,
 * after text holding a letter. Matched on the last TAIL_WINDOW characters (the longest such tail,
 * " X.X. 12345-6789", has 16), then the letter is looked for before it: linear in the length,
 * where one regex over the whole text backtracks quadratically.
 */
const CODE_TAIL = / ([A-Z]{2}|[A-Z]\.[A-Z]\.)(?: \d{5}(?:-\d{4})?)?$/;
const TAIL_WINDOW = 24;
const LETTER = /[A-Za-z]/;

const byAbbr = new Map<string, StateInfo>();
const byName = new Map<string, StateInfo>();
const byFips = new Map<string, StateInfo>();
const byAp = new Map<string, StateInfo>();
const lowerNames: { name: string; state: StateInfo }[] = [];

for (const s of STATES) {
  byAbbr.set(s.abbr.toLowerCase(), s);
  byName.set(s.name.toLowerCase(), s);
  byFips.set(s.fips, s);
  lowerNames.push({ name: s.name.toLowerCase(), state: s });
}
for (const u of us.STATES_AND_TERRITORIES) {
  if (u.ap_abbr === null) continue;
  const s = byAbbr.get(u.abbr.toLowerCase());
  if (s !== undefined) byAp.set(u.ap_abbr.toLowerCase().replace(DOTS, '').replace(SPACES, ''), s);
}

/**
 * No part rule accepts a part longer than this once its ZIP, metro tail and dots are gone: a full
 * name, an AP abbreviation (spaces between its letters at most), a prefix of a name, or a spelling
 * within ⌊name length / 3⌋ edits of one. Longer parts are rejected before any lookup, so a
 * location of megabytes costs a few linear passes.
 */
const MAX_CORE = Math.max(
  ...lowerNames.map((e) => e.name.length + Math.floor(e.name.length / 3)),
  ...[...byAp.keys()].map((k) => 2 * k.length),
);

/**
 * Characters other than dots and spaces that a part may have and still pass a part rule: the core
 * (MAX_CORE) plus a ZIP ("12345-6789") and a metro tail ("metropolitan area") taken off it.
 */
const PART_MAX = MAX_CORE + 10 + 16;

/** Whether s has at most `limit` characters other than '.' and ' ' (stops counting past it). */
function atMostSolid(s: string, limit: number): boolean {
  if (s.length <= limit) return true;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 0x2e && c !== 0x20 && ++n > limit) return false;
  }
  return true;
}

/** Rule 1's whitespace, plus the comma: what empty parts are made of. */
function isSpaceOrComma(c: number): boolean {
  return (
    c === 0x2c || c === 0x20 || (c >= 0x09 && c <= 0x0d) || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200b) ||
    c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff
  );
}

function byPrefix(p: string): StateInfo | undefined {
  if (p.length < PREFIX_MIN || PREFIX_STOP.has(p)) return undefined;
  let found: { name: string; state: StateInfo } | undefined;
  for (const e of lowerNames) {
    if (e.name.length > p.length && e.name.startsWith(p)) {
      if (found !== undefined) return undefined; // ambiguous: "miss", "north c"
      found = e;
    }
  }
  if (found === undefined) return undefined;
  const lastWordStart = found.name.lastIndexOf(' ') + 1;
  if (p.length <= lastWordStart) return undefined; // cut inside an earlier word
  if (found.name.length - p.length < PREFIX_LEFT_MIN) return undefined;
  return found.state;
}

/** Levenshtein distance (insert, delete, substitute; each costs 1). Short strings only. */
function editDistance(a: string, b: string): number {
  let prev = new Array<number>(b.length + 1);
  let cur = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const sub = prev[j - 1] + (a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1);
      cur[j] = Math.min(sub, prev[j] + 1, cur[j - 1] + 1);
    }
    const t = prev;
    prev = cur;
    cur = t;
  }
  return prev[b.length];
}

function byMetaphone(p: string): StateInfo | undefined {
  const u = us.lookup(p, null, true);
  if (u === undefined) return undefined;
  const s = byAbbr.get(u.abbr.toLowerCase());
  if (s === undefined) return undefined;
  const name = s.name.toLowerCase();
  return editDistance(p, name) <= Math.floor(name.length / 3) ? s : undefined;
}

/** Part rules (4.a–e). `part` is whitespace-normalised and trimmed. */
function resolvePart(part: string): StateInfo | undefined {
  // Lower-casing never removes a character nor turns one into '.' or ' ': a part with too many
  // others cannot pass, however long it is.
  if (!atMostSolid(part, PART_MAX)) return undefined;
  let p = part.toLowerCase();
  const zip = ZIP_TAIL.exec(p);
  if (zip !== null && zip.index > 0) p = p.slice(0, zip.index);
  const metro = METRO_TAIL.exec(p);
  if (metro !== null && metro.index > 0) p = p.slice(0, metro.index);
  p = p.replace(DOTS, '').trim();
  if (p === '' || p.length > MAX_CORE) return undefined;
  if (p.length === 2) return byAbbr.get(p);
  const exact = byName.get(p) ?? byAp.get(p.replace(SPACES, ''));
  if (exact !== undefined) return exact;
  if (!LETTERS_SPACES.test(p)) return undefined;
  return byPrefix(p) ?? byMetaphone(p);
}

/**
 * Resolve a free-text location to a state, or undefined when the text names no US state (or
 * names one only ambiguously). See the rules at the top of this file. Pure; callers cache.
 */
export function resolveState(text: string): StateInfo | undefined {
  // Parts are read from the end (rule 2): trailing empty parts skipped, the last part normalised
  // (rule 1) and dropped while it is a US-country name. Only that part is copied or changed, so a
  // huge text costs a few linear scans and no string per part or per word.
  let end = text.length;
  let comma: number;
  let last: string;
  for (;;) {
    while (end > 0 && isSpaceOrComma(text.charCodeAt(end - 1))) end--;
    if (end === 0) return undefined;
    comma = text.lastIndexOf(',', end - 1);
    last = text.slice(comma + 1, end).replace(WS_FIX, ' ').trim();
    if (!isUsCountry(last)) break;
    end = Math.max(comma, 0);
  }
  // Several non-empty parts: only the last is read.
  if (comma > 0 && HAS_TEXT.test(text.slice(0, comma))) return resolvePart(last);
  if (FIPS_FORM.test(last)) return byFips.get(last.length === 1 ? '0' + last : last);
  const whole = resolvePart(last);
  if (whole !== undefined) return whole;
  const from = Math.max(0, last.length - TAIL_WINDOW);
  const tail = CODE_TAIL.exec(from === 0 ? last : last.slice(from));
  if (tail === null || !LETTER.test(last.slice(0, from + tail.index))) return undefined;
  return byAbbr.get(tail[1].replace(DOTS, '').toLowerCase());
}

function isUsCountry(part: string): boolean {
  if (!atMostSolid(part, US_COUNTRY_MAX)) return false;
  const p = part.replace(DOTS, '');
  return p.length <= US_COUNTRY_MAX && US_COUNTRY.has(p.toLowerCase());
}
