/**
 * Deterministic synthetic data sets shaped like the problem (DESIGN.md §4), with the CSV quirks of
 * DESIGN.md §3. Everything derives from `spec.seed` (mulberry32); files are written as streams in
 * ~64 KB chunks, so 15 M query rows (~1 GB) never sit in memory.
 *
 * Shape
 * - A vocabulary of query titles (300..3000, ~relatedRows/4), partly with commas, quotes,
 *   embedded newlines and accented letters. Categories per title: 8% never appear in the related
 *   table, 6% only with scores ≤ 80, 6% only with related titles that have no code; the rest
 *   normal. Query titles are skewed (popular titles first).
 * - Codes: ~wageRows/50 SOC-like codes (50..850), each with 1–6 titles (some vocabulary titles,
 *   some code-only titles); ~5% of titles listed under 2 codes; identical duplicate rows;
 *   trailing spaces and NBSPs around titles.
 * - Related: scores around the threshold, incl. exactly `80` and `80.0`, `80.01`, `79.99`;
 *   ~2% duplicate rows; related titles from the code titles (so they map to codes) or from an
 *   uncoded long tail.
 * - Wages: OES-like; occ_code, area_title (state names) or st codes, the 7 default wage columns
 *   with `"12,000"`, `*`, `**`, `#`, `~`, `N/A`, empty; ~5% rows with codes not in the code table,
 *   ~3% with area "U.S." (unresolvable), ~10% of the codes only in 3 states.
 * - Locations: per state "ST", "Name", "City, ST", and for some "City, Name", "name" in odd case,
 *   FIPS "06"; ~6% unknown ("Remote", "Anywhere", "XX", "Mars", "Nationwide", "").
 *
 * Quirks 'all' (for tests):
 * - queries.csv: UTF-8 BOM, upper-case header, LF/CRLF/CR mixed row by row, duplicate rows,
 *   ragged rows (an extra empty trailing field), rare blank lines, trailing spaces/NBSP, lower-case
 *   title variants, quoted fields.
 * - related.tsv: TSV, Windows-1252, CRLF, mixed-case header, scores padded with spaces (" 90 ").
 * - codes.csv: Mac Roman, CR-only endings, header on line 7 (notes and blank lines above).
 * - wages: two files read as one table: wages_area.csv.gz (gzipped, CRLF, upper-case header
 *   AREA_TITLE/OCC_CODE, "$52,000" and invalid cells like "(8)") and wages_st.csv (BOM, LF, st
 *   codes, other column order, codes with spaces around).
 * Quirks 'portable' (DuckDB benchmark): every table one UTF-8 CSV, header on line 1, LF (queries
 * CRLF); BOM + upper-case header on queries, upper-case AREA_TITLE/OCC_CODE; quoted fields with
 * commas, `""` and embedded LF newlines; `"12,000"` and the markers `* ** # ~ N/A` and empty.
 */
import { createWriteStream, promises as fsp } from 'fs';
import { createGzip } from 'zlib';
import * as path from 'path';
import { Writable } from 'stream';
import * as iconv from 'iconv-lite';
import type { JoinOptions } from '../../src/engine/options';
import { resolveState } from '../../src/engine/values/resolveState';

export interface DatasetSpec {
  seed: number;
  queryRows: number;
  relatedRows: number;
  wageRows: number;
  quirks: 'all' | 'portable';
  /**
   * 'design' (the benchmark): the shape of DESIGN.md §4 — a title vocabulary that grows with the
   * related table (~10 related rows per title, ~2 of them toward coded titles), and query titles
   * mostly from a long tail the related table does not know, so ~5% of queries match.
   * Default: the test shape (few thousand titles, most queries match).
   */
  shape?: 'design';
}

export interface GeneratedDataset {
  dir: string;
  queries: string;
  related: string;
  codes: string;
  /** First wage file; with quirks 'all' the wage table is two files, see options.wages.files. */
  wages: string;
  /** Ready to run: files + headerRow + encoding + delimiter set. */
  options: JoinOptions;
  /** CSV `location,state` for every distinct (trimmed) location used; state '' when unresolvable. */
  locationStates: string;
}

// ---------------------------------------------------------------- randomness

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Rand {
  constructor(readonly next: () => number) {}
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(list: readonly T[]): T {
    return list[this.int(list.length)];
  }
  /** Skewed towards the start of the list. */
  skewed<T>(list: readonly T[]): T {
    const u = this.next();
    return list[Math.floor(u * u * list.length)];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

// ---------------------------------------------------------------- static vocabulary

const STATES: readonly [string, string, string][] = [
  ['Alabama', 'AL', '01'], ['Alaska', 'AK', '02'], ['Arizona', 'AZ', '04'], ['Arkansas', 'AR', '05'],
  ['California', 'CA', '06'], ['Colorado', 'CO', '08'], ['Connecticut', 'CT', '09'], ['Delaware', 'DE', '10'],
  ['District of Columbia', 'DC', '11'], ['Florida', 'FL', '12'], ['Georgia', 'GA', '13'], ['Hawaii', 'HI', '15'],
  ['Idaho', 'ID', '16'], ['Illinois', 'IL', '17'], ['Indiana', 'IN', '18'], ['Iowa', 'IA', '19'],
  ['Kansas', 'KS', '20'], ['Kentucky', 'KY', '21'], ['Louisiana', 'LA', '22'], ['Maine', 'ME', '23'],
  ['Maryland', 'MD', '24'], ['Massachusetts', 'MA', '25'], ['Michigan', 'MI', '26'], ['Minnesota', 'MN', '27'],
  ['Mississippi', 'MS', '28'], ['Missouri', 'MO', '29'], ['Montana', 'MT', '30'], ['Nebraska', 'NE', '31'],
  ['Nevada', 'NV', '32'], ['New Hampshire', 'NH', '33'], ['New Jersey', 'NJ', '34'], ['New Mexico', 'NM', '35'],
  ['New York', 'NY', '36'], ['North Carolina', 'NC', '37'], ['North Dakota', 'ND', '38'], ['Ohio', 'OH', '39'],
  ['Oklahoma', 'OK', '40'], ['Oregon', 'OR', '41'], ['Pennsylvania', 'PA', '42'], ['Rhode Island', 'RI', '44'],
  ['South Carolina', 'SC', '45'], ['South Dakota', 'SD', '46'], ['Tennessee', 'TN', '47'], ['Texas', 'TX', '48'],
  ['Utah', 'UT', '49'], ['Vermont', 'VT', '50'], ['Virginia', 'VA', '51'], ['Washington', 'WA', '53'],
  ['West Virginia', 'WV', '54'], ['Wisconsin', 'WI', '55'], ['Wyoming', 'WY', '56'],
];

const CITIES = ['Springfield', 'Franklin', 'Greenville', 'Bristol', 'Clinton', 'Fairview', 'Salem', 'Madison', 'Georgetown', 'Arlington'];
const UNKNOWN_LOCATIONS = ['Remote', 'Anywhere', 'XX', 'Mars', 'Nationwide', ''];

const LEVELS = ['', 'Senior', 'Junior', 'Lead', 'Principal', 'Assistant', 'Chief', 'Associate', 'Staff', 'Head', 'Trainee', 'Regional'];
const FIELDS = [
  'Software', 'Data', 'Sales', 'Marketing', 'Nursing', 'Warehouse', 'Retail', 'Finance', 'Payroll', 'Legal',
  'Customer Service', 'Network', 'Security', 'Maintenance', 'Kitchen', 'Pastry', 'Logistics', 'Quality', 'Research', 'Clinical',
  'Café', 'Pâtisserie', 'Façade', 'Crème', 'Señor Sales', 'Müller Machine', 'Electrical', 'Mechanical', 'Civil', 'Dental',
  'Pharmacy', 'Tax', 'Insurance', 'Property', 'Fleet', 'Event', 'Content', 'Product', 'Project', 'Facilities',
];
const ROLES = [
  'Engineer', 'Manager', 'Analyst', 'Technician', 'Specialist', 'Coordinator', 'Assistant', 'Director', 'Clerk', 'Supervisor',
  'Consultant', 'Developer', 'Designer', 'Administrator', 'Associate', 'Representative', 'Officer', 'Operator', 'Planner', 'Scientist',
  'Nurse', 'Chef', 'Driver', 'Inspector', 'Auditor', 'Advisor', 'Architect', 'Instructor', 'Agent', 'Attendant',
];
/** Titles with every awkward character; in every data set. */
const SPECIAL_TITLES = [
  'Engineer, Software',
  'Manager "Acting"',
  'Night\nShift Nurse',
  'Chef de Cuisine, Café',
  '"Quoted" Clerk, Senior',
  'Señor Developer',
];

// ---------------------------------------------------------------- writing

/** Buffers text and writes ~64 KB chunks, honouring back-pressure. */
class ChunkWriter {
  private text = '';
  private readonly sink: Writable;
  private readonly done: Promise<void>;

  constructor(
    file: string,
    private readonly encoding: 'utf8' | 'windows-1252' | 'macintosh',
    gzip: boolean,
  ) {
    const out = createWriteStream(file);
    this.done = new Promise((resolve, reject) => {
      out.on('finish', resolve);
      out.on('error', reject);
    });
    if (gzip) {
      const gz = createGzip({ level: 6 });
      gz.on('error', (e) => out.destroy(e));
      gz.pipe(out);
      this.sink = gz;
    } else {
      this.sink = out;
    }
  }

  /** Appends text; true when a chunk is full and `flush()` should be awaited. */
  add(s: string): boolean {
    this.text += s;
    return this.text.length >= 65536;
  }

  async write(s: string): Promise<void> {
    if (this.add(s)) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.text.length === 0) return;
    const text = this.text;
    this.text = '';
    const buf = this.encoding === 'utf8' ? Buffer.from(text, 'utf8') : iconv.encode(text, this.encoding);
    if (!this.sink.write(buf)) await new Promise<void>((resolve) => this.sink.once('drain', resolve));
  }

  async close(): Promise<void> {
    await this.flush();
    this.sink.end();
    await this.done;
  }
}

const NEEDS_QUOTES: Record<string, RegExp> = { ',': /[",\r\n]/, '\t': /["\t\r\n]/ };

function csvField(value: string, delimiter: string): string {
  if (NEEDS_QUOTES[delimiter].test(value)) return `"${value.replace(/"/g, '""')}"`;
  return value;
}

function csvRow(fields: string[], delimiter: string): string {
  let s = csvField(fields[0], delimiter);
  for (let i = 1; i < fields.length; i++) s += delimiter + csvField(fields[i], delimiter);
  return s;
}

function fmtThousands(n: number): string {
  return Math.round(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

// ---------------------------------------------------------------- the generator

type TitleKind = 'orphan' | 'low' | 'nocode' | 'normal';

export async function generateDataset(dir: string, spec: DatasetSpec): Promise<GeneratedDataset> {
  const all = spec.quirks === 'all';
  const rnd = new Rand(mulberry32(spec.seed));
  await fsp.mkdir(dir, { recursive: true });

  // --- titles
  const used = new Set<string>();
  const design = spec.shape === 'design';
  const makeTitle = (): string => {
    for (;;) {
      const level = rnd.pick(LEVELS);
      let t = `${level ? level + ' ' : ''}${rnd.pick(FIELDS)} ${rnd.pick(ROLES)}${rnd.chance(0.15) ? ' ' + rnd.pick(['I', 'II', 'III', 'IV']) : ''}`;
      // The design shape needs more distinct titles than the word lists combine to.
      if (design) t += ` ${1 + rnd.int(99)}`;
      if (!used.has(t)) {
        used.add(t);
        return t;
      }
    }
  };
  const vocabSize = design ? Math.max(300, Math.round(spec.relatedRows / 10)) : Math.max(300, Math.min(3000, Math.round(spec.relatedRows / 4)));
  const vocab: string[] = [...SPECIAL_TITLES];
  SPECIAL_TITLES.forEach((t) => used.add(t));
  while (vocab.length < vocabSize) vocab.push(makeTitle());
  const kinds: TitleKind[] = vocab.map((_, i) => {
    if (i < SPECIAL_TITLES.length) return 'normal';
    const u = rnd.next();
    return u < 0.08 ? 'orphan' : u < 0.14 ? 'low' : u < 0.2 ? 'nocode' : 'normal';
  });
  const relatedSources = vocab.map((t, i) => ({ t, kind: kinds[i] })).filter((x) => x.kind !== 'orphan');
  const longTail: string[] = [];
  for (let i = 0; i < Math.max(200, vocabSize / 2); i++) longTail.push(makeTitle());

  // --- codes and their titles
  const codeCount = Math.max(50, Math.min(850, Math.round(spec.wageRows / 50)));
  const codeSet = new Set<string>();
  while (codeSet.size < codeCount) {
    codeSet.add(`${String(11 + 2 * rnd.int(20)).padStart(2, '0')}-${String(1000 + rnd.int(9000))}`);
  }
  const codes = [...codeSet];
  const codeRows: [string, string][] = [];
  const codeTitles: string[] = [];
  for (const code of codes) {
    const n = 1 + rnd.int(6);
    for (let k = 0; k < n; k++) {
      // vocabulary titles (not 'nocode' ones) map to codes, so includeSelf finds codes
      let title: string;
      if (rnd.chance(0.35)) {
        const i = rnd.int(vocab.length);
        title = kinds[i] === 'nocode' ? makeTitle() : vocab[i];
      } else {
        title = makeTitle();
      }
      codeRows.push([code, title]);
      codeTitles.push(title);
      if (rnd.chance(0.05)) codeRows.push([rnd.pick(codes), title]); // one title, two codes
      if (rnd.chance(0.02)) codeRows.push([code, title]); // identical duplicate row
    }
  }
  const extraCodes = Array.from({ length: Math.max(5, Math.round(codeCount * 0.05)) }, (_, i) => `99-${String(9000 + i)}`);
  const restricted = new Map<string, number[]>();
  for (const code of codes) {
    if (rnd.chance(0.1)) restricted.set(code, [rnd.int(STATES.length), rnd.int(STATES.length), rnd.int(STATES.length)]);
  }

  // --- locations
  const locations: string[] = [];
  for (const [name, abbr, fips] of STATES) {
    locations.push(abbr, name, `${rnd.pick(CITIES)}, ${abbr}`, `${rnd.pick(CITIES)}, ${abbr}`);
    if (rnd.chance(0.4)) locations.push(`${rnd.pick(CITIES)}, ${name}`);
    if (rnd.chance(0.3)) locations.push(name.charAt(0) + name.slice(1).toLowerCase()); // "New york"
    if (rnd.chance(0.2)) locations.push(name.toLowerCase());
    if (rnd.chance(0.3)) locations.push(fips);
  }
  const usedLocations = new Set<string>();

  // ------------------------------------------------------------ codes table
  const codesFile = path.join(dir, all ? 'codes.csv' : 'codes.csv');
  let codesHeaderRow = 1;
  {
    const w = new ChunkWriter(codesFile, all ? 'macintosh' : 'utf8', false);
    const eol = all ? '\r' : '\n';
    if (all) {
      const preamble = [
        'U.S. Bureau of Labor Statistics (synthetic),,',
        'SOC direct match title file, generated for tests,,',
        '',
        `"Seed ${spec.seed}, not real data",,`,
        ',,',
        '',
      ];
      for (const l of preamble) await w.write(l + eol);
      codesHeaderRow = preamble.length + 1;
      await w.write(`Code,TITLE,Notes${eol}`);
    } else {
      await w.write(`code,title${eol}`);
    }
    for (const [code, title] of codeRows) {
      let t = title;
      const u = rnd.next();
      if (u < 0.05) t = t + '  ';
      else if (u < 0.08) t = t + '\u00a0';
      else if (u < 0.1) t = '\u00a0' + t;
      const fields = all ? [code, t, rnd.chance(0.3) ? 'x' : ''] : [code, t];
      if (w.add(csvRow(fields, ',') + eol)) await w.flush();
    }
    await w.close();
  }

  // ------------------------------------------------------------ related table
  const relatedFile = path.join(dir, all ? 'related.tsv' : 'related.csv');
  {
    const d = all ? '\t' : ',';
    const eol = all ? '\r\n' : '\n';
    const w = new ChunkWriter(relatedFile, all ? 'windows-1252' : 'utf8', false);
    await w.write((all ? `Title${d}Related_Title${d}Score` : `title${d}related_title${d}score`) + eol);
    const rowsPerTitle = spec.relatedRows / relatedSources.length;
    // ~6 rows per title (~2 in the design shape) point at coded titles, about half above the threshold
    const pCoded = Math.max(0.01, Math.min(0.6, (design ? 2 : 6) / rowsPerTitle));
    let prev = '';
    for (let i = 0; i < spec.relatedRows; i++) {
      if (prev && rnd.chance(0.02)) {
        if (w.add(prev)) await w.flush(); // duplicate row
        continue;
      }
      const src = rnd.chance(0.9) ? rnd.pick(relatedSources) : { t: rnd.pick(longTail), kind: 'normal' as TitleKind };
      const rel = src.kind !== 'nocode' && rnd.chance(pCoded) ? rnd.pick(codeTitles) : rnd.chance(0.5) ? rnd.pick(longTail) : rnd.pick(vocab);
      // 'nocode' titles must only point at uncoded titles: vocab may hold coded ones
      const related = src.kind === 'nocode' ? rnd.pick(longTail) : rel;
      let score: string;
      const u = rnd.next();
      if (u < 0.04) score = '80';
      else if (u < 0.08) score = '80.0';
      else if (u < 0.1) score = src.kind === 'low' ? '79.99' : '80.01';
      else if (all && u < 0.13) score = ` ${src.kind === 'low' ? 70 + rnd.int(10) : 81 + rnd.int(19)} `;
      else {
        const v = src.kind === 'low' ? 40 + rnd.next() * 40 : 55 + rnd.next() * 45;
        score = rnd.chance(0.5) ? v.toFixed(1) : String(Math.floor(v));
        if (Number(score) > 80 && src.kind === 'low') score = '80';
      }
      prev = [csvField(src.t, d), csvField(related, d), score].join(d) + eol;
      if (w.add(prev)) await w.flush();
    }
    await w.close();
  }

  // ------------------------------------------------------------ wage table
  const wageFiles: string[] = [];
  {
    const codeBase = new Map<string, number>();
    for (const c of [...codes, ...extraCodes]) codeBase.set(c, 22000 + rnd.next() * 110000);
    const wageCell = (v: number, big: boolean): string => {
      const u = rnd.next();
      if (u < 0.015) return '*';
      if (u < 0.025) return '**';
      if (u < 0.04) return '';
      if (u < 0.043) return '~';
      if (u < 0.046) return 'N/A';
      if (big && v > 110000 && u < 0.25) return '#';
      if (all && u < 0.05) return `$${fmtThousands(v)}`;
      if (all && u < 0.052) return '(8)'; // an invalid cell (a BLS footnote)
      return v >= 1000 && u < 0.75 ? fmtThousands(v) : String(Math.round(v));
    };
    const wageValues = (code: string): string[] => {
      const m = codeBase.get(code)! * (0.8 + rnd.next() * 0.4);
      return [
        wageCell(10 + rnd.int(200000), false),
        wageCell(m, true),
        wageCell(m * 0.6, false),
        wageCell(m * 0.8, false),
        wageCell(m * 0.95, true),
        wageCell(m * 1.25, true),
        wageCell(m * 1.6, true),
      ];
    };
    const pickCode = (): string => (rnd.chance(0.05) ? rnd.pick(extraCodes) : rnd.skewed(codes));
    const pickArea = (code: string): number => {
      if (rnd.chance(0.03)) return -1; // "U.S."
      const r = restricted.get(code);
      return r ? rnd.pick(r) : rnd.int(STATES.length);
    };
    const occTitle = (code: string): string => `Occupation ${code}, all "industries"`;

    if (all) {
      // file 1: gzipped, CRLF, upper-case header, area_title
      const f1 = path.join(dir, 'wages_area.csv.gz');
      const f2 = path.join(dir, 'wages_st.csv');
      wageFiles.push(f1, f2);
      const n1 = Math.round(spec.wageRows * 0.6);
      const w1 = new ChunkWriter(f1, 'utf8', true);
      await w1.write('AREA,AREA_TITLE,AREA_TYPE,OCC_CODE,OCC_TITLE,TOT_EMP,H_MEAN,A_MEAN,A_PCT10,A_PCT25,A_MEDIAN,A_PCT75,A_PCT90\r\n');
      for (let i = 0; i < n1; i++) {
        const code = pickCode();
        const a = pickArea(code);
        const [tot, mean, p10, p25, med, p75, p90] = wageValues(code);
        const fields = [a < 0 ? '99' : STATES[a][2], a < 0 ? 'U.S.' : STATES[a][0], '2', code, occTitle(code), tot, (rnd.next() * 60 + 10).toFixed(2), mean, p10, p25, med, p75, p90];
        if (w1.add(csvRow(fields, ',') + '\r\n')) await w1.flush();
      }
      await w1.close();
      // file 2: BOM, LF, st codes, another column order, codes with spaces around
      const w2 = new ChunkWriter(f2, 'utf8', false);
      await w2.write('\ufeffst,occ_code,occ_title,tot_emp,a_mean,a_median,a_pct10,a_pct25,a_pct75,a_pct90\n');
      for (let i = n1; i < spec.wageRows; i++) {
        const code = pickCode();
        const a = pickArea(code);
        const [tot, mean, p10, p25, med, p75, p90] = wageValues(code);
        const c = rnd.chance(0.02) ? ` ${code} ` : code;
        const fields = [a < 0 ? 'US' : STATES[a][1], c, occTitle(code), tot, mean, med, p10, p25, p75, p90];
        if (w2.add(csvRow(fields, ',') + (rnd.chance(0.02) ? ',' : '') + '\n')) await w2.flush();
      }
      await w2.close();
    } else {
      const f = path.join(dir, 'wages.csv');
      wageFiles.push(f);
      const w = new ChunkWriter(f, 'utf8', false);
      await w.write('AREA,AREA_TITLE,OCC_CODE,OCC_TITLE,TOT_EMP,A_MEAN,A_PCT10,A_PCT25,A_MEDIAN,A_PCT75,A_PCT90\n');
      for (let i = 0; i < spec.wageRows; i++) {
        const code = pickCode();
        const a = pickArea(code);
        const fields = [a < 0 ? '99' : STATES[a][2], a < 0 ? 'U.S.' : STATES[a][0], code, occTitle(code), ...wageValues(code)];
        if (w.add(csvRow(fields, ',') + '\n')) await w.flush();
      }
      await w.close();
    }
  }

  // ------------------------------------------------------------ query table
  const queriesFile = path.join(dir, 'queries.csv');
  // Design shape: most query titles come from postings-like titles that no related row knows.
  const queryOnly: string[] = [];
  if (design) for (let i = 0; i < Math.max(1000, Math.round(spec.queryRows / 75)); i++) queryOnly.push(makeTitle());
  {
    const w = new ChunkWriter(queriesFile, 'utf8', false);
    const eol = (): string => {
      if (!all) return '\r\n';
      const u = rnd.next();
      return u < 0.5 ? '\n' : u < 0.85 ? '\r\n' : '\r';
    };
    await w.write('\ufeff' + (all ? 'ID,TITLE,Location' : 'id,TITLE,location') + eol());
    let prev = '';
    for (let i = 0; i < spec.queryRows; i++) {
      if (prev && rnd.chance(0.04)) {
        if (w.add(prev)) await w.flush(); // duplicate query row
        continue;
      }
      let title = design && !rnd.chance(0.14) ? rnd.skewed(queryOnly) : rnd.skewed(vocab);
      let u = rnd.next();
      if (u < 0.05) title = title + '   ';
      else if (u < 0.07) title = title + '\u00a0';
      else if (u < 0.08) title = '\u00a0 ' + title;
      else if (u < 0.11) title = title.toLowerCase();
      const loc = rnd.chance(0.06) ? rnd.pick(UNKNOWN_LOCATIONS) : rnd.pick(locations);
      usedLocations.add(loc);
      u = rnd.next();
      const written = u < 0.04 ? loc + ' ' : u < 0.06 ? '\u00a0' + loc : loc;
      let row = csvRow([String(i + 1), title, written], ',');
      if (all && rnd.chance(0.03)) row += ','; // ragged: an extra empty trailing field
      prev = row + eol();
      if (all && rnd.chance(0.005)) prev += eol(); // a blank line
      if (w.add(prev)) await w.flush();
    }
    await w.close();
  }

  // ------------------------------------------------------------ location → state
  const locationStates = path.join(dir, 'locations.csv');
  {
    const w = new ChunkWriter(locationStates, 'utf8', false);
    await w.write('location,state\n');
    for (const loc of [...usedLocations].sort()) {
      await w.write(csvRow([loc, resolveState(loc)?.name ?? ''], ',') + '\n');
    }
    await w.close();
  }

  const options: JoinOptions = {
    queries: { files: [queriesFile], headerRow: 1, encoding: 'utf8', delimiter: ',' },
    related: { files: [relatedFile], headerRow: 1, encoding: all ? 'windows-1252' : 'utf8', delimiter: all ? '\t' : ',' },
    codes: { files: [codesFile], headerRow: codesHeaderRow, encoding: all ? 'macintosh' : 'utf8', delimiter: ',' },
    wages: { files: wageFiles, headerRow: 1, encoding: 'utf8', delimiter: ',' },
  };
  return { dir, queries: queriesFile, related: relatedFile, codes: codesFile, wages: wageFiles[0], options, locationStates };
}
