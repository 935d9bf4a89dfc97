#!/usr/bin/env node
// `npm run demo`: the join on real public data shipped in examples/data (see its SOURCE.md),
// through the command line exactly as a user would type it; then the first rows of the output.
const { spawnSync } = require('child_process');
const { mkdirSync, readFileSync } = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const data = (name) => path.join('examples', 'data', name);
const outDir = path.join('examples', 'output');
mkdirSync(path.join(root, outDir), { recursive: true });

const args = [
  '--queries', data('queries.csv'),
  '--related', data('related.csv'),
  '--codes', data('codes.csv'), '--codes-encoding', 'macintosh',
  '--code-column', '2010 SOC Code', '--code-title-column', '2010 SOC Direct Match Title',
  '--wages', data('wages.csv'), '--wage-columns', 'tot_emp,hr_mean,avg_mean',
  '--threshold', '80',
  '--out', path.join(outDir, 'matched.csv'), '--unmatched', path.join(outDir, 'unmatched.csv'),
  '--overwrite',
];
console.log(`$ salary-join ${args.map((a) => (/[\s,]/.test(a) ? JSON.stringify(a) : a)).join(' ')}\n`);
const run = spawnSync(process.execPath, [path.join(root, 'dist', 'src', 'cli', 'main.js'), ...args], { cwd: root, stdio: 'inherit' });
if (run.status !== 0) process.exit(run.status ?? 1);

const head = (file, n) => readFileSync(path.join(root, file), 'utf8').split('\n').slice(0, n).join('\n');
console.log(`\nFirst rows of ${path.join(outDir, 'matched.csv')}:\n${head(path.join(outDir, 'matched.csv'), 11)}`);
console.log(`\nFirst rows of ${path.join(outDir, 'unmatched.csv')}:\n${head(path.join(outDir, 'unmatched.csv'), 6)}`);
