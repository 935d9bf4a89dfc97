import type { INodeProperties } from 'n8n-workflow';
import { sortedByName } from './sortedByName';
import { formatOptions } from './tableFormat';

const fromFileOrBinary = { show: { querySource: ['file', 'binary'] } };

/** Where the (title, location) pairs to look up come from. */
export const queryProperties: INodeProperties[] = [
	{
		displayName: 'Query Source',
		name: 'querySource',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Input Items',
				value: 'items',
				description: 'Each input item is one query; its title and location are read with expressions',
			},
			{
				name: 'File on Disk',
				value: 'file',
				description: 'A CSV/TSV file (or glob pattern) on the n8n host, for millions of queries',
			},
			{
				name: 'Binary File',
				value: 'binary',
				description: 'A CSV/TSV file in a binary property of the input items, e.g. from Read/Write Files',
			},
		],
		default: 'items',
		description: 'Where the job title and location pairs to look up come from',
	},
	{
		displayName: 'Title',
		name: 'titleField',
		type: 'string',
		default: '={{ $json.title }}',
		required: true,
		displayOptions: { show: { querySource: ['items'] } },
		description: 'Job title of each input item',
	},
	{
		displayName: 'Location',
		name: 'locationField',
		type: 'string',
		default: '={{ $json.location }}',
		required: true,
		displayOptions: { show: { querySource: ['items'] } },
		description:
			'Location of each input item: a state code or name ("CA", "California", "calif"), a FIPS code, or "City, ST"',
	},
	{
		displayName: 'Queries File Path',
		name: 'queryFilePath',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. /data/queries/*.csv',
		displayOptions: { show: { querySource: ['file'] } },
		description: 'Path or glob pattern on the n8n host; several files are read in sorted order as one table',
		hint: 'The node runs once for all input items; the tables are taken from the first item',
	},
	{
		displayName: 'Queries Binary Property',
		name: 'queryBinaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		placeholder: 'e.g. data',
		displayOptions: { show: { querySource: ['binary'] } },
		description: 'Name of the binary property holding the queries file',
		hint: 'The files of all input items form one queries table; the other tables are taken from the first item',
	},
	{
		displayName: 'Queries Columns & Format',
		name: 'queryFormat',
		type: 'collection',
		placeholder: 'Add Setting',
		default: {},
		displayOptions: fromFileOrBinary,
		options: sortedByName([
			{
				displayName: 'Location Column',
				name: 'locationColumn',
				type: 'string',
				default: 'location',
				description: 'Column holding the location. Leave this option out to use "location", else "state".',
			},
			{
				displayName: 'Title Column',
				name: 'titleColumn',
				type: 'string',
				default: 'title',
			},
			...formatOptions,
		]),
	},
];
