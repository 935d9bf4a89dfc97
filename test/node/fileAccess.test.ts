import { mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'fs';
import * as path from 'path';
import { QUERY_ITEMS, smallTableParameters, tempDir } from './fixtures';
import { runNode } from './mockExecuteFunctions';

let dir: string;
let allowed: string;
beforeEach(() => {
	dir = tempDir();
	allowed = path.join(dir, 'allowed');
	mkdirSync(allowed);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('a table outside the allowed folders is refused as the Read/Write Files node does', async () => {
	const parameters = smallTableParameters(dir);
	await expect(runNode({ parameters, items: QUERY_ITEMS, allowedFolders: [allowed] })).rejects.toMatchObject({
		message: 'Access to the file is not allowed.',
		description: expect.stringContaining('N8N_RESTRICT_FILE_ACCESS_TO'),
	});
});

test('the message lists the allowed paths from N8N_RESTRICT_FILE_ACCESS_TO', async () => {
	process.env.N8N_RESTRICT_FILE_ACCESS_TO = `${allowed}; /srv/data`;
	try {
		await expect(runNode({ parameters: smallTableParameters(dir), items: QUERY_ITEMS, allowedFolders: [allowed] })).rejects.toMatchObject({
			message: `Access to the file is not allowed. Allowed paths: ${allowed}, /srv/data`,
		});
	} finally {
		delete process.env.N8N_RESTRICT_FILE_ACCESS_TO;
	}
});

test('tables inside the allowed folders are read, each resolved file checked', async () => {
	const parameters = smallTableParameters(allowed);
	const { output, record } = await runNode({ parameters, items: QUERY_ITEMS, allowedFolders: [allowed] });
	expect(output[0]).toHaveLength(2);
	expect(record.checkedPaths.sort()).toEqual(['codes.csv', 'related.csv', 'wages.csv'].map((f) => path.join(allowed, f)));
});

test('every file a glob matches is checked after resolving links: one outside file refuses the pattern', async () => {
	mkdirSync(path.join(allowed, 'wages'));
	writeFileSync(path.join(allowed, 'wages', 'a.csv'), 'occ_code,area_title,a_median\n15-2051,Texas,1\n');
	writeFileSync(path.join(dir, 'outside.csv'), 'occ_code,area_title,a_median\n15-2051,Texas,2\n');
	symlinkSync(path.join(dir, 'outside.csv'), path.join(allowed, 'wages', 'b.csv'));
	const parameters = { ...smallTableParameters(allowed), wagesFilePath: path.join(allowed, 'wages', '*.csv') };
	await expect(runNode({ parameters, items: QUERY_ITEMS, allowedFolders: [allowed] })).rejects.toMatchObject({
		message: 'Access to the file is not allowed.',
		description: expect.stringContaining(path.join(allowed, 'wages', 'b.csv')),
	});
});

test('a pattern that matches no file says which field to check', async () => {
	const parameters = { ...smallTableParameters(dir), codesFilePath: path.join(dir, 'missing', '*.csv') };
	await expect(runNode({ parameters, items: QUERY_ITEMS })).rejects.toMatchObject({
		message: `No file found for "SOC Codes File Path": ${path.join(dir, 'missing', '*.csv')}`,
		description: expect.stringContaining('Check "SOC Codes File Path"'),
	});
});

test('an index cache folder outside the allowed folders is refused before any work', async () => {
	const base = smallTableParameters(allowed);
	const parameters = { ...base, options: { ...(base.options as object), indexCacheFolder: path.join(dir, 'cache') } };
	await expect(runNode({ parameters, items: QUERY_ITEMS, allowedFolders: [allowed] })).rejects.toMatchObject({
		message: 'Access to the folder is not allowed.',
	});
});

test('an allowed index cache folder is used: the second run loads the index', async () => {
	const base = smallTableParameters(allowed);
	const parameters = { ...base, options: { ...(base.options as object), indexCacheFolder: path.join(allowed, 'cache') } };
	const first = await runNode({ parameters, items: QUERY_ITEMS, allowedFolders: [allowed] });
	const second = await runNode({ parameters, items: QUERY_ITEMS, allowedFolders: [allowed] });
	expect(second.output).toEqual(first.output);
	expect(readdirSync(path.join(allowed, 'cache')).filter((f) => f.endsWith('.sjindex'))).toHaveLength(1);
});
