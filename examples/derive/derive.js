#!/usr/bin/env node
'use strict';
/*
 * Derives the demo inputs in examples/data/ from the public-domain files in ../shared/data
 * (BLS OES, BLS SOC 2010 direct-match titles, DOL OFLC H-2B disclosure data).
 *
 *   node examples/derive/derive.js [inputDir]      (inputDir defaults to ../shared/data from the repo root)
 *
 * Deterministic: same inputs, same bytes out. No O*NET data is used.
 * See examples/data/SOURCE.md for what each output is.
 */
const fs = require('fs');
const path = require('path');
const { parse } = require('csv-parse/sync');
const iconv = require('iconv-lite');

const repoRoot = path.resolve(__dirname, '..', '..');
const inputDir = path.resolve(repoRoot, process.argv[2] || '../shared/data');
const outDir = path.join(repoRoot, 'examples', 'data');

const H2B_DIR = path.join(inputDir, 'postings', 'h2b_oflc');
const OES_STATE = path.join(inputDir, 'oes', 'state_M2018_5col_all.csv');
const SOC2010 = path.join(inputDir, 'soc', 'CONVERTED_soc_2010_direct_match_title_file.csv');

/** Every N-th H-2B row (whose employer is in the work state) gets a "City, ST" location. */
const CITY_FORM_EVERY = 5;
const RELATED_MIN_SCORE = 40;
const RELATED_TOP_K = 8;
const STOP_WORDS = new Set([
  'a', 'an', 'and', 'or', 'of', 'the', 'in', 'on', 'at', 'for', 'to', 'with', 'by', 'from',
  'except', 'all', 'other',
]);

// ---------------------------------------------------------------------------------------------
// CSV output helpers

function csvField(v) {
  const s = v == null ? '' : String(v);
  return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}
function csvLine(fields) {
  return fields.map(csvField).join(',') + '\n';
}
function writeFile(name, text) {
  const p = path.join(outDir, name);
  fs.writeFileSync(p, text);
  return p;
}

// ---------------------------------------------------------------------------------------------
// Inputs

/** SOC 2010 direct-match file: CR-only line endings, Mac Roman, header on line 1. */
function readSoc2010() {
  const bytes = fs.readFileSync(SOC2010);
  const text = iconv.decode(bytes, 'macintosh');
  const rows = parse(text, { columns: false, relax_column_count: false, skip_empty_lines: true });
  const header = rows[0];
  const want = ['2010 SOC Code', '2010 SOC Title', '2010 SOC Direct Match Title', 'Illustrative Example'];
  if (want.some((w, i) => header[i] !== w)) {
    throw new Error(`${SOC2010}: unexpected header on line 1: ${JSON.stringify(header)}`);
  }
  return { bytes, header, rows: rows.slice(1) };
}

/** H-2B files in fiscal-year order (file name order). Mac Roman covers the few non-ASCII bytes. */
function readH2b() {
  const files = fs.readdirSync(H2B_DIR).filter((f) => /^H-2B_FY\d{4}.*\.csv$/.test(f)).sort();
  if (files.length === 0) throw new Error(`no H-2B_FY*.csv files in ${H2B_DIR}`);
  const out = [];
  for (const f of files) {
    const text = iconv.decode(fs.readFileSync(path.join(H2B_DIR, f)), 'macintosh');
    const records = parse(text, { columns: true, skip_empty_lines: true, bom: true });
    for (const col of ['JOB_TITLE', 'ALIEN_WORK_STATE', 'EMPLOYER_CITY', 'EMPLOYER_STATE']) {
      if (records.length && !(col in records[0])) throw new Error(`${f}: no column ${col}`);
    }
    out.push({ file: f, records });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// queries.csv

function deriveQueries(h2b) {
  let text = csvLine(['title', 'location']);
  let n = 0;
  let cityForms = 0;
  const perFile = [];
  const titles = [];
  const seen = new Set();
  for (const { file, records } of h2b) {
    for (const r of records) {
      const title = r.JOB_TITLE;
      const st = r.ALIEN_WORK_STATE;
      let location = st;
      const city = r.EMPLOYER_CITY.trim();
      if (n % CITY_FORM_EVERY === CITY_FORM_EVERY - 1 && city !== '' && st !== '' &&
          r.EMPLOYER_STATE.trim() === st.trim()) {
        location = `${city}, ${st.trim()}`;
        cityForms++;
      }
      text += csvLine([title, location]);
      n++;
      if (!seen.has(title)) {
        seen.add(title);
        titles.push(title);
      }
    }
    perFile.push(`${file}: ${records.length}`);
  }
  writeFile('queries.csv', text);
  return { rows: n, cityForms, perFile, titles };
}

// ---------------------------------------------------------------------------------------------
// wages.csv: the BLS state cut, byte for byte, plus an occ_code column

function deriveWages(soc) {
  // SOC title -> code: the most frequent (trimmed) code among that title's rows; ties -> lowest.
  const counts = new Map();
  for (const r of soc.rows) {
    const title = r[1];
    const code = r[0].trim();
    let m = counts.get(title);
    if (!m) counts.set(title, (m = new Map()));
    m.set(code, (m.get(code) || 0) + 1);
  }
  const codeOf = new Map();
  for (const [title, m] of counts) {
    const best = [...m.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))[0];
    codeOf.set(title, best[0]);
  }

  const raw = fs.readFileSync(OES_STATE, 'utf8'); // keeps the BOM as U+FEFF
  // Split physical lines; the file has no quoted newlines (checked below by parsing each line).
  const eol = raw.includes('\r\n') ? '\r\n' : '\n';
  const lines = raw.split(eol);
  if (lines[lines.length - 1] === '') lines.pop();
  let text = '';
  let rows = 0;
  let coded = 0;
  const titlesAll = new Set();
  const titlesCoded = new Set();
  lines.forEach((line, i) => {
    const cells = parse(i === 0 ? line.replace(/^\ufeff/, '') : line, { columns: false })[0];
    if (!cells || cells.length !== 5) throw new Error(`${OES_STATE}: line ${i + 1} has ${cells ? cells.length : 0} fields`);
    if (i === 0) {
      text += line + ',occ_code' + eol;
      return;
    }
    rows++;
    const code = codeOf.get(cells[1]) || '';
    titlesAll.add(cells[1]);
    if (code) {
      coded++;
      titlesCoded.add(cells[1]);
    }
    text += line + ',' + csvField(code) + eol;
  });
  writeFile('wages.csv', text);
  return { rows, coded, titles: titlesAll.size, titlesCoded: titlesCoded.size, eol };
}

// ---------------------------------------------------------------------------------------------
// codes.csv: copied unchanged

function deriveCodes(soc) {
  writeFile('codes.csv', soc.bytes);
  return { rows: soc.rows.length, headerLine: 1 };
}

// ---------------------------------------------------------------------------------------------
// related.csv: Dice similarity of word-token sets, top-K per query title

function tokens(s) {
  const set = new Set();
  for (const t of s.toLowerCase().match(/[a-z0-9]+/g) || []) if (!STOP_WORDS.has(t)) set.add(t);
  return [...set];
}

function deriveRelated(queryTitles, soc) {
  // Candidate related titles: distinct SOC 2010 direct-match titles, as written (first-seen order).
  const candidates = [];
  const seen = new Set();
  for (const r of soc.rows) {
    const t = r[2];
    if (t.trim() === '' || seen.has(t)) continue;
    seen.add(t);
    candidates.push(t);
  }
  const candTokens = candidates.map(tokens);
  const index = new Map(); // token -> candidate indexes
  candTokens.forEach((toks, ci) => {
    for (const t of toks) {
      let l = index.get(t);
      if (!l) index.set(t, (l = []));
      l.push(ci);
    }
  });

  let text = csvLine(['title', 'related_title', 'score']);
  let rows = 0;
  let titlesWithAny = 0;
  let above80 = 0;
  const shared = new Int32Array(candidates.length);
  for (const title of queryTitles) {
    const q = tokens(title);
    if (q.length === 0) continue;
    const touched = [];
    for (const t of q) {
      const l = index.get(t);
      if (!l) continue;
      for (const ci of l) {
        if (shared[ci] === 0) touched.push(ci);
        shared[ci]++;
      }
    }
    const scored = [];
    for (const ci of touched) {
      const dice = (2 * shared[ci]) / (q.length + candTokens[ci].length);
      shared[ci] = 0;
      const score = Math.round(dice * 1000) / 10;
      if (score >= RELATED_MIN_SCORE) scored.push({ ci, score });
    }
    scored.sort((a, b) => b.score - a.score ||
      (candidates[a.ci] < candidates[b.ci] ? -1 : candidates[a.ci] > candidates[b.ci] ? 1 : 0));
    const top = scored.slice(0, RELATED_TOP_K);
    if (top.length) titlesWithAny++;
    for (const { ci, score } of top) {
      text += csvLine([title, candidates[ci], String(score)]);
      rows++;
      if (score > 80) above80++;
    }
  }
  writeFile('related.csv', text);
  return { rows, candidates: candidates.length, titlesWithAny, above80 };
}

// ---------------------------------------------------------------------------------------------

function main() {
  fs.mkdirSync(outDir, { recursive: true });
  const soc = readSoc2010();
  const h2b = readH2b();
  const q = deriveQueries(h2b);
  const w = deriveWages(soc);
  const c = deriveCodes(soc);
  const r = deriveRelated(q.titles, soc);
  const summary = {
    inputDir: path.relative(repoRoot, inputDir) || '.',
    queries: { rows: q.rows, distinctTitles: q.titles.length, cityStateForms: q.cityForms, perFile: q.perFile },
    wages: { rows: w.rows, rowsWithCode: w.coded, titles: w.titles, titlesWithCode: w.titlesCoded },
    codes: { rows: c.rows, headerLine: c.headerLine },
    related: { rows: r.rows, candidateTitles: r.candidates, queryTitlesWithCandidates: r.titlesWithAny, rowsAbove80: r.above80 },
  };
  process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
}

main();
