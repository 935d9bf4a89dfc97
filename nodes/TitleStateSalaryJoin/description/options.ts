import type { INodeProperties } from 'n8n-workflow';

/** The engine's defaults, repeated here so the form shows them. */
export const DEFAULT_WAGE_COLUMNS_TEXT = 'tot_emp,a_mean,a_pct10,a_pct25,a_median,a_pct75,a_pct90';

export const thresholdProperty: INodeProperties = {
	displayName: 'Score Threshold',
	name: 'threshold',
	type: 'number',
	typeOptions: { numberPrecision: 2 },
	default: 80,
	required: true,
	description: 'Related titles count when their score is strictly greater than this value',
};

export const optionsProperty: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: [
		{
			displayName: 'Bad Rows',
			name: 'badRows',
			type: 'options',
			options: [
				{ name: 'Fail', value: 'fail', description: 'Stop at the first bad row, naming its file, line and column' },
				{ name: 'Skip and Report', value: 'skip', description: 'Skip bad rows; the summary counts them and lists the first ones with their lines' },
			],
			default: 'fail',
			description: 'What a row with too few fields, or a related row whose score is not a number, does',
		},
		{
			displayName: 'Batch Size',
			name: 'batchSize',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 10000,
			description: 'Rows per output item in Batches mode; rows written at a time in the other modes',
		},
		{
			displayName: 'Case-Insensitive Titles',
			name: 'caseInsensitive',
			type: 'boolean',
			default: false,
			description: 'Whether to match titles ignoring upper and lower case (titles are always trimmed)',
		},
		{
			displayName: 'Count Each Occupation Once',
			name: 'countEachCodeOnce',
			type: 'boolean',
			default: false,
			description:
				'Whether a SOC code reached through several related titles counts once. Off: once per path, as a pandas merge does.',
		},
		{
			displayName: 'Deduplicate Pairs',
			name: 'dedupePairs',
			type: 'boolean',
			default: false,
			description: 'Whether to output one row per distinct title and location, instead of one per query',
		},
		{
			displayName: 'Include Query Title Itself',
			name: 'includeSelf',
			type: 'boolean',
			default: false,
			description: 'Whether the query title counts as related to itself, as if scored above the threshold',
		},
		{
			displayName: 'Index Cache Folder',
			name: 'indexCacheFolder',
			type: 'string',
			default: '',
			placeholder: '/data/salary-join-index',
			description:
				'Folder on the n8n host where the built index (related titles above the threshold, their codes, the wage rows they reach) is kept and reused while the three tables and the options that shape it are unchanged. Scheduled runs with a new query batch then skip reading the large tables. Empty: build every run.',
		},
		{
			displayName: 'Top-Coded Wage Value',
			name: 'topCodeValue',
			type: 'number',
			default: 208000,
			description:
				'Value used for "#" wage cells (at or above the top code). Leave this option out to treat them as missing.',
		},
		{
			displayName: 'Wage Columns',
			name: 'wageColumns',
			type: 'string',
			default: DEFAULT_WAGE_COLUMNS_TEXT,
			description: 'Comma-separated wage columns whose medians are reported',
		},
		{
			displayName: 'Workers',
			name: 'workers',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 0,
			description: 'Worker threads for the queries table; 0 = one per CPU core',
		},
	],
};
