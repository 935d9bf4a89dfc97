import { parseScore, parseScoreBytes } from '../../src/engine/values/parseScore';
import { seededInts } from '../support/seededInts';

function viaBytes(s: string): number {
  const buf = Buffer.from(`x;${s};x`, 'utf8');
  return parseScoreBytes(buf, 2, buf.length - 2);
}

describe('parseScore: numbers', () => {
  test.each([
    ['87.5', 87.5],
    ['87', 87],
    [' 90 ', 90],
    ['\u00a090\u00a0', 90],
    ['\t80.0\r', 80],
    ['+5', 5],
    ['-3.5', -3.5],
    ['.5', 0.5],
    ['5.', 5],
    ['100', 100],
    ['0', 0],
    // exponent: Python writes small floats this way (str(0.00001) == '1e-05')
    ['1e2', 100],
    ['1E2', 100],
    ['1e-05', 0.00001],
    ['8.75e+1', 87.5],
    ['1.e1', 10],
  ])('%p → %p', (s, v) => {
    expect(parseScore(s)).toBe(v);
  });
});

describe('parseScore: not a plain number → NaN', () => {
  test.each([
    '87,5', // decimal comma
    '1,000',
    '',
    '   ',
    'abc',
    '0x10',
    'Infinity',
    '-Infinity',
    'inf',
    'NaN',
    'nan',
    '1_000',
    '1e',
    'e5',
    '1e+',
    '.',
    '+',
    '-',
    '.e1',
    '1.2.3',
    '5 5',
    '87%',
    '++5',
    '١٢',
  ])('%p → NaN', (s) => {
    expect(parseScore(s)).toBeNaN();
  });
});

describe('parseScoreBytes equals parseScore', () => {
  test.each([
    '87.5', '87', ' 90 ', '\u00a090\u00a0', '\ufeff90', '+5', '-3.5', '-0', '.5', '5.', '1e2', '1e-05', '87,5', '', 'abc',
    '0.1', '0.3', '9007199254740993', '0.1234567890123456789012345', '1'.repeat(400), 'Infinity', '1_000',
  ])('%p', (s) => {
    expect(Object.is(viaBytes(s), parseScore(s))).toBe(true);
  });

  test('20,000 random strings from a score-like alphabet give identical results', () => {
    const alphabet = ['0', '1', '5', '8', '9', '.', '.', 'e', 'E', '+', '-', ',', ' ', '\u00a0', 'x'];
    const rnd = seededInts(4242);
    const mismatches: string[] = [];
    for (let k = 0; k < 20000; k++) {
      let s = '';
      const len = rnd(10);
      for (let j = 0; j < len; j++) s += alphabet[rnd(alphabet.length)];
      if (!Object.is(viaBytes(s), parseScore(s))) mismatches.push(s);
    }
    expect(mismatches).toEqual([]);
  });

  test('20,000 random decimals with 1–17 digits give identical results', () => {
    const rnd = seededInts(77);
    const mismatches: string[] = [];
    for (let k = 0; k < 20000; k++) {
      const n = 1 + rnd(17);
      let d = '';
      for (let j = 0; j < n; j++) d += String(rnd(10));
      const p = rnd(n + 1);
      const s = (rnd(2) === 0 ? '-' : '') + d.slice(0, p) + '.' + d.slice(p);
      if (!Object.is(viaBytes(s), parseScore(s)) || parseScore(s) !== Number(s)) mismatches.push(s);
    }
    expect(mismatches).toEqual([]);
  });
});
