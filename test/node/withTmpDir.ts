/** The os module object itself: `import * as os` would give a frozen copy that cannot be spied on. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const os = require('os') as typeof import('os');

/** Runs `fn` with os.tmpdir() answering `dir`, so a test can see what the node leaves there. */
export async function withTmpDir<T>(dir: string, fn: () => Promise<T>): Promise<T> {
	const spy = jest.spyOn(os, 'tmpdir').mockReturnValue(dir);
	try {
		return await fn();
	} finally {
		spy.mockRestore();
	}
}
