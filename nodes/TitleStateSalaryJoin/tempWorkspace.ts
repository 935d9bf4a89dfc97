import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * A private folder in the OS temp dir for the run's copies of binary inputs, the queries written
 * from items and the output files. Always removed at the end, whatever happened. Remembers what
 * each file stands for, so an error in a copied file names its source instead of a temp path.
 */
export class TempWorkspace {
	private readonly labels = new Map<string, string>();

	private constructor(readonly dir: string) {}

	static async create(): Promise<TempWorkspace> {
		return new TempWorkspace(await fs.mkdtemp(path.join(os.tmpdir(), 'n8n-salary-join-')));
	}

	/** A new file path in the workspace, described by `label` in error messages. */
	file(name: string, label?: string): string {
		const file = path.join(this.dir, name);
		if (label) this.labels.set(file, label);
		return file;
	}

	/** Replaces temp paths in a message by what they stand for. */
	describe(message: string): string {
		let result = message;
		for (const [file, label] of this.labels) result = result.split(file).join(label);
		return result;
	}

	labelOf(file: string): string | undefined {
		return this.labels.get(file);
	}

	async remove(): Promise<void> {
		await fs.rm(this.dir, { recursive: true, force: true });
	}
}
