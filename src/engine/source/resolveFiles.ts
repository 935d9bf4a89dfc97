import { promises as fsp } from 'fs';
import * as path from 'path';
import fg from 'fast-glob';
import { InputError } from '../errors';

/**
 * Expands the paths and glob patterns the user gave for one table into files: absolute paths,
 * sorted, without duplicates. An entry naming an existing file is taken literally even when it
 * contains glob characters ("Related Occupations (1).txt"). `role` names the table in messages,
 * e.g. "wages table".
 *
 * InputError: empty list; an entry that matches nothing; a path that is a directory; a pattern that
 * matches only directories.
 */
export async function resolveFiles(patterns: string[], role: string): Promise<string[]> {
  const entries = (patterns ?? []).map((p) => (typeof p === 'string' ? p.trim() : '')).filter((p) => p !== '');
  if (entries.length === 0) {
    throw new InputError(`no file given for the ${role}`, undefined, 'at least one path or glob pattern');
  }
  const found = new Set<string>();
  for (const entry of entries) {
    const stat = await fsp.stat(entry).catch(() => undefined);
    if (stat) {
      if (stat.isDirectory()) {
        throw new InputError(`the ${role} path is a directory, expected a file`, { file: entry }, `a file or a pattern such as ${path.join(entry, '*.csv')}`);
      }
      found.add(path.resolve(entry));
      continue;
    }
    if (!fg.isDynamicPattern(entry)) {
      throw new InputError(`no file matches this ${role} path`, { file: entry }, 'an existing file');
    }
    // fast-glob wants forward slashes.
    const pattern = path.sep === '\\' ? entry.replace(/\\/g, '/') : entry;
    const files = await fg(pattern, { absolute: true, onlyFiles: true, dot: false, unique: true });
    if (files.length === 0) {
      const dirs = await fg(pattern, { absolute: true, onlyDirectories: true });
      if (dirs.length > 0) {
        throw new InputError(`the ${role} pattern matches only directories, expected files`, { file: entry }, 'a pattern that matches files');
      }
      throw new InputError(`no file matches this ${role} pattern`, { file: entry });
    }
    for (const f of files) found.add(path.resolve(f));
  }
  return [...found].sort();
}
