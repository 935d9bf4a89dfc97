import { once } from 'events';
import { createWriteStream } from 'fs';
import { Readable } from 'stream';
import { pipeline } from 'stream/promises';
import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData, type IPairedItemData } from 'n8n-workflow';
import type { TableSource } from '../../src/engine';
import { resolveReadableFiles } from './fileAccess';
import { TABLE_LABELS, type JoinParameters, type TableFormat, type TableKey } from './readParameters';
import type { TempWorkspace } from './tempWorkspace';

/** The four tables as files the engine can read, and how output rows pair with input items. */
export interface JoinInputs {
	queries: TableSource;
	related: TableSource;
	codes: TableSource;
	wages: TableSource;
	/** The input items behind a row at this 0-based position of the queries table. */
	pairOf(ordinal: number): IPairedItemData | IPairedItemData[];
	/** The input items behind the run as a whole (summary and file items). */
	allItems: IPairedItemData[];
}

/**
 * Turns the node's inputs into local files: query items into a temp CSV, binary properties into
 * temp copies (streamed), paths into checked, resolved file lists. Nothing is held in memory.
 */
export async function materializeInputs(
	ctx: IExecuteFunctions,
	params: JoinParameters,
	items: INodeExecutionData[],
	workspace: TempWorkspace,
	signal: AbortSignal | undefined,
): Promise<JoinInputs> {
	const tables = {} as Record<TableKey, TableSource>;
	for (const key of ['related', 'codes', 'wages'] as const) {
		const table = params.tables[key];
		const label = TABLE_LABELS[key];
		const files =
			table.source === 'path'
				? await resolveReadableFiles(ctx, table.path, `${label} File Path`)
				: [await copyBinary(ctx, items, 0, table.property, `${label} Binary Property`, workspace, key, signal)];
		tables[key] = withFormat(files, table.format);
	}

	const query = params.query;
	const everyItem = items.map((_, item) => ({ item }));
	if (query.source === 'items') {
		const file = workspace.file('queries.csv');
		await writeQueryItems(ctx, items.length, file, signal);
		return { ...tables, queries: { files: [file], delimiter: ',', encoding: 'utf8', headerRow: 1 }, pairOf: (item) => ({ item }), allItems: everyItem };
	}
	if (query.source === 'file') {
		const files = await resolveReadableFiles(ctx, query.path, 'Queries File Path');
		return { ...tables, queries: withFormat(files, query.format), pairOf: () => ({ item: 0 }), allItems: [{ item: 0 }] };
	}
	const files: string[] = [];
	for (let i = 0; i < items.length; i++) {
		files.push(await copyBinary(ctx, items, i, query.property, 'Queries Binary Property', workspace, `queries-${String(i).padStart(9, '0')}`, signal));
	}
	const pair = everyItem.length === 1 ? everyItem[0] : everyItem;
	return { ...tables, queries: withFormat(files, query.format), pairOf: () => pair, allItems: everyItem };
}

function withFormat(files: string[], format: TableFormat): TableSource {
	const sheet = typeof format.sheet === 'string' && format.sheet.trim() !== '' ? format.sheet.trim() : undefined;
	return { files, delimiter: format.delimiter, encoding: format.encoding, headerRow: format.headerRow, sheet };
}

/**
 * Writes each item's title and location (the node's expressions, evaluated per item) as one
 * quoted CSV record, so record i is item i and output rows pair back by position.
 */
async function writeQueryItems(ctx: IExecuteFunctions, count: number, file: string, signal: AbortSignal | undefined): Promise<void> {
	const out = createWriteStream(file);
	try {
		out.write('title,location\n');
		for (let i = 0; i < count; i++) {
			if (signal?.aborted) break;
			const title = itemText(ctx, i, 'titleField', 'Title');
			const location = itemText(ctx, i, 'locationField', 'Location');
			if (!out.write(`${quote(title)},${quote(location)}\n`)) await once(out, 'drain');
		}
		out.end();
		await once(out, 'finish');
	} finally {
		out.destroy();
	}
}

function quote(text: string): string {
	return `"${text.replace(/"/g, '""')}"`;
}

function itemText(ctx: IExecuteFunctions, itemIndex: number, name: string, field: string): string {
	const value = ctx.getNodeParameter(name, itemIndex, '');
	if (value === null || value === undefined) return '';
	if (typeof value === 'object') {
		throw new NodeOperationError(ctx.getNode(), `${field} of item ${itemIndex} is not text`, {
			itemIndex,
			description: `"${field}" evaluated to ${Array.isArray(value) ? 'a list' : 'an object'}; use an expression that returns text, e.g. {{ $json.job.${name === 'titleField' ? 'title' : 'location'} }}`,
		});
	}
	return String(value);
}

/**
 * Streams one binary property into a temp file: from n8n's binary store when the data has an id
 * (filesystem / S3 mode, the default in n8n 2.x), else from the item's in-memory buffer.
 */
async function copyBinary(
	ctx: IExecuteFunctions,
	items: INodeExecutionData[],
	itemIndex: number,
	property: string,
	field: string,
	workspace: TempWorkspace,
	name: string,
	signal: AbortSignal | undefined,
): Promise<string> {
	const present = items[itemIndex]?.binary ?? {};
	if (!present[property]) {
		const names = Object.keys(present);
		throw new NodeOperationError(ctx.getNode(), `Input item ${itemIndex} has no binary property "${property}"`, {
			itemIndex,
			description: names.length
				? `Set "${field}" to one of the item's binary properties: ${names.join(', ')}`
				: `The item carries no binary data. Read the file first (e.g. with Read/Write Files from Disk) or choose "File on Disk" and give its path.`,
		});
	}
	const binary = ctx.helpers.assertBinaryData(itemIndex, property);
	const file = workspace.file(name, `binary property "${property}" of item ${itemIndex}${binary.fileName ? ` (${binary.fileName})` : ''}`);
	const source = binary.id
		? await ctx.helpers.getBinaryStream(binary.id)
		: Readable.from([await ctx.helpers.getBinaryDataBuffer(itemIndex, property)]);
	await pipeline(source, createWriteStream(file), { signal });
	return file;
}
