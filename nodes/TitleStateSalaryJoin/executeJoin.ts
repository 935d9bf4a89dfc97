import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { runJoin } from '../../src/engine';
import { cancelSignal } from './cancellation';
import { emitBatches } from './emitBatches';
import { emitFile } from './emitFile';
import { emitRows } from './emitRows';
import { toNodeError, type TableOfFile } from './errors';
import { assertWritableFolder } from './fileAccess';
import { materializeInputs, type JoinInputs } from './materializeInputs';
import type { OutputEmitter } from './outputEmitter';
import { progressLog } from './progressLog';
import { readParameters, type JoinParameters } from './readParameters';
import { TempWorkspace } from './tempWorkspace';
import { toJoinOptions } from './toJoinOptions';

/**
 * One join per execution, whatever the number of input items: parameters → local input files →
 * engine → output items. Temp files are removed whatever happens; a cancelled execution stops
 * the engine's workers through the signal.
 */
export async function executeJoin(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const signal = cancelSignal(this);
	let workspace: TempWorkspace | undefined;
	let inputs: JoinInputs | undefined;
	try {
		const params = readParameters(this);
		if (params.indexCacheFolder !== undefined) assertWritableFolder(this, params.indexCacheFolder, 'Index Cache Folder');
		workspace = await TempWorkspace.create();
		inputs = await materializeInputs(this, params, items, workspace, signal);
		const emitter = chooseEmitter(this, params, inputs, workspace, signal);
		const summary = await runJoin(toJoinOptions(params, inputs, signal, progressLog(this)), emitter.sinks);
		this.logger.info(
			`${this.getNode().name}: ${summary.queries.rows} queries → ${summary.matched} matched, ${summary.unmatched} unmatched in ${summary.wallMs} ms`,
		);
		return await emitter.finish(summary);
	} catch (error) {
		const nodeError = toNodeError(this, error, workspace, tableOfFile(inputs));
		if (!signal?.aborted && this.continueOnFail()) {
			const item = typeof nodeError.context.itemIndex === 'number' ? nodeError.context.itemIndex : 0;
			return [[{ json: { error: nodeError.message }, pairedItem: { item } }], []];
		}
		throw nodeError;
	} finally {
		await workspace?.remove();
	}
}

function chooseEmitter(ctx: IExecuteFunctions, params: JoinParameters, inputs: JoinInputs, workspace: TempWorkspace, signal: AbortSignal | undefined): OutputEmitter {
	switch (params.output.mode) {
		case 'batches':
			return emitBatches(inputs, params.batchSize);
		case 'file':
			return emitFile(ctx, inputs, params.output, params.batchSize, workspace, signal);
		default:
			return emitRows(inputs, params.batchSize);
	}
}

function tableOfFile(inputs: JoinInputs | undefined): TableOfFile {
	return (file) => {
		if (!inputs) return undefined;
		for (const key of ['queries', 'related', 'codes', 'wages'] as const) {
			if (inputs[key].files.includes(file)) return key;
		}
		return undefined;
	};
}
