'use strict';
// Checks one `n8n execute --rawOutput` run of an example workflow against the engine's CLI run on
// the same files with the same options (the CLI arguments are derived from the node's parameters).
// Usage: node check-run.js --case <scheduled-batches|items-in-rows-out|csv-file-output> --label L
//          --run <execute stdout> --workflow <resolved workflow.json> --cli <dist/src/cli/main.js>
//          --output-dir <folder the workflow writes to> --work <scratch folder> --results <file>
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { cliArgsFor } = require('./cli-args');
const { csvObjects, diffRows, errorOf, extractRunJson, readJsonLines, reporter, runDataOf } = require('./lib');

const argv = process.argv.slice(2);
const arg = (name) => {
	const i = argv.indexOf(`--${name}`);
	return i >= 0 ? argv[i + 1] : undefined;
};
const caseName = arg('case');
const r = reporter(arg('results'), arg('label'), caseName);
const JOIN_TYPE = 'n8n-nodes-title-state-salary-join.titleStateSalaryJoin';

const workflow = JSON.parse(fs.readFileSync(arg('workflow'), 'utf8'));
const joinNode = workflow.nodes.find((n) => n.type === JOIN_TYPE);
const work = arg('work');
fs.mkdirSync(work, { recursive: true });

/** Runs the CLI twice (CSV for byte comparisons, JSON lines for typed rows) with the node's options. */
function cli(extra) {
	const base = cliArgsFor(joinNode.parameters, extra);
	const result = {};
	for (const format of ['csv', 'jsonl']) {
		const out = path.join(work, `matched.${format}`);
		const unmatched = path.join(work, `unmatched.${format}`);
		const summary = path.join(work, `summary.${format}.json`);
		const run = spawnSync(process.execPath, [arg('cli'), ...base, '--out', out, '--unmatched', unmatched, '--format', format, '--overwrite', '--quiet', '--summary-json', summary], {
			encoding: 'utf8',
		});
		if (run.status !== 0) throw new Error(`CLI exited ${run.status}: ${run.stderr}`);
		result[format] = { out, unmatched, summary: JSON.parse(fs.readFileSync(summary, 'utf8')) };
	}
	return {
		args: base,
		matchedCsv: fs.readFileSync(result.csv.out),
		unmatchedCsv: fs.readFileSync(result.csv.unmatched),
		matched: readJsonLines(result.jsonl.out),
		unmatched: readJsonLines(result.jsonl.unmatched),
		summary: result.jsonl.summary,
	};
}

function countReasons(rows) {
	const counts = {};
	for (const row of rows) counts[row.reason] = (counts[row.reason] || 0) + 1;
	return counts;
}

/** Reason counts as the CLI summary gives them, zero entries dropped, for comparing with counted rows. */
function nonZero(counts) {
	return Object.fromEntries(Object.entries(counts || {}).filter(([, n]) => n > 0).sort());
}

function sameJson(a, b) {
	return JSON.stringify(a) === JSON.stringify(b);
}

function main() {
	const raw = fs.readFileSync(arg('run'), 'utf8');
	const run = extractRunJson(raw);
	if (!r.check(run, 'n8n printed the run JSON', `no JSON in n8n output; stdout starts: ${raw.slice(0, 600)}`)) return;
	const error = errorOf(run);
	r.check(!error, 'execution finished without error', `error: ${String(JSON.stringify(error)).slice(0, 800)}`);
	const runData = runDataOf(run);
	const joinRuns = runData[joinNode.name];
	if (!r.check(joinRuns && joinRuns.length === 1, 'the join node ran once', `nodes that ran: ${Object.keys(runData).join(', ')}`)) return;
	if (!r.check(!joinRuns[0].error, 'the join node did not fail', String(JSON.stringify(joinRuns[0].error)).slice(0, 800))) return;
	const [matchedOut = [], unmatchedOut = []] = joinRuns[0].data.main;

	if (caseName === 'scheduled-batches') checkBatches(runData, matchedOut, unmatchedOut);
	else if (caseName === 'items-in-rows-out') checkItems(runData, matchedOut, unmatchedOut);
	else if (caseName === 'csv-file-output') checkFile(runData, matchedOut, unmatchedOut);
	else r.fail('known case', `unknown case ${caseName}`);
}

function checkBatchSizes(name, batches, total, size) {
	const sizes = batches.map((b) => (b.json.rows || []).length);
	const expected = Math.ceil(total / size);
	const wellFormed = sizes.every((n, i) => (i < sizes.length - 1 ? n === size : n >= 1 && n <= size));
	const numbered = batches.every((b, i) => b.json.batch === batches[0].json.batch + i);
	r.check(
		batches.length === expected && wellFormed && numbered,
		`${name}: ${expected} batches of ${size} rows (last ${total - (expected - 1) * size}), numbered consecutively`,
		`${batches.length} batches, sizes ${JSON.stringify(sizes.slice(0, 5))}…${JSON.stringify(sizes.slice(-2))}, batch fields ${JSON.stringify(batches.slice(0, 3).map((b) => b.json.batch))}`,
	);
}

function checkBatches(runData, matchedOut, unmatchedOut) {
	const ref = cli();
	const size = joinNode.parameters.options.batchSize;
	const matchedRows = matchedOut.flatMap((b) => b.json.rows || []);
	const unmatchedRows = unmatchedOut.flatMap((b) => b.json.rows || []);
	r.check(ref.matched.length > 1000 && ref.unmatched.length > 1000, `CLI reference: ${ref.matched.length} matched, ${ref.unmatched.length} unmatched`, 'suspiciously few rows');
	checkBatchSizes('matched', matchedOut, ref.matched.length, size);
	checkBatchSizes('unmatched', unmatchedOut, ref.unmatched.length, size);
	const dm = diffRows(ref.matched, matchedRows);
	r.check(!dm, `matched rows and medians equal the CLI's, field by field (${ref.matched.length} rows)`, dm);
	r.check(
		matchedRows.every((row, i) => sameJson(Object.keys(row), Object.keys(ref.matched[i]))),
		'matched rows have exactly the CLI columns, in order',
		`n8n: ${JSON.stringify(Object.keys(matchedRows[0] || {}))}, CLI: ${JSON.stringify(Object.keys(ref.matched[0] || {}))}`,
	);
	const du = diffRows(ref.unmatched, unmatchedRows);
	r.check(!du, `unmatched rows (with reasons) equal the CLI's (${ref.unmatched.length} rows)`, du);
	r.check(
		sameJson(nonZero(countReasons(unmatchedRows)), nonZero(ref.summary.unmatchedByReason)),
		`unmatched reasons ${JSON.stringify(nonZero(ref.summary.unmatchedByReason))}`,
		`n8n: ${JSON.stringify(nonZero(countReasons(unmatchedRows)))}`,
	);
	r.check(
		[...matchedOut, ...unmatchedOut].every((b) => sameJson(b.pairedItem, [{ item: 0 }]) || sameJson(b.pairedItem, { item: 0 })),
		'every batch is paired with the trigger item',
		`pairedItem of the first batch: ${JSON.stringify(matchedOut[0] && matchedOut[0].pairedItem)}`,
	);
	const triggers = workflow.nodes.filter((n) => /Trigger$/.test(n.type)).map((n) => n.name);
	const ranTriggers = triggers.filter((name) => runData[name]);
	r.check(ranTriggers.length === 1, `n8n execute ran the workflow from one trigger (${ranTriggers.join(', ')})`, `triggers that ran: ${JSON.stringify(ranTriggers)}`);
	// Enrichment stand-in: one item per matched row, the row plus two fields.
	const enrichRuns = runData['Enrich (word2vec stand-in)'];
	const enriched = (enrichRuns && enrichRuns[0].data && enrichRuns[0].data.main[0]) || [];
	const vecOf = new Map();
	let bad = '';
	enriched.forEach((item, i) => {
		const row = item.json;
		const ref1 = ref.matched[i] || {};
		const words = String(ref1.title || '').split(/\s+/).filter(Boolean).length;
		if (!bad && diffRows([ref1], [row])) bad = `item ${i}: ${diffRows([ref1], [row])}`;
		if (!bad && row.title_tokens !== words) bad = `item ${i}: title_tokens ${row.title_tokens}, expected ${words}`;
		if (!bad && !/^-?\d\.\d{3}( -?\d\.\d{3}){3}$/.test(row.title_vec)) bad = `item ${i}: title_vec ${JSON.stringify(row.title_vec)}`;
		if (!bad && vecOf.has(row.title) && vecOf.get(row.title) !== row.title_vec) bad = `title ${row.title} got two vectors`;
		vecOf.set(row.title, row.title_vec);
	});
	r.check(enriched.length === ref.matched.length && !bad, `Code stand-in enriched every matched row (${enriched.length} items, title_tokens + deterministic title_vec)`, bad || `${enriched.length} items`);

	// The CSV the workflow wrote (Convert to File → Read/Write Files from Disk).
	const written = path.join(arg('output-dir'), 'salaries-enriched.csv');
	if (!r.check(fs.existsSync(written), 'the workflow wrote salaries-enriched.csv', `${written} missing`)) return;
	const fileRows = csvObjects(fs.readFileSync(written, 'utf8'));
	const expected = ref.matched.map((row, i) => ({ ...row, title_tokens: enriched[i] && enriched[i].json.title_tokens, title_vec: enriched[i] && enriched[i].json.title_vec }));
	const df = diffRows(expected, fileRows, { stringly: true, close: true });
	r.check(!df, `salaries-enriched.csv rows equal the CLI's rows + the two enrichment fields (${fileRows.length} rows; numbers to 15 significant digits, as Convert to File writes them)`, df);
}

function checkItems(runData, matchedOut, unmatchedOut) {
	const sampleRuns = runData['Sample queries'];
	const inputs = ((sampleRuns && sampleRuns[0].data.main[0]) || []).map((i) => i.json);
	if (!r.check(inputs.length >= 15, `Sample queries emitted ${inputs.length} items`, `${inputs.length} items`)) return;
	// The same queries as a CSV for the CLI (every field quoted).
	const q = (s) => `"${String(s).replace(/"/g, '""')}"`;
	const queriesFile = path.join(work, 'queries-from-items.csv');
	fs.writeFileSync(queriesFile, `title,location\n${inputs.map((i) => `${q(i.title)},${q(i.location)}\n`).join('')}`);
	const ref = cli({ queriesFile });
	r.check(ref.matched.length > 0 && ref.unmatched.length > 0, `CLI reference: ${ref.matched.length} matched, ${ref.unmatched.length} unmatched`, 'both outputs should be non-empty');
	const dm = diffRows(ref.matched, matchedOut.map((i) => i.json));
	r.check(!dm, `matched rows and medians equal the CLI's, field by field (${ref.matched.length} rows)`, dm);
	const du = diffRows(ref.unmatched, unmatchedOut.map((i) => i.json));
	r.check(!du, `unmatched rows equal the CLI's (${ref.unmatched.length} rows)`, du);
	r.check(
		sameJson(nonZero(countReasons(unmatchedOut.map((i) => i.json))), nonZero(ref.summary.unmatchedByReason)),
		`unmatched reasons ${JSON.stringify(nonZero(ref.summary.unmatchedByReason))}`,
		`n8n: ${JSON.stringify(nonZero(countReasons(unmatchedOut.map((i) => i.json))))}`,
	);
	const pairing = (items) => {
		let previous = -1;
		for (const [k, item] of items.entries()) {
			const p = Array.isArray(item.pairedItem) ? item.pairedItem[0] : item.pairedItem;
			const index = p && typeof p === 'object' ? p.item : p;
			const input = inputs[index];
			if (!input) return `row ${k}: pairedItem ${JSON.stringify(item.pairedItem)} points at no input item`;
			if (input.title !== item.json.title || input.location !== item.json.location) {
				return `row ${k} (${item.json.title} / ${item.json.location}) is paired with item ${index} (${input.title} / ${input.location})`;
			}
			if (index <= previous) return `row ${k}: pairedItem ${index} after ${previous} (query order)`;
			previous = index;
		}
		return '';
	};
	const pm = pairing(matchedOut);
	r.check(!pm, 'every matched row is paired with the input item it answers, in query order', pm);
	const pu = pairing(unmatchedOut);
	r.check(!pu, 'every unmatched row is paired with the input item it answers, in query order', pu);
	const matchedIdx = new Set(matchedOut.map((i) => i.pairedItem.item));
	const unmatchedIdx = new Set(unmatchedOut.map((i) => i.pairedItem.item));
	r.check(
		inputs.every((_, k) => matchedIdx.has(k) !== unmatchedIdx.has(k)),
		'each input item is answered exactly once (matched or unmatched)',
		`inputs ${inputs.length}, matched ${matchedIdx.size}, unmatched ${unmatchedIdx.size}`,
	);
	const noOp = (name) => ((runData[name] && runData[name][0].data.main[0]) || []).length;
	r.check(
		noOp('Matched rows') === matchedOut.length && noOp('Unmatched rows') === unmatchedOut.length,
		'the No-Op nodes received both outputs',
		`Matched rows ${noOp('Matched rows')}, Unmatched rows ${noOp('Unmatched rows')}`,
	);
}

function checkFile(runData, matchedOut, unmatchedOut) {
	const ref = cli();
	const property = joinNode.parameters.binaryPropertyName || 'data';
	const [m] = matchedOut;
	const [u] = unmatchedOut;
	r.check(matchedOut.length === 1 && unmatchedOut.length === 1, 'one file item on each output', `${matchedOut.length} / ${unmatchedOut.length} items`);
	if (!m || !u) return;
	const mb = m.binary && m.binary[property];
	const ub = u.binary && u.binary[property];
	r.check(
		mb && ub && mb.fileName === joinNode.parameters.matchedFileName && ub.fileName === joinNode.parameters.unmatchedFileName && /csv/.test(mb.mimeType),
		`binary "${property}" on both items: ${joinNode.parameters.matchedFileName} / ${joinNode.parameters.unmatchedFileName}, text/csv`,
		`matched ${JSON.stringify(mb && { fileName: mb.fileName, mimeType: mb.mimeType })}, unmatched ${JSON.stringify(ub && { fileName: ub.fileName })}`,
	);
	r.check(m.json.rows === ref.matched.length && u.json.rows === ref.unmatched.length, `item JSON counts rows (${ref.matched.length} / ${ref.unmatched.length})`, `${m.json.rows} / ${u.json.rows}`);
	r.check(
		sameJson(nonZero(u.json.unmatchedByReason), nonZero(ref.summary.unmatchedByReason)),
		'unmatched item carries the CLI\'s reason counts',
		`n8n ${JSON.stringify(u.json.unmatchedByReason)}, CLI ${JSON.stringify(ref.summary.unmatchedByReason)}`,
	);
	for (const [name, bytes] of [['matched.csv', ref.matchedCsv], ['unmatched.csv', ref.unmatchedCsv]]) {
		const file = path.join(arg('output-dir'), name);
		if (!r.check(fs.existsSync(file), `the workflow wrote ${name}`, `${file} missing`)) continue;
		const got = fs.readFileSync(file);
		r.check(got.equals(bytes), `${name} from the node's binary output is byte-identical to the CLI's CSV (${bytes.length} bytes)`, `${got.length} bytes vs ${bytes.length}; first difference at byte ${firstDifference(got, bytes)}`);
	}
}

function firstDifference(a, b) {
	const n = Math.min(a.length, b.length);
	for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
	return n;
}

try {
	main();
} catch (error) {
	r.fail('checker ran', error.stack);
}
process.exit(r.failed ? 1 : 0);
