import { buildWageIndex, WageRowReader, type WageIndex } from '../../src/engine/build/buildWageIndex';
import { FieldCursor, scanRecords } from '../../src/engine/scan/scanRecords';
import { STATES, stateOfArea } from '../../src/engine/values/states';
import { medianOf, VALUE_CHUNK_ROWS } from '../../src/engine/values/median';
import { MatchComputer } from '../../src/engine/probe/computeMatch';
import { seededInts } from '../support/seededInts';

/**
 * The wage index keeps, per (code, state) and wage column, the present values sorted. A column is
 * stored as 32-bit floats only when every value is exactly one; one value that is not (cents)
 * widens the whole column, chunks already read included.
 */
describe('buildWageIndex', () => {
  const codes = ['11-1011', '15-2041'];
  const texas = stateOfArea('Texas')!.id;

  async function build(csv: string, reachable = [1, 1], helpers = 0): Promise<WageIndex> {
    const reader = new WageRowReader(codes, ['whole', 'cents', 'late'], undefined);
    const buf = Buffer.from(csv, 'utf8');
    const cursor = new FieldCursor();
    scanRecords(buf, { dialect: { delimiter: 0x2c, quote: 0x22 }, from: 0, to: buf.length, final: true }, cursor, (cur) => reader.addRow(cur, [0, 1, 2, 3, 4]));
    return (await buildWageIndex([reader.read()], Uint8Array.from(reachable), helpers, 0)).index;
  }

  /** Column c's present values of (code, state), as stored. */
  function run(index: WageIndex, code: number, state: number, c: number): number[] {
    const g = code * STATES.length + state;
    const out: number[] = [];
    for (let i = index.keyStart[g]; i < index.runEnd[g * index.values.length + c]; i++) out.push(index.values[c][Math.floor(i / VALUE_CHUNK_ROWS)][i % VALUE_CHUNK_ROWS]);
    return out;
  }

  test('sorted present values per group; whole numbers as 32-bit floats, cents widened even after two chunks', async () => {
    const rows: string[] = [];
    // More than two chunks of rows before the first value of "late" that a 32-bit float cannot hold.
    for (let i = 0; i < 2 * VALUE_CHUNK_ROWS + 10; i++) rows.push(`${codes[i % 2]},Texas,${(i * 7919) % 100000},${i % 3 === 0 ? '' : '21.37'},${i % 1000}`);
    rows.push(`${codes[0]},Texas,5,0.1,16777217`);
    const index = await build(rows.join('\n') + '\n');
    expect(index.values.map((column) => column[0].constructor.name)).toEqual(['Float32Array', 'Float64Array', 'Float64Array']);
    for (const [code, c] of [[0, 0], [1, 0], [0, 1], [0, 2], [1, 2]]) {
      const expected = rows
        .map((r) => r.split(','))
        .filter((f) => f[0] === codes[code] && f[2 + c] !== '')
        .map((f) => Number(f[2 + c]))
        .sort((a, b) => a - b);
      expect(run(index, code, texas, c)).toEqual(expected);
    }
    expect(run(index, 0, texas, 2)).toContain(16777217);
  });

  test('columns sorted on helper threads give the same index as on one thread, to the bit', async () => {
    const rows: string[] = [];
    for (let i = 0; i < VALUE_CHUNK_ROWS + 500; i++) rows.push(`${codes[i % 2]},${i % 5 === 0 ? 'Ohio' : 'Texas'},${(i * 7919) % 100000},${i % 3 === 0 ? '' : (i % 97) / 4},${i % 1000}`);
    const csv = rows.join('\n') + '\n';
    const [one, helped] = await Promise.all([build(csv), build(csv, [1, 1], 2)]);
    expect(helped.runEnd).toEqual(one.runEnd);
    expect(helped.keyStart).toEqual(one.keyStart);
    expect(helped.groupMedians).toEqual(one.groupMedians);
    expect(helped.values.map((column) => column.map((chunk) => Array.from(chunk)))).toEqual(one.values.map((column) => column.map((chunk) => Array.from(chunk))));
  });

  test('rows of codes the related table does not reach are left out', async () => {
    const index = await build(`${codes[0]},Texas,1,2,3\n${codes[1]},Texas,4,5,6\n`, [0, 1]);
    expect(run(index, 0, texas, 0)).toEqual([]);
    expect(run(index, 1, texas, 0)).toEqual([4]);
  });

  test('groupMedians: each group\'s median per column, side by side; NaN where it has no value', async () => {
    const index = await build(`${codes[0]},Texas,1,,7\n${codes[0]},Texas,4,2.5,8\n${codes[0]},Texas,2,,9\n${codes[1]},Texas,5,,\n`);
    const at = (code: number, c: number) => index.groupMedians[(code * STATES.length + texas) * 3 + c];
    expect([at(0, 0), at(0, 1), at(0, 2)]).toEqual([2, 2.5, 8]);
    expect([at(1, 0), at(1, 1), at(1, 2)]).toEqual([5, Number.NaN, Number.NaN]);
    expect(at(0, 0 + STATES.length)).toBeNaN(); // another state: no rows
  });

  test('an answer of one code counted w times equals the median of its rows gathered w times, to the bit', async () => {
    // Huge values make (v + v) / 2 overflow where v alone does not: the even-weight case must
    // take the middle pair as medianOf does.
    const next = seededInts(5);
    const huge = ['1' + '0'.repeat(308), '15' + '0'.repeat(307), '17' + '0'.repeat(307)];
    for (let t = 0; t < 300; t++) {
      const n = 1 + next(6);
      const cells = Array.from({ length: n }, () => (next(3) === 0 ? huge[next(3)] : next(4) === 0 ? '' : String(next(1000) / 8)));
      const index = await build(cells.map((cell) => `${codes[0]},Texas,${cell},${cell},1`).join('\n') + '\n');
      const weight = 1 + next(4);
      const computer = new MatchComputer({ pathStart: Int32Array.of(0, 1), pathCode: Int32Array.of(0), pathMult: Int32Array.of(weight) }, index);
      const result = computer.compute(0, texas);
      const present = cells.filter((cell) => cell !== '').map(Number);
      const gathered = Float64Array.from(present.flatMap((v) => Array<number>(weight).fill(v)));
      expect(result.nRows).toBe(n * weight);
      expect(result.medians[0]).toBe(medianOf(gathered, gathered.length) ?? Number.NaN);
      expect(result.medians[1]).toBe(result.medians[0]);
    }
  });
});

