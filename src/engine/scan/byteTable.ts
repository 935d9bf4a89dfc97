/**
 * A hash table from byte strings to int32 values, looked up with the bytes of a field where they
 * lie in the input buffer: the probe finds a query's title and location without making a string.
 * Open addressing (linear probing) over a power-of-two slot array; keys live back to back in one
 * byte arena. With `lower`, ASCII letters of the looked-up bytes compare as lower case (the keys
 * are stored lower-cased).
 *
 * Most lookups are for keys that are not there (query titles no related row knows), so a slot
 * holds the key's hash next to its entry: a miss is settled by the slots alone, usually in one
 * cache line, and only a hash match reads the entry and its bytes.
 *
 * The data is plain typed arrays, so a table built in shared memory crosses to the workers
 * without a copy (ByteTable.data / new ByteTable(data)).
 */
export interface ByteTableData {
  /** Per slot, two int32: key hash and entry + 1 (0: the slot is empty). */
  slots: Int32Array;
  /** Per entry, three int32: key start in `bytes`, key length, value. */
  entries: Int32Array;
  bytes: Uint8Array;
  /** count[0]: entries; count[1]: bytes used. */
  count: Int32Array;
}

export const NOT_FOUND = -1;

/**
 * The key hash, a word at a time: murmur3's 32-bit block step on each 4 bytes (little-endian),
 * then the last 1 to 3 bytes, the length and murmur3's finalizer. FNV-1a's multiply per byte
 * (~4 ns a byte here, a latency chain) made hashing a tenth of a query row's time; per word there
 * is a quarter of the multiplies on the chain. Every table key and every probe field is hashed by
 * hashBytes or FieldBytes.read, which give the same value for the same bytes. Const enums, so the
 * hot loops see numbers.
 */
export const enum Hash {
  Seed = 0x2c8f3b1d,
  C1 = 0xcc9e2d51,
  C2 = 0x1b873593,
}

/** Bytes i .. i + 3 as a little-endian int32. */
export function wordAt(buf: Uint8Array, i: number): number {
  return buf[i] | (buf[i + 1] << 8) | (buf[i + 2] << 16) | (buf[i + 3] << 24);
}

/** The ASCII upper-case letters of a word's four bytes folded to lower case; other bytes as they are. */
export function lowerWord(w: number): number {
  const low = w & 0x7f7f7f7f;
  return w | ((((low + 0x3f3f3f3f) & ~(low + 0x25252525) & ~w & 0x80808080) >>> 2));
}

/** Murmur3's block step: a word into the running hash. */
export function mixWord(h: number, w: number): number {
  let k = Math.imul(w, Hash.C1);
  k = Math.imul((k << 15) | (k >>> 17), Hash.C2);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/** The last 0 to 3 bytes (little-endian in `tail`), the length, and murmur3's finalizer. */
export function finishHash(h: number, tail: number, length: number): number {
  if ((length & 3) !== 0) {
    const k = Math.imul(tail, Hash.C1);
    h ^= Math.imul((k << 15) | (k >>> 17), Hash.C2);
  }
  h ^= length;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** The hash of bytes start .. end, ASCII upper case folded to lower when `lower`. */
export function hashBytes(buf: Uint8Array, start: number, end: number, lower: boolean): number {
  let h = Hash.Seed;
  let i = start;
  for (; i + 4 <= end; i += 4) h = mixWord(h, lower ? lowerWord(wordAt(buf, i)) : wordAt(buf, i));
  let tail = 0;
  for (let shift = 0; i < end; i++, shift += 8) {
    let b = buf[i];
    if (lower && b >= 0x41 && b <= 0x5a) b |= 0x20;
    tail |= b << shift;
  }
  return finishHash(h, tail, end - start);
}

export class ByteTable {
  data: ByteTableData;
  private mask: number;
  /** 32 − log2(slots): a slot is the top bits of hash · 2^32/φ (FNV's low bits cluster similar keys). */
  private shift: number;
  private capacity: number;

  /**
   * A table for up to `entries` keys of `bytes` bytes in all, in shared memory (`memory` true), in
   * this thread's (false) or in the zeroed regions a function gives (such a table never grows:
   * fill it with add, not append).
   */
  static create(entries: number, bytes: number, memory: boolean | ((bytes: number) => Uint8Array)): ByteTable {
    // Load 1/3 to 2/3: a miss (most lookups) probes ~3 slots, and the slots stay small enough to
    // share the cache with everything else a worker touches.
    const slots = 1 << Math.max(4, 32 - Math.clz32(Math.ceil(Math.max(1, entries) * 1.5) - 1));
    const region = (n: number): Uint8Array => (typeof memory === 'function' ? memory(n) : new Uint8Array(memory ? new SharedArrayBuffer(n) : new ArrayBuffer(n)));
    const ints = (n: number): Int32Array => {
      const r = region(n * 4);
      return new Int32Array(r.buffer, r.byteOffset, n);
    };
    return new ByteTable({ slots: ints(slots * 2), entries: ints(Math.max(1, entries) * 3), bytes: region(Math.max(1, bytes)), count: ints(2) });
  }

  /**
   * Keys in order, each mapped to its index; in shared memory, for the workers. The keys are
   * encoded straight into the table's arena: no buffer per key.
   */
  static ofKeys(keys: readonly string[]): ByteTable {
    let total = 0;
    for (const key of keys) total += Buffer.byteLength(key, 'utf8');
    const table = ByteTable.create(keys.length, total, true);
    const arena = Buffer.from(table.data.bytes.buffer, table.data.bytes.byteOffset, table.data.bytes.byteLength);
    let used = 0;
    keys.forEach((key, i) => {
      const end = used + arena.write(key, used, 'utf8');
      const hash = hashBytes(arena, used, end, false);
      // A repeated key keeps its first index, as a Map built in order would.
      if (table.find(arena, used, end, hash, false) !== NOT_FOUND) return;
      table.link(used, end - used, hash, i);
      used = end;
    });
    return table;
  }

  constructor(data: ByteTableData) {
    this.data = data;
    this.mask = (data.slots.length >> 1) - 1;
    this.shift = Math.clz32(this.mask);
    this.capacity = data.entries.length / 3;
  }

  /**
   * Adds a key that is not in the table, growing the table as needed (for tables that are being
   * built, not caches). Returns the key's entry number, in the order keys were added.
   */
  append(buf: Uint8Array, start: number, end: number, hash: number, value: number, lower = false): number {
    while (!this.add(buf, start, end, hash, value, lower)) {
      // Only what is full doubles: when the bytes doubled with every doubling of the entries, the
      // title table's 4 MB of key bytes went through buffers up to 16 MB, each one freed.
      const { count, bytes } = this.data;
      const needed = count[1] + (end - start);
      this.resize(count[0] >= this.capacity ? 2 * this.capacity : this.capacity, needed > bytes.length ? Math.max(2 * bytes.length, needed) : bytes.length);
    }
    return this.data.count[0] - 1;
  }

  /** The key bytes of entry `entry` (a view into the arena). */
  keyOf(entry: number): Uint8Array {
    const { entries, bytes } = this.data;
    return bytes.subarray(entries[3 * entry], entries[3 * entry] + entries[3 * entry + 1]);
  }

  /** The value of entry `entry`. */
  valueOf(entry: number): number {
    return this.data.entries[3 * entry + 2];
  }

  /** Replaces each entry's value v by values[v]. */
  mapValues(values: Int32Array): void {
    const { entries, count } = this.data;
    for (let e = 0; e < count[0]; e++) entries[3 * e + 2] = values[entries[3 * e + 2]];
  }

  /** A copy holding exactly the entries and bytes in use; `shared` puts it in shared memory. */
  compact(shared: boolean): ByteTable {
    const copy = ByteTable.create(this.size, this.data.count[1], shared);
    copy.copyFrom(this);
    return copy;
  }

  private resize(entries: number, bytes: number): void {
    const grown = ByteTable.create(entries, bytes, this.data.bytes.buffer instanceof SharedArrayBuffer);
    grown.copyFrom(this);
    this.data = grown.data;
    this.mask = grown.mask;
    this.shift = grown.shift;
    this.capacity = grown.capacity;
  }

  /** Takes the entries and bytes of `from` into this (empty) table, placing them in its own slots. */
  private copyFrom(from: ByteTable): void {
    const { count, entries, bytes, slots } = from.data;
    this.data.bytes.set(bytes.subarray(0, count[1]));
    this.data.entries.set(entries.subarray(0, 3 * count[0]));
    this.data.count.set(count);
    for (let s = 0; s < slots.length; s += 2) {
      if (slots[s + 1] === 0) continue;
      let t = this.slotOf(slots[s]);
      while (this.data.slots[2 * t + 1] !== 0) t = (t + 1) & this.mask;
      this.data.slots[2 * t] = slots[s];
      this.data.slots[2 * t + 1] = slots[s + 1];
    }
  }

  get size(): number {
    return this.data.count[0];
  }

  /** The value stored for bytes start .. end of buf (with their hash), or NOT_FOUND. */
  find(buf: Uint8Array, start: number, end: number, hash: number, lower: boolean): number {
    const { slots, entries, bytes } = this.data;
    const length = end - start;
    for (let s = this.slotOf(hash); ; s = (s + 1) & this.mask) {
      const entry = slots[2 * s + 1] - 1;
      if (entry < 0) return NOT_FOUND;
      if (slots[2 * s] !== hash || entries[3 * entry + 1] !== length) continue;
      const at = entries[3 * entry] - start;
      let i = start;
      if (lower) {
        for (; i < end; i++) {
          let b = buf[i];
          if (b >= 0x41 && b <= 0x5a) b |= 0x20;
          if (b !== bytes[at + i]) break;
        }
      } else {
        while (i < end && buf[i] === bytes[at + i]) i++;
      }
      if (i === end) return entries[3 * entry + 2];
    }
  }

  /**
   * Adds a key that is not in the table (stored as looked up: lower-cased when `lower`). False
   * when the table is full (entries or bytes); the caller may clear it and add again.
   */
  add(buf: Uint8Array, start: number, end: number, hash: number, value: number, lower = false): boolean {
    const { bytes, count } = this.data;
    const used = count[1];
    const length = end - start;
    if (count[0] >= this.capacity || used + length > bytes.length) return false;
    for (let i = 0; i < length; i++) {
      let b = buf[start + i];
      if (lower && b >= 0x41 && b <= 0x5a) b |= 0x20;
      bytes[used + i] = b;
    }
    this.link(used, length, hash, value);
    return true;
  }

  /** Makes the key already at the end of the arena (at `used`, `length` bytes) an entry. */
  private link(used: number, length: number, hash: number, value: number): void {
    const { slots, entries, count } = this.data;
    const entry = count[0];
    entries[3 * entry] = used;
    entries[3 * entry + 1] = length;
    entries[3 * entry + 2] = value;
    let s = this.slotOf(hash);
    while (slots[2 * s + 1] !== 0) s = (s + 1) & this.mask;
    slots[2 * s] = hash;
    slots[2 * s + 1] = entry + 1;
    count[0] = entry + 1;
    count[1] = used + length;
  }

  private slotOf(hash: number): number {
    return Math.imul(hash, 0x9e3779b1) >>> this.shift;
  }

  clear(): void {
    this.data.slots.fill(0);
    this.data.count.fill(0);
  }
}

/**
 * A bit per position for a table's key hashes, 8 to 16 positions per key: "not there" for most
 * keys that are absent (6 to 12 % of them pass), from an array small enough to stay in a core's
 * cache while the table itself (slots and entries, ~25 bytes per key) is read from memory. Most
 * query titles are in no related row, so most title lookups end here.
 */
export class KeyFilter {
  /** The bits, 32 positions a word; a position is the top bits of a key hash (see position()). */
  readonly bits: Int32Array;
  /** 32 − log2(positions). */
  readonly shift: number;

  /** `words`: where to keep the bits (a zeroed array of that many words), when not in a new one. */
  constructor(table: ByteTableData, words: (count: number) => Int32Array = (count) => new Int32Array(count)) {
    const positions = Math.max(1024, 2 ** (32 - Math.clz32(Math.max(1, 8 * table.count[0]) - 1)));
    this.bits = words(positions >>> 5);
    this.shift = Math.clz32(positions - 1);
    const slots = table.slots;
    for (let s = 0; s < slots.length; s += 2) {
      if (slots[s + 1] === 0) continue;
      const at = this.position(slots[s]);
      this.bits[at >>> 5] |= 1 << (at & 31);
    }
  }

  /** False when no key has this hash; true when one may. */
  mightHave(hash: number): boolean {
    const at = this.position(hash);
    return (this.bits[at >>> 5] & (1 << (at & 31))) !== 0;
  }

  /** Top bits of another multiplicative hash than the slots' (so slot neighbours spread out). */
  private position(hash: number): number {
    return Math.imul(hash, 0x85ebca6b) >>> this.shift;
  }
}
