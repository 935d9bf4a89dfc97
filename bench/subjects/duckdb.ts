/**
 * Bench subject: the join as SQL in DuckDB (@duckdb/node-api), `threads` = job.parallelism.
 *   node dist-bench/bench/subjects/duckdb.js job.json [--print-sql]
 * Prints one JSON line: { wallMs, maxRssMB, matched, unmatched, computeMs, copyMs, cpuMs, threads, memoryLimit, statements }.
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
  // What DuckDB runs with: threads as asked; memory_limit left at DuckDB's default (80% of RAM);
  // preserve_insertion_order left on (the default): the query table's rowid is its file order.
  const settings = (
    await conn.runAndReadAll(
      `SELECT current_setting('threads'), current_setting('memory_limit'), current_setting('preserve_insertion_order')`,
    )
  ).getRows()[0];
  if (Number(settings[0]) !== job.parallelism) throw new Error(`DuckDB runs with ${String(settings[0])} threads, not ${job.parallelism}`);
  if (settings[2] !== true) throw new Error('DuckDB subject: preserve_insertion_order must be on (query order = rowid)');
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
    process.stderr.write(`${[...sql.compute, sql.copyMatched, sql.copyUnmatched].join(';\n')};\n`);
  }
  const t0 = performance.now();
  for (const statement of sql.compute) await conn.run(statement);
  const t1 = performance.now();
  await conn.run(sql.copyMatched);
  await conn.run(sql.copyUnmatched);
  const t2 = performance.now();
  const cpu = process.cpuUsage();
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
    // user + system CPU of all threads: steadier than wall time on a machine shared with other jobs
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    threads: Number(settings[0]),
    memoryLimit: String(settings[1]),
    statements: sql.compute.length,
  });
});
