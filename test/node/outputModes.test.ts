import { readFileSync, rmSync } from 'fs';
import * as path from 'path';
import { FileSink, runJoin } from '../../src/engine';
import { runEngineToArrays } from '../engine/runEngine';
import { DEMO_OPTIONS, DEMO_PARAMETERS, QUERY_ITEMS, smallTableParameters, tempDir } from './fixtures';
import { binaryText, runNode } from './mockExecuteFunctions';

let dir: string;
beforeEach(() => (dir = tempDir()));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('rows mode', () => {
	test('each matched row is an item paired with the query item it answers', async () => {
		const { output } = await runNode({ parameters: smallTableParameters(dir), items: QUERY_ITEMS });
		expect(output[0]).toEqual([
			{ json: { title: 'Analyst', location: 'Austin, TX', state: 'Texas', n_rows: 2, n_codes: 2, a_median: 80000 }, pairedItem: { item: 0 } },
			{ json: { title: 'Analyst', location: 'OH', state: 'Ohio', n_rows: 1, n_codes: 1, a_median: 60000 }, pairedItem: { item: 3 } },
		]);
	});

	test('unmatched queries go to the second output with their reason', async () => {
		const { output } = await runNode({ parameters: smallTableParameters(dir), items: QUERY_ITEMS });
		expect(output[1].map((item) => [item.pairedItem, item.json.reason])).toEqual([
			[{ item: 1 }, 'unknown_state'],
			[{ item: 2 }, 'no_related_title_above_threshold'],
			[{ item: 4 }, 'no_code_for_related_titles'],
			[{ item: 5 }, 'no_wage_rows_in_state'],
		]);
	});

	test('on the real demo data the rows equal the engine\'s, all paired with the one input item', async () => {
		const [{ output }, engine] = await Promise.all([runNode({ parameters: DEMO_PARAMETERS }), runEngineToArrays(DEMO_OPTIONS)]);
		expect(output[0].map((item) => item.json)).toEqual(engine.matched);
		expect(output[1].map((item) => item.json)).toEqual(engine.unmatched);
		expect(engine.matched.length).toBeGreaterThan(3000);
		expect(new Set(output[0].map((item) => JSON.stringify(item.pairedItem)))).toEqual(new Set([JSON.stringify({ item: 0 })]));
	});
});

describe('batches mode', () => {
	test('emits one { batch, rows } item per Batch Size rows, together the engine\'s rows', async () => {
		const parameters = { ...DEMO_PARAMETERS, outputMode: 'batches', options: { ...(DEMO_PARAMETERS.options as object), batchSize: 1000 } };
		const [{ output }, engine] = await Promise.all([runNode({ parameters }), runEngineToArrays(DEMO_OPTIONS)]);
		const batches = output[0];
		expect(batches).toHaveLength(Math.ceil(engine.matched.length / 1000));
		expect(batches.map((item) => item.json.batch)).toEqual(batches.map((_, i) => i));
		expect(batches.slice(0, -1).every((item) => (item.json.rows as unknown[]).length === 1000)).toBe(true);
		expect(batches.flatMap((item) => item.json.rows as unknown[])).toEqual(engine.matched);
		expect(output[1].flatMap((item) => item.json.rows as unknown[])).toEqual(engine.unmatched);
	});

	test('a batch is paired with the query items of its rows', async () => {
		const parameters = { ...smallTableParameters(dir), outputMode: 'batches', options: { wageColumns: 'a_median', batchSize: 3 } };
		const { output } = await runNode({ parameters, items: QUERY_ITEMS });
		expect(output[0]).toHaveLength(1);
		expect(output[0][0].pairedItem).toEqual([{ item: 0 }, { item: 3 }]);
		expect(output[1].map((item) => item.pairedItem)).toEqual([[{ item: 1 }, { item: 2 }, { item: 4 }], [{ item: 5 }]]);
		expect(output[1].map((item) => (item.json.rows as unknown[]).length)).toEqual([3, 1]);
	});
});

describe('file mode', () => {
	test('the matched and unmatched CSV files equal the engine\'s CSV output', async () => {
		const parameters = { ...DEMO_PARAMETERS, outputMode: 'file', binaryPropertyName: 'csv', matchedFileName: 'wages.csv' };
		const { output } = await runNode({ parameters });
		const matchedFile = path.join(dir, 'm.csv');
		const unmatchedFile = path.join(dir, 'u.csv');
		await runJoin(DEMO_OPTIONS, { matched: new FileSink(matchedFile, 'csv'), unmatched: new FileSink(unmatchedFile, 'csv') });

		expect(output[0]).toHaveLength(1);
		expect(output[1]).toHaveLength(1);
		const [matched, unmatched] = [output[0][0], output[1][0]];
		expect(binaryText(matched.binary?.csv)).toBe(readFileSync(matchedFile, 'utf8'));
		expect(binaryText(unmatched.binary?.csv)).toBe(readFileSync(unmatchedFile, 'utf8'));
		expect(matched.binary?.csv).toMatchObject({ fileName: 'wages.csv', mimeType: 'text/csv' });
		expect(unmatched.binary?.csv).toMatchObject({ fileName: 'unmatched.csv', mimeType: 'text/csv' });
	});

	test('the file items carry the run summary and pair with every input item', async () => {
		const parameters = { ...smallTableParameters(dir), outputMode: 'file' };
		const { output } = await runNode({ parameters, items: QUERY_ITEMS });
		expect(output[0][0].json).toMatchObject({ rows: 2, summary: { matched: 2, unmatched: 4, queries: { rows: 6 } } });
		expect(output[1][0].json).toEqual({
			rows: 4,
			unmatchedByReason: { unknown_state: 1, no_related_title_above_threshold: 1, no_code_for_related_titles: 1, no_wage_rows_in_state: 1 },
		});
		expect(output[0][0].pairedItem).toEqual(QUERY_ITEMS.map((_, item) => ({ item })));
	});
});
