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
  const pad = Buffer.alloc(paddingTo8(headLength));
  const bytes = (a: Uint8Array | Int32Array | WageChunk) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  const int32s = [titles.pathStart, titles.pathCode, titles.pathMult, wages.keyStart, wages.runEnd, table.slots, table.entries, table.count].map(bytes);
  int32s.push(bytes(table.bytes));
  const int32Bytes = int32s.reduce((n, b) => n + b.length, 0);
  const pad2 = Buffer.alloc(paddingTo8(int32Bytes));
  return [MAGIC, length, json, pad, ...int32s, pad2, ...wages.values.flatMap((column) => rowsOf(column, header.lengths.rows).map(bytes))];
}

/** Bytes from offset n to the next multiple of 8 (the typed arrays start 8-aligned). */
function paddingTo8(n: number): number {
  return (8 - (n % 8)) % 8;
}

/** A chunked column's first `rows` values, chunk by chunk (the last chunk cut). */
function rowsOf(column: WageChunk[], rows: number): WageChunk[] {
  return column.map((chunk, i) => chunk.subarray(0, Math.max(0, Math.min(VALUE_CHUNK_ROWS, rows - i * VALUE_CHUNK_ROWS))));
}

/**
 * An entry read straight into the shared arrays of the index it holds (no buffer of the whole
 * file first: that would add its size to the peak of every run that loads it); undefined when
 * there is none, and a damaged one is removed.
 */
async function readEntry(file: string): Promise<JoinIndex | undefined> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, 'r');
  } catch {
    return undefined;
  }
  let damaged = false;
  try {
    const size = (await handle.stat()).size;
    let at = 0;
    // Checked before each array is made, so a damaged length cannot ask for gigabytes.
    const need = (bytes: number) => {
      if (!(bytes >= 0 && at + bytes <= size)) throw new Error('truncated');
    };
    const readInto = async (target: Uint8Array): Promise<void> => {
      need(target.length);
      let done = 0;
      while (done < target.length) {
        const { bytesRead } = await handle.read(target, done, target.length - done, at + done);
        if (bytesRead === 0) throw new Error('truncated');
        done += bytesRead;
      }
      at += target.length;
    };
    const skipPadding = () => (at += paddingTo8(at));
    const head = Buffer.alloc(MAGIC.length + 4);
    await readInto(head);
    if (!head.subarray(0, MAGIC.length).equals(MAGIC)) throw new Error('bad magic');
    const json = Buffer.alloc(head.readUInt32LE(MAGIC.length));
    await readInto(json);
    const header = JSON.parse(json.toString('utf8')) as Header;
    skipPadding();
    const take = async <T extends Int32Array | Uint8Array>(Kind: { new (b: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number }, count: number): Promise<T> => {
      const byteLength = count * Kind.BYTES_PER_ELEMENT;
      need(byteLength);
      const shared = new SharedArrayBuffer(Math.max(byteLength, Kind.BYTES_PER_ELEMENT));
      await readInto(new Uint8Array(shared, 0, byteLength));
      return new Kind(shared).subarray(0, count) as T;
    };
    const { lengths } = header;
    const pathStart = await take(Int32Array, lengths.pathStart);
    const pathCode = await take(Int32Array, lengths.pathCode);
    const pathMult = await take(Int32Array, lengths.pathMult);
    const keyStart = await take(Int32Array, lengths.keyStart);
    const runEnd = await take(Int32Array, lengths.runEnd);
    const titleTable = { slots: await take(Int32Array, lengths.titleSlots), entries: await take(Int32Array, lengths.titleEntries), count: await take(Int32Array, 2), bytes: await take(Uint8Array, lengths.titleBytes) };
    skipPadding();
    const values: WageChunk[][] = [];
    for (const size of header.valueBytes) {
      const chunks: WageChunk[] = [];
      for (let rows = lengths.rows; rows > 0; rows -= VALUE_CHUNK_ROWS) {
        need(Math.min(rows, VALUE_CHUNK_ROWS) * size);
        const chunk = new SharedArrayBuffer(VALUE_CHUNK_ROWS * size);
        await readInto(new Uint8Array(chunk, 0, Math.min(rows, VALUE_CHUNK_ROWS) * size));
        chunks.push(size === 4 ? new Float32Array(chunk) : new Float64Array(chunk));
      }
      values.push(chunks);
    }
    if (values.length !== header.columns.length) throw new Error('columns');
    if (at !== size) throw new Error('trailing bytes');
    const wages = { columns: header.columns, stateCount: header.stateCount, keyStart, runEnd, values };
    return {
      titles: { titleTable, pathStart, pathCode, pathMult },
      // Derived from the rest in a few milliseconds: not worth its bytes in every entry.
      wages: { ...wages, groupMedians: groupMedians(wages) },
      stats: header.stats,
    };
  } catch {
    damaged = true;
    return undefined;
  } finally {
    await handle.close();
    if (damaged) await fs.rm(file, { force: true });
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
