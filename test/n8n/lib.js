'use strict';
// Small helpers shared by the n8n end-to-end scripts (plain CommonJS, runs on Node 20 and 24).
const fs = require('fs');

/**
 * The JSON document `n8n execute --rawOutput` prints. In n8n 2.x it goes through the logger at level
 * "info", surrounded by other log lines; the document itself starts at a line "{" and ends at a line "}".
 */
function extractRunJson(text) {
	const lines = text.split('\n');
	const start = lines.indexOf('{');
	const end = lines.lastIndexOf('}');
	if (start < 0 || end < start) return undefined;
	try {
		return JSON.parse(lines.slice(start, end + 1).join('\n'));
	} catch {
		return undefined;
	}
}

/** runData of an execution, whichever shape (1.x/2.x) the document has. */
function runDataOf(run) {
	const data = run && (run.data || run);
	return (data && data.resultData && data.resultData.runData) || {};
}

function errorOf(run) {
	const data = run && (run.data || run);
	return data && data.resultData && data.resultData.error;
}

/** RFC 4180 CSV (quotes, "" escapes, embedded newlines; LF or CRLF) -> array of string arrays. */
function parseCsv(text) {
	const rows = [];
	let row = [];
	let field = '';
	let quoted = false;
	let i = 0;
	if (text.charCodeAt(0) === 0xfeff) i = 1;
	for (; i < text.length; i++) {
		const c = text[i];
		if (quoted) {
			if (c === '"') {
				if (text[i + 1] === '"') {
					field += '"';
					i++;
				} else quoted = false;
			} else field += c;
		} else if (c === '"') quoted = true;
		else if (c === ',') {
			row.push(field);
			field = '';
		} else if (c === '\n' || c === '\r') {
			if (c === '\r' && text[i + 1] === '\n') i++;
			row.push(field);
			rows.push(row);
			row = [];
			field = '';
		} else field += c;
	}
	if (field !== '' || row.length > 0) {
		row.push(field);
		rows.push(row);
	}
	return rows;
}

/** CSV text with a header -> array of objects whose values are strings. */
function csvObjects(text) {
	const [header, ...rows] = parseCsv(text);
	return rows.map((r) => Object.fromEntries(header.map((h, k) => [h, r[k]])));
}

function readJsonLines(file) {
	return fs
		.readFileSync(file, 'utf8')
		.split('\n')
		.filter((l) => l.trim() !== '')
		.map((l) => JSON.parse(l));
}

/**
 * Appends PASS/FAIL lines to the results file run.sh counts; also prints them.
 * `tags` (n8n version, case) are printed in brackets so a failure says where it happened.
 */
function reporter(resultsFile, ...tags) {
	let failed = 0;
	const where = tags.map((t) => `[${t}]`).join(' ');
	const record = (ok, name, detail) => {
		const line = `${ok ? 'PASS' : 'FAIL'} ${where} ${name}${detail ? ` — ${detail}` : ''}`;
		console.log(line);
		if (resultsFile) fs.appendFileSync(resultsFile, line.replace(/\n/g, ' ') + '\n');
		if (!ok) failed++;
		return ok;
	};
	return {
		check: (ok, name, detail) => record(Boolean(ok), name, ok ? '' : detail),
		pass: (name, detail) => record(true, name, detail),
		fail: (name, detail) => record(false, name, detail),
		get failed() {
			return failed;
		},
	};
}

/**
 * Compares two row lists field by field. `expected` rows come from the CLI; `actual` from n8n. Values are
 * compared as the CLI typed them (JSON lines keep numbers and nulls); `stringly` compares String(v) with
 * null/undefined as '' (for CSV written by n8n's Convert to File). `close` also accepts numbers that differ
 * by less than 1e-12 relative: Convert to File (SheetJS) writes numbers with 15 significant digits, so
 * the CLI's 14.350000000000001 becomes 14.35. Returns the first difference or ''.
 */
function diffRows(expected, actual, { stringly = false, close = false, fields } = {}) {
	if (expected.length !== actual.length) return `row count: expected ${expected.length}, got ${actual.length}`;
	const norm = (v) => (stringly ? (v === null || v === undefined ? '' : String(v)) : v === undefined ? '<missing>' : v);
	for (let i = 0; i < expected.length; i++) {
		const keys = fields || Object.keys(expected[i]);
		for (const k of keys) {
			const e = norm(expected[i][k]);
			const a = norm(actual[i][k]);
			if (e !== a && !(close && nearlyEqual(e, a))) return `row ${i} field "${k}": expected ${JSON.stringify(e)}, got ${JSON.stringify(a)} (row ${JSON.stringify(actual[i])})`;
		}
	}
	return '';
}

function nearlyEqual(a, b) {
	if (String(a).trim() === '' || String(b).trim() === '') return false;
	const x = Number(a);
	const y = Number(b);
	return Number.isFinite(x) && Number.isFinite(y) && Math.abs(x - y) <= 1e-12 * Math.max(1, Math.abs(x), Math.abs(y));
}

module.exports = { extractRunJson, runDataOf, errorOf, parseCsv, csvObjects, readJsonLines, reporter, diffRows };
