import { NodeOperationError, type ExecutionBaseError, type IExecuteFunctions } from 'n8n-workflow';
import { CancelledError, InputError } from '../../src/engine';
import { TABLE_LABELS, type TableKey } from './readParameters';
import type { TempWorkspace } from './tempWorkspace';

export type TableOfFile = (file: string) => TableKey | 'queries' | undefined;

/**
 * Any failure of a run as an n8n error a workflow author can act on: n8n's own errors (a bad
 * expression, a missing binary property) as they are; the engine's InputError with its file, line
 * and column (temp copies named by their binary property) and a description saying which setting
 * to change.
 */
export function toNodeError(ctx: IExecuteFunctions, error: unknown, workspace: TempWorkspace | undefined, tableOf: TableOfFile): ExecutionBaseError {
	if (isN8nError(error)) return error;
	const node = ctx.getNode();
	// By name: an AbortError may come from another realm than this one's Error (a DOMException, a stream's).
	if (error instanceof CancelledError || (typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'AbortError')) {
		return new NodeOperationError(node, 'The join was cancelled', {
			itemIndex: 0,
			description: 'The execution was stopped before the join finished; its worker threads were stopped and no rows were output.',
		});
	}
	if (error instanceof InputError) {
		const message = workspace ? workspace.describe(error.message) : error.message;
		const table = error.location ? tableOf(error.location.file) : undefined;
		return new NodeOperationError(node, message, { itemIndex: 0, description: advice(error, table) });
	}
	const plain = error instanceof Error ? error : new Error(String(error));
	return new NodeOperationError(node, workspace ? workspace.describe(plain.message) : plain.message, { itemIndex: 0 });
}

/** By name: n8n's helpers may throw from another copy of n8n-workflow than the one we import. */
function isN8nError(error: unknown): error is ExecutionBaseError {
	return error instanceof NodeOperationError || (error instanceof Error && ['NodeOperationError', 'NodeApiError', 'ExpressionError'].includes(error.name));
}

function advice(error: InputError, table: TableKey | 'queries' | undefined): string {
	const message = error.message;
	if (!table) return "Check the node's parameters.";
	const settings = `"${TABLE_LABELS[table]} Columns & Format"`;
	if (/column .* not found|is ambiguous/.test(message)) {
		return `Set the column names under ${settings} to the file's column names (and its "Header Row" if the names are not on the first line).`;
	}
	if (/header row/.test(message)) return `Set "Header Row" under ${settings} to the line that holds the column names.`;
	if (/not valid UTF-8/.test(message)) return `Set "Encoding" under ${settings} to the file's encoding (e.g. Windows-1252), or save the file as UTF-8.`;
	if (/Excel|binary file|decompress/.test(message)) return `Give the table as CSV or TSV text (save the sheet as CSV), or set "Encoding" under ${settings}.`;
	if (/delimiter/.test(message)) return `Choose the "Delimiter" under ${settings}.`;
	return `Fix the file at the place named, or change ${settings} (delimiter, encoding, header row, column names) to match it.`;
}
