import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import type { INodeExecutionData } from 'n8n-workflow';
import type { JoinOptions } from '../../src/engine';

export const DEMO_DATA = path.resolve(__dirname, '..', '..', 'examples', 'data');

/** A fresh temp folder for one test. */
export function tempDir(): string {
	return mkdtempSync(path.join(tmpdir(), 'node-test-'));
}

export const RELATED_CSV = 'title,related_title,score\nAnalyst,Data Analyst,90\nAnalyst,Statistician,85\nChef,Cook,80\nBaker,Pastry Cook,95\n';
export const CODES_CSV = 'code,title\n15-2041,Statistician\n15-2051,Data Analyst\n35-2014,Cook\n';
export const WAGES_CSV = 'occ_code,area_title,a_median\n15-2041,Texas,"90,000"\n15-2051,Texas,70000\n15-2051,Ohio,60000\n35-2014,California,30000\n';

/** Six queries, one per outcome: two matches and each unmatched reason. */
export const QUERY_ITEMS: INodeExecutionData[] = [
	{ json: { title: 'Analyst', location: 'Austin, TX' } },
	{ json: { title: 'Analyst', location: 'Remote' } },
	{ json: { title: 'Chef', location: 'CA' } },
	{ json: { title: 'Analyst', location: 'OH' } },
	{ json: { title: 'Baker', location: 'TX' } },
	{ json: { title: 'Analyst', location: 'Nevada' } },
];
export const QUERIES_CSV = 'title,location\n' + QUERY_ITEMS.map(({ json }) => `${String(json.title)},"${String(json.location)}"`).join('\n') + '\n';

/** The small tables written to `dir`, as node parameters (file sources, one wage column). */
export function smallTableParameters(dir: string): Record<string, unknown> {
	const write = (name: string, text: string) => {
		const file = path.join(dir, name);
		writeFileSync(file, text);
		return file;
	};
	return {
		relatedFilePath: write('related.csv', RELATED_CSV),
		codesFilePath: write('codes.csv', CODES_CSV),
		wagesFilePath: write('wages.csv', WAGES_CSV),
		options: { wageColumns: 'a_median', workers: 1 },
	};
}

/** The demo's real public data (examples/data/SOURCE.md) as node parameters, queries from the file. */
export const DEMO_PARAMETERS: Record<string, unknown> = {
	querySource: 'file',
	queryFilePath: path.join(DEMO_DATA, 'queries.csv'),
	relatedFilePath: path.join(DEMO_DATA, 'related.csv'),
	codesFilePath: path.join(DEMO_DATA, 'codes.csv'),
	codesFormat: { encoding: 'macintosh', headerRow: 1, codeColumn: '2010 SOC Code', titleColumn: '2010 SOC Direct Match Title' },
	wagesFilePath: path.join(DEMO_DATA, 'wages.csv'),
	options: { wageColumns: 'tot_emp,hr_mean,avg_mean', workers: 2 },
};

/** The same join as engine options, to compare the node with the engine itself. */
export const DEMO_OPTIONS: JoinOptions = {
	queries: { files: [path.join(DEMO_DATA, 'queries.csv')] },
	related: { files: [path.join(DEMO_DATA, 'related.csv')] },
	codes: { files: [path.join(DEMO_DATA, 'codes.csv')], headerRow: 1, encoding: 'macintosh' },
	wages: { files: [path.join(DEMO_DATA, 'wages.csv')] },
	columns: { codeCode: '2010 SOC Code', codeTitle: '2010 SOC Direct Match Title' },
	wageColumns: ['tot_emp', 'hr_mean', 'avg_mean'],
	workers: 2,
};
