import type { INodeProperties } from 'n8n-workflow';
import { sortedByName } from './sortedByName';
import { formatOptions } from './tableFormat';

interface TableSpec {
	/** Parameter name prefix: related, codes, wages. */
	key: 'related' | 'codes' | 'wages';
	label: string;
	pathPlaceholder: string;
	description: string;
	columns: INodeProperties[];
}

function column(displayName: string, name: string, defaultName: string, description: string): INodeProperties {
	return { displayName, name, type: 'string', default: defaultName, description };
}

/** Source (path or binary), the path or property, and one collection for columns and format. */
function tableProperties(spec: TableSpec): INodeProperties[] {
	const { key } = spec;
	const source = `${key}Source`;
	return [
		{
			displayName: `${spec.label} Source`,
			name: source,
			type: 'options',
			noDataExpression: true,
			options: [
				{ name: 'File on Disk', value: 'path', description: 'Path or glob pattern on the n8n host' },
				{ name: 'Binary File', value: 'binary', description: 'A binary property of the first input item' },
			],
			default: 'path',
			description: spec.description,
		},
		{
			displayName: `${spec.label} File Path`,
			name: `${key}FilePath`,
			type: 'string',
			default: '',
			required: true,
			placeholder: spec.pathPlaceholder,
			displayOptions: { show: { [source]: ['path'] } },
			description: 'Path or glob pattern; several files are read in sorted order as one table',
		},
		{
			displayName: `${spec.label} Binary Property`,
			name: `${key}BinaryPropertyName`,
			type: 'string',
			default: key,
			required: true,
			displayOptions: { show: { [source]: ['binary'] } },
			description: 'Name of the binary property of the first input item that holds this table',
		},
		{
			displayName: `${spec.label} Columns & Format`,
			name: `${key}Format`,
			type: 'collection',
			placeholder: 'Add Setting',
			default: {},
			options: sortedByName([...spec.columns, ...formatOptions]),
		},
	];
}

export const relatedTableProperties = tableProperties({
	key: 'related',
	label: 'Related Titles',
	pathPlaceholder: 'e.g. /data/related_titles.csv',
	description: 'Table of title, related title and similarity score (e.g. from word2vec)',
	columns: [
		column('Title Column', 'titleColumn', 'title', 'Column holding the job title'),
		column('Related Title Column', 'relatedTitleColumn', 'related_title', 'Column holding the related title'),
		column('Score Column', 'scoreColumn', 'score', 'Column holding the similarity score'),
	],
});

export const codesTableProperties = tableProperties({
	key: 'codes',
	label: 'SOC Codes',
	pathPlaceholder: 'e.g. /data/soc_2018_direct_match_title_file.csv',
	description: 'Table mapping occupation titles to SOC codes (e.g. the BLS SOC direct match title file)',
	columns: [
		column('Code Column', 'codeColumn', 'code', 'Column holding the SOC code'),
		column('Title Column', 'titleColumn', 'title', 'Column holding the title that related titles are matched to'),
	],
});

export const wagesTableProperties = tableProperties({
	key: 'wages',
	label: 'OES Wages',
	pathPlaceholder: 'e.g. /data/oes/state_M2019_dl.csv',
	description: 'BLS OES/OEWS wage table with SOC codes, state areas and wage columns',
	columns: [
		column('Code Column', 'codeColumn', 'occ_code', 'Column holding the SOC code. Leave this option out to use "occ_code", else "code".'),
		column('Area Column', 'areaColumn', 'area_title', 'Column holding the state name. Leave this option out to use "area_title".'),
		column(
			'State Code Column',
			'stateCodeColumn',
			'st',
			'Column holding a 2-letter state code, used when there is no area column. Leave this option out to use "st", else "prim_state".',
		),
	],
});
