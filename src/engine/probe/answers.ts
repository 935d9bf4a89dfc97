/**
 * What a worker keeps of a (path list, state) answer: its output form (a CSV tail in shared
 * arenas, a JSON tail, or values), and the bounded two-generation cache that holds them.
 */
import { csvField, type RowFormat } from '../output/rowFormat';
import { MAX_NUMBER_BYTES, writeNumber } from '../values/formatNumber';
import { stateById } from '../values/states';

/**
 * A map bounded to `limit` entries in two generations: new entries go to the young one; when it
 * is full it becomes the old one and the previous old one is dropped; an old entry that is used
 * again moves back to the young one, as `renew` makes it (a copy that holds nothing of the old
 * generation's memory). Unlike clearing everything when full, the entries in use survive (on the
 * bench set: 10 % fewer answers computed for the same memory).
 */
export class RecentMap<V> {
  private young = new Map<number, V>();
  private old = new Map<number, V>();

  constructor(
    private readonly limit: number,
    private readonly renew: (value: V) => V,
  ) {}

  get(key: number): V | undefined {
    const young = this.young.get(key);
    if (young !== undefined) return young;
    const old = this.old.get(key);
    if (old === undefined) return undefined;
    const renewed = this.renew(old);
    this.set(key, renewed);
    return renewed;
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
 * A cached matched answer, kept only in the form the run writes: the formatted tail of a CSV line
 * (bytes start .. end of an arena that many answers share) or JSON line (state, n_rows, n_codes,
 * medians), or the values for row objects. A tail is a fraction of the memory of the values, so
 * more answers fit the cache.
 */
export class Answer {
  readonly reason = -1;
  constructor(
    readonly tail: Uint8Array | string | (string | number | null)[],
    readonly start = 0,
    readonly end = 0,
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
 * CSV tails of answers (",state,n_rows,n_codes,medians\n") written back to back into 1 MiB arenas:
 * a cached answer holds its arena and where its tail lies there, not a string, a buffer or a view
 * of its own (answers are the main source of garbage in a worker). An arena goes when no cached
 * answer holds it.
 */
export class CsvTails {
  private arena = new Uint8Array(1 << 20);
  private used = 0;
  /** ",state," per state id. */
  private readonly states: Uint8Array[] = [];

  make(stateId: number, nRows: number, nCodes: number, medians: Float64Array): Answer {
    const state = (this.states[stateId] ??= Buffer.from(`,${csvField(stateById(stateId).name)},`, 'utf8'));
    // Room for the longest tail these values can make, so the writes below never fall off the end.
    this.reserve(state.length + 2 * MAX_NUMBER_BYTES + (1 + MAX_NUMBER_BYTES) * medians.length + 1);
    const start = this.used;
    this.arena.set(state, start);
    this.used += state.length;
    this.number(nRows);
    this.ascii(',');
    this.number(nCodes);
    for (let i = 0; i < medians.length; i++) {
      this.ascii(',');
      this.number(medians[i]);
    }
    this.ascii('\n');
    return new Answer(this.arena, start, this.used);
  }

  /**
   * A CSV answer with its tail copied into the current arena, so that the arena it was made in
   * is not kept for it alone (other answers are returned as they are).
   */
  renew(answer: Answer): Answer {
    const tail = answer.tail;
    if (!(tail instanceof Uint8Array)) return answer;
    const length = answer.end - answer.start;
    this.reserve(length);
    const start = this.used;
    this.arena.set(tail.subarray(answer.start, answer.end), start);
    this.used += length;
    return new Answer(this.arena, start, this.used);
  }

  /** A new arena when the current one has less than `room` bytes left. */
  private reserve(room: number): void {
    if (this.used + room > this.arena.length) {
      this.arena = new Uint8Array(Math.max(1 << 20, room));
      this.used = 0;
    }
  }

  private number(x: number): void {
    this.used = writeNumber(this.arena, this.used, x);
  }

  /** Text that is ASCII. */
  private ascii(text: string): void {
    for (let i = 0; i < text.length; i++) this.arena[this.used++] = text.charCodeAt(i);
  }
}

/** Unmatched answers carry nothing but their reason (an index in REASONS), so they are shared. */
export const NO_CODE = { reason: 2 } as const;
export const NO_WAGE_ROWS = { reason: 3 } as const;
export type CachedAnswer = Answer | typeof NO_CODE | typeof NO_WAGE_ROWS;
