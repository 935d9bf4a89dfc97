import { gzipSync } from 'zlib';
import { readdirSync } from 'fs';
import { inspectFile, isRangeScannable, utf8Chunks } from '../../src/engine/source/openText';
import { readHead } from '../../src/engine/source/readHead';
import { InputError } from '../../src/engine/errors';
import { DATA, tempDir, writeTemp } from '../support/tempFiles';
import { readUtf8 } from '../support/readText';

const dir = tempDir();


test('plain ASCII is utf8 without BOM and range-scannable', async () => {
  const p = writeTemp(dir, 'plain.csv', 'a,b\n1,2\n');
  const info = await inspectFile(p);
  expect(info).toEqual({ path: p, size: 8, gzip: false, encoding: 'utf8', bomLength: 0 });
  expect(isRangeScannable(info)).toBe(true);
});

test('a UTF-8 BOM is detected (bomLength 3) and removed from the stream', async () => {
  const p = writeTemp(dir, 'bom.csv', '\ufeffst,occupation\nAL,Cook\n');
  const info = await inspectFile(p);
  expect(info.encoding).toBe('utf8');
  expect(info.bomLength).toBe(3);
  expect(await readUtf8(info)).toBe('st,occupation\nAL,Cook\n');
});

test('for a range-scannable file, start is a file offset (BOM counted)', async () => {
  const p = writeTemp(dir, 'bom2.csv', '\ufeffst\nAL\n');
  const info = await inspectFile(p);
  expect(await readUtf8(info, 6)).toBe('AL\n');
});

test('a UTF-16LE BOM is detected and the text transcoded to UTF-8', async () => {
  const p = writeTemp(dir, 'u16le.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('title,café\n', 'utf16le')]));
  const info = await inspectFile(p);
  expect(info).toMatchObject({ encoding: 'utf16le', bomLength: 2, gzip: false });
  expect(isRangeScannable(info)).toBe(false);
  expect(await readUtf8(info)).toBe('title,café\n');
});

test('a UTF-16BE BOM is detected and the text transcoded to UTF-8', async () => {
  const le = Buffer.from('title,café\n', 'utf16le');
  const be = Buffer.from(le).swap16();
  const p = writeTemp(dir, 'u16be.csv', Buffer.concat([Buffer.from([0xfe, 0xff]), be]));
  const info = await inspectFile(p);
  expect(info).toMatchObject({ encoding: 'utf16be', bomLength: 2 });
  expect(await readUtf8(info)).toBe('title,café\n');
});

test('gzip is recognised by its magic bytes, even without .gz, and gunzipped', async () => {
  const p = writeTemp(dir, 'packed.csv', gzipSync(Buffer.from('\ufefftitle,code\nCook,35-2014\n')));
  const info = await inspectFile(p);
  expect(info).toMatchObject({ gzip: true, encoding: 'utf8', bomLength: 3 });
  expect(isRangeScannable(info)).toBe(false);
  expect(await readUtf8(info)).toBe('title,code\nCook,35-2014\n');
});

test('for a stream that is not range-scannable, start skips UTF-8 output bytes', async () => {
  const p = writeTemp(dir, 'packed2.csv.gz', gzipSync(Buffer.from('title\nCook\n')));
  const info = await inspectFile(p);
  expect(await readUtf8(info, 6)).toBe('Cook\n');
});

test('a truncated .gz gives a stream error wrapped as InputError naming the file', async () => {
  const rows = Array.from({ length: 5000 }, (_, i) => `title ${i},${i}`).join('\n');
  const full = gzipSync(Buffer.from(`title,code\n${rows}\n`));
  const p = writeTemp(dir, 'cut.csv.gz', full.subarray(0, Math.floor(full.length / 2)));
  const info = await inspectFile(p);
  const err = await readUtf8(info).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(InputError);
  expect((err as InputError).location?.file).toBe(p);
  expect((err as InputError).message).toMatch(/gzip/);
});

test('Mac Roman named explicitly: byte 0xCA is a no-break space', async () => {
  const p = writeTemp(dir, 'mac.csv', Buffer.from([...Buffer.from('title\nBoiler Operator'), 0xca, 0x0d]));
  const info = await inspectFile(p, 'macintosh');
  expect(info.encoding).toBe('macintosh');
  expect(await readUtf8(info)).toBe('title\nBoiler Operator\u00a0\r');
});

test('the real SOC 2010 file read as Mac Roman has "Boiler Operator" + NBSP', async () => {
  const info = await inspectFile(`${DATA}/soc/CONVERTED_soc_2010_direct_match_title_file.csv`, 'Mac-Roman');
  const text = await readUtf8(info);
  expect(text).toContain('Boiler Operator\u00a0,');
  expect(text).not.toContain('\ufffd');
});

test('auto: a non-UTF-8 file with CR-only line breaks is taken as Mac Roman (real SOC 2010 file, bad byte at 355 KB)', async () => {
  const info = await inspectFile(`${DATA}/soc/CONVERTED_soc_2010_direct_match_title_file.csv`);
  expect(info.encoding).toBe('macintosh');
});

test('auto: a non-UTF-8 file with LF line breaks is taken as windows-1252', async () => {
  const p = writeTemp(dir, 'w1252.csv', Buffer.from([...Buffer.from('title\nCaf'), 0xe9, 0x0a, ...Buffer.from('Na'), 0x96, 0x0a]));
  const info = await inspectFile(p);
  expect(info.encoding).toBe('windows-1252');
  expect(await readUtf8(info)).toBe('title\nCafé\nNa\u2013\n');
});

test('latin1 named explicitly decodes 0xE9 as é', async () => {
  const p = writeTemp(dir, 'latin1.csv', Buffer.from([...Buffer.from('t\nCaf'), 0xe9, 0x0a]));
  const info = await inspectFile(p, 'ISO-8859-1');
  expect(info.encoding).toBe('latin1');
  expect(await readUtf8(info)).toBe('t\nCafé\n');
});

test('an unknown encoding name is an InputError listing the supported ones', async () => {
  const p = writeTemp(dir, 'x.csv', 'a\n');
  await expect(inspectFile(p, 'ebcdic')).rejects.toThrow(InputError);
  await expect(inspectFile(p, 'ebcdic')).rejects.toThrow(/unknown encoding "ebcdic".*utf8, utf16le, utf16be, windows-1252, latin1, macintosh/);
});

test('an xlsx (zip signature) is read as a workbook: its first sheet, as UTF-8 CSV, not range-scannable', async () => {
  const info = await inspectFile(`${DATA}/oes/national_M2019_dl.xlsx`);
  expect(info).toMatchObject({ gzip: false, encoding: 'utf8', bomLength: 0, xlsx: { name: 'national_M2019_dl', position: 1 } });
  expect(isRangeScannable(info)).toBe(false);
});

test('a missing file is an InputError naming it', async () => {
  const p = `${dir}/missing.csv`;
  await expect(inspectFile(p)).rejects.toThrow(`${p}: file not found`);
});

describe('utf8Chunks', () => {
  /** Every chunk copied as it comes (each is valid only until the next is asked for). */
  async function chunksOf(info: Awaited<ReturnType<typeof inspectFile>>, start?: number): Promise<Buffer[]> {
    const out: Buffer[] = [];
    for await (const chunk of utf8Chunks(info, start)) out.push(Buffer.from(chunk));
    return out;
  }

  const openFiles = (): number => readdirSync('/proc/self/fd').length;

  test('a range-scannable file: the bytes of openUtf8Stream from any start, BOM skipped, in 1 MiB chunks read into two buffers in turn', async () => {
    const text = '\ufeff' + Array.from({ length: 150_000 }, (_, i) => `title ${i},é ${i}\n`).join('');
    const p = writeTemp(dir, 'chunks.csv', text);
    const info = await inspectFile(p);
    expect(isRangeScannable(info)).toBe(true);
    for (const start of [undefined, 0, 1, 3, 20, (1 << 20) + 5, info.size - 1, info.size]) {
      const chunks = await chunksOf(info, start);
      expect(Buffer.concat(chunks).toString('utf8')).toBe(await readUtf8(info, start));
      expect(chunks.every((c) => c.length <= 1 << 20)).toBe(true);
    }
    expect((await chunksOf(info)).length).toBe(Math.ceil((info.size - 3) / (1 << 20)));
    // The chunks handed out are views of two buffers, reused: the third is the first's buffer.
    const views: Buffer[] = [];
    for await (const chunk of utf8Chunks(info)) views.push(chunk);
    expect(views[2].buffer).toBe(views[0].buffer);
    expect(views[1].buffer).not.toBe(views[0].buffer);
  });

  test('a file that is not range-scannable (gzip, UTF-16) comes from openUtf8Stream', async () => {
    const gz = await inspectFile(writeTemp(dir, 'chunks.csv.gz', gzipSync('title\nCook\n')));
    expect(Buffer.concat(await chunksOf(gz)).toString('utf8')).toBe('title\nCook\n');
    const u16 = await inspectFile(writeTemp(dir, 'chunks16.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('title,café\n', 'utf16le')])));
    expect(Buffer.concat(await chunksOf(u16)).toString('utf8')).toBe('title,café\n');
  });

  test('a caller that stops after the first chunk leaves no file open; a file gone is an InputError naming it', async () => {
    const p = writeTemp(dir, 'stop.csv', 'x'.repeat(3 << 20));
    const info = await inspectFile(p);
    const before = openFiles();
    for await (const chunk of utf8Chunks(info)) {
      expect(chunk.length).toBe(1 << 20);
      break;
    }
    expect(openFiles()).toBe(before);
    const gone = { ...info, path: `${dir}/gone.csv` };
    await expect(chunksOf(gone)).rejects.toThrow(new InputError('file not found', { file: gone.path }));
    // A directory opens, and its first read fails.
    await expect(chunksOf({ ...info, path: dir })).rejects.toThrow(new InputError('is a directory', { file: dir }, 'a file'));
  });
});

test('readHead returns at most maxBytes of UTF-8, BOM removed', async () => {
  const p = writeTemp(dir, 'head.csv', '\ufeffabcdefghij\n');
  const info = await inspectFile(p);
  expect(Buffer.from(await readHead(info, 4)).toString()).toBe('abcd');
  expect(Buffer.from(await readHead(info)).toString()).toBe('abcdefghij\n');
});

test('auto: a Windows-1252 byte deep in a 3 MiB file is still found', async () => {
  const body = Buffer.alloc(3 << 20, 0x61);
  for (let i = 100; i < body.length; i += 100) body[i] = 0x0a;
  body[(5 << 19) + 7] = 0xe9;
  const p = writeTemp(dir, 'deep1252.csv', body);
  expect((await inspectFile(p)).encoding).toBe('windows-1252');
});

test('auto: a UTF-8 character cut by the 1 MiB read boundary is still valid UTF-8', async () => {
  const body = Buffer.alloc(2 << 20, 0x61);
  Buffer.from('é').copy(body, (1 << 20) - 1);
  const p = writeTemp(dir, 'straddle.csv', body);
  expect((await inspectFile(p)).encoding).toBe('utf8');
});
