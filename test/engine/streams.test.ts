/**
 * The two readers that stream a table on the main thread: forEachRecord (the build side, and the
 * query table when partitioned) and chunkStream (gzip / re-encoded query files, cut into tasks of
 * whole records). Both must read a very long record in time linear in its length, stop at an
 * abort between two stream chunks, and report invalid UTF-8 with file, line and column.
 */
import { isUtf8 } from 'buffer';
import { rmSync } from 'fs';
import { gzipSync } from 'zlib';
import { forEachRecord } from '../../src/engine/build/forEachRecord';
import type { ColumnRequest } from '../../src/engine/dialect/columns';
import { CancelledError, InputError } from '../../src/engine/errors';
import { chunkStream, planQueries } from '../../src/engine/probe/planQueries';
import type { ProbeRequest } from '../../src/engine/probe/probeQueries';
import { FieldCursor, scanRecords } from '../../src/engine/scan/scanRecords';
import { firstInvalidUtf8, locateByte, wholeCharactersEnd } from '../../src/engine/scan/utf8';
import { openTable } from '../../src/engine/source/openTable';
import { tempDir, writeTemp } from '../support/tempFiles';

const dir = tempDir('streams-test-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const req = (...names: string[]): ColumnRequest[] => names.map((n) => ({ role: n, names: [n], required: true }));

/** The records of a table read with encoding utf8 (auto would take an invalid file as Windows-1252). */
async function records(file: string, names: string[], signal?: AbortSignal): Promise<string[][]> {
  const out: string[][] = [];
  await forEachRecord('test table', [file], { files: [file], encoding: 'utf8' }, req(...names), (cur, cols) => out.push(cols.map((c) => cur.text(c))), signal);
  return out;
}

async function tasks(file: string, chunkBytes: number, signal?: AbortSignal): Promise<Uint8Array[]> {
  const table = await openTable(file, {}, req('title', 'location'));
  const request = { dialect: table.dialect } as ProbeRequest;
  const out: Uint8Array[] = [];
  for await (const task of chunkStream(table, request, chunkBytes, signal)) out.push(task.data);
  return out;
}

/** Records of each task scanned on its own (as a worker does): they must all be complete. */
function scanTasks(parts: Uint8Array[]): { records: number; lines: number } {
  let records = 0;
  let lines = 0;
  for (const data of parts) {
    const outcome = scanRecords(data, { dialect: { delimiter: 0x2c, quote: 0x22 }, from: 0, to: data.length, final: true }, new FieldCursor(), () => undefined);
    expect(outcome.error).toBeUndefined();
    expect(outcome.next).toBe(data.length);
    records += outcome.records;
    lines += outcome.line - 1;
  }
  return { records, lines };
}

describe('forEachRecord', () => {
  test('a 40 MB line among short ones: read whole, in linear time', async () => {
    const long = 'x'.repeat(40 << 20);
    const file = writeTemp(dir, 'long.csv', `title,related_title,score\nA,B,1\n${long},C,2\nD,E,3\n`);
    const started = Date.now();
    const rows = await records(file, ['title', 'related_title', 'score']);
    expect(Date.now() - started).toBeLessThan(5000); // quadratic took minutes
    expect(rows.map((r) => [r[0].length, r[1], r[2]])).toEqual([[1, 'B', '1'], [40 << 20, 'C', '2'], [1, 'E', '3']]);
    rmSync(file);
  });

  test('a long quoted field with line breaks in a gzipped table: same records, line numbers kept', async () => {
    const field = 'line\r\n'.repeat(200_000);
    const file = writeTemp(dir, 'quoted.csv.gz', gzipSync(`title,related_title,score\n"${field}",C,2\nD,"E""",3\n`));
    const rows = await records(file, ['title', 'related_title', 'score']);
    expect(rows).toEqual([[field, 'C', '2'], ['D', 'E"', '3']]);
    // A short row after it is reported on its physical line.
    const bad = writeTemp(dir, 'quoted-bad.csv.gz', gzipSync(`title,related_title,score\n"${field}",C,2\nD,E\n`));
    await expect(records(bad, ['title', 'related_title', 'score'])).rejects.toThrow(`${bad}, line 200003, column "score": test table row has 2 fields (expected at least 3 fields)`);
  });

  test('an aborted signal stops the read with CancelledError', async () => {
    const file = writeTemp(dir, 'abort.csv', 'title,related_title,score\nA,B,1\n');
    const controller = new AbortController();
    controller.abort();
    await expect(records(file, ['title', 'related_title', 'score'], controller.signal)).rejects.toBeInstanceOf(CancelledError);
  });

  test('invalid UTF-8, also after many valid chunks and in a character cut by a chunk end: file, line, column, byte', async () => {
    const rows = 'Analyst,Café Owner,90\n'.repeat(30_000); // the 10th 64 KiB chunk ends inside an é
    const file = writeTemp(dir, 'bad.csv', Buffer.concat([Buffer.from(`title,related_title,score\n${rows}Chef,Co`), Buffer.from([0xf0, 0x9f, 0x98]), Buffer.from('k,80\n')]));
    await expect(records(file, ['title', 'related_title', 'score'])).rejects.toThrow(
      `${file}, line 30002, column "related_title": test table: byte 0xF0 is not valid UTF-8 (expected UTF-8 text;`,
    );
    const good = writeTemp(dir, 'good.csv', `title,related_title,score\n${rows}`);
    expect((await records(good, ['title', 'related_title', 'score'])).length).toBe(30_000);
  });
});

describe('chunkStream', () => {
  test('a 60 MB record in a gzipped file: whole records per task, in linear time', async () => {
    const file = writeTemp(dir, 'long.csv.gz', gzipSync(Buffer.concat([Buffer.from('title,location\nA,TX\n'), Buffer.alloc(60 << 20, 'G'), Buffer.from(',TX\nB,CA\n')]), { level: 1 }));
    const started = Date.now();
    const parts = await tasks(file, 1 << 20);
    expect(Date.now() - started).toBeLessThan(5000); // quadratic took minutes
    expect(parts.reduce((n, p) => n + p.length, 0)).toBe(5 + (60 << 20) + 4 + 5);
    expect(scanTasks(parts).records).toBe(3);
    for (const p of parts) expect(p.buffer.byteLength).toBe(p.length); // own ArrayBuffer: transferable
    rmSync(file);
  });

  test('cuts only between records: quoted line breaks, CRLF and lone CR on 16 KiB stream chunk ends', async () => {
    // gunzip hands out 16 KiB chunks: put a lone CR, then a CRLF, exactly across chunk ends.
    const head = 'title,location\n';
    let text = head;
    const pad = (upTo: number): void => {
      while (text.length < upTo - 40) text += `"a\nb",X\r\n`;
      text += 'c,' + 'y'.repeat(upTo - text.length - 3) + '\r';
    };
    pad(16384); // a lone CR as the last byte of the first chunk
    text += 'd,Z\r\n';
    pad(32768); // a CR as the last byte, its LF first in the next chunk
    text += '\n"e\r\n",W\r\n';
    const file = writeTemp(dir, 'cuts.csv.gz', gzipSync(text));
    const expected = scanTasks([Buffer.from(text.slice(head.length))]);
    for (const chunkBytes of [1, 100, 16384, 1 << 20]) {
      const parts = await tasks(file, chunkBytes);
      expect(Buffer.concat(parts).toString()).toBe(text.slice(head.length));
      for (const p of parts) expect(p[0]).not.toBe(0x0a); // never between the CR and LF of a CRLF
      expect(scanTasks(parts)).toEqual(expected);
    }
  });

  test('an aborted signal stops the stream with CancelledError (planQueries passes it on)', async () => {
    const file = writeTemp(dir, 'abort.csv.gz', gzipSync('title,location\nA,TX\n'));
    const table = await openTable(file, {}, req('title', 'location'));
    const controller = new AbortController();
    controller.abort();
    const iterate = async (): Promise<void> => {
      for await (const task of planQueries(table, { dialect: table.dialect } as ProbeRequest, 1, controller.signal)) void task;
    };
    await expect(iterate()).rejects.toBeInstanceOf(CancelledError);
  });
});

describe('UTF-8 checks', () => {
  test('firstInvalidUtf8 agrees with isUtf8 and finds the first bad byte', () => {
    let seed = 7;
    const rnd = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
      return (seed >>> 8) % n;
    };
    const pieces = [[0x41], [0xc3, 0xa9], [0xe2, 0x82, 0xac], [0xf0, 0x9f, 0x98, 0x80], [0xef, 0xbf, 0xbd], [0x80], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe0, 0x80, 0x80], [0xc3], [0xff]];
    for (let i = 0; i < 5_000; i++) {
      const bytes: number[] = [];
      const n = 1 + rnd(6);
      for (let k = 0; k < n; k++) bytes.push(...pieces[rnd(pieces.length)]);
      const buf = Buffer.from(bytes);
      const bad = firstInvalidUtf8(buf, 0, buf.length);
      expect(bad < 0).toBe(isUtf8(buf));
      if (bad >= 0) {
        expect(isUtf8(buf.subarray(0, bad))).toBe(true);
        expect(isUtf8(buf.subarray(0, bad + 1))).toBe(false);
      }
    }
  });

  test('wholeCharactersEnd drops only a character cut at the end', () => {
    const euro = Buffer.from('a€', 'utf8'); // 61 e2 82 ac
    expect([1, 2, 3, 4].map((n) => wholeCharactersEnd(euro, 0, n))).toEqual([1, 1, 1, 4]);
    expect(wholeCharactersEnd(Buffer.from([0x61, 0x80]), 0, 2)).toBe(2); // a stray continuation byte is kept (and reported)
  });

  test('locateByte: the physical line of the byte (quoted line breaks counted) and its field', () => {
    const buf = Buffer.from('a,b\r\n"x\ny\rz\u00e9",q\n');
    const offset = buf.indexOf(0xc3);
    expect(locateByte(buf, 0, buf.length, { delimiter: 0x2c, quote: 0x22 }, 5, offset)).toEqual({ line: 8, field: 0, recordStart: 5, recordLine: 6 });
  });

  test('InputError names the byte', async () => {
    const file = writeTemp(dir, 'byte.csv', Buffer.concat([Buffer.from('title,related_title,score\nA,B,1'), Buffer.from([0xa0]), Buffer.from('\n')]));
    const error = await records(file, ['title', 'related_title', 'score']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).location).toEqual({ file, line: 2, column: 'score' });
    expect((error as InputError).message).toContain('test table: byte 0xA0 is not valid UTF-8');
  });
});
