#!/usr/bin/env node
import { constants as fsConstants, promises as fs } from 'fs';
import * as path from 'path';
import { CancelledError, InputError, WorkerError } from '../engine/errors';
import { runJoin } from '../engine/join/runJoin';
import { describeFileError, FileSink } from '../engine/output/fileSink';
import { parseCli, USAGE, UsageError } from './args';
import { formatSummary, progressBar } from './report';

/** Exit codes: 0 done, 1 bad input, 2 bad usage, 130 interrupted, 70 internal error. */
async function main(argv: string[]): Promise<number> {
  let run;
  try {
    run = parseCli(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`salary-join: ${error.message}\nTry salary-join --help\n`);
      return 2;
    }
    throw error;
  }
  if (run === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (run === 'version') {
    process.stdout.write(`${require('../../package.json').version}\n`);
    return 0;
  }

  const controller = new AbortController();
  const interrupt = (signal: NodeJS.Signals) => controller.abort(new CancelledError(`interrupted by ${signal}`));
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  const bar = progressBar(!run.quiet);
  try {
    if (run.summaryJson) await assertWritable(run.summaryJson);
    const summary = await runJoin(
      { ...run.options, signal: controller.signal, onProgress: bar.update },
      {
        matched: new FileSink(run.out, run.format, run.overwrite, run.options.batchSize, run.format === 'csv' && !run.keepFormulas),
        unmatched: new FileSink(run.unmatchedOut, run.format, run.overwrite, run.options.batchSize, run.format === 'csv' && !run.keepFormulas),
      },
    );
    bar.stop();
    if (!run.quiet) process.stderr.write(formatSummary(summary, { matched: run.out, unmatched: run.unmatchedOut }) + '\n');
    if (run.summaryJson) await fs.writeFile(run.summaryJson, JSON.stringify(summary, null, 2) + '\n');
    return 0;
  } catch (error) {
    bar.stop();
    if (error instanceof InputError) {
      process.stderr.write(`salary-join: ${error.message}\n`);
      return 1;
    }
    if (error instanceof WorkerError) {
      process.stderr.write(`salary-join: internal error: ${error.message}\n`);
      return 70;
    }
    if (error instanceof CancelledError) {
      process.stderr.write(`salary-join: ${error.message}; no output was written\n`);
      return 130;
    }
    throw error;
  }
}

/** Checked before the join so a summary that cannot be written does not waste the run. */
async function assertWritable(file: string): Promise<void> {
  try {
    if ((await fs.stat(file).catch(() => undefined))?.isDirectory()) throw Object.assign(new Error('is a folder'), { code: 'EISDIR' });
    await fs.access(path.dirname(path.resolve(file)), fsConstants.W_OK);
  } catch (error) {
    throw new InputError(`cannot write the summary: ${describeFileError(error)}`, { file });
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`salary-join: internal error: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exitCode = 70;
  },
);
