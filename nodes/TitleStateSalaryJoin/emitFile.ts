import { createReadStream } from 'fs';
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { FileSink } from '../../src/engine';
import type { JoinInputs } from './materializeInputs';
import type { OutputEmitter } from './outputEmitter';
import type { OutputParameters } from './readParameters';
import type { TempWorkspace } from './tempWorkspace';

const CSV = 'text/csv';

/**
 * Output mode "file": the engine writes CSV files in the temp workspace (memory stays bounded),
 * which become one binary item per output, with the run's summary as its JSON. A cancellation
 * while n8n takes the files in stops the copy (and so the temp files go at once).
 */
export function emitFile(
	ctx: IExecuteFunctions,
	inputs: JoinInputs,
	output: OutputParameters,
	batchSize: number,
	workspace: TempWorkspace,
	signal?: AbortSignal,
): OutputEmitter {
	const matchedPath = workspace.file('matched.csv');
	const unmatchedPath = workspace.file('unmatched.csv');
	return {
		sinks: { matched: new FileSink(matchedPath, 'csv', true, batchSize), unmatched: new FileSink(unmatchedPath, 'csv', true, batchSize) },
		finish: async (summary) => {
			const fileItem = async (file: string, fileName: string, json: INodeExecutionData['json']): Promise<INodeExecutionData> => ({
				json,
				binary: { [output.binaryPropertyName]: await ctx.helpers.prepareBinaryData(createReadStream(file, { signal }), fileName, CSV) },
				pairedItem: inputs.allItems,
			});
			return [
				[await fileItem(matchedPath, output.matchedFileName, { rows: summary.matched, summary: summary as unknown as IDataObject })],
				[await fileItem(unmatchedPath, output.unmatchedFileName, { rows: summary.unmatched, unmatchedByReason: summary.unmatchedByReason })],
			];
		},
	};
}
