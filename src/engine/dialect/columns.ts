import { InputError } from '../errors';
import { normalizeName } from './sniff';

/** A column the engine needs from a table. */
export interface ColumnRequest {
  /** What the column is for, e.g. 'title'; used in messages. */
  role: string;
  /** Candidate names in priority order, e.g. ['occ_code', 'code']. */
  names: string[];
  required: boolean;
  /**
   * For an optional request: the index (in the same request list) of another request that can
   * stand in for it. When neither is found, this one is reported as a missing column (with the
   * columns found, the closest name, and the alternative in the "expected" part).
   */
  orElse?: number;
}

/** How many header names an error message lists before "… and N more". */
const LIST_LIMIT = 40;

/** Optimal-string-alignment (restricted Damerau–Levenshtein) distance. */
export function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  if (m === 0) return n;
  if (n === 0) return m;
  let prev2 = new Array<number>(n + 1).fill(0);
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  let cur = new Array<number>(n + 1).fill(0);
  for (let i = 1; i <= m; i++) {
    cur[0] = i;
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2] + 1);
      cur[j] = d;
    }
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[n];
}

function display(name: string): string {
  const t = name.replace(/^\uFEFF/, '').trim();
  return t === '' ? '""' : t;
}

/** The header name closest to any of the wanted names, or undefined when none is close. */
function suggest(header: string[], wanted: string[]): string | undefined {
  let best: string | undefined;
  let bestDist = Infinity;
  for (const h of header) {
    const hn = normalizeName(h);
    if (hn === '') continue;
    for (const w of wanted) {
      const d = editDistance(w, hn);
      const limit = Math.max(2, Math.floor(w.length / 3));
      if (d <= limit && d < bestDist) {
        best = h;
        bestDist = d;
      }
    }
  }
  if (best !== undefined) return display(best);
  // "title" vs "2018 SOC Title": a header name that contains the wanted name as a word.
  for (const w of wanted) {
    const word = new RegExp(`(^|[^a-z0-9])${w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^a-z0-9])`);
    const hit = header.find((h) => word.test(normalizeName(h)));
    if (hit !== undefined) return display(hit);
  }
  return undefined;
}

function listColumns(header: string[]): string {
  const shown = header.slice(0, LIST_LIMIT).map(display).join(', ');
  return header.length > LIST_LIMIT ? `${shown}, … and ${header.length - LIST_LIMIT} more` : shown;
}

/**
 * Find each requested column in the header: case-insensitive, trimmed (incl. NBSP), BOM removed
 * from the first name. Candidate names are tried in order; the first present one is taken.
 * Returns indices (-1 when optional and absent).
 *
 * InputError (file + header line + column): a required column missing, or an optional one with
 * `orElse` whose alternative is missing too (lists the columns found and suggests the closest
 * name); a requested name that appears more than once in the header
 * (ambiguous). Duplicates nobody asked for are fine. `where.line` 0 means the names came from the
 * options, not from a header line. `where.hint`, when given, is appended to the not-found message.
 */
export function mapColumns(header: string[], requests: ColumnRequest[], where: { file: string; line: number; hint?: string }): number[] {
  const normalized = header.map(normalizeName);
  const line = where.line > 0 ? where.line : undefined;
  const candidates = (req: ColumnRequest): string[] => req.names.map(normalizeName).filter((n) => n !== '');
  const present = (req: ColumnRequest): boolean => candidates(req).some((name) => normalized.includes(name));
  const asked = (req: ColumnRequest): string => req.names.map((n) => `"${n.trim()}"`).join(' or ');
  return requests.map((req) => {
    const names = candidates(req);
    for (const name of names) {
      const hits: number[] = [];
      normalized.forEach((h, i) => {
        if (h === name) hits.push(i);
      });
      if (hits.length === 1) return hits[0];
      if (hits.length > 1) {
        throw new InputError(
          `${req.role} column "${display(header[hits[0]])}" is ambiguous: it appears ${hits.length} times (fields ${hits.map((i) => i + 1).join(', ')})`,
          { file: where.file, line, column: display(header[hits[0]]) },
          'each column name once; rename the duplicates',
        );
      }
    }
    const alternative = req.orElse !== undefined ? requests[req.orElse] : undefined;
    if (!req.required && (alternative === undefined || present(alternative))) return -1;
    const hint = suggest(header, names);
    throw new InputError(
      `${req.role} column ${asked(req)} not found; columns are: ${listColumns(header)}${hint !== undefined ? `; did you mean "${hint}"?` : ''}${where.hint ? `; ${where.hint}` : ''}`,
      { file: where.file, line, column: req.names[0]?.trim() },
      alternative ? `the ${req.role} column, or a ${alternative.role} column ${asked(alternative)} instead` : undefined,
    );
  });
}
