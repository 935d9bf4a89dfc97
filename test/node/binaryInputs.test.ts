import { readdirSync, rmSync } from 'fs';
import { CODES_CSV, QUERIES_CSV, QUERY_ITEMS, RELATED_CSV, WAGES_CSV, smallTableParameters, tempDir } from './fixtures';
import { inMemoryBinary, runNode, storedBinary } from './mockExecuteFunctions';
import { withTmpDir } from './withTmpDir';

let dir: string;
beforeEach(() => (dir = tempDir()));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The node's temp workspaces, in a temp dir of this test's own. */
function workspacesIn(tmp: string): string[] {
	return readdirSync(tmp).filter((name) => name.startsWith('n8n-salary-join-'));
}

const binaryTables = { relatedSource: 'binary', codesSource: 'binary', wagesSource: 'binary', options: { wageColumns: 'a_median', workers: 1 } };

test('binary data with an id is streamed from the binary store (filesystem mode)', async () => {
	const items = QUERY_ITEMS.map((item, i) =>
		i === 0 ? { ...item, binary: { related: storedBinary('r1', 'related.csv'), codes: storedBinary('c1', 'codes.csv'), wages: storedBinary('w1', 'wages.csv') } } : item,
	);
	const binaryStore = { r1: Buffer.from(RELATED_CSV), c1: Buffer.from(CODES_CSV), w1: Buffer.from(WAGES_CSV) };
	const { output, record } = await runNode({ parameters: binaryTables, items, binaryStore });
	expect(record.binaryReads).toEqual(['stream:r1', 'stream:c1', 'stream:w1']);
	expect(output[0].map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 3 }]);
});

test('binary data without an id is read from the item\'s in-memory buffer', async () => {
	const items = QUERY_ITEMS.map((item, i) =>
		i === 0 ? { ...item, binary: { related: inMemoryBinary(RELATED_CSV, 'r.csv'), codes: inMemoryBinary(CODES_CSV, 'c.csv'), wages: inMemoryBinary(WAGES_CSV, 'w.csv') } } : item,
	);
	const { output, record } = await runNode({ parameters: binaryTables, items });
	expect(record.binaryReads).toEqual(['buffer:0/related', 'buffer:0/codes', 'buffer:0/wages']);
	expect(output[0].map((item) => item.json.a_median)).toEqual([80000, 60000]);
});

test('a binary queries file is joined like a queries file on disk', async () => {
	const items = [{ json: {}, binary: { data: inMemoryBinary(QUERIES_CSV, 'queries.csv') } }];
	const { output } = await runNode({ parameters: { ...smallTableParameters(dir), querySource: 'binary' }, items });
	expect(output[0].map((item) => [item.json.location, item.pairedItem])).toEqual([
		['Austin, TX', { item: 0 }],
		['OH', { item: 0 }],
	]);
	expect(output[1]).toHaveLength(4);
});

test('the binary queries files of several items form one table, in item order', async () => {
	const items = [
		{ json: {}, binary: { data: inMemoryBinary('title,location\nAnalyst,OH\n', 'a.csv') } },
		{ json: {}, binary: { data: inMemoryBinary('title,location\nAnalyst,TX\n', 'b.csv') } },
	];
	const { output } = await runNode({ parameters: { ...smallTableParameters(dir), querySource: 'binary' }, items });
	expect(output[0].map((item) => [item.json.state, item.pairedItem])).toEqual([
		['Ohio', [{ item: 0 }, { item: 1 }]],
		['Texas', [{ item: 0 }, { item: 1 }]],
	]);
});

test('a missing binary property is named, with the properties the item has', async () => {
	const items = [{ json: {}, binary: { data: inMemoryBinary(RELATED_CSV, 'related.csv') } }];
	const parameters = { ...smallTableParameters(dir), relatedSource: 'binary' };
	await expect(runNode({ parameters, items })).rejects.toMatchObject({
		message: 'Input item 0 has no binary property "related"',
		description: 'Set "Related Titles Binary Property" to one of the item\'s binary properties: data',
	});
});

test('an error in a binary table names its binary property, not the temp copy, and the temp copies are removed', async () => {
	const items = [{ json: { title: 'Analyst', location: 'TX' }, binary: { related: inMemoryBinary('title,other,score\nAnalyst,Data Analyst,90\n', 'related.csv') } }];
	const parameters = { ...smallTableParameters(dir), relatedSource: 'binary' };
	const tmp = tempDir();
	const error = await withTmpDir(tmp, () => runNode({ parameters, items }).catch((e: Error) => e));
	expect(error).toMatchObject({
		message: expect.stringMatching(/^binary property "related" of item 0 \(related\.csv\), line 1, column "related_title": related title column "related_title" not found/),
		description: expect.stringContaining('"Related Titles Columns & Format"'),
	});
	expect(workspacesIn(tmp)).toEqual([]);
	rmSync(tmp, { recursive: true });
});
