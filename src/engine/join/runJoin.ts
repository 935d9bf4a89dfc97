import { BadRows } from './badRows';
import { peakRssMB, releaseBuildGarbage } from './peakMemory';
import { promises as fs } from 'fs';
import { availableParallelism } from 'os';
import { Piscina } from 'piscina';
import { buildJoinIndex, required as request, type IndexSettings } from '../build/buildJoinIndex';
import { cachedJoinIndex, indexCacheKey } from '../build/indexCache';
import { DEFAULT_WAGE_THREADING } from '../build/readWages';
import { planPartitions } from '../partition/planPartitions';
import { runPartitioned } from '../partition/runPartitioned';
import { CancelledError, fileChangedError, InputError, WorkerError } from '../errors';
import {
  DEFAULT_THRESHOLD,
  DEFAULT_WAGE_COLUMNS,
  type JoinOptions,
  type UnmatchedReason,
} from '../options';
import { csvLine, jsonLine, matchedColumns, UNMATCHED_COLUMNS } from '../output/rowFormat';
import type { OutputChunk, RowSink } from '../output/sink';
import { planQueries } from '../probe/planQueries';
import { invalidUtf8Error } from '../scan/utf8';
import { pairKey, REASONS, type OutputPart, type ProbeRequest, type ProbeSetup } from '../probe/probeQueries';
import type { ProbeTask, ProbeTaskResult } from '../pool/tasks';
import { workerFile } from '../pool/workerFile';
import { openTable } from '../source/openTable';
import { resolveFiles } from '../source/resolveFiles';
import { lineAtOffset } from '../source/lineAtOffset';
import type { JoinSummary } from './summary';

export interface JoinSinks {
  matched: RowSink;
  unmatched: RowSink;
}

/**
 * Query bytes per task: large enough to amortise a task's overhead (~0.1 ms against ~20 ms of
 * scanning), small enough that what a worker holds for its ranges in flight (read buffer, output
 * buffers, both about the size of a range) stays a few MB: on the 1 GB bench set with 2 workers,
 * 1 MiB ranges peaked at 302 MB against 331 MB for 2 MiB and ~360 MB for 4 MiB, at the same speed.
 */
const DEFAULT_RANGE_BYTES = 1024 * 1024;
/** Workers make short-lived strings per row; a small young generation collects them before they
 * add up: on the 1 GB bench set 2 MB measured ~60 MB less peak RSS than 8 MB at equal speed. */
const WORKER_YOUNG_GENERATION_MB = 2;

/**
 * The whole join: build the small side on this thread (codes, related titles above the
 * threshold, the wage rows they can reach), then stream the query table through a worker pool
 * and write both outputs in query order.
 */
export async function runJoin(options: JoinOptions, sinks: JoinSinks): Promise<JoinSummary> {
  try {
    return await join(options, sinks);
  } catch (error) {
    // Whatever stage noticed the abort, report it with the reason the caller gave.
    if (options.signal?.aborted) throw cancellation(options.signal);
    throw error;
  }
}

function cancellation(signal: AbortSignal): Error {
  return signal.reason instanceof CancelledError ? signal.reason : new CancelledError();
}

async function join(options: JoinOptions, sinks: JoinSinks): Promise<JoinSummary> {
  const started = Date.now();
  const signal = options.signal;
  throwIfAborted(signal);
  const threshold = options.threshold ?? DEFAULT_THRESHOLD;
  if (!Number.isFinite(threshold)) throw new InputError(`threshold ${String(options.threshold)} is not a number`, undefined, 'a number such as 80');
  const caseInsensitive = options.caseInsensitive ?? false;
  const includeSelf = options.includeSelf ?? false;
  const wageColumnNames = (options.wageColumns ?? DEFAULT_WAGE_COLUMNS).map((c) => c.trim()).filter(Boolean);
  if (wageColumnNames.length === 0) throw new InputError('no wage columns given', undefined, 'at least one wage column name');
  const columns = options.columns ?? {};

  const [queryFiles, relatedFiles, codeFiles, wageFiles] = await Promise.all([
    resolveFiles(options.queries.files, 'queries table'),
    resolveFiles(options.related.files, 'related-titles table'),
    resolveFiles(options.codes.files, 'codes table'),
    resolveFiles(options.wages.files, 'wages table'),
  ]);

  // Small jobs: no more workers than there are ranges to scan (each worker costs a thread start).
  const queryBytes = (await Promise.all(queryFiles.map((f) => fs.stat(f)))).reduce((n, st) => n + st.size, 0);
  const rangeBytes = Math.max(1, Math.floor(options.rangeBytes ?? DEFAULT_RANGE_BYTES));
  const workers = Math.max(1, Math.min(Math.floor(options.workers ?? availableParallelism()), Math.ceil(queryBytes / rangeBytes)));

  if (options.memoryBudgetMB !== undefined) {
    if (!(options.memoryBudgetMB > 0)) throw new InputError(`memory budget ${String(options.memoryBudgetMB)} MB is not a positive number`, undefined, 'a number of megabytes such as 300');
    const partitions = await planPartitions(options.memoryBudgetMB * 1024 * 1024, relatedFiles, wageFiles, workers);
    if (partitions > 1) {
      const plan = { partitions, queryFiles, relatedFiles, threshold, caseInsensitive, wageColumns: wageColumnNames.map((c) => c.toLowerCase()) };
      return runPartitioned(options, sinks, plan, runJoin);
    }
  }

  const badRows = new BadRows(options.badRows === 'skip');
  const settings: IndexSettings = {
    threshold,
    includeSelf,
    caseInsensitive,
    countEachCodeOnce: options.countEachCodeOnce ?? false,
    wageColumns: wageColumnNames,
    topCodeValue: options.topCodeValue,
    columns,
  };
  const indexFiles = { related: relatedFiles, codes: codeFiles, wages: wageFiles };
  const wageThreading = {
    minBytes: options.wageThreadBytes ?? DEFAULT_WAGE_THREADING.minBytes,
    spanBytes: options.wageSpanBytes ?? DEFAULT_WAGE_THREADING.spanBytes,
    maxThreads: Math.max(1, options.wageThreads ?? DEFAULT_WAGE_THREADING.maxThreads),
    relatedByteCost: options.wageRelatedByteCost ?? DEFAULT_WAGE_THREADING.relatedByteCost,
  };
  const build = () => buildJoinIndex(options, indexFiles, settings, signal, badRows, wageThreading);
  const { index, cache } = options.indexCache
    ? await cachedJoinIndex(options.indexCache, indexCacheKey(options, indexFiles, settings), build)
    : { index: await build(), cache: 'off' as const };
  const { titles, wages, stats } = index;
  releaseBuildGarbage();
  const buildMs = Date.now() - started;

  // 4. Queries through the worker pool.
  const { pathStart, pathCode, pathMult, titleTable } = titles;
  const setup: ProbeSetup = { titles: { pathStart, pathCode, pathMult }, titleTable, wages, caseInsensitive, includeSelf, answerCacheLimit: options.answerCacheLimit };
  const pool = new Piscina({ filename: workerFile(), workerData: setup, minThreads: workers, maxThreads: workers, idleTimeout: 1000, concurrentTasksPerWorker: 1, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } });
  // On abort the pool is destroyed at once, even with tasks running; a worker that had already
  // answered then makes piscina emit 'error', which must not become an uncaught exception.
  let destroyed: Promise<void> | undefined;
  let firstPoolError: unknown;
  const stop = () => {
    destroyed ??= pool.destroy();
  };
  pool.on('error', (error: unknown) => {
    if (!signal?.aborted) firstPoolError ??= error;
  });
  signal?.addEventListener('abort', stop, { once: true });

  const dedupe = options.dedupePairs ?? false;
  const out = new OrderedOutput(sinks, matchedColumns(wages.columns), dedupe);
  const reasonCounts = [0, 0, 0, 0];
  let queryRows = 0;
  let rangesRedone = 0;
  try {
    await sinks.matched.open(matchedColumns(wages.columns));
    await sinks.unmatched.open(UNMATCHED_COLUMNS);
    const maxInFlight = workers * 2;
    /**
     * Output buffers whose bytes the sinks have written, to hand back to the workers with the
     * next tasks: output then circulates in a fixed set of buffers instead of leaving a few MB
     * of garbage per task for the main thread's (rare) garbage collections.
     */
    const spares: ArrayBuffer[] = [];
    const reuse = (part: OutputPart, sink?: RowSink): void => {
      const buffer = part.bytes?.buffer;
      if (buffer instanceof ArrayBuffer && buffer.byteLength > 0 && (sink === undefined || sink.releasesBytes === true) && spares.length < 2 * maxInFlight) spares.push(buffer);
    };
    for (const file of queryFiles) {
      const table = await openTable(file, options.queries, [
        request('title', columns.queryTitle ?? 'title'),
        request('location', ...(columns.queryLocation ? [columns.queryLocation] : ['location', 'state'])),
      ]);
      const probeRequest: ProbeRequest = {
        dialect: table.dialect,
        columns: [table.columns[0], table.columns[1]],
        formats: dedupe ? { matched: 'rows', unmatched: 'rows' } : { matched: sinks.matched.format, unmatched: sinks.unmatched.format },
        withPairKeys: dedupe,
        skipBadRows: badRows.skip,
        guardFormulas: { matched: sinks.matched.guardFormulas === true, unmatched: sinks.unmatched.guardFormulas === true },
      };
      let expectedStart = table.dataOffset;
      let lineBase = table.dataLine;
      const accept = async (task: ProbeTask, result: ProbeTaskResult): Promise<void> => {
        if (task.kind === 'range') {
          if (expectedStart >= task.end) {
            // a record of the previous range covered all of this one
            reuse(result.matched);
            reuse(result.unmatched);
            return;
          }
          if (result.firstStart !== expectedStart) {
            rangesRedone++;
            reuse(result.matched);
            reuse(result.unmatched);
            result = await inWorker(task, pool.run({ ...task, spare: undefined, knownStart: expectedStart }, { signal }));
          }
          expectedStart = result.next;
        }
        if (result.error) {
          const line = task.kind === 'range' ? await lineAtOffset(file, result.error.offset) : lineBase + result.error.line - 1;
          throw queryError(file, line, result.error, table.header, probeRequest.columns);
        }
        for (const example of result.skipped.examples) {
          const line = task.kind === 'range' ? await lineAtOffset(file, example.offset) : lineBase + example.line - 1;
          badRows.add(file, line, `query row has ${example.fields} field${example.fields === 1 ? '' : 's'}, expected at least ${Math.max(...probeRequest.columns) + 1}`);
        }
        badRows.addCount(result.skipped.count - result.skipped.examples.length);
        if (task.kind === 'chunk') lineBase += result.linesConsumed;
        queryRows += result.records;
        result.reasons.forEach((n, i) => (reasonCounts[i] += n));
        await out.write(result);
        if (!dedupe) {
          reuse(result.matched, sinks.matched);
          reuse(result.unmatched, sinks.unmatched);
        }
        options.onProgress?.({ stage: 'queries', bytesDone: task.kind === 'range' ? task.end : 0, bytesTotal: table.info.size, rows: queryRows });
      };
      const inFlight: { task: ProbeTask; result: Promise<ProbeTaskResult> }[] = [];
      for await (const task of planQueries(table, probeRequest, rangeBytes, signal)) {
        throwIfAborted(signal);
        const spare = spares.splice(0, 2);
        const transferList = task.kind === 'chunk' ? [task.data.buffer as ArrayBuffer, ...spare] : spare;
        const result = inWorker(task, pool.run({ ...task, spare }, { signal, transferList }));
        result.catch(() => undefined); // awaited in order below; this only silences early rejections
        inFlight.push({ task, result });
        if (inFlight.length >= maxInFlight) {
          const head = inFlight.shift()!;
          await accept(head.task, await head.result);
        }
      }
      while (inFlight.length > 0) {
        const head = inFlight.shift()!;
        await accept(head.task, await head.result);
      }
    }
    if (firstPoolError !== undefined) throw firstPoolError;
    await sinks.matched.close();
    await sinks.unmatched.close();
  } catch (error) {
    await Promise.all([sinks.matched.abort(), sinks.unmatched.abort()]);
    throw error;
  } finally {
    signal?.removeEventListener('abort', stop);
    stop();
    await destroyed;
  }

  const unmatchedByReason = Object.fromEntries(REASONS.map((r, i) => [r, reasonCounts[i]])) as Record<UnmatchedReason, number>;
  const { missingCells, invalidCells, ...wageTable } = stats.wages;
  return {
    queries: { files: queryFiles.length, rows: queryRows },
    related: { ...stats.related, titles: titles.titleTable.count[0] },
    codes: stats.codes,
    wages: wageTable,
    indexCache: cache,
    partitions: 1,
    skippedRows: badRows.summary(),
    matched: out.matched,
    unmatched: out.unmatched,
    unmatchedByReason,
    missingWageCells: missingCells,
    invalidWageCells: invalidCells,
    duplicatePairsDropped: out.duplicatesDropped,
    rangesRedone,
    workers,
    wallMs: Date.now() - started,
    stageMs: { build: buildMs, queries: Date.now() - started - buildMs },
    peakRssMB: peakRssMB(),
  };
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError();
}

/** A worker that throws or dies fails the run with one line that says where it was working. */
async function inWorker(task: ProbeTask, run: Promise<ProbeTaskResult>): Promise<ProbeTaskResult> {
  try {
    return await run;
  } catch (error) {
    if (error instanceof InputError || error instanceof CancelledError || (error as Error)?.name === 'AbortError') throw error;
    const where = task.kind === 'range' ? `${task.path}, bytes ${task.start}–${task.end}` : 'a chunk of the query stream';
    throw new WorkerError(`a worker failed while joining ${where}: ${(error as Error)?.message ?? String(error)}`);
  }
}

function queryError(file: string, line: number, error: NonNullable<ProbeTaskResult['error']>, header: string[], columns: [number, number]): InputError {
  if (error.kind === 'file_changed') return fileChangedError(file);
  if (error.kind === 'invalid_utf8') return invalidUtf8Error('queries table', error.byte, { file, line, column: header[error.field] });
  if (error.kind === 'too_few_fields') {
    const needed = Math.max(...columns) + 1;
    return new InputError(`query row has ${error.field} field${error.field === 1 ? '' : 's'}`, { file, line, column: header[Math.min(error.field, needed - 1)] }, `at least ${needed} fields`);
  }
  const what = error.kind === 'unterminated_quote' ? 'a quoted field is never closed' : 'text follows a closing quote';
  return new InputError(`queries table: ${what}`, { file, line, column: header[error.field] }, 'RFC 4180 quoting');
}

/**
 * Writes worker results to the sinks in order. With pair dedupe on, rows arrive as objects with
 * their pair keys and are formatted here after dropping repeats (the set of seen pairs grows
 * with the number of distinct pairs: the price of the option).
 */
class OrderedOutput {
  matched = 0;
  unmatched = 0;
  duplicatesDropped = 0;
  private readonly seen = new Set<string>();

  constructor(
    private readonly sinks: JoinSinks,
    private readonly matchedCols: string[],
    private readonly dedupe: boolean,
  ) {}

  /** Query records written before the current task: turns task ordinals into table positions. */
  private recordsBefore = 0;

  async write(result: ProbeTaskResult): Promise<void> {
    const base = this.recordsBefore;
    this.recordsBefore += result.records;
    const matched = this.dedupe ? this.dropRepeats(result.matched, this.sinks.matched, this.matchedCols, base) : toChunk(result.matched, base);
    const unmatched = this.dedupe ? this.dropRepeats(result.unmatched, this.sinks.unmatched, UNMATCHED_COLUMNS, base) : toChunk(result.unmatched, base);
    this.matched += matched.rows;
    this.unmatched += unmatched.rows;
    if (matched.rows > 0) await this.sinks.matched.write(matched);
    if (unmatched.rows > 0) await this.sinks.unmatched.write(unmatched);
  }

  private dropRepeats(part: OutputPart, sink: RowSink, columns: string[], base: number): OutputChunk {
    const kept: Record<string, string | number | null>[] = [];
    const keptOrdinals: number[] = [];
    const objects = part.objects ?? [];
    for (let i = 0; i < objects.length; i++) {
      const key = part.pairKeys?.[i] ?? pairKey(String(objects[i].title), String(objects[i].location));
      if (this.seen.has(key)) {
        this.duplicatesDropped++;
        continue;
      }
      this.seen.add(key);
      kept.push(objects[i]);
      keptOrdinals.push(base + (part.ordinals?.[i] ?? 0));
    }
    if (sink.format === 'rows' || sink.format === 'tagged') return { rows: kept.length, objects: kept, ordinals: keptOrdinals };
    const format = sink.format === 'csv' ? (row: Record<string, string | number | null>) => csvLine(columns.map((c) => row[c]), sink.guardFormulas) : (row: Record<string, string | number | null>) => jsonLine(columns, columns.map((c) => row[c]));
    return { rows: kept.length, bytes: Buffer.from(kept.map(format).join(''), 'utf8') };
  }
}

function toChunk(part: OutputPart, base: number): OutputChunk {
  return { rows: part.rows, bytes: part.bytes, objects: part.objects, ordinals: part.ordinals?.map((n) => base + n), ordinalBase: base };
}
