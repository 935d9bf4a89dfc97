/**
 * Raw speed of the byte scanner (DESIGN.md §4 target: >= 350 MB/s single thread on the 2-core
 * machine, typical mostly-unquoted CSV, onRecord doing nothing).
 *
 *   npx tsc --outDir /tmp/scanbench --rootDir . --module commonjs --target es2022 --skipLibCheck \
 *     --types node bench/scan.ts && node /tmp/scanbench/bench/scan.js [MB]
 */
import { CSV, TSV, type Dialect } from '../src/engine/scan/dialect';
import { FieldCursor, lastRecordBoundary, scanRecords } from '../src/engine/scan/scanRecords';
import { mulberry32 } from '../test/generate/generateDataset';


const TITLES = ['Software Developers', 'Registered Nurses', 'Accountants and Auditors', 'Cashiers',
  'Retail Salespersons', 'General and Operations Managers', 'Data Scientists', 'Electricians'];
const STATES = ['CA', 'TX', 'NY', 'FL', 'WA', 'IL', 'PA', 'OH'];

/** Rows shaped like the project's query/OES tables; `quotedShare` of titles carry a comma. */
function generate(bytes: number, sep: string, quotedShare: number, seed: number): Buffer {
  const rnd = mulberry32(seed);
  const parts: string[] = ['title' + sep + 'state' + sep + 'soc' + sep + 'a_median' + sep + 'tot_emp\n'];
  let size = parts[0].length;
  while (size < bytes) {
    let title = TITLES[(rnd() * TITLES.length) | 0] + ' ' + ((rnd() * 1000) | 0);
    if (rnd() < quotedShare) title = '"' + title + ', "" Senior"""';
    const row = title + sep + STATES[(rnd() * STATES.length) | 0] + sep + '15-' + (1000 + ((rnd() * 9000) | 0)) +
      sep + (30000 + ((rnd() * 150000) | 0)) + sep + ((rnd() * 100000) | 0) + (rnd() < 0.5 ? '\n' : '\r\n');
    parts.push(row);
    size += row.length;
  }
  return Buffer.from(parts.join(''), 'latin1');
}

function bench(name: string, buf: Buffer, dialect: Dialect): void {
  const cur = new FieldCursor(16);
  const noop = (): void => undefined;
  let best = Infinity;
  let recs = 0;
  for (let rep = 0; rep < 7; rep++) {
    const t0 = process.hrtime.bigint();
    recs = scanRecords(buf, { dialect, from: 0, to: buf.length, final: true }, cur, noop).records;
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (rep > 0 && ms < best) best = ms; // rep 0 warms the JIT
  }
  const mbs = buf.length / 1e6 / (best / 1000);
  console.log(`${name.padEnd(34)} ${(buf.length / 1e6).toFixed(0)} MB  ${recs} records  ${best.toFixed(1)} ms  ${mbs.toFixed(0)} MB/s`);
}

function benchBoundary(name: string, buf: Buffer, chunk: number): void {
  let best = Infinity;
  for (let rep = 0; rep < 5; rep++) {
    const t0 = process.hrtime.bigint();
    let from = 0;
    let inQuote = false;
    while (from < buf.length) {
      const to = Math.min(buf.length, from + chunk);
      const r = lastRecordBoundary(buf, from, to, 0x22, inQuote);
      inQuote = r.inQuoteAtTo;
      from = to; // a streaming chunker carries [boundary, to) over; cost is the same
    }
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (rep > 0 && ms < best) best = ms;
  }
  console.log(`${name.padEnd(34)} ${(buf.length / 1e6 / (best / 1000)).toFixed(0)} MB/s`);
}

const mb = Number(process.argv[2] ?? 200);
const plain = generate(mb * 1e6, ',', 0.02, 1);
bench('CSV, 2% quoted titles', plain, CSV);
const quoted = generate(mb * 1e6, ',', 0.3, 2);
bench('CSV, 30% quoted titles', quoted, CSV);
bench('TSV, 2% quoted titles', generate(mb * 1e6, '\t', 0.02, 3), TSV);
benchBoundary('lastRecordBoundary, 1 MiB, 2% quoted', plain, 1 << 20);
benchBoundary('lastRecordBoundary, 1 MiB, 30% quoted', quoted, 1 << 20);
