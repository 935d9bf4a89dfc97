import { createHash, randomUUID } from 'crypto';
import { promises as fs } from 'fs';
import * as path from 'path';
import type { IndexCacheOptions, JoinOptions, TableSource } from '../options';
import { VALUE_CHUNK_ROWS } from '../values/median';
import type { BuildStats, IndexFiles, IndexSettings, JoinIndex } from './buildJoinIndex';
import { groupMedians, type WageChunk } from './buildWageIndex';

/** Bump when the file layout or the meaning of the index changes: old entries are then ignored. */
const FORMAT = 'salary-join-index-7';
const MAGIC = Buffer.from('SJIX0007');
const DEFAULT_MAX_BYTES = 1024 * 1024 * 1024;

/**
 * The cache key: every input file's path, size and modification time, how each table is read,
 * and every option that shapes the index. Anything else (queries, workers, outputs) is free.
 */
export async function indexCacheKey(options: Pick<JoinOptions, 'related' | 'codes' | 'wages'>, files: IndexFiles, settings: IndexSettings): Promise<string> {
  const stamp = async (file: string) => {
    const st = await fs.stat(file);
    return [file, st.size, st.mtimeMs];
  };
  const table = async (source: TableSource, list: string[]) => ({
    files: await Promise.all(list.map(stamp)),
    delimiter: source.delimiter ?? null,
    encoding: source.encoding ?? null,
    headerRow: source.headerRow ?? null,
    columnNames: source.columnNames ?? null,
    sheet: source.sheet ?? null,
  });
  const { queryTitle: _t, queryLocation: _l, ...indexColumns } = settings.columns;
  const material = {
    format: FORMAT,
    related: await table(options.related, files.related),
    codes: await table(options.codes, files.codes),
    wages: await table(options.wages, files.wages),
    settings: { ...settings, columns: indexColumns, wageColumns: settings.wageColumns.map((c) => c.toLowerCase()) },
  };
  return createHash('sha256').update(JSON.stringify(material)).digest('hex').slice(0, 40);
}

/**
 * Loads the index stored under key, or builds and stores it. Entries are written to a temporary
 * name and renamed, so a reader never sees half a file and two racing runs both end with a valid
 * entry; a damaged entry counts as a miss. The folder is kept under maxBytes, oldest first.
 */
export async function cachedJoinIndex(cache: IndexCacheOptions, keyPromise: Promise<string>, build: () => Promise<JoinIndex>): Promise<{ index: JoinIndex; cache: 'hit' | 'miss' }> {
  const key = await keyPromise;
  const file = path.join(cache.dir, `${key}.sjindex`);
  const loaded = await readEntry(file);
  if (loaded) {
    const now = new Date();
    await fs.utimes(file, now, now).catch(() => undefined);
    return { index: loaded, cache: 'hit' };
  }
  const index = await build();
  await fs.mkdir(cache.dir, { recursive: true });
  const temp = `${file}.${process.pid}.${randomUUID()}.tmp`;
  try {
    await fs.writeFile(temp, encode(index));
    await fs.rename(temp, file);
  } finally {
    await fs.rm(temp, { force: true });
  }
  await evict(cache.dir, cache.maxBytes ?? DEFAULT_MAX_BYTES, file);
  return { index, cache: 'miss' };
}

interface Header {
  columns: string[];
  stateCount: number;
  stats: BuildStats;
  /** Per wage column, 4 (32-bit floats) or 8 (doubles) bytes per value. */
  valueBytes: number[];
  lengths: { pathStart: number; pathCode: number; pathMult: number; keyStart: number; runEnd: number; titleSlots: number; titleEntries: number; titleBytes: number; rows: number };
}

/**
 * Layout: magic, header length (uint32), JSON header, padding to 8, then the typed arrays. As the
 * list of parts, views of the index's own arrays, written one after another: one buffer of them
 * all would add the index's size (54 MB on the bench set) to the peak of a run that stores it.
 */
function encode(index: JoinIndex): Buffer[] {
  const { titles, wages } = index;
  const table = titles.titleTable;
  const header: Header = {
    columns: wages.columns,
    stateCount: wages.stateCount,
    stats: index.stats,
    valueBytes: wages.values.map((column) => (column[0] instanceof Float32Array ? 4 : 8)),
    lengths: {
      pathStart: titles.pathStart.length,
      pathCode: titles.pathCode.length,
      pathMult: titles.pathMult.length,
      keyStart: wages.keyStart.length,
      runEnd: wages.runEnd.length,
      titleSlots: table.slots.length,
      titleEntries: table.entries.length,
      titleBytes: table.bytes.length,
      rows: wages.keyStart[wages.keyStart.length - 1],
    },
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32LE(json.length);
  const headLength = MAGIC.length + 4 + json.length;
  const pad = Buffer.alloc((8 - (headLength % 8)) % 8);
  const bytes = (a: Uint8Array | Int32Array | WageChunk) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  const int32s = [titles.pathStart, titles.pathCode, titles.pathMult, wages.keyStart, wages.runEnd, table.slots, table.entries, table.count].map(bytes);
  int32s.push(bytes(table.bytes));
  const int32Bytes = int32s.reduce((n, b) => n + b.length, 0);
  const pad2 = Buffer.alloc((8 - (int32Bytes % 8)) % 8);
  return [MAGIC, length, json, pad, ...int32s, pad2, ...wages.values.flatMap((column) => rowsOf(column, header.lengths.rows).map(bytes))];
}

/** A chunked column's first `rows` values, chunk by chunk (the last chunk cut). */
function rowsOf(column: WageChunk[], rows: number): WageChunk[] {
  return column.map((chunk, i) => chunk.subarray(0, Math.max(0, Math.min(VALUE_CHUNK_ROWS, rows - i * VALUE_CHUNK_ROWS))));
}

async function readEntry(file: string): Promise<JoinIndex | undefined> {
  let data: Buffer;
  try {
    data = await fs.readFile(file);
  } catch {
    return undefined;
  }
  try {
    if (data.length < MAGIC.length + 4 || !data.subarray(0, MAGIC.length).equals(MAGIC)) throw new Error('bad magic');
    const jsonLength = data.readUInt32LE(MAGIC.length);
    const header = JSON.parse(data.toString('utf8', MAGIC.length + 4, MAGIC.length + 4 + jsonLength)) as Header;
    let at = MAGIC.length + 4 + jsonLength;
    at += (8 - (at % 8)) % 8;
    const take = <T extends Int32Array | Uint8Array>(Kind: { new (b: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number }, count: number): T => {
      const byteLength = count * Kind.BYTES_PER_ELEMENT;
      if (at + byteLength > data.length) throw new Error('truncated');
      const shared = new SharedArrayBuffer(Math.max(byteLength, Kind.BYTES_PER_ELEMENT));
      new Uint8Array(shared).set(data.subarray(at, at + byteLength));
      at += byteLength;
      return new Kind(shared).subarray(0, count) as T;
    };
    const { lengths } = header;
    const pathStart = take(Int32Array, lengths.pathStart);
    const pathCode = take(Int32Array, lengths.pathCode);
    const pathMult = take(Int32Array, lengths.pathMult);
    const keyStart = take(Int32Array, lengths.keyStart);
    const runEnd = take(Int32Array, lengths.runEnd);
    const titleTable = { slots: take(Int32Array, lengths.titleSlots), entries: take(Int32Array, lengths.titleEntries), count: take(Int32Array, 2), bytes: take(Uint8Array, lengths.titleBytes) };
    at += (8 - (at % 8)) % 8;
    const values = header.columns.map((_column, c) => {
      const size = header.valueBytes[c];
      const chunks: WageChunk[] = [];
      for (let rows = lengths.rows; rows > 0; rows -= VALUE_CHUNK_ROWS) {
        const count = Math.min(rows, VALUE_CHUNK_ROWS);
        if (at + count * size > data.length) throw new Error('truncated');
        const chunk = new SharedArrayBuffer(VALUE_CHUNK_ROWS * size);
        new Uint8Array(chunk).set(data.subarray(at, at + count * size));
        at += count * size;
        chunks.push(size === 4 ? new Float32Array(chunk) : new Float64Array(chunk));
      }
      return chunks;
    });
    if (at !== data.length) throw new Error('trailing bytes');
    const wages = { columns: header.columns, stateCount: header.stateCount, keyStart, runEnd, values };
    return {
      titles: { titleTable, pathStart, pathCode, pathMult },
      // Derived from the rest in a few milliseconds: not worth its bytes in every entry.
      wages: { ...wages, groupMedians: groupMedians(wages) },
      stats: header.stats,
    };
  } catch {
    await fs.rm(file, { force: true });
    return undefined;
  }
}

async function evict(dir: string, maxBytes: number, keep: string): Promise<void> {
  const names = (await fs.readdir(dir)).filter((name) => name.endsWith('.sjindex'));
  const entries = (
    await Promise.all(
      names.map(async (name) => {
        const file = path.join(dir, name);
        const st = await fs.stat(file).catch(() => undefined);
        return st ? { file, size: st.size, mtime: st.mtimeMs } : undefined;
      }),
    )
  ).filter((e): e is { file: string; size: number; mtime: number } => e !== undefined);
  let total = entries.reduce((n, e) => n + e.size, 0);
  for (const entry of entries.sort((a, b) => a.mtime - b.mtime)) {
    if (total <= maxBytes) break;
    if (entry.file === keep) continue;
    await fs.rm(entry.file, { force: true });
    total -= entry.size;
  }
}
