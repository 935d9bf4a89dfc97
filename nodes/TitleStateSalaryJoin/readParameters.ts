import { NodeOperationError, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';
import { DEFAULT_BATCH_SIZE, DEFAULT_THRESHOLD, DEFAULT_WAGE_COLUMNS } from '../../src/engine';

export type TableKey = 'related' | 'codes' | 'wages';
export type OutputMode = 'rows' | 'batches' | 'file';

/** Delimiter, encoding, header row and column names of one table, as set in its collection. */
export type TableFormat = IDataObject & {
	delimiter?: string;
	encoding?: string;
	headerRow?: number;
	sheet?: string;
};

export type TableSourceParameters =
	| { source: 'path'; path: string; format: TableFormat }
	| { source: 'binary'; property: string; format: TableFormat };

export type QueryParameters =
	| { source: 'items' }
	| { source: 'file'; path: string; format: TableFormat }
	| { source: 'binary'; property: string; format: TableFormat };

export interface OutputParameters {
	mode: OutputMode;
	binaryPropertyName: string;
	matchedFileName: string;
	unmatchedFileName: string;
}

export interface JoinParameters {
	query: QueryParameters;
	tables: Record<TableKey, TableSourceParameters>;
	threshold: number;
	output: OutputParameters;
	includeSelf: boolean;
	countEachCodeOnce: boolean;
	caseInsensitive: boolean;
	dedupePairs: boolean;
	wageColumns: string[];
	topCodeValue: number | undefined;
	badRows: 'fail' | 'skip';
	/** Folder for the engine's index cache; undefined = no cache. */
	indexCacheFolder: string | undefined;
	/** 0 = one per CPU core. */
	workers: number;
	batchSize: number;
}

/** Human names of the tables, as the form labels them. */
export const TABLE_LABELS: Record<TableKey | 'queries', string> = {
	queries: 'Queries',
	related: 'Related Titles',
	codes: 'SOC Codes',
	wages: 'OES Wages',
};

/**
 * Reads and checks every parameter except the per-item title and location: one join per run,
 * so these come from the first item. Throws NodeOperationError naming the field to change.
 */
export function readParameters(ctx: IExecuteFunctions): JoinParameters {
	const options = ctx.getNodeParameter('options', 0, {}) as IDataObject;
	return {
		query: readQuery(ctx),
		tables: { related: readTable(ctx, 'related'), codes: readTable(ctx, 'codes'), wages: readTable(ctx, 'wages') },
		threshold: readThreshold(ctx),
		output: readOutput(ctx),
		includeSelf: options.includeSelf === true,
		countEachCodeOnce: options.countEachCodeOnce === true,
		caseInsensitive: options.caseInsensitive === true,
		dedupePairs: options.dedupePairs === true,
		wageColumns: readWageColumns(ctx, options.wageColumns),
		topCodeValue: options.topCodeValue === undefined ? undefined : readNumber(ctx, options.topCodeValue, 'Top-Coded Wage Value', 'a number such as 208000'),
		badRows: options.badRows === 'skip' ? 'skip' : 'fail',
		indexCacheFolder: typeof options.indexCacheFolder === 'string' && options.indexCacheFolder.trim() !== '' ? options.indexCacheFolder.trim() : undefined,
		workers: readCount(ctx, options.workers ?? 0, 'Workers', 0),
		batchSize: readCount(ctx, options.batchSize ?? DEFAULT_BATCH_SIZE, 'Batch Size', 1),
	};
}

function readQuery(ctx: IExecuteFunctions): QueryParameters {
	const source = ctx.getNodeParameter('querySource', 0) as QueryParameters['source'];
	if (source === 'items') return { source };
	const format = ctx.getNodeParameter('queryFormat', 0, {}) as TableFormat;
	if (source === 'file') return { source, path: requiredText(ctx, 'queryFilePath', 'Queries File Path'), format };
	return { source, property: requiredText(ctx, 'queryBinaryPropertyName', 'Queries Binary Property'), format };
}

function readTable(ctx: IExecuteFunctions, key: TableKey): TableSourceParameters {
	const label = TABLE_LABELS[key];
	const source = ctx.getNodeParameter(`${key}Source`, 0) as TableSourceParameters['source'];
	const format = ctx.getNodeParameter(`${key}Format`, 0, {}) as TableFormat;
	if (source === 'binary') return { source, property: requiredText(ctx, `${key}BinaryPropertyName`, `${label} Binary Property`), format };
	return { source: 'path', path: requiredText(ctx, `${key}FilePath`, `${label} File Path`), format };
}

function readThreshold(ctx: IExecuteFunctions): number {
	return readNumber(ctx, ctx.getNodeParameter('threshold', 0, DEFAULT_THRESHOLD), 'Score Threshold', 'a number such as 80; related titles count when their score is strictly greater');
}

function readOutput(ctx: IExecuteFunctions): OutputParameters {
	const mode = ctx.getNodeParameter('outputMode', 0, 'rows') as OutputMode;
	if (mode !== 'file') return { mode, binaryPropertyName: 'data', matchedFileName: 'matched.csv', unmatchedFileName: 'unmatched.csv' };
	return {
		mode,
		binaryPropertyName: requiredText(ctx, 'binaryPropertyName', 'Put Output File in Field'),
		matchedFileName: text(ctx.getNodeParameter('matchedFileName', 0, '')) || 'matched.csv',
		unmatchedFileName: text(ctx.getNodeParameter('unmatchedFileName', 0, '')) || 'unmatched.csv',
	};
}

function readWageColumns(ctx: IExecuteFunctions, value: unknown): string[] {
	if (value === undefined) return DEFAULT_WAGE_COLUMNS;
	const columns = text(value)
		.split(',')
		.map((c) => c.trim())
		.filter(Boolean);
	if (columns.length === 0) {
		throw invalid(ctx, 'Wage Columns is empty', 'Enter comma-separated wage column names, e.g. "tot_emp,a_mean,a_median", or remove the option to use the default seven');
	}
	return columns;
}

function readNumber(ctx: IExecuteFunctions, value: unknown, field: string, expected: string): number {
	const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	if (typeof n !== 'number' || !Number.isFinite(n)) {
		throw invalid(ctx, `${field} must be a number, got ${JSON.stringify(value) ?? String(value)}`, `Set "${field}" to ${expected}`);
	}
	return n;
}

function readCount(ctx: IExecuteFunctions, value: unknown, field: string, min: number): number {
	const n = readNumber(ctx, value, field, `a whole number ≥ ${min}`);
	if (!Number.isInteger(n) || n < min) {
		throw invalid(ctx, `${field} must be a whole number ≥ ${min}, got ${n}`, `Set "${field}" to a whole number ≥ ${min}`);
	}
	return n;
}

function requiredText(ctx: IExecuteFunctions, name: string, field: string): string {
	const value = text(ctx.getNodeParameter(name, 0, ''));
	if (value === '') throw invalid(ctx, `${field} is empty`, `Enter a value for "${field}"`);
	return value;
}

function text(value: unknown): string {
	return typeof value === 'string' ? value.trim() : value === undefined || value === null ? '' : String(value).trim();
}

function invalid(ctx: IExecuteFunctions, message: string, description: string): NodeOperationError {
	return new NodeOperationError(ctx.getNode(), message, { itemIndex: 0, description });
}
