import us from 'us';
import { STATES, stateById, stateOfArea } from '../../src/engine/values/states';

describe('STATES', () => {
  test('has the 50 states, DC and the five inhabited territories: 56 entries', () => {
    expect(STATES).toHaveLength(56);
  });

  test('ids are 0..55 in table order', () => {
    STATES.forEach((s, i) => expect(s.id).toBe(i));
  });

  test('the first 51 entries are the states and DC, in the us package order', () => {
    expect(STATES.slice(0, 51).map((s) => s.abbr)).toEqual(us.STATES.map((s) => s.abbr));
    expect(STATES.slice(0, 51).map((s) => s.abbr)).toContain('DC');
  });

  test('the territories follow in the order PR, GU, VI, AS, MP', () => {
    expect(STATES.slice(51).map((s) => s.abbr)).toEqual(['PR', 'GU', 'VI', 'AS', 'MP']);
  });

  test('names are the ones BLS writes in area_title', () => {
    const names = STATES.map((s) => s.name);
    for (const n of ['District of Columbia', 'Puerto Rico', 'Guam', 'Virgin Islands', 'New York', 'Washington']) {
      expect(names).toContain(n);
    }
  });

  test('name, abbr and fips come from the us package', () => {
    for (const s of STATES) {
      const u = us.STATES_AND_TERRITORIES.find((x) => x.abbr === s.abbr);
      expect(u).toBeDefined();
      expect({ name: s.name, fips: s.fips }).toEqual({ name: u!.name, fips: u!.fips });
    }
  });

  test('abbr, fips and name are each unique', () => {
    for (const key of ['abbr', 'fips', 'name'] as const) {
      expect(new Set(STATES.map((s) => s[key])).size).toBe(STATES.length);
    }
  });

  test('known fips codes', () => {
    const fips = Object.fromEntries(STATES.map((s) => [s.abbr, s.fips]));
    expect(fips).toMatchObject({ AL: '01', CA: '06', DC: '11', NY: '36', WY: '56', PR: '72', GU: '66', VI: '78' });
  });

  test('entries are frozen', () => {
    expect(Object.isFrozen(STATES)).toBe(true);
    expect(Object.isFrozen(STATES[0])).toBe(true);
  });
});

describe('stateById', () => {
  test('returns STATES[id] for every id', () => {
    for (let i = 0; i < STATES.length; i++) expect(stateById(i)).toBe(STATES[i]);
  });

  test.each([-1, 56, 1.5, NaN])('throws RangeError for id %p', (id) => {
    expect(() => stateById(id)).toThrow(RangeError);
  });
});

describe('stateOfArea (wage-table area columns)', () => {
  test.each([
    ['California', 'CA'],
    [' district of columbia ', 'DC'],
    ['Virgin Islands', 'VI'],
    ['tx', 'TX'],
    ['PR\u00a0', 'PR'],
  ])('%j is the state %s', (text, abbr) => {
    expect(stateOfArea(text)?.abbr).toBe(abbr);
  });

  test.each(['Abilene, TX', 'U.S.', 'calif', '06', 'New York-Newark-Jersey City, NY-NJ-PA', ''])('%j is not a state row', (text) => {
    expect(stateOfArea(text)).toBeUndefined();
  });
});
