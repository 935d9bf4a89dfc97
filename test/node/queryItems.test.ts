import { rmSync } from 'fs';
import { smallTableParameters, tempDir } from './fixtures';
import { runNode } from './mockExecuteFunctions';

let dir: string;
beforeEach(() => (dir = tempDir()));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('Title and Location are evaluated for each item, so any field names work', async () => {
	const items = [{ json: { job: 'Analyst', where: 'TX' } }, { json: { job: 'Analyst', where: 'Ohio' } }];
	const parameters = { ...smallTableParameters(dir), titleField: '={{ $json.job }}', locationField: '={{ $json.where }}' };
	const { output } = await runNode({ parameters, items });
	expect(output[0].map((item) => [item.json.location, item.json.a_median, item.pairedItem])).toEqual([
		['TX', 80000, { item: 0 }],
		['Ohio', 60000, { item: 1 }],
	]);
});

test('quotes, commas and line breaks in titles and locations do not shift the pairing', async () => {
	const items = [
		{ json: { title: 'Chef "de partie",\nnight', location: 'Austin, TX' } },
		{ json: { title: 'Analyst', location: 'Austin, TX' } },
	];
	const { output } = await runNode({ parameters: smallTableParameters(dir), items });
	expect(output[1]).toEqual([
		{ json: { title: 'Chef "de partie",\nnight', location: 'Austin, TX', state: 'Texas', reason: 'no_related_title_above_threshold' }, pairedItem: { item: 0 } },
	]);
	expect(output[0].map((item) => item.pairedItem)).toEqual([{ item: 1 }]);
});

test('an item without a title or location is reported unmatched, not dropped', async () => {
	const items = [{ json: { title: 'Analyst' } }, { json: { location: 'TX' } }];
	const { output } = await runNode({ parameters: smallTableParameters(dir), items });
	expect(output[0]).toEqual([]);
	expect(output[1].map((item) => [item.pairedItem, item.json.reason])).toEqual([
		[{ item: 0 }, 'unknown_state'],
		[{ item: 1 }, 'no_related_title_above_threshold'],
	]);
});

test('a title that evaluates to an object is refused with the item it came from', async () => {
	const items = [{ json: { title: 'Analyst', location: 'TX' } }, { json: { title: { name: 'Analyst' }, location: 'TX' } }];
	await expect(runNode({ parameters: smallTableParameters(dir), items })).rejects.toMatchObject({
		message: 'Title of item 1 is not text',
		context: { itemIndex: 1 },
	});
});

test('duplicate queries give duplicate rows, or one row per pair with Deduplicate Pairs', async () => {
	const items = [{ json: { title: 'Analyst', location: 'TX' } }, { json: { title: 'Analyst', location: 'TX' } }];
	const keep = await runNode({ parameters: smallTableParameters(dir), items });
	const dedupe = await runNode({ parameters: { ...smallTableParameters(dir), options: { wageColumns: 'a_median', dedupePairs: true } }, items });
	expect(keep.output[0].map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	expect(dedupe.output[0].map((item) => item.pairedItem)).toEqual([{ item: 0 }]);
});
