import type { TitlePaths } from '../build/buildTitleIndex';
import type { WageIndex } from '../build/buildWageIndex';
import { titleKey, trimText } from '../build/titleKey';
import type { UnmatchedReason } from '../options';
import { ByteHeap, ConstantArena, takeBytes } from '../memory/byteHeap';
import { ByteWriter } from '../output/byteWriter';
import { neutralizeFormula, csvLine, jsonLine, matchedColumns, rowObject, UNMATCHED_COLUMNS, type RowFormat } from '../output/rowFormat';
import { ByteTable, KeyFilter, NOT_FOUND, hashBytes, type ByteTableData } from '../scan/byteTable';
import type { Dialect } from '../scan/dialect';
import { FieldBytes, FieldFlag } from '../scan/fieldBytes';
import { RecordKernel } from '../scan/recordKernel';
import { FieldCursor, scanRecords, type ScanError, type ScanOptions } from '../scan/scanRecords';
import { firstInvalidUtf8, locateByte } from '../scan/utf8';
import { resolveState } from '../values/resolveState';
import { stateById, STATES } from '../values/states';
import { Answer, answerTail, CsvAnswers, NO_CODE, NO_WAGE_ROWS, RecentMap, type CachedAnswer } from './answers';
import { MatchComputer } from './computeMatch';
import { QueryLane } from './queryLane';

export const REASONS: readonly UnmatchedReason[] = [
  'unknown_state',
  'no_related_title_above_threshold',
  'no_code_for_related_titles',
  'no_wage_rows_in_state',
];

export interface ProbeSetup {
  titles: TitlePaths;
  /** Title key (UTF-8 bytes) → path list id, in shared memory (TitleIndex.titleTable). */
  titleTable: ByteTableData;
  wages: WageIndex;
  caseInsensitive: boolean;
  includeSelf: boolean;
  /** Default CSV_ANSWER_CACHE_LIMIT for CSV output, ANSWER_CACHE_LIMIT for the others. */
  answerCacheLimit?: number;
}

export interface ProbeRequest {
  dialect: Dialect;
  /** Indices of the title and location fields. */
  columns: [number, number];
  formats: { matched: RowFormat; unmatched: RowFormat };
  /** Skip (count and report) query rows with too few fields instead of failing. */
  skipBadRows: boolean;
  /** Per output, for CSV: neutralize text that a spreadsheet would run as a formula. */
  guardFormulas: { matched: boolean; unmatched: boolean };
  /** Also return each row's (title, location) key, so the main thread can drop repeated pairs. */
  withPairKeys: boolean;
}

export const MAX_SKIP_EXAMPLES = 10;

export interface SkippedRows {
  count: number;
  /** offset: byte offset of the row in the task's buffer (ranges: made absolute by the worker). */
  examples: { offset: number; line: number; fields: number }[];
}

export interface OutputPart {
  rows: number;
  bytes?: Uint8Array;
  objects?: Record<string, string | number | null>[];
  /** With objects: each row's query record number within the task (0-based). */
  ordinals?: number[];
  /** Per row, when pair keys were asked for. */
  pairKeys?: string[];
}

export interface ProbeOutput {
  records: number;
  next: number;
  line: number;
  matched: OutputPart;
  unmatched: OutputPart;
  reasons: number[];
  /** Rows with too few fields, when the request skips bad rows: how many, and the first few. */
  skipped: SkippedRows;
  error?: ScanError | { kind: 'too_few_fields' | 'file_changed'; offset: number; line: number; field: number } | InvalidUtf8;
}

/** A byte that is not valid UTF-8 (offset and line are the byte's own; byte is its value). */
export interface InvalidUtf8 {
  kind: 'invalid_utf8';
  offset: number;
  line: number;
  field: number;
  byte: number;
}

/**
 * Bounded caches: a query table with millions of distinct pairs must not grow the heap. A
 * cached CSV answer (its tail, ~70 bytes on the bench set, and 24 bytes of slots in CsvAnswers)
 * costs ~100 bytes, so a full cache stays near 10 MB per worker; locations take at most ~1 MB by
 * their bytes (LOCATION_ENTRIES) and a Map of 200,000 by their text.
 */
const CACHE_LIMIT = 200_000;
/**
 * Locations by their bytes: a table of fixed size, emptied when full, in the heap where the
 * unmatched lane reads it (a query table names few locations: 247 in 15 M bench rows).
 */
const LOCATION_ENTRIES = 16 * 1024;
const LOCATION_BYTES = 512 * 1024;
/**
 * Answers are bigger than cached states; the hot pairs of a skewed query table fit in far fewer.
 * As objects (JSON tails, row values) in Maps, 75,000 took peak RSS with 2 workers from ~282 to
 * ~290-298 MB; CSV answers in CsvAnswers take half the memory each, so twice as many fit (and
 * computed a fifth fewer answers on the bench set than 50,000).
 */
const ANSWER_CACHE_LIMIT = 50_000;
const CSV_ANSWER_CACHE_LIMIT = 100_000;

/**
 * The per-worker half of the join: scans query records, resolves each location to a state,
 * looks the title up and emits the formatted output row. Answers are cached per (path list,
 * state) because query tables repeat pairs far more often than they introduce new ones.
 */
export class QueryProber {
  private readonly pathLists: ByteTable;
  private readonly titleFilter: KeyFilter;
  /** Location bytes → state id + 1 (0: no state); locations the bytes cannot key go to the Map. */
  private readonly stateOfBytes: ByteTable;
  private readonly stateOfLocation = new Map<string, number>();
  /** Answers for CSV output, and as objects for the other formats (made on first use). */
  private csvAnswers: CsvAnswers | undefined;
  private answers: RecentMap<CachedAnswer> | undefined;
  private readonly computer: MatchComputer;
  private readonly cursor = new FieldCursor();
  private readonly row = new QueryRow();
  /**
   * Where the query bytes (when the caller reads them into it: see the worker), the answers'
   * tails and the output rows live, so that each piece of a row is one native copy.
   */
  readonly heap = ByteHeap.create();
  /** The query scan's fast lane, where the query bytes are in the heap. */
  private readonly kernel = this.heap && new RecordKernel(this.heap);
  private readonly matchedText = new ByteWriter(this.heap);
  private readonly unmatchedText = new ByteWriter(this.heap);
  private readonly unmatchedTails = new UnmatchedTails(this.heap);
  /** Where the kernel writes the commonest unmatched rows itself (see QueryLane). */
  private readonly lane: QueryLane | undefined;
  private readonly columns: string[];

  constructor(private readonly setup: ProbeSetup) {
    const heap = this.heap;
    this.pathLists = new ByteTable(setup.titleTable);
    // In the heap where there is one, for the unmatched lane (zeroed: a region taken back may hold old bytes).
    this.titleFilter = new KeyFilter(setup.titleTable, (words) => heap?.takeInts(words) ?? new Int32Array(words));
    this.stateOfBytes = ByteTable.create(LOCATION_ENTRIES, LOCATION_BYTES, (bytes) => takeBytes(heap, bytes).fill(0));
    this.lane = heap && this.unmatchedTails.laneTails && QueryLane.create(heap, this.titleFilter, this.stateOfBytes, this.unmatchedTails.laneTails);
    this.computer = new MatchComputer(setup.titles, setup.wages);
    this.columns = matchedColumns(setup.wages.columns);
  }

  probe(buf: Uint8Array, from: number, to: number, final: boolean, stopAt: number, firstLine: number, request: ProbeRequest): ProbeOutput {
    const matched = new PartBuilder(request.formats.matched, this.columns, request.withPairKeys, request.guardFormulas.matched, this.matchedText, this.unmatchedTails);
    const unmatched = new PartBuilder(request.formats.unmatched, UNMATCHED_COLUMNS, request.withPairKeys, request.guardFormulas.unmatched, this.unmatchedText, this.unmatchedTails);
    const reasons = [0, 0, 0, 0];
    const [titleCol, locationCol] = request.columns;
    const needed = Math.max(titleCol, locationCol) + 1;
    const lower = this.setup.caseInsensitive;
    /** The reason of a row whose title no related row knows (with includeSelf, it is its own related title). */
    const refusedReason = this.setup.includeSelf ? 2 : 1;
    const row = this.row;
    row.cur = this.cursor;
    row.base = this.heap?.offsetOf(buf) ?? -1;
    row.titleCol = titleCol;
    row.locationCol = locationCol;
    let tooFew: ProbeOutput['error'];
    let ordinalNext = 0;
    const skipped: SkippedRows = { count: 0, examples: [] };
    /** The row's output, once its title and location are read. */
    const emit = (ordinal: number): void => {
      const stateId = this.stateOf(row);
      if (stateId < 0) {
        reasons[0]++;
        unmatched.addUnmatched(ordinal, row, -1, 0);
        return;
      }
      const list = this.pathListOf(row, lower);
      const answer = list === NOT_FOUND ? undefined : this.answer(list, stateId, request.formats.matched);
      if (answer instanceof Answer) {
        matched.addMatched(ordinal, row, answer);
        return;
      }
      const reason = answer?.reason ?? refusedReason;
      reasons[reason]++;
      unmatched.addUnmatched(ordinal, row, stateId, reason);
    };
    const onRecord = (cur: FieldCursor): boolean => {
      // Counted even when skipped, so ordinals stay positions in the query table.
      const ordinal = ordinalNext++;
      if (cur.count < needed) {
        if (request.skipBadRows) {
          if (skipped.count++ < MAX_SKIP_EXAMPLES) skipped.examples.push({ offset: cur.recordStart, line: cur.line, fields: cur.count });
          return true;
        }
        tooFew = { kind: 'too_few_fields', offset: cur.recordStart, line: cur.line, field: cur.count };
        return false;
      }
      row.title.read(cur, titleCol, lower);
      row.location.read(cur, locationCol, false);
      emit(ordinal);
      return true;
    };
    const scan: ScanOptions = { dialect: request.dialect, from, to, final, stopAt, firstLine };
    const kernel = this.kernel;
    // The lane writes CSV rows and no pair keys; ordinals only matter to the other formats.
    const lane = request.formats.matched === 'csv' && request.formats.unmatched === 'csv' && !request.withPairKeys ? this.lane?.start(this.unmatchedText, refusedReason) : undefined;
    const outcome =
      kernel !== undefined && row.base >= 0
        ? kernel.scan(buf, row.base, scan, this.cursor, request.columns, lower, row, () => emit(ordinalNext++), onRecord, lane)
        : scanRecords(buf, scan, this.cursor, onRecord);
    if (lane !== undefined) {
      const [unknownState, refused] = lane.rows();
      reasons[0] += unknownState;
      reasons[refusedReason] += refused;
      unmatched.addRows(unknownState + refused);
    }
    // The records delivered must be valid UTF-8: one native check over their bytes per call.
    const scannedEnd = tooFew ? tooFew.offset : outcome.next;
    const bad = firstInvalidUtf8(buf, from, scannedEnd);
    if (bad >= 0) {
      const at = locateByte(buf, from, scannedEnd, request.dialect, firstLine, bad);
      const error: InvalidUtf8 = { kind: 'invalid_utf8', offset: bad, line: at.line, field: at.field, byte: buf[bad] };
      return { records: 0, next: at.recordStart, line: at.recordLine, matched: { rows: 0 }, unmatched: { rows: 0 }, reasons: [0, 0, 0, 0], skipped: { count: 0, examples: [] }, error };
    }
    if (tooFew) {
      // The row that stopped the scan was delivered but is not output; report where it starts.
      return { records: outcome.records - 1, next: tooFew.offset, line: tooFew.line, matched: matched.finish(), unmatched: unmatched.finish(), reasons, skipped, error: tooFew };
    }
    return { records: outcome.records, next: outcome.next, line: outcome.line, matched: matched.finish(), unmatched: unmatched.finish(), reasons, skipped, error: outcome.error };
  }

  /** The row's state id, or -1: by the location's bytes when they are its key, else by its text. */
  private stateOf(row: QueryRow): number {
    const field = row.location;
    if ((field.flags & FieldFlag.Slow) !== 0) return this.stateOfText(row.locationText());
    const buf = row.cur.buf;
    const known = this.stateOfBytes.find(buf, field.start, field.end, field.hash, false);
    if (known !== NOT_FOUND) return known - 1;
    const id = this.stateOfText(row.locationText());
    if (!this.stateOfBytes.add(buf, field.start, field.end, field.hash, id + 1)) {
      // Full: emptied (a location longer than the whole table is only not kept).
      this.stateOfBytes.clear();
      this.stateOfBytes.add(buf, field.start, field.end, field.hash, id + 1);
    }
    return id;
  }

  private stateOfText(location: string): number {
    let id = this.stateOfLocation.get(location);
    if (id === undefined) {
      if (this.stateOfLocation.size >= CACHE_LIMIT) this.stateOfLocation.clear();
      id = resolveState(location)?.id ?? -1;
      this.stateOfLocation.set(location, id);
    }
    return id;
  }

  /** The id of the row's title's path list in the index, or NOT_FOUND. */
  private pathListOf(row: QueryRow, lower: boolean): number {
    const field = row.title;
    if ((field.flags & FieldFlag.Slow) === 0) return this.titleFilter.mightHave(field.hash) ? this.pathLists.find(row.cur.buf, field.start, field.end, field.hash, lower) : NOT_FOUND;
    const key = Buffer.from(titleKey(row.cur.text(row.titleCol), lower), 'utf8');
    return this.pathLists.find(key, 0, key.length, hashBytes(key, 0, key.length, false), false);
  }

  /**
   * The answer of a path list in a state: the same for every title that has the list. A CSV
   * answer is CsvAnswers' reused hit: write it before the next call.
   */
  private answer(list: number, stateId: number, format: RowFormat): CachedAnswer {
    const { pathStart } = this.setup.titles;
    if (pathStart[list] === pathStart[list + 1]) return NO_CODE;
    const key = list * this.setup.wages.stateCount + stateId;
    const limit = this.setup.answerCacheLimit;
    if (format === 'csv') {
      const answers = (this.csvAnswers ??= new CsvAnswers(limit ?? CSV_ANSWER_CACHE_LIMIT, this.setup.wages.values.length, this.heap));
      const kept = answers.get(key);
      if (kept !== undefined) return kept;
      const { nRows, nCodes, medians } = this.computer.compute(list, stateId);
      if (nRows > 0) return answers.add(key, stateId, nRows, nCodes, medians);
      answers.addNoWageRows(key);
      return NO_WAGE_ROWS;
    }
    const answers = (this.answers ??= new RecentMap<CachedAnswer>(limit ?? ANSWER_CACHE_LIMIT));
    let answer = answers.get(key);
    if (answer === undefined) {
      const { nRows, nCodes, medians } = this.computer.compute(list, stateId);
      answer = nRows === 0 ? NO_WAGE_ROWS : new Answer(answerTail(format, this.columns, stateById(stateId).name, nRows, nCodes, medians));
      answers.set(key, answer);
    }
    return answer;
  }
}

/**
 * The query record being probed: its cursor, the two fields as bytes, and their trimmed text
 * when an output needs strings (made only then). The cursor's buffer is the record's, but its
 * fields are the record's only when scanRecords delivered it (not the kernel): the text of a
 * field comes from its bytes unless it is Slow, which only scanRecords' records can be.
 */
class QueryRow {
  cur = new FieldCursor();
  /** Where the record's buffer lies in the prober's heap, or -1. */
  base = -1;
  titleCol = 0;
  locationCol = 0;
  readonly title = new FieldBytes();
  readonly location = new FieldBytes();

  titleText(): string {
    return this.textOf(this.title, this.titleCol);
  }

  locationText(): string {
    return this.textOf(this.location, this.locationCol);
  }

  private textOf(field: FieldBytes, col: number): string {
    return (field.flags & FieldFlag.Slow) !== 0 ? trimText(this.cur.text(col)) : this.cur.utf8(field.start, field.end);
  }
}

class PartBuilder {
  private rows = 0;
  private readonly objects: Record<string, string | number | null>[] = [];
  private readonly ordinals: number[] = [];
  private readonly pairKeys: string[] | undefined;

  /** text: the worker's writer for this output, reused across tasks (its grown buffer stays). */
  constructor(
    private readonly format: RowFormat,
    private readonly columns: string[],
    withPairKeys: boolean,
    private readonly guardFormulas: boolean,
    private readonly text: ByteWriter,
    private readonly unmatchedTails: UnmatchedTails,
  ) {
    text.reset();
    this.pairKeys = withPairKeys ? [] : undefined;
  }

  addMatched(ordinal: number, row: QueryRow, answer: Answer): void {
    this.rows++;
    this.pairKeys?.push(pairKey(row.titleText(), row.locationText()));
    const tail = answer.tail;
    if (tail instanceof Uint8Array) {
      this.writeCsvFields(row);
      this.text.writeBytes(tail, answer.start, answer.end, answer.base);
    } else if (typeof tail !== 'string') {
      this.addObject(ordinal, [row.titleText(), row.locationText(), ...tail]);
    } else if (this.format === 'tagged') {
      this.text.write(`[${ordinal},${JSON.stringify(row.titleText())},${JSON.stringify(row.locationText())}`);
      this.text.write(tail);
    } else {
      this.text.write(`{"title":${JSON.stringify(row.titleText())},"location":${JSON.stringify(row.locationText())}`);
      this.text.write(tail);
    }
  }

  /** Rows the unmatched lane wrote into this part's bytes itself. */
  addRows(count: number): void {
    this.rows += count;
  }

  addUnmatched(ordinal: number, row: QueryRow, stateId: number, reason: number): void {
    this.rows++;
    this.pairKeys?.push(pairKey(row.titleText(), row.locationText()));
    if (this.format === 'csv') {
      this.writeCsvFields(row);
      this.unmatchedTails.write(this.text, stateId, reason);
      return;
    }
    const values = [row.titleText(), row.locationText(), stateId < 0 ? '' : stateById(stateId).name, REASONS[reason]];
    if (this.format === 'tagged') this.text.write(`[${ordinal},${values.map((v) => JSON.stringify(v)).join(',')}]\n`);
    else if (this.format === 'jsonl') this.text.write(jsonLine(this.columns, values));
    else this.addObject(ordinal, values);
  }

  /**
   * "title,location": each field's own bytes when they are already what CSV needs, else its text.
   * Most query rows hold the two as neighbours that need nothing done ("Chef,TX", or a location
   * that the query file quotes just as CSV output must: "Chef,\"Austin, TX\"", its comma inside
   * the quotes, no quotes or spaces): one copy of the bytes from the title to the location's end.
   */
  private writeCsvFields(row: QueryRow): void {
    const { title, location } = row;
    const buf = row.cur.buf;
    const plain = (title.flags | location.flags) & (FieldFlag.Slow | FieldFlag.NeedsQuotes | FieldFlag.Formula);
    let end = -1;
    if (plain === 0 && location.start === title.end + 1 && buf[title.end] === 0x2c) end = location.end;
    else if (title.flags === 0 && location.flags === FieldFlag.NeedsQuotes && location.start === title.end + 2 && buf[title.end] === 0x2c && buf[title.end + 1] === 0x22 && buf[location.end] === 0x22) end = location.end + 1;
    if (end >= 0) {
      this.text.writeBytes(buf, title.start, end, row.base);
      return;
    }
    this.writeCsvField(row.cur, row.title, row.titleCol);
    this.text.writeByte(0x2c);
    this.writeCsvField(row.cur, row.location, row.locationCol);
  }

  /** As csvField(neutralizeFormula(text)) would write it, from the bytes unless the field is Slow. */
  private writeCsvField(cur: FieldCursor, field: FieldBytes, col: number): void {
    const flags = field.flags;
    if ((flags & FieldFlag.Slow) !== 0) {
      const text = trimText(cur.text(col));
      this.text.writeCsvField(this.guardFormulas ? neutralizeFormula(text) : text);
    } else if ((flags & (FieldFlag.NeedsQuotes | FieldFlag.Formula)) === 0) {
      this.text.writeBytes(cur.buf, field.start, field.end);
    } else {
      this.text.writeCsvBytes(cur.buf, field.start, field.end, (flags & FieldFlag.NeedsQuotes) !== 0, this.guardFormulas && (flags & FieldFlag.Formula) !== 0);
    }
  }

  private addObject(ordinal: number, values: (string | number | null)[]): void {
    this.objects.push(rowObject(this.columns, values));
    this.ordinals.push(ordinal);
  }

  finish(): OutputPart {
    if (this.format === 'rows') return { rows: this.rows, objects: this.objects, ordinals: this.ordinals, pairKeys: this.pairKeys };
    return { rows: this.rows, bytes: this.text.finish(), pairKeys: this.pairKeys };
  }
}

/** Keys of UnmatchedTails: (state id + 1) · reasons + reason. */
const TAIL_KEYS = (STATES.length + 1) * REASONS.length;

/**
 * ",state,reason\n" per (state or none, reason), made once per prober (unmatched rows are most
 * rows), in the prober's heap when it has one.
 */
class UnmatchedTails {
  private readonly tails: Uint8Array[] = [];
  /** Per tail, where it lies in the heap, or -1. */
  private readonly bases: number[] = [];
  private readonly arena: ConstantArena;
  /** Per key, the heap offset and length of its tail (length 0: none yet), for the unmatched lane. */
  readonly laneTails: Int32Array | undefined;

  constructor(private readonly heap: ByteHeap | undefined) {
    this.arena = new ConstantArena(heap);
    this.laneTails = heap?.takeInts(TAIL_KEYS * 2);
  }

  write(text: ByteWriter, stateId: number, reason: number): void {
    const key = (stateId + 1) * REASONS.length + reason;
    let tail = this.tails[key];
    if (tail === undefined) {
      tail = this.arena.keep(Buffer.from(',' + csvLine([stateId < 0 ? '' : stateById(stateId).name, REASONS[reason]]), 'utf8'));
      this.tails[key] = tail;
      this.bases[key] = this.heap?.offsetOf(tail) ?? -1;
      if (this.laneTails !== undefined && this.bases[key] >= 0) {
        this.laneTails[2 * key] = this.bases[key];
        this.laneTails[2 * key + 1] = tail.length;
      }
    }
    text.writeBytes(tail, 0, tail.length, this.bases[key]);
  }
}

export function pairKey(title: string, location: string): string {
  return `${title}\u0000${location}`;
}
