import type { INodeExecutionData } from 'n8n-workflow';
import type { JoinSinks, JoinSummary } from '../../src/engine';

/** Where the engine writes both outputs, and how they become the node's two item lists. */
export interface OutputEmitter {
	sinks: JoinSinks;
	finish(summary: JoinSummary): Promise<INodeExecutionData[][]>;
}
