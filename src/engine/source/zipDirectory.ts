import { promises as fsp } from 'fs';
import { inflateRawSync, constants as zlibConstants } from 'zlib';

/**
 * Random access to a zip archive's entries through its central directory (no entry is read
 * until asked for). Enough of the format for .xlsx workbooks: stored and deflated entries,
 * ZIP64 sizes and offsets; no encryption, no multi-disk archives.
 */

/** One entry of the central directory. */
export interface ZipEntry {
  /** Name as stored (forward slashes). */
  name: string;
  flags: number;
  /** 0 stored, 8 deflate. */
  method: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  /** Offset of the entry's local header in the file. */
  localHeaderOffset: number;
}

/** Thrown for an archive that cannot be read; the caller words the message for its file. */
export class ZipFormatError extends Error {}

const EOCD_SIG = 0x06054b50;
const ZIP64_LOCATOR_SIG = 0x07064b50;
const ZIP64_EOCD_SIG = 0x06064b50;
const CDH_SIG = 0x02014b50;
const LOCAL_SIG = 0x04034b50;
const MAX_COMMENT = 0xffff;

async function readAt(fh: fsp.FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await fh.read(buf, done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return buf.subarray(0, done);
}

function u64(buf: Buffer, at: number): number {
  const value = buf.readBigUInt64LE(at);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new ZipFormatError('a zip size or offset is too large');
  return Number(value);
}

/** Reads the central directory: entries by name (lower-cased keys; part names are case-insensitive). */
export async function readZipDirectory(path: string): Promise<Map<string, ZipEntry>> {
  const fh = await fsp.open(path, 'r');
  try {
    const { size } = await fh.stat();
    const tailLength = Math.min(size, 22 + MAX_COMMENT);
    const tail = await readAt(fh, size - tailLength, tailLength);
    let eocd = -1;
    for (let i = tail.length - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === EOCD_SIG) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw new ZipFormatError('no zip directory at the end of the file (truncated?)');
    let count = tail.readUInt16LE(eocd + 10);
    let cdSize = tail.readUInt32LE(eocd + 12);
    let cdOffset = tail.readUInt32LE(eocd + 16);
    if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
      const locatorAt = size - tailLength + eocd - 20;
      const locator = locatorAt >= 0 ? await readAt(fh, locatorAt, 20) : Buffer.alloc(0);
      if (locator.length === 20 && locator.readUInt32LE(0) === ZIP64_LOCATOR_SIG) {
        const z = await readAt(fh, u64(locator, 8), 56);
        if (z.length < 56 || z.readUInt32LE(0) !== ZIP64_EOCD_SIG) throw new ZipFormatError('damaged ZIP64 directory record');
        count = u64(z, 32);
        cdSize = u64(z, 40);
        cdOffset = u64(z, 48);
      }
    }
    if (cdOffset + cdSize > size) throw new ZipFormatError('the zip directory lies past the end of the file (truncated?)');
    const cd = await readAt(fh, cdOffset, cdSize);
    const entries = new Map<string, ZipEntry>();
    let at = 0;
    for (let n = 0; n < count; n++) {
      if (at + 46 > cd.length || cd.readUInt32LE(at) !== CDH_SIG) throw new ZipFormatError('damaged zip directory');
      const flags = cd.readUInt16LE(at + 8);
      const nameLength = cd.readUInt16LE(at + 28);
      const extraLength = cd.readUInt16LE(at + 30);
      const commentLength = cd.readUInt16LE(at + 32);
      const name = cd.toString(flags & 0x800 ? 'utf8' : 'latin1', at + 46, at + 46 + nameLength);
      const entry: ZipEntry = {
        name,
        flags,
        method: cd.readUInt16LE(at + 10),
        crc32: cd.readUInt32LE(at + 16),
        compressedSize: cd.readUInt32LE(at + 20),
        uncompressedSize: cd.readUInt32LE(at + 24),
        localHeaderOffset: cd.readUInt32LE(at + 42),
      };
      // ZIP64 extra field: the 8-byte values of the fields that are 0xFFFFFFFF, in this order.
      let x = at + 46 + nameLength;
      const xEnd = x + extraLength;
      while (x + 4 <= xEnd) {
        const id = cd.readUInt16LE(x);
        const len = cd.readUInt16LE(x + 2);
        if (id === 0x0001) {
          let p = x + 4;
          if (entry.uncompressedSize === 0xffffffff && p + 8 <= x + 4 + len) (entry.uncompressedSize = u64(cd, p)), (p += 8);
          if (entry.compressedSize === 0xffffffff && p + 8 <= x + 4 + len) (entry.compressedSize = u64(cd, p)), (p += 8);
          if (entry.localHeaderOffset === 0xffffffff && p + 8 <= x + 4 + len) entry.localHeaderOffset = u64(cd, p);
        }
        x += 4 + len;
      }
      entries.set(name.replace(/\\/g, '/').replace(/^\//, '').toLowerCase(), entry);
      at += 46 + nameLength + extraLength + commentLength;
    }
    return entries;
  } finally {
    await fh.close();
  }
}

/** File offset of an entry's compressed bytes (after its local header, whose lengths may differ from the directory's). */
export async function entryDataOffset(fh: fsp.FileHandle, entry: ZipEntry): Promise<number> {
  const head = await readAt(fh, entry.localHeaderOffset, 30);
  if (head.length < 30 || head.readUInt32LE(0) !== LOCAL_SIG) throw new ZipFormatError(`damaged zip entry ${entry.name}`);
  return entry.localHeaderOffset + 30 + head.readUInt16LE(26) + head.readUInt16LE(28);
}

/** Checks that the entry can be read (not encrypted, stored or deflated). */
export function checkEntry(entry: ZipEntry): void {
  if (entry.flags & 0x1) throw new ZipFormatError(`zip entry ${entry.name} is encrypted`);
  if (entry.method !== 0 && entry.method !== 8) throw new ZipFormatError(`zip entry ${entry.name} uses compression method ${entry.method} (only stored and deflate are read)`);
}

/**
 * The uncompressed content of a small entry, or only its first part: with `maxCompressed` set,
 * at most that many compressed bytes are inflated (for peeking at the start of a large entry).
 */
export async function readEntry(path: string, entry: ZipEntry, maxCompressed?: number): Promise<Buffer> {
  checkEntry(entry);
  const fh = await fsp.open(path, 'r');
  try {
    const start = await entryDataOffset(fh, entry);
    const partial = maxCompressed !== undefined && maxCompressed < entry.compressedSize;
    const raw = await readAt(fh, start, partial ? maxCompressed : entry.compressedSize);
    if (entry.method === 0) return raw;
    try {
      return inflateRawSync(raw, partial ? { finishFlush: zlibConstants.Z_SYNC_FLUSH } : {});
    } catch (err) {
      throw new ZipFormatError(`cannot inflate zip entry ${entry.name}: ${(err as Error).message}`);
    }
  } finally {
    await fh.close();
  }
}
