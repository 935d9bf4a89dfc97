'use strict';
// Translates the Title-State Salary Join node's parameters (as saved in a workflow) into the
// command line of the engine's CLI, so the e2e compares n8n's output with the CLI's on the same
// files and the same options. Parameters the CLI cannot express (binary sources) throw, so a
// workflow the mapping does not understand fails loudly instead of comparing different joins.

const QUERY_COLUMNS = { titleColumn: '--title-column', locationColumn: '--location-column' };
const TABLE_COLUMNS = {
	related: { titleColumn: '--related-title-column', relatedTitleColumn: '--related-related-title-column', scoreColumn: '--score-column' },
	codes: { codeColumn: '--code-column', titleColumn: '--code-title-column' },
	wages: { codeColumn: '--wage-code-column', areaColumn: '--area-column', stateCodeColumn: '--state-code-column' },
};
const FORMAT_KEYS = new Set(['delimiter', 'encoding', 'headerRow']);

function formatArgs(flag, format, columnFlags, args) {
	for (const [key, value] of Object.entries(format || {})) {
		if (key === 'delimiter') args.push(`--${flag}-delimiter`, value === '\t' ? 'tab' : value);
		else if (key === 'encoding') args.push(`--${flag}-encoding`, value);
		else if (key === 'headerRow') args.push(`--${flag}-header-row`, String(value));
		else if (columnFlags[key]) args.push(columnFlags[key], String(value));
		else if (!FORMAT_KEYS.has(key)) throw new Error(`cli-args: unknown ${flag} setting "${key}"`);
	}
}

/**
 * @param {object} p  the node's `parameters`
 * @param {{ queriesFile?: string }} extra  queries CSV to use when the node reads input items
 * @returns {string[]} CLI arguments without the output flags
 */
function cliArgsFor(p, extra = {}) {
	const args = [];
	const source = p.querySource || 'items';
	if (source === 'file') args.push('--queries', p.queryFilePath);
	else if (source === 'items') {
		if (!extra.queriesFile) throw new Error('cli-args: items mode needs a queries file written from the items');
		args.push('--queries', extra.queriesFile);
	} else throw new Error(`cli-args: query source "${source}" has no CLI equivalent`);
	if (source !== 'items') formatArgs('queries', p.queryFormat, QUERY_COLUMNS, args);

	for (const table of ['related', 'codes', 'wages']) {
		const tableSource = p[`${table}Source`] || 'path';
		if (tableSource !== 'path') throw new Error(`cli-args: ${table} source "${tableSource}" has no CLI equivalent`);
		args.push(`--${table}`, p[`${table}FilePath`]);
		formatArgs(table, p[`${table}Format`], TABLE_COLUMNS[table], args);
	}
	args.push('--threshold', String(p.threshold ?? 80));
	const o = p.options || {};
	if (o.wageColumns !== undefined) args.push('--wage-columns', o.wageColumns);
	if (o.batchSize !== undefined) args.push('--batch-size', String(o.batchSize));
	if (o.workers) args.push('--workers', String(o.workers));
	if (o.topCodeValue !== undefined) args.push('--top-code-value', String(o.topCodeValue));
	if (o.includeSelf) args.push('--include-self');
	if (o.countEachCodeOnce) args.push('--count-codes-once');
	if (o.caseInsensitive) args.push('--case-insensitive');
	if (o.dedupePairs) args.push('--dedupe-pairs');
	return args;
}

module.exports = { cliArgsFor };
