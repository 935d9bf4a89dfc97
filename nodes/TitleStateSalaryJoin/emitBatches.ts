import type { INodeExecutionData, IPairedItemData } from 'n8n-workflow';
import { MemorySink } from '../../src/engine';
import type { JoinInputs } from './materializeInputs';
import type { OutputEmitter } from './outputEmitter';

/** Output mode "batches": one item per batch, `{ batch, rows }`, paired with its rows' query items. */
export function emitBatches(inputs: JoinInputs, batchSize: number): OutputEmitter {
	const matched: INodeExecutionData[] = [];
	const unmatched: INodeExecutionData[] = [];
	const into = (items: INodeExecutionData[]) =>
		new MemorySink(batchSize, (rows, batch, ordinals) => {
			items.push({ json: { batch, rows }, pairedItem: pairsOf(inputs, ordinals) });
		});
	return {
		sinks: { matched: into(matched), unmatched: into(unmatched) },
		finish: async () => [matched, unmatched],
	};
}

/** The distinct input items behind a batch, in order. */
function pairsOf(inputs: JoinInputs, ordinals: number[]): IPairedItemData[] {
	const seen = new Set<number>();
	const pairs: IPairedItemData[] = [];
	for (const ordinal of ordinals) {
		const paired = inputs.pairOf(ordinal);
		for (const pair of Array.isArray(paired) ? paired : [paired]) {
			if (seen.has(pair.item)) continue;
			seen.add(pair.item);
			pairs.push(pair);
		}
	}
	return pairs;
}
