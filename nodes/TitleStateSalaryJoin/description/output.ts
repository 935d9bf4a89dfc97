import type { INodeProperties } from 'n8n-workflow';

const inFileMode = { show: { outputMode: ['file'] } };

/** How the two outputs (matched, unmatched) are handed to the next nodes. */
export const outputProperties: INodeProperties[] = [
	{
		displayName: 'Output Mode',
		name: 'outputMode',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Rows',
				value: 'rows',
				description: 'One item per row, paired with its query item. For up to a few thousand rows.',
			},
			{
				name: 'Batches',
				value: 'batches',
				description:
					'One item per batch: { batch, rows: [...] }. For steps that take arrays (e.g. enrichment) and for tens of thousands of rows.',
			},
			{
				name: 'CSV File',
				value: 'file',
				description:
					'One CSV file per output as binary data, plus a summary. Any size: memory stays bounded.',
			},
		],
		default: 'rows',
		description: 'How matched and unmatched rows leave the node',
		hint: 'Rows: each row is an item (keep it to a few thousand). Batches: one item per "Batch Size" rows. CSV File: any size.',
	},
	{
		displayName: 'Put Output File in Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		displayOptions: inFileMode,
		description: 'Name of the binary property that holds the CSV file on both outputs',
	},
	{
		displayName: 'Matched File Name',
		name: 'matchedFileName',
		type: 'string',
		default: 'matched.csv',
		displayOptions: inFileMode,
	},
	{
		displayName: 'Unmatched File Name',
		name: 'unmatchedFileName',
		type: 'string',
		default: 'unmatched.csv',
		displayOptions: inFileMode,
	},
];
