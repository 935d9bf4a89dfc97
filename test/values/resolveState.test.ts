import { sharedFile } from '../support/sharedData';
import { readFileSync } from 'fs';
import { parse } from 'csv-parse/sync';
import { STATES } from '../../src/engine/values/states';
import { resolveState } from '../../src/engine/values/resolveState';

const POSTINGS = sharedFile('postings', 'job_postings.csv');
const OES_STATE_2018 = sharedFile('oes', 'state_M2018_5col_all.csv');

const abbrOf = (text: string): string | undefined => resolveState(text)?.abbr;

describe('resolveState: accepted forms', () => {
  test.each([
    // 2-letter codes, any case
    ['CA', 'CA'],
    ['ca', 'CA'],
    ['Ny', 'NY'],
    // full names, any case, extra spaces
    ['New york', 'NY'],
    [' CALIFORNIA ', 'CA'],
    ['new   york', 'NY'],
    ['\u00a0Texas\u00a0', 'TX'],
    ['\tOhio\n', 'OH'],
    // FIPS
    ['06', 'CA'],
    ['6', 'CA'],
    ['72', 'PR'],
    ['11', 'DC'],
    // loose prefixes (the `us` metaphone lookup does not take these)
    ['calif', 'CA'],
    ['penn', 'PA'],
    ['mass', 'MA'],
    ['Minn', 'MN'],
    ['wisc', 'WI'],
    ['new h', 'NH'],
    // AP abbreviations from the `us` data
    ['Calif.', 'CA'],
    ['Mass.', 'MA'],
    ['Pa.', 'PA'],
    ['Miss', 'MS'], // AP "Miss.", not an ambiguous prefix of Mississippi/Missouri
    ['W. Va.', 'WV'],
    ['N.Y.', 'NY'],
    // metaphone misspellings (as `us.lookup`), spelled close to the name
    ['misisipi', 'MS'],
    ['Masachusets', 'MA'],
    ['Tenesee', 'TN'],
    ['Conneticut', 'CT'],
    ['Hawai', 'HI'],
    // City, ST / City, State / State, United States / ZIP
    ['Austin, TX', 'TX'],
    ['Austin, tx', 'TX'],
    ['Austin, Texas', 'TX'],
    ['Austin,Texas', 'TX'],
    ['New York, United States', 'NY'],
    ['District of Columbia, United States', 'DC'],
    ['Austin, TX, United States', 'TX'],
    ['Austin, TX, USA', 'TX'],
    ['Austin, TX, U.S.A.', 'TX'],
    ['Austin, TX 78701', 'TX'],
    ['Austin, TX 78701-1234', 'TX'],
    ['Austin, Texas 78701', 'TX'],
    ['  Austin ,  TX  ', 'TX'],
    ['\u00a0Austin,\u00a0TX\u00a0', 'TX'],
    ['Austin,, TX', 'TX'],
    // City ST without a comma (upper-case code only)
    ['Austin TX', 'TX'],
    ['Austin TX 78701', 'TX'],
    // Washington and friends
    ['Washington', 'WA'],
    ['Washington, United States', 'WA'],
    ['Seattle, WA', 'WA'],
    ['Washington, DC', 'DC'],
    ['Washington, D.C.', 'DC'],
    ['Washington DC', 'DC'],
    ['Washington D.C.', 'DC'],
    ['Kansas City, MO', 'MO'],
    ['Kansas City, KS', 'KS'],
    ['New York, NY', 'NY'],
    ['Kansas', 'KS'],
    ['Arkansas', 'AR'],
    ['Virginia', 'VA'],
    ['West Virginia', 'WV'],
    // metro names that spell out the state
    ['San Antonio, Texas Metropolitan Area', 'TX'],
    ['Portland, Oregon Metropolitan Area', 'OR'],
    ['Rochester, New York Metro Area', 'NY'],
    // OES area_title values
    ['District of Columbia', 'DC'],
    ['Guam', 'GU'],
    ['Puerto Rico', 'PR'],
    ['Virgin Islands', 'VI'],
  ])('%p → %s', (text, abbr) => {
    expect(abbrOf(text)).toBe(abbr);
  });
});

describe('resolveState: no state, no guess', () => {
  test.each([
    '',
    '   ',
    '\u00a0',
    ',',
    'United States',
    'united states of america',
    'USA',
    'US',
    'U.S.',
    'Remote',
    'San Francisco Bay Area',
    'Greater Houston',
    'New York City Metropolitan Area',
    'Kansas City Metropolitan Area',
    'Washington DC-Baltimore Area',
    'Dallas-Fort Worth Metroplex',
    'Toronto, ON',
    'Toronto, Ontario, Canada',
    'London, England',
    'London, England, United Kingdom',
    'Vancouver, British Columbia, Canada',
    'Mexico City, Mexico',
    'Tijuana, Baja California, Mexico',
    'Bengaluru East, Karnataka, India',
    // unique prefixes rejected by the prefix rule
    'India', // Indiana minus 2 letters
    'America', // American Samoa, cut inside the first word
    'West', // a whole first word
    'Kent', // stop list
    'alas', // Alaska minus 2 letters
    // ambiguous prefixes
    'north',
    'virg',
    'sout',
    // metaphone matches that are not spelled like the name
    'Gambia',
    'Yemen',
    'Kim',
    // codes and numbers that are not states
    'ZZ',
    'FM',
    '00',
    '99',
    '006',
    '78701',
    'Austin, 78701',
    // lower-case trailing word is not a code
    'Remote or',
  ])('%p → undefined', (text) => {
    expect(resolveState(text)).toBeUndefined();
  });
});

describe('resolveState: every state round-trips', () => {
  test.each(STATES.map((s) => [s.abbr, s] as const))('%s', (_abbr, s) => {
    const forms = [
      s.name,
      s.name.toUpperCase(),
      s.name.toLowerCase(),
      ` ${s.name} `,
      s.abbr,
      s.abbr.toLowerCase(),
      s.fips,
      String(Number(s.fips)),
      `Springfield, ${s.abbr}`,
      `Springfield, ${s.name}`,
      `${s.name}, United States`,
      `Springfield, ${s.abbr} 12345`,
    ];
    for (const f of forms) expect([f, resolveState(f)]).toEqual([f, s]);
  });
});

describe('resolveState: long text, linear time and the same answers', () => {
  // The rules read the last part and, for "City ST", a short tail: a text of megabytes (a field
  // from a misaligned column) must cost a few linear scans. One regex over the whole text used to
  // backtrack quadratically (100 KB took seconds).
  const MB = 1 << 20;
  test.each([
    ['one 8 MB word', 'L'.repeat(8 * MB), undefined],
    ['8 MB of words, then a code', 'lorem ipsum '.repeat((8 * MB) / 12) + 'Austin TX', 'TX'],
    ['8 MB of words and tabs, then a code with a ZIP', 'lorem\tipsum  dolor '.repeat((8 * MB) / 19) + 'Austin TX 78701', 'TX'],
    ['8 MB of words without a code', 'lorem ipsum '.repeat((8 * MB) / 12), undefined],
    ['8 MB of commas', ','.repeat(8 * MB), undefined],
    ['8 MB of commas and spaces, then a state', ', '.repeat(4 * MB) + 'Texas', 'TX'],
    ['8 MB of parts, the last a state', 'a,'.repeat(4 * MB) + ' Texas , USA, ,', 'TX'],
    ['8 MB of parts, the last not a state', 'Texas,'.repeat(MB) + 'Ontario', undefined],
    ['an 8 MB last part', 'Austin, ' + 'x'.repeat(8 * MB), undefined],
    ['8 MB of dots, then a code', '.'.repeat(8 * MB) + 'TX', 'TX'],
    ['8 MB of spaces around a name', ' '.repeat(4 * MB) + 'New York' + '\u00a0'.repeat(4 * MB), 'NY'],
  ])('%s', (_what, text, abbr) => {
    const started = Date.now();
    expect(resolveState(text)?.abbr).toBe(abbr);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('resolveState: real data', () => {
  test('every st code of the BLS May 2018 state file resolves to that code', () => {
    const rows = parse(readFileSync(OES_STATE_2018), { columns: true, bom: true }) as Record<string, string>[];
    const codes = [...new Set(rows.map((r) => r.st))];
    expect(codes).toHaveLength(54); // 50 states, DC, GU, PR, VI
    for (const c of codes) expect([c, abbrOf(c)]).toEqual([c, c]);
  });

  describe('LinkedIn postings (job_location of rows with search_country "United States")', () => {
    let us: string[] = [];
    let other: string[] = [];
    beforeAll(() => {
      const rows = parse(readFileSync(POSTINGS), { columns: true }) as Record<string, string>[];
      us = rows.filter((r) => r.search_country === 'United States').map((r) => r.job_location);
      other = rows.filter((r) => r.search_country !== 'United States').map((r) => r.job_location);
    });
    const cityCode = /^[^,]+, ([A-Z]{2})$/;
    const codes = new Set(STATES.map((s) => s.abbr));

    test('every "City, ST" row with a valid US code resolves to that code', () => {
      const rows = us.filter((l) => cityCode.test(l) && codes.has(cityCode.exec(l)![1]));
      expect(rows.length).toBeGreaterThanOrEqual(9635); // SOURCE.md: 9,635 "City, ST" rows
      const wrong = rows.filter((l) => abbrOf(l) !== cityCode.exec(l)![1]);
      expect(wrong).toEqual([]);
    });

    test('every "State, United States" row resolves', () => {
      const rows = us.filter((l) => /^[^,]+, United States$/.test(l));
      expect(rows.length).toBe(340); // SOURCE.md
      expect(rows.filter((l) => resolveState(l) === undefined)).toEqual([]);
    });

    test('bare "United States" rows do not resolve', () => {
      const rows = us.filter((l) => l === 'United States');
      expect(rows.length).toBe(72);
      expect(rows.filter((l) => resolveState(l) !== undefined)).toEqual([]);
    });

    test('resolved fraction: all rows with an explicit state, none without', () => {
      // SOURCE.md: of 10,291 rows, 9,635 "City, ST" + 340 "State, United States" name a state
      // (96.93%). The other 316 are bare "United States" (72), metro names (216) and foreign
      // places (28); of these only the metro names that spell out a state ("San Antonio, Texas
      // Metropolitan Area") may resolve, so at most 10,291 − 72 − 28 = 10,191 rows (99.03%).
      const resolved = us.filter((l) => resolveState(l) !== undefined).length;
      expect(us.length).toBe(10291);
      expect(resolved / us.length).toBeGreaterThanOrEqual(9975 / 10291);
      expect(resolved / us.length).toBeLessThanOrEqual(10191 / 10291);
    });

    test('rows of non-US searches resolve only when they are "City, ST" with a US code', () => {
      const resolved = [...new Set(other.filter((l) => resolveState(l) !== undefined))];
      expect(resolved.filter((l) => !cityCode.test(l))).toEqual([]);
      expect(resolved.sort()).toEqual(['Buffalo, NY', 'Detroit, MI', 'International Falls, MN']);
    });
  });
});
