import { ByteTable, hashBytes, KeyFilter, NOT_FOUND } from '../../src/engine/scan/byteTable';
import { seededInts } from '../support/seededInts';

const bytes = (s: string) => Buffer.from(s, 'utf8');
const find = (table: ByteTable, key: string, lower = false) => {
  const b = bytes(key);
  return table.find(b, 0, b.length, hashBytes(b, 0, b.length, lower), lower);
};

describe('ByteTable: byte strings to values', () => {
  test('ofKeys maps each key to its index, in shared memory; other keys are NOT_FOUND', () => {
    const table = ByteTable.ofKeys(['chef', 'cook', 'café', '', 'chef']);
    expect([find(table, 'chef'), find(table, 'cook'), find(table, 'café'), find(table, '')]).toEqual([0, 1, 2, 3]);
    expect([find(table, 'Chef'), find(table, 'che'), find(table, 'chefs'), find(table, 'cafe')]).toEqual([NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND]);
    expect(table.data.slots.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(table.size).toBe(4);
  });

  test('lower: ASCII upper case in the looked-up bytes matches lower-case keys', () => {
    const table = ByteTable.ofKeys(['chef de partie']);
    expect(find(table, 'CHEF de Partie', true)).toBe(0);
    expect(find(table, 'CHEF de Partie', false)).toBe(NOT_FOUND);
  });

  test('a key is found wherever it lies in a buffer', () => {
    const table = ByteTable.ofKeys(['cook']);
    const buf = bytes('x,cook,y');
    expect(table.find(buf, 2, 6, hashBytes(buf, 2, 6, false), false)).toBe(0);
  });

  test('add until full, then clear and add again', () => {
    const table = ByteTable.create(3, 10, false);
    expect(table.add(bytes('ab'), 0, 2, hashBytes(bytes('ab'), 0, 2, false), 7)).toBe(true);
    expect(table.add(bytes('cd'), 0, 2, hashBytes(bytes('cd'), 0, 2, false), 8)).toBe(true);
    expect(table.add(bytes('efghijk'), 0, 7, hashBytes(bytes('efghijk'), 0, 7, false), 9)).toBe(false); // bytes
    expect(table.add(bytes('ef'), 0, 2, hashBytes(bytes('ef'), 0, 2, false), 9)).toBe(true);
    expect(table.add(bytes('gh'), 0, 2, hashBytes(bytes('gh'), 0, 2, false), 10)).toBe(false); // entries
    expect([find(table, 'ab'), find(table, 'cd'), find(table, 'ef')]).toEqual([7, 8, 9]);
    table.clear();
    expect([find(table, 'ab'), table.size]).toEqual([NOT_FOUND, 0]);
    expect(table.add(bytes('gh'), 0, 2, hashBytes(bytes('gh'), 0, 2, false), 10)).toBe(true);
    expect(find(table, 'gh')).toBe(10);
  });

  test('append grows the table as needed, the entries and the key bytes each only when full', () => {
    const short = ByteTable.create(16, 1024, false);
    for (let i = 0; i < 1000; i++) short.append(bytes(`${i}`), 0, `${i}`.length, hashBytes(bytes(`${i}`), 0, `${i}`.length, false), i);
    const long = ByteTable.create(16, 1024, false);
    const longKey = (i: number) => `${i}:${'x'.repeat(2000)}`;
    for (let i = 0; i < 10; i++) long.append(bytes(longKey(i)), 0, longKey(i).length, hashBytes(bytes(longKey(i)), 0, longKey(i).length, false), i);
    expect(Array.from({ length: 1000 }, (_, i) => find(short, `${i}`))).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(Array.from({ length: 10 }, (_, i) => find(long, longKey(i)))).toEqual(Array.from({ length: 10 }, (_, i) => i));
    // 2,890 key bytes in a table that doubled its entries six times: its bytes doubled twice.
    expect(short.data.bytes.length).toBe(4096);
    // 20,000 key bytes, ten entries: the bytes grew, the entries did not.
    expect(long.data.entries.length).toBe(3 * 16);
    expect(long.data.bytes.length).toBeLessThan(2 * 20_100);
  });

  test('equal hashes of different keys are told apart by their bytes', () => {
    const table = ByteTable.create(4, 64, false);
    const key = (s: string) => bytes(s);
    // Every key is added under the same (wrong) hash: only the byte comparison separates them.
    ['a', 'b', 'ab'].forEach((s, i) => table.add(key(s), 0, s.length, 42, i));
    expect(['a', 'b', 'ab', 'ba'].map((s) => table.find(key(s), 0, s.length, 42, false))).toEqual([0, 1, 2, NOT_FOUND]);
  });

  test('agrees with a Map on 20,000 random keys, half of them absent', () => {
    const next = seededInts(5);
    const alphabet = 'abcdefghijklmnopqrstuvwxyz ,éΩ';
    const randomKey = () => Array.from({ length: next(12) }, () => alphabet[next(alphabet.length)]).join('');
    const keys = [...new Set(Array.from({ length: 10000 }, randomKey))];
    const table = ByteTable.ofKeys(keys);
    const map = new Map(keys.map((k, i) => [k, i]));
    for (let i = 0; i < 20000; i++) {
      const k = i % 2 === 0 ? keys[next(keys.length)] : randomKey();
      expect(find(table, k)).toBe(map.get(k) ?? NOT_FOUND);
    }
  });
});

describe('KeyFilter: "not there" for most absent keys, never for a present one', () => {
  test('every key of a 50,000-key table passes; of 50,000 other keys, at most 12 % pass', () => {
    const keys = Array.from({ length: 50_000 }, (_, i) => `title ${i}`);
    const table = ByteTable.ofKeys(keys);
    const filter = new KeyFilter(table.data);
    const hash = (key: string) => hashBytes(bytes(key), 0, bytes(key).length, false);
    expect(keys.every((key) => filter.mightHave(hash(key)))).toBe(true);
    const passed = keys.filter((_, i) => filter.mightHave(hash(`other ${i}`))).length;
    expect(passed).toBeLessThan(0.12 * keys.length); // 10.5 positions per key: ~9 % expected
    expect(passed).toBeGreaterThan(0); // a filter, not a second table
  });

  test('an empty table lets nothing through', () => {
    const filter = new KeyFilter(ByteTable.create(0, 0, false).data);
    expect(['', 'a', 'chef'].some((key) => filter.mightHave(hashBytes(bytes(key), 0, bytes(key).length, false)))).toBe(false);
  });
});

describe('hashBytes: a word at a time, the same for the same bytes wherever they lie', () => {
  const next = seededInts(11);
  const randomBytes = (n: number) => Uint8Array.from({ length: n }, () => (next(4) === 0 ? 0x41 + next(26) : next(256)));

  test('at every offset of a buffer (word reads are not aligned), for every length to 40', () => {
    for (let length = 0; length <= 40; length++) {
      const key = randomBytes(length);
      const expected = hashBytes(key, 0, length, false);
      for (let offset = 1; offset < 8; offset++) {
        const buf = new Uint8Array(offset + length + 5).fill(0x5a);
        buf.set(key, offset);
        expect(hashBytes(buf, offset, offset + length, false)).toBe(expected);
      }
    }
  });

  test('lower: equal to the hash of the bytes with ASCII A-Z folded, every other byte kept', () => {
    for (let t = 0; t < 2000; t++) {
      const key = randomBytes(next(30));
      const folded = key.map((b) => (b >= 0x41 && b <= 0x5a ? b | 0x20 : b));
      expect(hashBytes(key, 0, key.length, true)).toBe(hashBytes(folded, 0, folded.length, false));
    }
  });

  test('spreads keys that differ in one byte or in length: few shared values, even in the low bits', () => {
    const hashes = new Set<number>();
    const low = new Set<number>();
    const keys = new Set<string>();
    for (let i = 0; keys.size < 100_000; i++) keys.add(`${'Senior Title '.slice(0, 1 + (i % 13))}${i}`);
    for (const key of keys) {
      const h = hashBytes(bytes(key), 0, bytes(key).length, false);
      hashes.add(h);
      low.add(h & 0xfffff);
    }
    expect(hashes.size).toBeGreaterThan(keys.size - 5); // 32-bit values: ~1 collision expected
    expect(low.size).toBeGreaterThan(90_000); // 2^20 buckets: ~95,400 expected
    // The empty key, one byte and the same byte twice all differ (the length takes part).
    expect(new Set([hashBytes(bytes(''), 0, 0, false), hashBytes(bytes('a'), 0, 1, false), hashBytes(bytes('aa'), 0, 2, false), hashBytes(new Uint8Array([0x61, 0]), 0, 2, false)]).size).toBe(4);
  });
});
