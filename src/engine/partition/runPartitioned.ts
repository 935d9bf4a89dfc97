import { garbageCollector, peakRssMB } from '../join/peakMemory';
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { readScore } from '../build/buildTitleIndex';
import { required } from '../build/buildJoinIndex';
import { forEachRecord } from '../build/forEachRecord';
import { titleKey, trimText } from '../build/titleKey';
import { CancelledError } from '../errors';
import type { JoinOptions, UnmatchedReason } from '../options';
import { csvLine, jsonLine, matchedColumns, UNMATCHED_COLUMNS } from '../output/rowFormat';
import type { OutputChunk, RowSink } from '../output/sink';
import type { JoinSinks } from '../join/runJoin';
import type { JoinSummary } from '../join/summary';
import { BadRows, MAX_REPORTED_BAD_ROWS } from '../join/badRows';
import { partitionOf } from './planPartitions';
import { BlockReader, OrderWriter, SpillWriter } from './spillFiles';

type Values = (string | number | null)[];
type RunJoin = (options: JoinOptions, sinks: JoinSinks) => Promise<JoinSummary>;

export interface PartitionPlan {
  partitions: number;
  queryFiles: string[];
  relatedFiles: string[];
  threshold: number;
  caseInsensitive: boolean;
  wageColumns: string[];
}

/**
 * The join when the index would not fit the memory budget: the related rows above the threshold
 * and the query rows are hash-partitioned by title to temporary files, each partition is joined
 * on its own (its index holds only its titles), and the partitions' outputs are merged back into
 * query order with a one-byte-per-row order file. Every temporary file is removed at the end,
 * whether the run succeeded, failed or was cancelled.
 */
export async function runPartitioned(options: JoinOptions, sinks: JoinSinks, plan: PartitionPlan, runJoin: RunJoin): Promise<JoinSummary> {
  const started = Date.now();
  const { partitions, caseInsensitive } = plan;
  const columns = options.columns ?? {};
  const dir = mkdtempSync(path.join(tmpdir(), 'salary-join-partitions-'));
  const file = (name: string, p: number) => path.join(dir, `${name}-${p}.csv`);
  let sinksOpen = false;
  const badRows = new BadRows(options.badRows === 'skip');
  try {
    // 1. Spill: related rows above the threshold and query rows, by title.
    const related = Array.from({ length: partitions }, (_, p) => new SpillWriter(file('related', p)));
    const queries = Array.from({ length: partitions }, (_, p) => new SpillWriter(file('queries', p)));
    const order = new OrderWriter(path.join(dir, 'order.bin'));
    related.forEach((w) => w.add('title,related_title,score\n'));
    queries.forEach((w) => w.add('title,location\n'));
    const scoreName = columns.relatedScore ?? 'score';
    let relatedRows = 0;
    let aboveThreshold = 0;
    await forEachRecord('related-titles table', plan.relatedFiles, options.related, [
      required('title', columns.relatedTitle ?? 'title'),
      required('related title', columns.relatedRelatedTitle ?? 'related_title'),
      required('score', scoreName),
    ], (cur, cols, table) => {
      relatedRows++;
      if (!(readScore(cur, cols[2], table.info.path, table.header[cols[2]] ?? scoreName, badRows) > plan.threshold)) return;
      aboveThreshold++;
      const title = trimText(cur.text(cols[0]));
      related[partitionOf(titleKey(title, caseInsensitive), partitions)].add(csvLine([title, trimText(cur.text(cols[1])), cur.text(cols[2]).trim()]));
    }, options.signal, badRows);
    await forEachRecord('queries table', plan.queryFiles, options.queries, [
      required('title', columns.queryTitle ?? 'title'),
      required('location', ...(columns.queryLocation ? [columns.queryLocation] : ['location', 'state'])),
    ], (cur, cols) => {
      const title = trimText(cur.text(cols[0]));
      const p = partitionOf(titleKey(title, caseInsensitive), partitions);
      queries[p].add(csvLine([title, trimText(cur.text(cols[1]))]));
      order.add(p);
    }, options.signal, badRows);
    [...related, ...queries].forEach((w) => w.close());
    order.close();
    const spillMs = Date.now() - started;

    // 2. Join each partition on its own, into ordinal-tagged JSON lines.
    const parts: (JoinSummary | undefined)[] = [];
    for (let p = 0; p < partitions; p++) {
      if (options.signal?.aborted) throw new CancelledError();
      if (queries[p].rows <= 1) {
        parts.push(undefined);
        continue;
      }
      const csv = { headerRow: 1, delimiter: ',', encoding: 'utf8' };
      // The last partition's index is garbage now, its shared buffers freed only when collected:
      // collected before this partition builds its own, the two are never resident together
      // (without it, 8 partitions of the bench set peaked ~45 MB higher, as soon as the build
      // left V8 too little garbage of its own to collect in time).
      garbageCollector()?.();
      parts.push(
        await runJoin(
          {
            ...options,
            queries: { files: [file('queries', p)], ...csv },
            related: { files: [file('related', p)], ...csv },
            columns: { ...columns, queryTitle: 'title', queryLocation: 'location', relatedTitle: 'title', relatedRelatedTitle: 'related_title', relatedScore: 'score' },
            memoryBudgetMB: undefined,
            indexCache: undefined,
            onProgress: undefined,
          },
          { matched: new OrdinalSpillSink(file('matched', p)), unmatched: new OrdinalSpillSink(file('unmatched', p)) },
        ),
      );
    }

    // 3. Merge back into query order.
    await sinks.matched.open(matchedColumns(plan.wageColumns));
    await sinks.unmatched.open(UNMATCHED_COLUMNS);
    sinksOpen = true;
    const merged = await mergeInOrder(dir, partitions, parts, sinks, plan.wageColumns, options.batchSize ?? 10_000, options.signal);
    await sinks.matched.close();
    await sinks.unmatched.close();
    return summarize(parts, merged, badRows, { relatedRows, aboveThreshold, queryFiles: plan.queryFiles.length, relatedFiles: plan.relatedFiles.length, partitions, started, spillMs });
  } catch (error) {
    if (sinksOpen) await Promise.all([sinks.matched.abort(), sinks.unmatched.abort()]);
    throw error;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A partition's output rows as JSON arrays led by their position in the partition's queries:
 * the workers' 'tagged' bytes as they come, each chunk preceded by a `#base` line (its ordinals
 * count from there); with pair dedupe the rows arrive as objects and are tagged here.
 */
class OrdinalSpillSink implements RowSink {
  readonly format = 'tagged' as const;
  readonly releasesBytes = true;
  private writer: SpillWriter | undefined;

  constructor(private readonly path: string) {}

  async open(): Promise<void> {
    this.writer = new SpillWriter(this.path);
  }

  async write(chunk: OutputChunk): Promise<void> {
    if (chunk.bytes) {
      this.writer!.add(`#${chunk.ordinalBase ?? 0}\n`);
      this.writer!.addBytes(chunk.bytes);
      return;
    }
    const objects = chunk.objects ?? [];
    this.writer!.add('#0\n');
    for (let i = 0; i < objects.length; i++) this.writer!.add(JSON.stringify([chunk.ordinals![i], ...Object.values(objects[i])]) + '\n');
  }

  async close(): Promise<void> {
    this.writer?.close();
  }

  async abort(): Promise<void> {
    this.writer?.close();
  }
}

/** Walks the order file: query row i came from partition p, so its row is p's next output row. */
async function mergeInOrder(dir: string, partitions: number, parts: (JoinSummary | undefined)[], sinks: JoinSinks, wageColumns: string[], batchSize: number, signal?: AbortSignal): Promise<{ rows: number; matched: number; unmatched: number }> {
  const open = (name: string, p: number) => (parts[p] ? new BlockReader(path.join(dir, `${name}-${p}.csv`)) : undefined);
  const matchedIn = Array.from({ length: partitions }, (_, p) => new RowStream(open('matched', p)));
  const unmatchedIn = Array.from({ length: partitions }, (_, p) => new RowStream(open('unmatched', p)));
  const order = new BlockReader(path.join(dir, 'order.bin'));
  const seen = new Array<number>(partitions).fill(0);
  const matchedOut = new OutputBatch(sinks.matched, matchedColumns(wageColumns));
  const unmatchedOut = new OutputBatch(sinks.unmatched, UNMATCHED_COLUMNS);
  let row = 0;
  try {
    for (let p = order.byte(); p >= 0; p = order.byte(), row++) {
      const local = seen[p]++;
      const target = matchedIn[p].peek() === local ? matchedOut : unmatchedIn[p].peek() === local ? unmatchedOut : undefined;
      const source = target === matchedOut ? matchedIn[p] : unmatchedIn[p];
      // Neither: a repeated pair dropped by the partition's dedupe.
      if (target) target.add(source.take(), row);
      if (matchedOut.rows >= batchSize) await matchedOut.flush();
      if (unmatchedOut.rows >= batchSize) await unmatchedOut.flush();
      if ((row & 0xffff) === 0 && signal?.aborted) throw new CancelledError();
    }
    await matchedOut.flush();
    await unmatchedOut.flush();
  } finally {
    order.close();
    [...matchedIn, ...unmatchedIn].forEach((s) => s.close());
  }
  return { rows: row, matched: matchedOut.total, unmatched: unmatchedOut.total };
}

class RowStream {
  private head: Values | undefined;
  private headOrdinal = -1;

  constructor(private readonly reader: BlockReader | undefined) {
    this.advance();
  }

  peek(): number {
    return this.headOrdinal;
  }

  take(): Values {
    const values = this.head!;
    this.advance();
    return values;
  }

  close(): void {
    this.reader?.close();
  }

  private base = 0;

  private advance(): void {
    let line = this.reader?.line();
    while (line !== undefined && line.charCodeAt(0) === 0x23 /* # */) {
      this.base = Number(line.slice(1));
      line = this.reader?.line();
    }
    if (line === undefined) {
      this.head = undefined;
      this.headOrdinal = -1;
      return;
    }
    const [ordinal, ...values] = JSON.parse(line) as [number, ...Values];
    this.head = values;
    this.headOrdinal = this.base + ordinal;
  }
}

/** Rows for one final sink, formatted as it wants them. */
class OutputBatch {
  rows = 0;
  total = 0;
  private text: string[] = [];
  private objects: Record<string, string | number | null>[] = [];
  private ordinals: number[] = [];

  constructor(
    private readonly sink: RowSink,
    private readonly columns: string[],
  ) {}

  add(values: Values, ordinal: number): void {
    this.rows++;
    this.total++;
    if (this.sink.format === 'csv') this.text.push(csvLine(values, this.sink.guardFormulas));
    else if (this.sink.format === 'jsonl') this.text.push(jsonLine(this.columns, values));
    else {
      const row: Record<string, string | number | null> = {};
      this.columns.forEach((c, i) => (row[c] = values[i]));
      this.objects.push(row);
      this.ordinals.push(ordinal);
    }
  }

  async flush(): Promise<void> {
    if (this.rows === 0) return;
    const chunk: OutputChunk = this.sink.format === 'rows' ? { rows: this.rows, objects: this.objects, ordinals: this.ordinals } : { rows: this.rows, bytes: Buffer.from(this.text.join(''), 'utf8') };
    this.rows = 0;
    this.text = [];
    this.objects = [];
    this.ordinals = [];
    await this.sink.write(chunk);
  }
}

function summarize(
  parts: (JoinSummary | undefined)[],
  merged: { rows: number; matched: number; unmatched: number },
  badRows: BadRows,
  spill: { relatedRows: number; aboveThreshold: number; queryFiles: number; relatedFiles: number; partitions: number; started: number; spillMs: number },
): JoinSummary {
  const ran = parts.filter((s): s is JoinSummary => s !== undefined);
  const sum = (pick: (s: JoinSummary) => number) => ran.reduce((n, s) => n + pick(s), 0);
  const max = (pick: (s: JoinSummary) => number) => ran.reduce((n, s) => Math.max(n, pick(s)), 0);
  const first = ran[0];
  const unmatchedByReason = Object.fromEntries(
    (['unknown_state', 'no_related_title_above_threshold', 'no_code_for_related_titles', 'no_wage_rows_in_state'] as UnmatchedReason[]).map((r) => [r, sum((s) => s.unmatchedByReason[r])]),
  ) as Record<UnmatchedReason, number>;
  const wallMs = Date.now() - spill.started;
  return {
    queries: { files: spill.queryFiles, rows: merged.rows },
    related: { files: spill.relatedFiles, rows: spill.relatedRows, aboveThreshold: spill.aboveThreshold, titles: sum((s) => s.related.titles) },
    codes: first?.codes ?? { files: 0, rows: 0, distinctCodes: 0 },
    // Each partition reads the whole wage table but keeps only the rows its titles reach.
    wages: { files: first?.wages.files ?? 0, rows: first?.wages.rows ?? 0, kept: max((s) => s.wages.kept), withoutReachableCode: max((s) => s.wages.withoutReachableCode), outsideAnyState: max((s) => s.wages.outsideAnyState) },
    indexCache: 'off',
    matched: merged.matched,
    unmatched: merged.unmatched,
    unmatchedByReason,
    missingWageCells: max((s) => s.missingWageCells),
    invalidWageCells: max((s) => s.invalidWageCells),
    duplicatePairsDropped: sum((s) => s.duplicatePairsDropped),
    rangesRedone: sum((s) => s.rangesRedone),
    partitions: spill.partitions,
    // Related and query rows are skipped while spilling; every partition re-reads the codes and
    // wages tables, so their skipped rows are those of one partition.
    skippedRows: {
      count: badRows.count + max((s) => s.skippedRows.count),
      examples: [...badRows.examples, ...(first?.skippedRows.examples ?? [])].slice(0, MAX_REPORTED_BAD_ROWS),
    },
    workers: max((s) => s.workers),
    wallMs,
    stageMs: { build: spill.spillMs + sum((s) => s.stageMs.build), queries: wallMs - spill.spillMs - sum((s) => s.stageMs.build) },
    peakRssMB: peakRssMB(),
  };
}
