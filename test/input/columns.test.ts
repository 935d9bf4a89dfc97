import { ColumnRequest, editDistance, mapColumns } from '../../src/engine/dialect/columns';
import { InputError } from '../../src/engine/errors';

const where = { file: 'wages.csv', line: 8 };
const req = (role: string, names: string[], required = true): ColumnRequest => ({ role, names, required });

function errorOf(fn: () => unknown): InputError {
  try {
    fn();
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('no error thrown');
}

test('names match case-insensitively (AREA_TITLE vs area_title)', () => {
  expect(mapColumns(['AREA', 'AREA_TITLE', 'OCC_CODE'], [req('state', ['area_title']), req('code', ['occ_code'])], where)).toEqual([1, 2]);
});

test('a BOM on the first name is ignored', () => {
  expect(mapColumns(['\ufeffst', 'occupation'], [req('state', ['st'])], where)).toEqual([0]);
});

test('surrounding spaces and no-break spaces are trimmed', () => {
  expect(mapColumns([' title\u00a0', 'code '], [req('title', ['title']), req('code', ['code'])], where)).toEqual([0, 1]);
});

test('candidate names are tried in priority order', () => {
  expect(mapColumns(['code', 'occ_code'], [req('code', ['occ_code', 'code'])], where)).toEqual([1]);
  expect(mapColumns(['st', 'code'], [req('code', ['occ_code', 'code'])], where)).toEqual([1]);
});

test('an optional column that is absent gives -1', () => {
  expect(mapColumns(['title'], [req('state code', ['st', 'prim_state'], false)], where)).toEqual([-1]);
});

test('a missing required column lists the columns and suggests the closest name', () => {
  const e = errorOf(() => mapColumns(['st', 'occupation', 'tot_emp', 'area_titel'], [req('state', ['area_title'])], where));
  expect(e.location).toEqual({ file: 'wages.csv', line: 8, column: 'area_title' });
  expect(e.message).toBe(
    'wages.csv, line 8, column "area_title": state column "area_title" not found; columns are: st, occupation, tot_emp, area_titel; did you mean "area_titel"?',
  );
});

test('the suggestion can be a header name containing the wanted word', () => {
  const e = errorOf(() => mapColumns(['2018 SOC Code', '2018 SOC Title'], [req('title', ['title'])], where));
  expect(e.message).toMatch(/did you mean "2018 SOC Title"\?$/);
});

test('no suggestion when nothing is close', () => {
  const e = errorOf(() => mapColumns(['alpha', 'beta'], [req('code', ['occ_code', 'code'])], where));
  expect(e.message).toContain('code column "occ_code" or "code" not found; columns are: alpha, beta');
  expect(e.message).not.toContain('did you mean');
});

test('a requested name that appears twice is ambiguous', () => {
  const e = errorOf(() => mapColumns(['title', 'code', 'Title '], [req('title', ['title'])], where));
  expect(e.location).toEqual({ file: 'wages.csv', line: 8, column: 'title' });
  expect(e.message).toMatch(/title column "title" is ambiguous: it appears 2 times \(fields 1, 3\)/);
});

test('duplicates that are not requested are fine', () => {
  expect(mapColumns(['x', 'x', 'title'], [req('title', ['title'])], where)).toEqual([2]);
});

test('editDistance counts a transposition as one edit', () => {
  expect(editDistance('area_title', 'area_titel')).toBe(1);
  expect(editDistance('kitten', 'sitting')).toBe(3);
  expect(editDistance('', 'abc')).toBe(3);
});
