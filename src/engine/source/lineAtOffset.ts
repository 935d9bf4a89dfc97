import { createReadStream } from 'fs';

/**
 * The 1-based physical line number of a byte offset: line breaks before it (LF, CRLF or a lone
 * CR) plus one. Only used to place an error, so a plain pass over the file's start is fine.
 */
export async function lineAtOffset(file: string, offset: number): Promise<number> {
  if (offset <= 0) return 1;
  let line = 1;
  let previousWasCR = false;
  for await (const chunk of createReadStream(file, { start: 0, end: offset - 1 }) as AsyncIterable<Buffer>) {
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i];
      if (byte === 0x0a) {
        line++; // an LF ends a line, and the CR of a CRLF was not counted yet
        previousWasCR = false;
      } else {
        if (previousWasCR) line++;
        previousWasCR = byte === 0x0d;
      }
    }
  }
  // A CR right before the offset ends a line too (the offset is a record start, so no LF follows).
  return previousWasCR ? line + 1 : line;
}
