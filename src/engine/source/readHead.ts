import { openUtf8Stream, TextSourceInfo } from './openText';

/** The head of a file as UTF-8, and whether it is the whole file. */
export interface HeadSample {
  bytes: Uint8Array;
  /** True when the file ended within the sample (the last record is complete even without a newline). */
  complete: boolean;
}

/** The first ≤ maxBytes UTF-8 bytes (BOM removed) and whether that is the whole content. */
export function readHeadSample(info: TextSourceInfo, maxBytes = 1 << 20): Promise<HeadSample> {
  return new Promise((resolve, reject) => {
    const stream = openUtf8Stream(info);
    const chunks: Buffer[] = [];
    let total = 0;
    let settled = false;
    const settle = (complete: boolean): void => {
      if (settled) return;
      settled = true;
      const all = Buffer.concat(chunks);
      resolve({ bytes: new Uint8Array(all.buffer, all.byteOffset, Math.min(all.length, maxBytes)), complete });
      (stream as unknown as { destroy(): void }).destroy();
    };
    stream.on('data', (chunk: Buffer) => {
      if (settled) return;
      chunks.push(chunk);
      total += chunk.length;
      // One byte beyond maxBytes tells that the file goes on.
      if (total > maxBytes) settle(false);
    });
    stream.on('end', () => settle(total <= maxBytes));
    stream.on('error', (err: Error) => {
      if (settled) return;
      settled = true;
      reject(err);
    });
  });
}

/** The first ≤ maxBytes UTF-8 bytes of the file (via openUtf8Stream), BOM removed. */
export async function readHead(info: TextSourceInfo, maxBytes = 1 << 20): Promise<Uint8Array> {
  return (await readHeadSample(info, maxBytes)).bytes;
}
