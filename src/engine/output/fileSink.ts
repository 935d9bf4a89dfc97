import { randomUUID } from 'crypto';
import { promises as fs } from 'fs';
import * as path from 'path';
import { InputError } from '../errors';
import { DEFAULT_BATCH_SIZE } from '../options';
import { csvLine, type RowFormat } from './rowFormat';
import type { OutputChunk, RowSink } from './sink';

/**
 * Writes CSV or JSON lines, in batches of at least batchSize rows, to a temporary file beside the
 * target and renames it into place on close, so a failed or cancelled run never leaves a
 * plausible-looking partial file. Everything that could make the rename fail is checked in open.
 */
export class FileSink implements RowSink {
  private handle: fs.FileHandle | undefined;
  private readonly tempPath: string;
  /** Bytes of the rows held back until a batch is full: copied here, so write() never keeps chunk.bytes. */
  private held = new Uint8Array(0);
  private heldBytes = 0;
  private pendingRows = 0;
  readonly releasesBytes = true;

  constructor(
    readonly target: string,
    readonly format: Extract<RowFormat, 'csv' | 'jsonl'>,
    private readonly overwrite = false,
    private readonly batchSize = DEFAULT_BATCH_SIZE,
    /** On by default for CSV: a hostile title must not run as a formula when the file is opened in Excel. */
    readonly guardFormulas = format === 'csv',
  ) {
    this.tempPath = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${randomUUID()}.partial`);
  }

  async open(columns: string[]): Promise<void> {
    const existing = await fs.stat(this.target).catch(() => undefined);
    if (existing?.isDirectory()) {
      throw new InputError('the output path is a folder; give a file name', { file: this.target });
    }
    if (existing && !this.overwrite) {
      throw new InputError('output file already exists; choose another path or allow overwriting', { file: this.target });
    }
    try {
      this.handle = await fs.open(this.tempPath, 'w');
    } catch (error) {
      throw new InputError(`cannot write the output file: ${describeFileError(error)}`, { file: this.target });
    }
    if (this.format === 'csv') await this.handle.write(csvLine(columns));
  }

  async write(chunk: OutputChunk): Promise<void> {
    if (!this.handle) throw new Error('FileSink.write before open');
    if (!chunk.bytes || chunk.bytes.length === 0) return;
    this.pendingRows += chunk.rows;
    if (this.pendingRows >= this.batchSize) await this.flush(chunk.bytes);
    else this.hold(chunk.bytes);
  }

  async close(): Promise<void> {
    if (!this.handle) return;
    await this.flush();
    await this.handle.close();
    this.handle = undefined;
    await fs.rename(this.tempPath, this.target);
  }

  /** Writes the rows held back, then `last` (straight from the caller's buffer). */
  private async flush(last?: Uint8Array): Promise<void> {
    const pieces: Uint8Array[] = this.heldBytes > 0 ? [this.held.subarray(0, this.heldBytes)] : [];
    if (last) pieces.push(last);
    this.pendingRows = 0;
    if (pieces.length > 0) await this.handle!.writev(pieces);
    this.heldBytes = 0;
  }

  /** The buffer is reused from batch to batch; it holds less than one batch of rows. */
  private hold(bytes: Uint8Array): void {
    if (this.heldBytes + bytes.length > this.held.length) {
      const grown = new Uint8Array(Math.max(this.heldBytes + bytes.length, 2 * this.held.length));
      grown.set(this.held.subarray(0, this.heldBytes));
      this.held = grown;
    }
    this.held.set(bytes, this.heldBytes);
    this.heldBytes += bytes.length;
  }

  async abort(): Promise<void> {
    this.heldBytes = 0;
    if (this.handle) {
      await this.handle.close().catch(() => undefined);
      this.handle = undefined;
    }
    // Best effort: when the folder itself is unusable there is nothing to remove, and the error
    // that made the run fail is the one to report.
    await fs.rm(this.tempPath, { force: true }).catch(() => undefined);
  }
}

/** The error code and what it means for an output path, without the temporary file's name. */
export function describeFileError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const meaning: Record<string, string> = {
    ENOENT: 'its folder does not exist',
    ENOTDIR: 'a parent of the path is a file, not a folder',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    EROFS: 'the file system is read-only',
    ENOSPC: 'no space left on the device',
    EISDIR: 'the path is a folder',
  };
  return code ? `${code}, ${meaning[code] ?? (error as Error).message}` : String((error as Error)?.message ?? error);
}
