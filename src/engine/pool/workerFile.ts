import { existsSync } from 'fs';
import * as path from 'path';

/** The compiled query worker script (see compiledFile). */
export function workerFile(): string {
  return compiledFile('pool/worker.js');
}

/**
 * A compiled thread script, by its path under src/engine/ (e.g. 'pool/worker.js'): in dist/ of an
 * installed package; when the engine runs from TypeScript sources (tests), the build output in
 * dist/ of the same checkout.
 */
export function compiledFile(name: string): string {
  const engine = path.resolve(__dirname, '..');
  const beside = path.join(engine, name);
  if (existsSync(beside)) return beside;
  const root = path.resolve(engine, '..', '..');
  const built = path.join(root, 'dist', 'src', 'engine', name);
  if (existsSync(built)) return built;
  throw new Error(`thread script not found at ${beside} or ${built}; run "npm run build" first`);
}
