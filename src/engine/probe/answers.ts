/**
 * What a worker keeps of a (path list, state) answer: its output form (a CSV tail, a JSON tail,
 * or values), and the bounded two-generation caches that hold them (CsvAnswers for CSV output,
 * RecentMap of Answers for the others).
 */
import { giveBytes, takeBytes, type ByteHeap } from '../memory/byteHeap';
import { csvField, type RowFormat } from '../output/rowFormat';
import { MAX_NUMBER_BYTES, writeNumber } from '../values/formatNumber';
import { stateById } from '../values/states';

/**
 * A map bounded to `limit` entries in two generations: new entries go to the young one; when it
 * is full it becomes the old one and the previous old one is dropped; an old entry that is used
 * again moves back to the young one. Unlike clearing everything when full, the entries in use
 * survive (on the bench set: 10 % fewer answers computed for the same memory).
 */
export class RecentMap<V> {
  private young = new Map<number, V>();
  private old = new Map<number, V>();

  constructor(private readonly limit: number) {}

  get(key: number): V | undefined {
    const young = this.young.get(key);
    if (young !== undefined) return young;
    const old = this.old.get(key);
    if (old === undefined) return undefined;
    this.set(key, old);
    return old;
  }

  set(key: number, value: V): void {
    if (this.young.size >= this.limit >> 1) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(key, value);
  }
}

/**
 * A matched answer in the form the run writes: the formatted tail of a CSV line (bytes start ..
 * end of an arena: CsvAnswers' reused hit) or of a JSON line (state, n_rows, n_codes, medians),
 * or the values for row objects. A tail is a fraction of the memory of the values, so more
 * answers fit the cache.
 */
export class Answer {
  readonly reason = -1;
  constructor(
    public tail: Uint8Array | string | (string | number | null)[],
    public start = 0,
    public end = 0,
    /** Where a CSV tail's bytes lie in the prober's ByteHeap, or -1 when they are not in it. */
    public base = -1,
  ) {}
}

/** The tail of a JSON line or tagged line, or the values of a row object. */
export function answerTail(format: Exclude<RowFormat, 'csv'>, columns: string[], state: string, nRows: number, nCodes: number, medians: Float64Array): Answer['tail'] {
  const values = [state, nRows, nCodes, ...Array.from(medians, (m) => (m === m ? m : null))];
  if (format === 'rows') return values;
  if (format === 'tagged') return ',' + values.map((v) => JSON.stringify(v)).join(',') + ']\n';
  let tail = '';
  for (let i = 0; i < values.length; i++) tail += `,${JSON.stringify(columns[i + 2])}:${JSON.stringify(values[i])}`;
  return tail + '}\n';
}

/**
 * The CSV answers a worker keeps, in two generations as RecentMap keeps them, without an object
 * per answer: each generation is a slot table (key + 1, and where the answer's tail lies in the
 * generation's byte arena, or NO_WAGE_ROWS) and the arena of tails (",state,n_rows,n_codes,
 * medians\n"). A lookup reads one slot line and the tail; with a Map of Answers, each pointing
 * into one of many arenas, a lookup took 1.1 µs on the bench set (cache misses).
 * A hit is returned as `hit`, one Answer reused for every lookup: read it before the next call.
 */
export class CsvAnswers {
  private young: TailTable;
  private old: TailTable;
  private readonly hit = new Answer(new Uint8Array(0));
  /** ",state," per state id. */
  private readonly states: Uint8Array[] = [];
  /** Room for the longest tail of `width` medians (numbers can be long: see MAX_NUMBER_BYTES). */
  private readonly longest: number;

  /** heap: where the arenas live, so that tails are copied to the output natively (ByteWriter). */
  constructor(limit: number, width: number, heap?: ByteHeap) {
    const entries = Math.max(1, limit >> 1);
    this.longest = MAX_STATE_BYTES + (2 + width) * (1 + MAX_NUMBER_BYTES) + 1;
    this.young = new TailTable(entries, this.longest, heap);
    this.old = new TailTable(entries, this.longest, heap);
  }

  /** The answer kept for `key` (an old one moves to the young generation), or undefined. */
  get(key: number): CachedAnswer | undefined {
    let table = this.young;
    let slot = table.find(key);
    if (slot < 0) {
      const old = this.old;
      const at = old.find(key);
      if (at < 0) return undefined;
      const start = old.slots[3 * at + 1];
      if (start < 0) {
        this.addNoWageRows(key);
        return NO_WAGE_ROWS;
      }
      const end = old.slots[3 * at + 2];
      // When the young generation is full, `old` is emptied to become the young one: its slots
      // are cleared, not its bytes, and set() copies overlapping bytes correctly.
      table = this.room(end - start);
      table.arena.set(old.arena.subarray(start, end), table.used);
      slot = table.add(key, table.used, table.used + end - start);
    }
    const start = table.slots[3 * slot + 1];
    if (start < 0) return NO_WAGE_ROWS;
    const hit = this.hit;
    hit.tail = table.arena;
    hit.base = table.arenaBase;
    hit.start = start;
    hit.end = table.slots[3 * slot + 2];
    return hit;
  }

  /** Keeps and returns (as `hit`) the answer of `key`. */
  add(key: number, stateId: number, nRows: number, nCodes: number, medians: Float64Array): Answer {
    const state = (this.states[stateId] ??= Buffer.from(`,${csvField(stateById(stateId).name)},`, 'utf8'));
    const table = this.room(this.longest);
    const arena = table.arena;
    const start = table.used;
    arena.set(state, start);
    let at = writeNumber(arena, start + state.length, nRows);
    arena[at++] = 0x2c;
    at = writeNumber(arena, at, nCodes);
    for (let i = 0; i < medians.length; i++) {
      arena[at++] = 0x2c;
      at = writeNumber(arena, at, medians[i]);
    }
    arena[at++] = 0x0a;
    table.add(key, start, at);
    const hit = this.hit;
    hit.tail = arena;
    hit.base = table.arenaBase;
    hit.start = start;
    hit.end = at;
    return hit;
  }

  /** Keeps that `key` has no wage rows in its state. */
  addNoWageRows(key: number): void {
    this.room(0).add(key, -1, -1);
  }

  /**
   * The young generation with a free entry and `bytes` of arena; when it has none, it becomes the
   * old one and the old one, emptied, the young one.
   */
  private room(bytes: number): TailTable {
    const young = this.young;
    if (young.hasRoom(bytes)) return young;
    const emptied = this.old;
    emptied.clear();
    this.old = young;
    this.young = emptied;
    return emptied;
  }
}

/** The longest ",state," (state names are short ASCII; quoting cannot double its length). */
const MAX_STATE_BYTES = 64;

/** One generation of CsvAnswers: open addressing over key + 1 (0: empty), tails back to back. */
class TailTable {
  /** Per slot, three int32: key + 1, tail start (-1: no wage rows), tail end. */
  readonly slots: Int32Array;
  arena: Uint8Array;
  /** Where the arena lies in the heap, or -1. */
  arenaBase: number;
  used = 0;
  private count = 0;
  private readonly mask: number;
  private readonly shift: number;

  /** `longest`: the most bytes one tail can take. */
  constructor(
    private readonly entries: number,
    longest: number,
    private readonly heap: ByteHeap | undefined,
  ) {
    // At most half the slots taken: a miss probes about two.
    const slots = 1 << Math.max(4, 32 - Math.clz32(2 * entries - 1));
    this.slots = new Int32Array(3 * slots);
    this.mask = slots - 1;
    this.shift = Math.clz32(this.mask);
    // Grown as tails arrive, up to what `entries` average tails take; in a heap, whose regions cost
    // only the pages written, all of that at once (an outgrown region would stay resident).
    const most = Math.max(2 * longest, entries * AVERAGE_TAIL_BYTES);
    this.arena = takeBytes(heap, heap ? most : Math.min(most, Math.max(2 * longest, 64 * 1024)));
    this.arenaBase = heap?.offsetOf(this.arena) ?? -1;
  }

  find(key: number): number {
    const slots = this.slots;
    for (let s = this.slotOf(key); ; s = (s + 1) & this.mask) {
      const held = slots[3 * s];
      if (held === 0) return -1;
      if (held === key + 1) return s;
    }
  }

  /** Whether one more entry with `bytes` of tail fits (the arena grows while it may). */
  hasRoom(bytes: number): boolean {
    if (this.count >= this.entries) return false;
    if (this.used + bytes <= this.arena.length) return true;
    if (this.arena.length >= this.entries * AVERAGE_TAIL_BYTES) return false;
    const grown = takeBytes(this.heap, Math.max(2 * this.arena.length, this.used + bytes));
    grown.set(this.arena.subarray(0, this.used));
    giveBytes(this.heap, this.arena);
    this.arena = grown;
    this.arenaBase = this.heap?.offsetOf(grown) ?? -1;
    return true;
  }

  /** Adds a key that is not in the table (hasRoom was true); returns its slot. */
  add(key: number, start: number, end: number): number {
    const slots = this.slots;
    let s = this.slotOf(key);
    while (slots[3 * s] !== 0) s = (s + 1) & this.mask;
    slots[3 * s] = key + 1;
    slots[3 * s + 1] = start;
    slots[3 * s + 2] = end;
    this.count++;
    if (end > this.used) this.used = end;
    return s;
  }

  clear(): void {
    this.slots.fill(0);
    this.used = 0;
    this.count = 0;
  }

  private slotOf(key: number): number {
    return Math.imul(key, 0x9e3779b1) >>> this.shift;
  }
}

/** Arena bytes per entry a generation may grow to (bench tails: ~70 bytes). */
const AVERAGE_TAIL_BYTES = 128;

/** Unmatched answers carry nothing but their reason (an index in REASONS), so they are shared. */
export const NO_CODE = { reason: 2 } as const;
export const NO_WAGE_ROWS = { reason: 3 } as const;
export type CachedAnswer = Answer | typeof NO_CODE | typeof NO_WAGE_ROWS;
