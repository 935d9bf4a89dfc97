/**
 * Bench subject: the join as SQL in DuckDB (@duckdb/node-api), `threads` = job.parallelism.
 *   node dist-bench/bench/subjects/duckdb.js job.json [--print-sql]
 * Prints one JSON line: { wallMs, maxRssMB, matched, unmatched, computeMs, copyMs }.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { maxRssMB, printResult, readJob, runMain } from '../common';
import { buildJoinSql, readCsv, resolveColumns, type Headers, type StateName } from '../duckdbSql';
import type { TableSource } from '../../src/engine/options';

// The `us` package (a dependency of the engine) gives state names and USPS codes.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const us = require('us') as { STATES_AND_TERRITORIES: StateName[] };

async function header(conn: DuckDBConnection, source: TableSource): Promise<string[]> {
  const reader = await conn.runAndReadAll(`DESCRIBE SELECT * FROM ${readCsv(source)}`);
  return reader.getRowObjects().map((r) => String(r.column_name));
}

async function count(conn: DuckDBConnection, sql: string): Promise<number> {
  const reader = await conn.runAndReadAll(sql);
  return Number(reader.getRows()[0][0]);
}

runMain(async () => {
  const job = readJob(process.argv);
  const started = performance.now();
  const config: Record<string, string> = { threads: String(job.parallelism) };
  if (job.tempDir) config.temp_directory = job.tempDir;
  const instance = await DuckDBInstance.create(':memory:', config);
  const conn = await instance.connect();
  const o = job.options;
  const headers: Headers = {
    queries: await header(conn, o.queries),
    related: await header(conn, o.related),
    codes: await header(conn, o.codes),
    wages: await header(conn, o.wages),
  };
  const cols = resolveColumns(o, headers);
  const states = us.STATES_AND_TERRITORIES.map((s) => ({ name: s.name, abbr: s.abbr }));
  const sql = buildJoinSql(o, cols, states, job.locationStates, job.outMatched, job.outUnmatched);
  if (process.argv.includes('--print-sql')) {
    process.stderr.write(`${sql.compute};\n${sql.copyMatched};\n${sql.copyUnmatched};\n`);
  }
  const t0 = performance.now();
  await conn.run(sql.compute);
  const t1 = performance.now();
  await conn.run(sql.copyMatched);
  await conn.run(sql.copyUnmatched);
  const t2 = performance.now();
  const matched = await count(conn, 'SELECT count(*) FROM res WHERE reason IS NULL');
  const unmatched = await count(conn, 'SELECT count(*) FROM res WHERE reason IS NOT NULL');
  conn.closeSync();
  instance.closeSync();
  printResult({
    wallMs: Math.round(t2 - started),
    maxRssMB: Math.round(maxRssMB()),
    matched,
    unmatched,
    computeMs: Math.round(t1 - t0),
    copyMs: Math.round(t2 - t1),
    threads: job.parallelism,
  });
});
