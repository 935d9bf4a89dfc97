import type { INodeExecutionData } from 'n8n-workflow';
import { MemorySink } from '../../src/engine';
import type { JoinInputs } from './materializeInputs';
import type { OutputEmitter } from './outputEmitter';

/** Output mode "rows": one item per row, paired with the query item it answers. */
export function emitRows(inputs: JoinInputs, batchSize: number): OutputEmitter {
	const matched: INodeExecutionData[] = [];
	const unmatched: INodeExecutionData[] = [];
	const into = (items: INodeExecutionData[]) =>
		new MemorySink(batchSize, (rows, _batch, ordinals) => {
			// One push per row: spreading a large batch into push() overflows the call stack.
			for (let i = 0; i < rows.length; i++) items.push({ json: rows[i], pairedItem: inputs.pairOf(ordinals[i]) });
		});
	return {
		sinks: { matched: into(matched), unmatched: into(unmatched) },
		finish: async () => [matched, unmatched],
	};
}
