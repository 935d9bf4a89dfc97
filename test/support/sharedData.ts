import * as path from 'path';

/** The project's shared real-data folder: ../shared/data beside the repository (also in CI). */
export const SHARED_DATA = process.env.SHARED_DATA ?? path.resolve(__dirname, '..', '..', '..', 'shared', 'data');

export function sharedFile(...parts: string[]): string {
  return path.join(SHARED_DATA, ...parts);
}
