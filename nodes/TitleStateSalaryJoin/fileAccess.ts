import * as path from 'path';
import { NodeOperationError, type IExecuteFunctions, type ResolvedFilePath } from 'n8n-workflow';
import { InputError, resolveFiles } from '../../src/engine';

/**
 * Expands a path or glob pattern on the n8n host into files this node may read, with the same
 * rule as the Read/Write Files node: each file is resolved (symlinks followed) and checked with
 * n8n's own `isFilePathBlocked` (N8N_RESTRICT_FILE_ACCESS_TO, n8n's folders, blocked patterns).
 * Returns the resolved paths, so the engine reads exactly the files that were checked.
 */
export async function resolveReadableFiles(ctx: IExecuteFunctions, pattern: string, field: string): Promise<string[]> {
	let files: string[];
	try {
		files = await resolveFiles([pattern], `"${field}"`);
	} catch (error) {
		if (!(error instanceof InputError)) throw error;
		throw new NodeOperationError(ctx.getNode(), `No file found for "${field}": ${pattern}`, {
			itemIndex: 0,
			description: `${error.message}. Check "${field}": an absolute path on the n8n host, or a glob pattern such as /data/oes/*.csv (forward slashes, also on Windows).`,
		});
	}
	const readable: string[] = [];
	for (const file of files) {
		const resolved = await resolvePath(ctx, file);
		if (isBlocked(ctx, resolved)) {
			const allowed = allowedPaths();
			throw new NodeOperationError(ctx.getNode(), `Access to the file is not allowed.${allowed ? ` Allowed paths: ${allowed}` : ''}`, {
				itemIndex: 0,
				level: 'warning',
				description: `"${field}" matches ${file}, which this n8n instance does not let nodes read. Move the file into a folder listed in N8N_RESTRICT_FILE_ACCESS_TO (and outside n8n's own folders), or ask the instance owner to allow its folder.`,
			});
		}
		readable.push(resolved);
	}
	return readable;
}

/**
 * A folder the node will write to (the index cache): refused under the same rule as files. It
 * may not exist yet, so it is checked as an absolute path rather than resolved.
 */
export function assertWritableFolder(ctx: IExecuteFunctions, folder: string, field: string): void {
	if (!isBlocked(ctx, path.resolve(folder) as ResolvedFilePath)) return;
	const allowed = allowedPaths();
	throw new NodeOperationError(ctx.getNode(), `Access to the folder is not allowed.${allowed ? ` Allowed paths: ${allowed}` : ''}`, {
		itemIndex: 0,
		level: 'warning',
		description: `"${field}" is ${folder}, which this n8n instance does not let nodes write. Choose a folder listed in N8N_RESTRICT_FILE_ACCESS_TO (and outside n8n's own folders).`,
	});
}

/** n8n ≥ 1.9x resolves (realpath) before checking; older versions check the path as given. */
async function resolvePath(ctx: IExecuteFunctions, file: string): Promise<ResolvedFilePath> {
	const helpers = ctx.helpers as Partial<IExecuteFunctions['helpers']>;
	return typeof helpers.resolvePath === 'function' ? await helpers.resolvePath(file) : (file as ResolvedFilePath);
}

/** n8n versions without the helper have no file-access restriction to honour. */
function isBlocked(ctx: IExecuteFunctions, file: ResolvedFilePath): boolean {
	const helpers = ctx.helpers as Partial<IExecuteFunctions['helpers']>;
	return typeof helpers.isFilePathBlocked === 'function' ? helpers.isFilePathBlocked(file) : false;
}

/** For the message only, as n8n words it; the decision is n8n's own helper's. */
function allowedPaths(): string {
	return (process.env.N8N_RESTRICT_FILE_ACCESS_TO ?? '')
		.split(';')
		.map((p) => p.trim())
		.filter(Boolean)
		.join(', ');
}
