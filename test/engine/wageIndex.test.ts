import { buildWageIndex, WageRowReader, type WageIndex } from '../../src/engine/build/buildWageIndex';
import { FieldCursor, scanRecords } from '../../src/engine/scan/scanRecords';
import { STATES, stateOfArea } from '../../src/engine/values/states';
import { VALUE_CHUNK_ROWS } from '../../src/engine/values/median';

/**
 * The wage index keeps, per (code, state) and wage column, the present values sorted. A column is
 * stored as 32-bit floats only when every value is exactly one; one value that is not (cents)
 * widens the whole column, chunks already read included.
 */
describe('buildWageIndex', () => {
  const codes = ['11-1011', '15-2041'];
  const texas = stateOfArea('Texas')!.id;

  function build(csv: string, reachable = [1, 1]): WageIndex {
    const reader = new WageRowReader(codes, ['whole', 'cents', 'late'], undefined);
    const buf = Buffer.from(csv, 'utf8');
    const cursor = new FieldCursor();
    scanRecords(buf, { dialect: { delimiter: 0x2c, quote: 0x22 }, from: 0, to: buf.length, final: true }, cursor, (cur) => reader.addRow(cur, [0, 1, 2, 3, 4]));
    return buildWageIndex(reader.read(), Uint8Array.from(reachable)).index;
  }

  /** Column c's present values of (code, state), as stored. */
  function run(index: WageIndex, code: number, state: number, c: number): number[] {
    const g = code * STATES.length + state;
    const out: number[] = [];
    for (let i = index.keyStart[g]; i < index.runEnd[c * (index.keyStart.length - 1) + g]; i++) out.push(index.values[c][Math.floor(i / VALUE_CHUNK_ROWS)][i % VALUE_CHUNK_ROWS]);
    return out;
  }

  test('sorted present values per group; whole numbers as 32-bit floats, cents widened even after two chunks', () => {
    const rows: string[] = [];
    // More than two chunks of rows before the first value of "late" that a 32-bit float cannot hold.
    for (let i = 0; i < 2 * VALUE_CHUNK_ROWS + 10; i++) rows.push(`${codes[i % 2]},Texas,${(i * 7919) % 100000},${i % 3 === 0 ? '' : '21.37'},${i % 1000}`);
    rows.push(`${codes[0]},Texas,5,0.1,16777217`);
    const index = build(rows.join('\n') + '\n');
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

  test('rows of codes the related table does not reach are left out', () => {
    const index = build(`${codes[0]},Texas,1,2,3\n${codes[1]},Texas,4,5,6\n`, [0, 1]);
    expect(run(index, 0, texas, 0)).toEqual([]);
    expect(run(index, 1, texas, 0)).toEqual([4]);
  });
});
