import { randomUUID } from 'crypto';
import { constants, promises as fs } from 'fs';
import * as path from 'path';
import { InputError } from '../errors';
import { DEFAULT_BATCH_SIZE } from '../options';
import { csvLine, type RowFormat } from './rowFormat';
import type { OutputChunk, RowSink } from './sink';

/**
 * Writes CSV or JSON lines in batches of at least batchSize rows to a temporary file beside the target and renames it into place on
 * close, so a failed or cancelled run never leaves a plausible-looking partial file.
 */
export class FileSink implements RowSink {
  private handle: fs.FileHandle | undefined;
  private readonly tempPath: string;
  private pending: Uint8Array[] = [];
  private pendingRows = 0;

  constructor(
    readonly target: string,
    readonly format: Extract<RowFormat, 'csv' | 'jsonl'>,
    private readonly overwrite = false,
    private readonly batchSize = DEFAULT_BATCH_SIZE,
  ) {
    this.tempPath = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${randomUUID()}.partial`);
  }

  async open(columns: string[]): Promise<void> {
    if (!this.overwrite && (await exists(this.target))) {
      throw new InputError('output file already exists; choose another path or allow overwriting', { file: this.target });
    }
    try {
      this.handle = await fs.open(this.tempPath, 'w');
    } catch (error) {
      throw new InputError(`cannot write the output file: ${(error as Error).message}`, { file: this.target });
    }
    if (this.format === 'csv') await this.handle.write(csvLine(columns));
  }

  async write(chunk: OutputChunk): Promise<void> {
    if (!this.handle) throw new Error('FileSink.write before open');
    if (!chunk.bytes || chunk.bytes.length === 0) return;
    this.pending.push(chunk.bytes);
    this.pendingRows += chunk.rows;
    if (this.pendingRows >= this.batchSize) await this.flush();
  }

  async close(): Promise<void> {
    if (!this.handle) return;
    await this.flush();
    await this.handle.close();
    this.handle = undefined;
    await fs.rename(this.tempPath, this.target);
  }

  private async flush(): Promise<void> {
    const pieces = this.pending;
    this.pending = [];
    this.pendingRows = 0;
    if (pieces.length > 0) await this.handle!.writev(pieces);
  }

  async abort(): Promise<void> {
    this.pending = [];
    if (this.handle) {
      await this.handle.close().catch(() => undefined);
      this.handle = undefined;
    }
    await fs.rm(this.tempPath, { force: true });
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file, constants.F_OK);
    return true;
  } catch {
    return false;
  }
}
