import { formatNumber, MAX_NUMBER_BYTES, writeNumber } from '../../src/engine/values/formatNumber';
import { seededInts } from '../support/seededInts';

describe('formatNumber', () => {
  test.each([
    [39810, '39810'],
    [66.59, '66.59'],
    [2.5, '2.5'],
    [-1234.5, '-1234.5'],
    [0.1 + 0.2, '0.30000000000000004'],
    [(0.1 + 0.2) / 2, '0.15000000000000002'],
    [146875480, '146875480'],
    [1e21, '1000000000000000000000'],
    [1.2345e25, '12345000000000000000000000'],
    [-1e21, '-1000000000000000000000'],
    [1.5e-7, '0.00000015'],
    [-1.5e-7, '-0.00000015'],
    [1e-7, '0.0000001'],
    [1.234e-10, '0.0000000001234'],
    [0.000001, '0.000001'],
    [123456789012345680000, '123456789012345680000'],
  ])('%p → %p', (x, s) => {
    expect(formatNumber(x)).toBe(s);
  });

  test('integers have no ".0"', () => {
    expect(formatNumber(80)).toBe('80');
    expect(formatNumber(80.0)).toBe('80');
  });

  test('0 and -0 → "0"', () => {
    expect(formatNumber(0)).toBe('0');
    expect(formatNumber(-0)).toBe('0');
  });

  test('null → ""', () => {
    expect(formatNumber(null)).toBe('');
  });

  test('NaN → "" (missing)', () => {
    expect(formatNumber(NaN)).toBe('');
  });

  test('±Infinity are written out', () => {
    expect(formatNumber(Infinity)).toBe('Infinity');
    expect(formatNumber(-Infinity)).toBe('-Infinity');
  });

  test('Number.MAX_VALUE: 309 digits, no exponent', () => {
    expect(formatNumber(Number.MAX_VALUE)).toBe('17976931348623157' + '0'.repeat(292));
  });

  test('Number.MIN_VALUE: 5 at the 324th decimal place', () => {
    expect(formatNumber(Number.MIN_VALUE)).toBe('0.' + '0'.repeat(323) + '5');
  });

  test('never an exponent, and always round-trips, over random doubles of every magnitude', () => {
    let seed = 99;
    const rnd = (): number => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    const bad: number[] = [];
    for (let i = 0; i < 5000; i++) {
      const x = (rnd() - 0.5) * 10 ** Math.floor(rnd() * 600 - 300);
      const s = formatNumber(x);
      if (/e/i.test(s) || Number(s) !== x || (s.includes('.') && s.endsWith('0'))) bad.push(x);
    }
    expect(bad).toEqual([]);
  });

  test('digits are the shortest round-trip digits of String(x)', () => {
    for (const x of [1 / 3, 2 / 3, 1e21 / 3, 1e-7 / 3]) {
      const digits = (s: string): string => s.replace(/^-?0\.0*|\.|e.*$/g, '').replace(/0+$/, '');
      expect(digits(formatNumber(x))).toBe(digits(String(x)));
    }
  });
});

describe('writeNumber: formatNumber as bytes', () => {
  test('the same text for edge values and 5,000 random integers and fractions', () => {
    const next = seededInts(3);
    const values = [0, -0, 1, -1, 9, 10, 99, 100, 2 ** 31 - 1, 2 ** 31, 2 ** 31 + 1, -(2 ** 31 - 1), -(2 ** 31), 2 ** 31 - 0.5, 2 ** 31 + 0.5, 2 ** 32, 2 ** 53 - 1, -(2 ** 53 - 1), 2 ** 53, 2 ** 53 + 2, 1e21, -1e21, 1.5e-7, 0.1 + 0.2, NaN, Infinity, -Infinity];
    for (let i = 0; i < 5000; i++) values.push((next(2) === 0 ? -1 : 1) * (i % 3 === 0 ? next(1e9) * 1e6 + next(1e6) : next(1e9) / 100));
    // Halves (written without a string): small, large, near 2^52 where they stop, and negative.
    values.push(0.5, -0.5, 1.5, 23468.5, -1234.5, 2 ** 52 - 0.5, -(2 ** 52 - 0.5), 2 ** 51 + 0.5, 2 ** 52, 2 ** 52 + 1, 0.25, 0.75, 2.25);
    for (let i = 0; i < 5000; i++) values.push((next(2) === 0 ? -1 : 1) * ((i % 4 === 0 ? next(1e9) * 4e6 + next(4e6) : next(1e7)) + 0.5));
    const out = new Uint8Array(MAX_NUMBER_BYTES + 5);
    for (const x of values) {
      out.fill(0x7e);
      const end = writeNumber(out, 5, x);
      expect(Buffer.from(out.subarray(5, end)).toString('latin1')).toBe(formatNumber(x));
      expect(out[4]).toBe(0x7e); // nothing written before `at`
    }
  });
});
