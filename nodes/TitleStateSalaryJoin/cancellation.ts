import type { IExecuteFunctions } from 'n8n-workflow';

/**
 * The execution's cancel signal, for the engine to stop its workers with: n8n does not stop a
 * running node itself. Older n8n versions offer only a cancellation callback, or neither.
 */
export function cancelSignal(ctx: IExecuteFunctions): AbortSignal | undefined {
	const context = ctx as Partial<Pick<IExecuteFunctions, 'getExecutionCancelSignal' | 'onExecutionCancellation'>>;
	const signal = context.getExecutionCancelSignal?.();
	if (signal) return signal;
	if (typeof context.onExecutionCancellation !== 'function') return undefined;
	const controller = new AbortController();
	context.onExecutionCancellation(() => controller.abort());
	return controller.signal;
}
