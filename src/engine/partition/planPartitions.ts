import { promises as fs } from 'fs';

/**
 * How many title partitions keep the built index under the memory budget. The index holds each
 * distinct title and its paths on the main thread and once more in every worker, so its size
 * follows the related table's bytes times the threads that hold it; the wage rows it keeps
 * (shared by all threads) follow the wage table's bytes. Deliberately pessimistic: a
 * partitioned run costs extra passes, an overrun costs the machine.
 */
export async function planPartitions(budgetBytes: number, relatedFiles: string[], wageFiles: string[], workers: number): Promise<number> {
  const bytes = async (files: string[]) => (await Promise.all(files.map((f) => fs.stat(f)))).reduce((n, st) => n + st.size, 0);
  const estimate = (await bytes(relatedFiles)) * (1 + workers) + (await bytes(wageFiles)) * WAGE_BYTES_FACTOR;
  // Half the budget for the index: the rest is the runtime, the ranges in flight and the caches.
  return Math.min(MAX_PARTITIONS, Math.max(1, Math.ceil(estimate / (budgetBytes / 2))));
}

/** Kept wage rows are 8 bytes per wage column, against ~12 text bytes per cell in the file. */
const WAGE_BYTES_FACTOR = 0.7;
/** Partition ids are stored in one byte per query row. */
export const MAX_PARTITIONS = 255;

/** A stable 32-bit FNV-1a hash of a title key: the same title always lands in the same partition. */
export function partitionOf(key: string, partitions: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % partitions;
}
