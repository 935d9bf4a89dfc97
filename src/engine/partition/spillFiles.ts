import { closeSync, openSync, readSync, writeSync } from 'fs';

/**
 * An append-only temporary file written synchronously in large pieces: partitioning happens in
 * record callbacks, which cannot await, and a few hundred KB per write keeps syscalls rare.
 */
export class SpillWriter {
  private readonly fd: number;
  private pending: (string | Uint8Array)[] = [];
  private pendingLength = 0;
  rows = 0;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'w');
  }

  add(text: string): void {
    this.rows++;
    this.pending.push(text);
    this.pendingLength += text.length;
    if (this.pendingLength >= 256 * 1024) this.flush();
  }

  /**
   * Bytes already formatted elsewhere (not counted as a row), written before this returns: the
   * caller may reuse the buffer (a worker's output, a task's worth of rows: large enough that
   * batching them with more would save nothing).
   */
  addBytes(bytes: Uint8Array): void {
    this.pending.push(bytes);
    this.pendingLength += bytes.length;
    this.flush();
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }

  private flush(): void {
    let text: string[] = [];
    const writeText = () => {
      if (text.length > 0) writeSync(this.fd, text.join(''));
      text = [];
    };
    for (const piece of this.pending) {
      if (typeof piece === 'string') {
        text.push(piece);
      } else {
        writeText();
        writeSync(this.fd, piece);
      }
    }
    writeText();
    this.pending = [];
    this.pendingLength = 0;
  }
}

/** One byte per query row: which partition it went to, in query order. */
export class OrderWriter {
  private readonly fd: number;
  private buf = new Uint8Array(64 * 1024);
  private at = 0;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'w');
  }

  add(partition: number): void {
    if (this.at === this.buf.length) this.flush();
    this.buf[this.at++] = partition;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }

  private flush(): void {
    writeSync(this.fd, this.buf, 0, this.at);
    this.at = 0;
  }
}

/** Reads a file front to back in blocks: bytes (the order file) or newline-terminated lines. */
export class BlockReader {
  private readonly fd: number;
  private buf = Buffer.alloc(64 * 1024);
  private start = 0;
  private end = 0;
  private eof = false;

  constructor(path: string) {
    this.fd = openSync(path, 'r');
  }

  /** The next byte, or -1 at the end. */
  byte(): number {
    if (this.start === this.end && !this.fill()) return -1;
    return this.buf[this.start++];
  }

  /** The next line without its newline, or undefined at the end. */
  line(): string | undefined {
    for (;;) {
      const nl = this.buf.indexOf(0x0a, this.start);
      if (nl >= 0 && nl < this.end) {
        const text = this.buf.toString('utf8', this.start, nl);
        this.start = nl + 1;
        return text;
      }
      if (!this.fill()) return undefined;
    }
  }

  close(): void {
    closeSync(this.fd);
  }

  /** Moves the unread bytes to the front and reads more; grows for lines longer than the block. */
  private fill(): boolean {
    if (this.eof) return false;
    const unread = this.end - this.start;
    if (unread === this.buf.length) {
      const grown = Buffer.alloc(this.buf.length * 2);
      this.buf.copy(grown, 0, this.start, this.end);
      this.buf = grown;
    } else {
      this.buf.copy(this.buf, 0, this.start, this.end);
    }
    this.start = 0;
    this.end = unread;
    const n = readSync(this.fd, this.buf, this.end, this.buf.length - this.end, null);
    if (n === 0) this.eof = true;
    this.end += n;
    return n > 0;
  }
}
