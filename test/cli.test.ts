import { spawnSync } from 'child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';

const CLI = path.resolve(__dirname, '..', 'dist', 'src', 'cli', 'main.js');

let dir: string;
const file = (name: string) => path.join(dir, name);

function write(name: string, text: string): string {
  writeFileSync(file(name), text);
  return file(name);
}

function cli(...args: string[]) {
  const run = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

const tables = () => [
  '--queries', write('q.csv', 'title,location\nAnalyst,"Austin, TX"\nAnalyst,Remote\nChef,CA\n'),
  '--related', write('r.csv', 'title,related_title,score\nAnalyst,Data Analyst,90\nAnalyst,Statistician,85\nChef,Cook,80\n'),
  '--codes', write('c.csv', 'code,title\n15-2041,Statistician\n15-2051,Data Analyst\n35-2014,Cook\n'),
  '--wages', write('w.csv', 'occ_code,area_title,a_median\n15-2041,Texas,"90,000"\n15-2051,Texas,70000\n35-2014,California,30000\n'),
  '--wage-columns', 'a_median',
];

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'salary-join-cli-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('writes matched and unmatched CSV files and a summary on stderr', () => {
  const run = cli(...tables(), '--out', file('out.csv'), '--workers', '1');
  expect(run.code).toBe(0);
  expect(readFileSync(file('out.csv'), 'utf8')).toBe('title,location,state,n_rows,n_codes,a_median\nAnalyst,"Austin, TX",Texas,2,2,80000\n');
  expect(readFileSync(file('out.unmatched.csv'), 'utf8')).toBe(
    'title,location,state,reason\nAnalyst,Remote,,unknown_state\nChef,CA,California,no_related_title_above_threshold\n',
  );
  expect(run.stderr).toMatch(/matched {2}1 ->/);
  expect(run.stderr).toMatch(/unknown_state 1, no_related_title_above_threshold 1/);
  expect(run.stderr).toMatch(/peak memory \d+ MB/);
});

test('writes JSON lines when the output ends in .jsonl', () => {
  expect(cli(...tables(), '--out', file('out.jsonl')).code).toBe(0);
  expect(readFileSync(file('out.jsonl'), 'utf8')).toBe('{"title":"Analyst","location":"Austin, TX","state":"Texas","n_rows":2,"n_codes":2,"a_median":80000}\n');
  expect(readFileSync(file('out.unmatched.jsonl'), 'utf8').split('\n')[0]).toBe('{"title":"Analyst","location":"Remote","state":"","reason":"unknown_state"}');
});

test('refuses to overwrite an existing output unless --overwrite is given', () => {
  write('out.csv', 'precious');
  const run = cli(...tables(), '--out', file('out.csv'));
  expect(run.code).toBe(1);
  expect(run.stderr).toBe(`salary-join: ${file('out.csv')}: output file already exists; choose another path or allow overwriting\n`);
  expect(readFileSync(file('out.csv'), 'utf8')).toBe('precious');
  expect(cli(...tables(), '--out', file('out.csv'), '--overwrite').code).toBe(0);
});

test('a bad score fails with file, line, column and what was expected, and leaves no output', () => {
  const args = tables();
  args[args.indexOf('--related') + 1] = write('bad.csv', 'title,related_title,score\nAnalyst,Data Analyst,90\nAnalyst,Statistician,"87,5"\n');
  const run = cli(...args, '--out', file('out.csv'));
  expect(run.code).toBe(1);
  expect(run.stderr).toBe(`salary-join: ${file('bad.csv')}, line 3, column "score": score "87,5" is not a number (expected a decimal number such as 87.5)\n`);
  expect(readdirSync(dir).filter((f) => f.startsWith('out') || f.includes('partial'))).toEqual([]);
});

test('a missing column names the columns found and suggests the closest', () => {
  const args = tables();
  args[args.indexOf('--wages') + 1] = write('w2.csv', 'occ_code,area_titel,a_median\n15-2041,Texas,1\n');
  const run = cli(...args, '--out', file('out.csv'));
  expect(run.code).toBe(1);
  expect(run.stderr).toMatch(/w2\.csv, line 1/);
  expect(run.stderr).toMatch(/area_titel/);
});

test('a missing input file is a one-line error without a stack trace', () => {
  const args = tables();
  args[args.indexOf('--codes') + 1] = file('nope.csv');
  const run = cli(...args, '--out', file('out.csv'));
  expect(run.code).toBe(1);
  expect(run.stderr.trim().split('\n')).toHaveLength(1);
  expect(run.stderr).toMatch(/nope\.csv/);
  expect(existsSync(file('out.csv'))).toBe(false);
});

test('usage errors exit 2 and point to --help', () => {
  const run = cli('--queries', 'q.csv');
  expect(run.code).toBe(2);
  expect(run.stderr).toMatch(/--related, --codes, --wages, --out are required/);
  expect(cli('--help').stdout).toMatch(/^Usage: salary-join/);
});

test('a threshold that is not a number is a usage error', () => {
  const run = cli(...tables(), '--out', file('out.csv'), '--threshold', 'eighty');
  expect(run.code).toBe(2);
  expect(run.stderr).toMatch(/--threshold must be a number, not "eighty"/);
});

describe('CSV output opened in a spreadsheet cannot run a hostile title as a formula', () => {
  const hostile = () => {
    const args = tables();
    args[args.indexOf('--queries') + 1] = write('hq.csv', 'title,location\n"=HYPERLINK(""http://x"",""y"")",TX\n@SUM(A1),-TX\nAnalyst,"Austin, TX"\n');
    args[args.indexOf('--related') + 1] = write('hr.csv', 'title,related_title,score\nAnalyst,Data Analyst,90\n"=HYPERLINK(""http://x"",""y"")",Data Analyst,90\n');
    return args;
  };

  test('text cells starting with = + - @ are prefixed with an apostrophe; numbers are untouched', () => {
    expect(cli(...hostile(), '--out', file('out.csv')).code).toBe(0);
    expect(readFileSync(file('out.csv'), 'utf8')).toBe(
      'title,location,state,n_rows,n_codes,a_median\n"\'=HYPERLINK(""http://x"",""y"")",TX,Texas,1,1,70000\nAnalyst,"Austin, TX",Texas,1,1,70000\n',
    );
    expect(readFileSync(file('out.unmatched.csv'), 'utf8')).toBe("title,location,state,reason\n'@SUM(A1),'-TX,,unknown_state\n");
  });

  test('--keep-formulas writes them as they are, and JSON lines are never altered', () => {
    expect(cli(...hostile(), '--out', file('raw.csv'), '--keep-formulas').code).toBe(0);
    expect(readFileSync(file('raw.unmatched.csv'), 'utf8')).toBe('title,location,state,reason\n@SUM(A1),-TX,,unknown_state\n');
    expect(cli(...hostile(), '--out', file('out.jsonl')).code).toBe(0);
    expect(readFileSync(file('out.unmatched.jsonl'), 'utf8')).toBe('{"title":"@SUM(A1)","location":"-TX","state":"","reason":"unknown_state"}\n');
  });
});

describe('bad rows', () => {
  const ragged = () => {
    const args = tables();
    args[args.indexOf('--queries') + 1] = write('rq.csv', 'title,location\nAnalyst,"Austin, TX"\nRagged\nChef,CA\nOnlyOne\n');
    return args;
  };

  test('fail (the default): the first one stops the run with its file, line and column', () => {
    const run = cli(...ragged(), '--out', file('out.csv'));
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`salary-join: ${file('rq.csv')}, line 3, column "location": query row has 1 field (expected at least 2 fields)\n`);
  });

  test('skip: the others are joined, and the skipped ones are counted and reported with their lines', () => {
    const run = cli(...ragged(), '--out', file('out.csv'), '--bad-rows', 'skip', '--summary-json', file('s.json'));
    expect(run.code).toBe(0);
    expect(readFileSync(file('out.csv'), 'utf8').split('\n')).toHaveLength(3);
    const summary = JSON.parse(readFileSync(file('s.json'), 'utf8'));
    expect(summary.skippedRows).toEqual({
      count: 2,
      examples: [
        { file: file('rq.csv'), line: 3, problem: 'query row has 1 field, expected at least 2' },
        { file: file('rq.csv'), line: 5, problem: 'query row has 1 field, expected at least 2' },
      ],
    });
    expect(summary.queries.rows).toBe(4);
    expect(run.stderr).toMatch(/skipped {2}2 bad rows, first: .*rq\.csv:3 /);
  });
});

test('bad rows in the build tables are skipped and reported too: a ragged wage row, a score that is not a number', () => {
  const args = tables();
  args[args.indexOf('--related') + 1] = write('br.csv', 'title,related_title,score\nAnalyst,Data Analyst,90\nAnalyst,Statistician,"87,5"\n');
  args[args.indexOf('--wages') + 1] = write('bw.csv', 'occ_code,area_title,a_median\n15-2041,Texas,"90,000"\n15-2051\n15-2051,Texas,70000\n');
  const run = cli(...args, '--out', file('out.csv'), '--bad-rows', 'skip', '--summary-json', file('s.json'));
  expect(run.code).toBe(0);
  const summary = JSON.parse(readFileSync(file('s.json'), 'utf8'));
  expect(summary.skippedRows.count).toBe(2);
  expect(summary.skippedRows.examples.map((e: { file: string; line: number }) => [path.basename(e.file), e.line])).toEqual([
    ['br.csv', 3],
    ['bw.csv', 3],
  ]);
  expect(readFileSync(file('out.csv'), 'utf8')).toBe('title,location,state,n_rows,n_codes,a_median\nAnalyst,"Austin, TX",Texas,1,1,70000\n');
});
