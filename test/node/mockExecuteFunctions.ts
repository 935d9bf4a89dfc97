import { promises as fs } from 'fs';
import * as path from 'path';
import { Readable } from 'stream';
import type { IBinaryData, IExecuteFunctions, INode, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { TitleStateSalaryJoin } from '../../nodes/TitleStateSalaryJoin/TitleStateSalaryJoin.node';

/** What a test can set; everything else behaves as a plain, permissive n8n. */
export interface MockSetup {
	/** Node parameters as a workflow stores them; unset ones take the description's defaults. */
	parameters: Record<string, unknown>;
	items?: INodeExecutionData[];
	continueOnFail?: boolean;
	signal?: AbortSignal;
	/** Folders nodes may read, as N8N_RESTRICT_FILE_ACCESS_TO would allow; none = no restriction. */
	allowedFolders?: string[];
	/** Binary data kept in the "filesystem" store, by id (items refer to it with binary.id). */
	binaryStore?: Record<string, Buffer>;
	/** Called for each log line (e.g. to cancel mid-run on the first progress message). */
	onLog?: (level: string, message: string) => void;
}

/** What the mock saw, for assertions. */
export interface MockRecord {
	logs: { level: string; message: string }[];
	/** 'stream:<id>' for getBinaryStream, 'buffer:<item>/<property>' for getBinaryDataBuffer. */
	binaryReads: string[];
	/** Paths given to isFilePathBlocked. */
	checkedPaths: string[];
}

const NODE: INode = {
	id: 'node-1',
	name: 'Title-State Salary Join',
	type: 'n8n-nodes-title-state-salary-join.titleStateSalaryJoin',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

/**
 * A small IExecuteFunctions: getNodeParameter resolves `={{ $json.field }}` per item as n8n would,
 * binary helpers read the items or the fake store, and the file-system helpers mirror n8n's rule
 * (realpath, then inside an allowed folder).
 */
export function mockExecuteFunctions(setup: MockSetup): { ctx: IExecuteFunctions; record: MockRecord } {
	const items: INodeExecutionData[] = setup.items ?? [{ json: {} }];
	const record: MockRecord = { logs: [], binaryReads: [], checkedPaths: [] };
	const defaults = defaultParameters(new TitleStateSalaryJoin().description.properties);
	const parameters: Record<string, unknown> = { ...defaults, ...setup.parameters };
	const log = (level: string) => (message: string) => {
		record.logs.push({ level, message });
		setup.onLog?.(level, message);
	};

	const ctx = {
		getInputData: () => items,
		getNode: () => NODE,
		continueOnFail: () => setup.continueOnFail ?? false,
		getExecutionCancelSignal: () => setup.signal,
		onExecutionCancellation: () => undefined,
		logger: { info: log('info'), debug: log('debug'), warn: log('warn'), error: log('error') },
		getNodeParameter(name: string, itemIndex: number, fallback?: unknown) {
			if (!(name in parameters)) {
				if (arguments.length >= 3) return fallback;
				throw new Error(`Could not get parameter "${name}"`);
			}
			return resolveExpression(parameters[name], items[itemIndex]);
		},
		helpers: {
			assertBinaryData(itemIndex: number, property: string): IBinaryData {
				const data = items[itemIndex]?.binary?.[property];
				if (!data) throw new Error(`This operation expects the node's input data to contain a binary file '${property}'`);
				return data;
			},
			async getBinaryStream(id: string): Promise<Readable> {
				record.binaryReads.push(`stream:${id}`);
				const data = setup.binaryStore?.[id];
				if (!data) throw new Error(`no binary data with id ${id}`);
				return Readable.from([data]);
			},
			async getBinaryDataBuffer(itemIndex: number, property: string): Promise<Buffer> {
				record.binaryReads.push(`buffer:${itemIndex}/${property}`);
				return Buffer.from(items[itemIndex].binary![property].data, 'base64');
			},
			async prepareBinaryData(data: Buffer | Readable, fileName?: string, mimeType?: string): Promise<IBinaryData> {
				const bytes = Buffer.isBuffer(data) ? data : Buffer.concat(await readAll(data));
				return { data: bytes.toString('base64'), fileName, mimeType: mimeType ?? 'application/octet-stream', fileSize: String(bytes.length) };
			},
			async resolvePath(file: string) {
				return await fs.realpath(file).catch(() => path.resolve(file));
			},
			isFilePathBlocked(file: string): boolean {
				record.checkedPaths.push(file);
				const allowed = setup.allowedFolders;
				if (!allowed) return false;
				return !allowed.some((folder) => file === folder || file.startsWith(folder.endsWith(path.sep) ? folder : folder + path.sep));
			},
		},
	};
	return { ctx: ctx as unknown as IExecuteFunctions, record };
}

/** Runs the node as n8n would: execute bound to the context. */
export async function runNode(setup: MockSetup): Promise<{ output: INodeExecutionData[][]; record: MockRecord }> {
	const { ctx, record } = mockExecuteFunctions(setup);
	const output = await new TitleStateSalaryJoin().execute.call(ctx);
	return { output, record };
}

/** A binary property held in memory (n8n's default mode in 1.x): base64 data, no id. */
export function inMemoryBinary(content: string | Buffer, fileName: string): IBinaryData {
	const bytes = Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8');
	return { data: bytes.toString('base64'), fileName, mimeType: 'text/csv', fileSize: String(bytes.length) };
}

/** A binary property kept in the binary data store (filesystem mode, n8n 2.x default): an id. */
export function storedBinary(id: string, fileName: string): IBinaryData {
	return { data: 'filesystem-v2', id, fileName, mimeType: 'text/csv' };
}

/** The bytes of an output binary property. */
export function binaryText(data: IBinaryData | undefined): string {
	return Buffer.from(data?.data ?? '', 'base64').toString('utf8');
}

function defaultParameters(properties: INodeProperties[]): Record<string, unknown> {
	return Object.fromEntries(properties.map((p) => [p.name, p.default]));
}

/** Only the expression form the node's defaults and these tests use: `={{ $json.field }}`. */
function resolveExpression(value: unknown, item: INodeExecutionData | undefined): unknown {
	if (typeof value !== 'string' || !value.startsWith('=')) return value;
	const match = /^=\{\{\s*\$json\.(\w+)\s*\}\}$/.exec(value);
	if (!match) throw new Error(`mock cannot evaluate expression ${value}`);
	return item?.json[match[1]];
}

async function readAll(stream: Readable): Promise<Buffer[]> {
	const chunks: Buffer[] = [];
	for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
	return chunks;
}
