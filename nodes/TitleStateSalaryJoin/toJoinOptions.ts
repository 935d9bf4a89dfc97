import type { ColumnNames, JoinOptions, Progress } from '../../src/engine';
import type { JoinInputs } from './materializeInputs';
import type { JoinParameters, TableFormat } from './readParameters';

/** The engine call for these parameters and materialized inputs. */
export function toJoinOptions(params: JoinParameters, inputs: JoinInputs, signal: AbortSignal | undefined, onProgress: (p: Progress) => void): JoinOptions {
	return {
		queries: inputs.queries,
		related: inputs.related,
		codes: inputs.codes,
		wages: inputs.wages,
		columns: columnNames(params),
		threshold: params.threshold,
		includeSelf: params.includeSelf,
		countEachCodeOnce: params.countEachCodeOnce,
		caseInsensitive: params.caseInsensitive,
		wageColumns: params.wageColumns,
		topCodeValue: params.topCodeValue,
		dedupePairs: params.dedupePairs,
		badRows: params.badRows,
		indexCache: params.indexCacheFolder === undefined ? undefined : { dir: params.indexCacheFolder },
		workers: params.workers > 0 ? params.workers : undefined,
		batchSize: params.batchSize,
		signal,
		onProgress,
	};
}

/** Column names set in the tables' collections; the engine's defaults fill the rest. */
function columnNames(params: JoinParameters): Partial<ColumnNames> {
	const query = params.query.source === 'items' ? {} : params.query.format;
	const { related, codes, wages } = params.tables;
	const columns: Partial<ColumnNames> = {
		queryTitle: name(query, 'titleColumn'),
		queryLocation: name(query, 'locationColumn'),
		relatedTitle: name(related.format, 'titleColumn'),
		relatedRelatedTitle: name(related.format, 'relatedTitleColumn'),
		relatedScore: name(related.format, 'scoreColumn'),
		codeCode: name(codes.format, 'codeColumn'),
		codeTitle: name(codes.format, 'titleColumn'),
		wageCode: name(wages.format, 'codeColumn'),
		wageArea: name(wages.format, 'areaColumn'),
		wageStateCode: name(wages.format, 'stateCodeColumn'),
	};
	return Object.fromEntries(Object.entries(columns).filter(([, value]) => value !== undefined));
}

function name(format: TableFormat, key: string): string | undefined {
	const value = format[key];
	return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}
