import { mkdtempSync, writeFileSync, mkdirSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

/** A fresh temporary folder for one test file. */
export function tempDir(prefix = 'input-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Writes a file (string as UTF-8, or bytes) under dir and returns its path. */
export function writeTemp(dir: string, name: string, content: string | Uint8Array): string {
  const p = join(dir, name);
  mkdirSync(join(p, '..'), { recursive: true });
  writeFileSync(p, content);
  return p;
}

export { SHARED_DATA as DATA } from './sharedData';
