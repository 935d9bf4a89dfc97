import type { INodeProperties } from 'n8n-workflow';

/** Dialect settings every table shares; leaving them out lets the engine sniff them. */
export const formatOptions: INodeProperties[] = [
	{
		displayName: 'Delimiter',
		name: 'delimiter',
		type: 'options',
		options: [
			{ name: 'Comma (,)', value: 'comma' },
			{ name: 'Pipe (|)', value: 'pipe' },
			{ name: 'Semicolon (;)', value: 'semicolon' },
			{ name: 'Tab', value: 'tab' },
		],
		default: 'comma',
		description: 'Field delimiter. Leave this option out to detect it from the first lines.',
	},
	{
		displayName: 'Encoding',
		name: 'encoding',
		type: 'options',
		options: [
			{ name: 'Auto (BOM, Else UTF-8)', value: 'auto' },
			{ name: 'Latin-1 (ISO-8859-1)', value: 'latin1' },
			{ name: 'Mac Roman', value: 'macintosh' },
			{ name: 'UTF-16 LE', value: 'utf16le' },
			{ name: 'UTF-8', value: 'utf8' },
			{ name: 'Windows-1252', value: 'windows-1252' },
		],
		default: 'auto',
		description: 'Text encoding of the file. Older BLS and Excel exports are often Windows-1252 or Mac Roman.',
	},
	{
		displayName: 'Header Row',
		name: 'headerRow',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 1,
		description:
			'Line number of the header row (1 = first line; Excel row for .xlsx); lines above it are skipped. Leave this option out to detect it, e.g. after notes at the top of a BLS file.',
	},
	{
		displayName: 'Sheet (.xlsx Only)',
		name: 'sheet',
		type: 'string',
		default: '',
		placeholder: 'national_M2019_dl',
		description: 'Sheet of an Excel workbook to read: its name or its 1-based position. Empty: the first sheet.',
	},
];
