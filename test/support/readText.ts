import { openUtf8Stream, type TextSourceInfo } from '../../src/engine/source/openText';

/** The whole UTF-8 stream the engine reads from a source, from a byte offset on, as a string. */
export function readUtf8(info: TextSourceInfo, start = 0): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const s = openUtf8Stream(info, start);
    s.on('data', (c: Buffer) => chunks.push(c));
    s.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    s.on('error', reject);
  });
}
