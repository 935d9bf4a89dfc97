import us from 'us';

/** A US state, DC or inhabited territory, with a dense id usable as an array index. */
export interface StateInfo {
  /** 0..STATES.length-1, stable across runs and versions of this table's order. */
  id: number;
  /** The name as BLS writes it in OES `area_title` ("District of Columbia", "Virgin Islands"). */
  name: string;
  /** USPS code, upper case ("CA"). */
  abbr: string;
  /** Two-digit state FIPS code ("06"). */
  fips: string;
}

/**
 * Order: the 50 states and DC as the `us` package lists them (alphabetical by name), then the
 * territories, the three that OES publishes first (PR, GU, VI), then AS and MP.
 */
const TERRITORY_ORDER = ['PR', 'GU', 'VI', 'AS', 'MP'];

function buildStates(): readonly StateInfo[] {
  const sources = [...us.STATES];
  for (const abbr of TERRITORY_ORDER) {
    const t = us.TERRITORIES.find((s) => s.abbr === abbr);
    if (t === undefined) throw new Error(`us package has no territory ${abbr}`);
    sources.push(t);
  }
  if (sources.length !== us.STATES_AND_TERRITORIES.length) {
    throw new Error('us package territories differ from the expected AS, GU, MP, PR, VI');
  }
  return Object.freeze(
    sources.map((s, id) => Object.freeze({ id, name: s.name, abbr: s.abbr, fips: s.fips })),
  );
}

/** The 50 states, DC, PR, GU, VI, AS, MP: 56 entries, `STATES[i].id === i`. */
export const STATES: readonly StateInfo[] = buildStates();

/** The state with this id; throws RangeError for an id outside 0..STATES.length-1. */
export function stateById(id: number): StateInfo {
  const s = STATES[id];
  if (s === undefined || !Number.isInteger(id)) throw new RangeError(`no state with id ${id}`);
  return s;
}

const BY_EXACT_NAME_OR_CODE = new Map<string, StateInfo>(
  STATES.flatMap((s) => [
    [s.name.toLowerCase(), s],
    [s.abbr.toLowerCase(), s],
  ]),
);

/**
 * Strict lookup for the wage table's area columns: the exact state name (as in OES area_title)
 * or its 2-letter code, ignoring case and surrounding spaces. Unlike resolveState it never reads
 * "City, ST" forms, so metro-area rows ("Abilene, TX") of an all-areas OES file are not taken
 * for state rows.
 */
export function stateOfArea(text: string): StateInfo | undefined {
  return BY_EXACT_NAME_OR_CODE.get(text.replace(/^[\s\u00a0]+|[\s\u00a0]+$/g, '').toLowerCase());
}
