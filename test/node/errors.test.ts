import { rmSync, writeFileSync } from 'fs';
import * as path from 'path';
import { QUERY_ITEMS, smallTableParameters, tempDir } from './fixtures';
import { runNode } from './mockExecuteFunctions';

let dir: string;
beforeEach(() => (dir = tempDir()));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('parameter validation', () => {
	test('a threshold that is not a number says what to enter', async () => {
		await expect(runNode({ parameters: { ...smallTableParameters(dir), threshold: 'high' }, items: QUERY_ITEMS })).rejects.toMatchObject({
			message: 'Score Threshold must be a number, got "high"',
			description: expect.stringContaining('a number such as 80'),
		});
	});

	test('a threshold given as numeric text from an expression is accepted', async () => {
		const { output } = await runNode({ parameters: { ...smallTableParameters(dir), threshold: '86' }, items: QUERY_ITEMS });
		expect(output[0].map((item) => item.json.n_codes)).toEqual([1, 1]);
	});

	test('a batch size below 1 is refused', async () => {
		const parameters = { ...smallTableParameters(dir), options: { batchSize: 0 } };
		await expect(runNode({ parameters, items: QUERY_ITEMS })).rejects.toMatchObject({ message: 'Batch Size must be a whole number ≥ 1, got 0' });
	});

	test('an empty file path names the field', async () => {
		const parameters = { ...smallTableParameters(dir), relatedFilePath: ' ' };
		await expect(runNode({ parameters, items: QUERY_ITEMS })).rejects.toMatchObject({ message: 'Related Titles File Path is empty' });
	});

	test('an empty wage column list is refused', async () => {
		const parameters = { ...smallTableParameters(dir), options: { wageColumns: ' , ' } };
		await expect(runNode({ parameters, items: QUERY_ITEMS })).rejects.toMatchObject({ message: 'Wage Columns is empty' });
	});
});

describe('input errors', () => {
	test('a column missing from a table names file, line and column, and the setting to change', async () => {
		const parameters = { ...smallTableParameters(dir), codesFormat: { codeColumn: 'soc_code' } };
		await expect(runNode({ parameters, items: QUERY_ITEMS })).rejects.toMatchObject({
			message: `${path.join(dir, 'codes.csv')}, line 1, column "soc_code": code column "soc_code" not found; columns are: code, title`,
			description: expect.stringContaining('"SOC Codes Columns & Format"'),
		});
	});

	test('invalid UTF-8 in a table read as UTF-8 names the byte and points to the Encoding setting', async () => {
		const tables = smallTableParameters(dir);
		const parameters = { ...tables, relatedFormat: { encoding: 'utf8' } };
		const related = tables['relatedFilePath'] as string;
		writeFileSync(related, Buffer.concat([Buffer.from('title,related_title,score\nAnalyst,Statis'), Buffer.from([0xe9]), Buffer.from('tician,85\n')]));
		await expect(runNode({ parameters, items: QUERY_ITEMS })).rejects.toMatchObject({
			message: expect.stringContaining(`${related}, line 2, column "related_title": related-titles table: byte 0xE9 is not valid UTF-8`),
			description: expect.stringContaining('Set "Encoding" under "Related Titles Columns & Format"'),
		});
	});
});

describe('continue on fail', () => {
	test('an error becomes an { error } item on the first output, paired with the failing item', async () => {
		const items = [{ json: { title: 'Analyst', location: 'TX' } }, { json: { title: ['x'], location: 'TX' } }];
		const { output } = await runNode({ parameters: smallTableParameters(dir), items, continueOnFail: true });
		expect(output).toEqual([[{ json: { error: 'Title of item 1 is not text' }, pairedItem: { item: 1 } }], []]);
	});

	test('an input error in a table becomes an { error } item too', async () => {
		const parameters = { ...smallTableParameters(dir), wagesFormat: { areaColumn: 'area', stateCodeColumn: 'st' } };
		const { output } = await runNode({ parameters, items: QUERY_ITEMS, continueOnFail: true });
		expect(output[0]).toEqual([{ json: { error: expect.stringContaining('area column "area" not found') }, pairedItem: { item: 0 } }]);
		expect(output[1]).toEqual([]);
	});
});
