import { join } from 'path';
import { resolveFiles } from '../../src/engine/source/resolveFiles';
import { InputError } from '../../src/engine/errors';
import { tempDir, writeTemp } from '../support/tempFiles';

const dir = tempDir();
const a = writeTemp(dir, 'wages/a.csv', 'x\n1\n');
const b = writeTemp(dir, 'wages/b.csv', 'x\n2\n');
writeTemp(dir, 'wages/notes.txt', 'hello\n');
const paren = writeTemp(dir, 'Related Occupations (1).txt', 'x\n');

test('a literal path resolves to itself, absolute', async () => {
  expect(await resolveFiles([a], 'wages table')).toEqual([a]);
});

test('a glob expands to the matching files, sorted', async () => {
  expect(await resolveFiles([join(dir, 'wages/*.csv')], 'wages table')).toEqual([a, b]);
});

test('several entries are merged, sorted and deduplicated', async () => {
  expect(await resolveFiles([b, join(dir, 'wages/*.csv'), a], 'wages table')).toEqual([a, b]);
});

test('an existing file whose name has glob characters is taken literally', async () => {
  expect(await resolveFiles([paren], 'related table')).toEqual([paren]);
});

test('a pattern that matches nothing names the pattern and the table', async () => {
  const p = join(dir, 'wages/*.tsv');
  await expect(resolveFiles([p], 'wages table')).rejects.toThrow(InputError);
  await expect(resolveFiles([p], 'wages table')).rejects.toThrow(`${p}: no file matches this wages table pattern`);
});

test('a missing literal path is an error', async () => {
  const p = join(dir, 'nope.csv');
  await expect(resolveFiles([p], 'query table')).rejects.toThrow(`${p}: no file matches this query table path`);
});

test('a directory is an error: expected a file', async () => {
  const d = join(dir, 'wages');
  await expect(resolveFiles([d], 'wages table')).rejects.toThrow(/wages table path is a directory, expected a file/);
});

test('an empty list is an error naming the table', async () => {
  await expect(resolveFiles([], 'codes table')).rejects.toThrow('no file given for the codes table');
  await expect(resolveFiles(['  '], 'codes table')).rejects.toThrow(InputError);
});
