import { closeSync, openSync, readSync } from 'fs';
import { move, transferableSymbol, valueSymbol, workerData } from 'piscina';
import { MAX_SKIP_EXAMPLES, QueryProber, type OutputPart, type ProbeOutput, type ProbeSetup } from '../probe/probeQueries';
import { getHeapStatistics } from 'v8';
import { garbageCollector } from '../join/peakMemory';
import { giveBytes, takeBytes, type ByteHeap } from '../memory/byteHeap';
import { reuseOutputBuffers } from '../output/byteWriter';
import { nextLineStart } from '../scan/scanRecords';
import type { ChunkTask, ProbeTask, ProbeTaskResult, RangeTask } from './tasks';

/** Bytes read past a range's end up front, so most ranges finish their last record in one read. */
const TAIL_BYTES = 64 * 1024;

let prober: QueryProber | undefined;
const files = new Map<string, number>();

export default function runTask(task: ProbeTask): unknown {
  injectFault();
  prober ??= new QueryProber(workerData as ProbeSetup);
  if (task.spare) reuseOutputBuffers(task.spare);
  const result = task.kind === 'range' ? probeRange(prober, task) : probeChunk(prober, task);
  collectIfGrown();
  const buffers = [result.matched.bytes, result.unmatched.bytes].filter((b): b is Uint8Array => b !== undefined).map((b) => b.buffer as ArrayBuffer);
  return move(new Transferred(result, buffers) as unknown as Parameters<typeof move>[0]);
}

function probeChunk(prober: QueryProber, task: ChunkTask): ProbeTaskResult {
  const out = prober.probe(task.data, 0, task.data.length, true, task.data.length, 1, task.request);
  return { ...out, firstStart: 0, linesConsumed: out.line - 1 };
}

/**
 * Guesses the first record start after task.start (the byte before it must end a line) unless
 * one is known; the main thread checks the guess against the previous range's end and redoes
 * the range when a quoted field spanned the cut.
 */
function probeRange(prober: QueryProber, task: RangeTask): ProbeTaskResult {
  const fd = fileDescriptor(task.path);
  let base = task.knownStart ?? Math.max(0, task.start - 1);
  let buf = readAt(prober.heap, fd, base, Math.min(task.end + TAIL_BYTES, task.fileSize) - base);
  const firstStart = task.knownStart ?? (task.start === 0 ? 0 : base + nextLineStart(buf, task.start - base, buf.length));
  let result: ProbeTaskResult = {
    records: 0, next: firstStart, line: 1, matched: { rows: 0 }, unmatched: { rows: 0 }, reasons: [0, 0, 0, 0], skipped: { count: 0, examples: [] }, firstStart, linesConsumed: 0,
  };
  let from = firstStart - base;
  let requested = Math.min(task.end + TAIL_BYTES, task.fileSize) - base;
  while (result.next < task.end) {
    // A short read means the file shrank after the join measured it: its rows would be lost.
    if (buf.length < requested) return { ...result, error: { kind: 'file_changed', offset: base + buf.length, line: 0, field: 0 } };
    const final = base + buf.length >= task.fileSize;
    const out = prober.probe(buf, from, buf.length, final, task.end - base, 1, task.request);
    result = append(result, out, base);
    if (out.error || final) break;
    // The last record runs past what was read: read on from its start with twice the room.
    const room = Math.max(2 * (buf.length - out.next), TAIL_BYTES);
    base = result.next;
    requested = Math.min(room, task.fileSize - base);
    buf = readAt(prober.heap, fd, base, requested);
    from = 0;
  }
  // A record far longer than a range grew the buffer: do not keep that size for every later task.
  if (readBuffer.length > 2 * (task.end - task.start + TAIL_BYTES)) {
    giveBytes(prober.heap, readBuffer);
    readBuffer = Buffer.allocUnsafeSlow(0);
  }
  return result;
}

/** Adds a probe over bytes starting at file offset base to what the range has so far. */
function append(so: ProbeTaskResult, out: ProbeOutput, base: number): ProbeTaskResult {
  const lineBase = so.linesConsumed;
  return {
    records: so.records + out.records,
    next: base + out.next,
    line: lineBase + out.line,
    matched: joinParts(so.matched, out.matched, so.records),
    unmatched: joinParts(so.unmatched, out.unmatched, so.records),
    reasons: so.reasons.map((n, i) => n + out.reasons[i]),
    skipped: {
      count: so.skipped.count + out.skipped.count,
      examples: [...so.skipped.examples, ...out.skipped.examples.map((e) => ({ ...e, offset: e.offset + base, line: e.line + lineBase }))].slice(0, MAX_SKIP_EXAMPLES),
    },
    error: out.error ? { ...out.error, offset: out.error.offset + base, line: out.error.line + lineBase } : undefined,
    firstStart: so.firstStart,
    linesConsumed: lineBase + out.line - 1,
  };
}

function joinParts(a: OutputPart, b: OutputPart, recordsBefore: number): OutputPart {
  if (b.rows === 0) return a;
  if (a.rows === 0) return { ...b, ordinals: b.ordinals?.map((n) => n + recordsBefore) };
  return {
    rows: a.rows + b.rows,
    bytes: a.bytes && b.bytes ? concatUnpooled(a.bytes, b.bytes) : undefined,
    objects: a.objects && b.objects ? a.objects.concat(b.objects) : undefined,
    ordinals: a.ordinals && b.ordinals ? a.ordinals.concat(b.ordinals.map((n) => n + recordsBefore)) : undefined,
    pairKeys: a.pairKeys && b.pairKeys ? a.pairKeys.concat(b.pairKeys) : undefined,
  };
}

function concatUnpooled(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  reuseOutputBuffers([a.buffer as ArrayBuffer, b.buffer as ArrayBuffer]);
  return out;
}

function fileDescriptor(path: string): number {
  let fd = files.get(path);
  if (fd === undefined) {
    fd = openSync(path, 'r');
    files.set(path, fd);
  }
  return fd;
}

/**
 * One read buffer per worker, reused by every task. A fresh buffer per task (a range) outlives many
 * of the worker's young-generation collections while the task runs, so it is promoted and only
 * freed by a full collection: a worker used to hold tens of MB of dead read buffers, and the
 * malloc arena they came from stayed that large. It is a region of the prober's heap, so that
 * output rows copy its bytes natively.
 */
let readBuffer: Buffer = Buffer.allocUnsafeSlow(0);

/** Bytes at position of fd, in the worker's read buffer: valid until the next readAt. */
function readAt(heap: ByteHeap | undefined, fd: number, position: number, length: number): Buffer {
  length = Math.max(0, length);
  if (readBuffer.length < length) {
    giveBytes(heap, readBuffer);
    readBuffer = takeBytes(heap, length);
  }
  const buf = readBuffer.subarray(0, length);
  let done = 0;
  while (done < length) {
    const n = readSync(fd, buf, done, length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done === length ? buf : buf.subarray(0, done);
}

process.on('exit', () => files.forEach((fd) => closeSync(fd)));

/**
 * A worker's heap holds its title map and answer caches (live) and the garbage of its tasks, most
 * of it promoted by the small young generation. V8 collects the old generation when it has grown
 * to a multiple of what was live, and a worker blocked between tasks (piscina waits on Atomics)
 * never runs V8's memory reducer: worker heaps grew to ~100 MB on the 1 GB bench set with ~25 MB
 * live. A full collection when the heap has grown by HEAP_SLACK since the last one keeps it near
 * its live size: on that set 8 MB meant ~9 collections per worker, ~150 ms of ~17 s, and ~100 MB
 * less peak RSS with 2 workers.
 */
const HEAP_SLACK = 8 * 1024 * 1024;
let usedAfterCollection = 0;

function collectIfGrown(): void {
  if (getHeapStatistics().used_heap_size < usedAfterCollection + HEAP_SLACK) return;
  const collect = garbageCollector();
  if (!collect) return;
  collect();
  usedAfterCollection = getHeapStatistics().used_heap_size;
}

/**
 * Fault injection for the tests of worker failures: SALARY_JOIN_FAULT=worker-throw:N makes each
 * worker throw on its N-th task, worker-exit:N makes it exit (as a crash would). Unset: nothing.
 */
const FAULT = /^(worker-throw|worker-exit):(\d+)$/.exec(process.env.SALARY_JOIN_FAULT ?? '');
let tasksStarted = 0;
function injectFault(): void {
  if (!FAULT || ++tasksStarted !== Number(FAULT[2])) return;
  if (FAULT[1] === 'worker-throw') throw new Error(`injected fault (SALARY_JOIN_FAULT=${FAULT[0]})`);
  process.exit(3);
}

/** Lets piscina transfer the output buffers instead of copying them (piscina.move marks it). */
class Transferred {
  constructor(
    private readonly value: ProbeTaskResult,
    private readonly list: ArrayBuffer[],
  ) {}
  get [transferableSymbol](): ArrayBuffer[] {
    return this.list;
  }
  get [valueSymbol](): ProbeTaskResult {
    return this.value;
  }
}
