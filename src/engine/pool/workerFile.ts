import { existsSync } from 'fs';
import * as path from 'path';

/**
 * The compiled worker script. Beside this file in an installed package (dist/); when the engine
 * runs from TypeScript sources (tests), the build output in dist/ of the same checkout.
 */
export function workerFile(): string {
  const beside = path.join(__dirname, 'worker.js');
  if (existsSync(beside)) return beside;
  const root = path.resolve(__dirname, '..', '..', '..');
  const built = path.join(root, 'dist', 'src', 'engine', 'pool', 'worker.js');
  if (existsSync(built)) return built;
  throw new Error(`worker script not found at ${beside} or ${built}; run "npm run build" first`);
}
