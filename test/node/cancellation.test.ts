import { readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import * as path from 'path';
import { DEMO_DATA, DEMO_PARAMETERS, tempDir } from './fixtures';
import { TitleStateSalaryJoin } from '../../nodes/TitleStateSalaryJoin/TitleStateSalaryJoin.node';
import { mockExecuteFunctions, runNode } from './mockExecuteFunctions';
import { withTmpDir } from './withTmpDir';

/** Handles a worker pool keeps open; none may survive a cancelled run. */
const workerHandles = () => process.getActiveResourcesInfo().filter((r) => r === 'MessagePort' || r === 'Worker');

/**
 * The worker handles left once terminated workers have had time to exit. The engine terminates
 * its workers on abort but does not wait for their exit (a second pool.destroy() returns at once),
 * so they go a few tens of ms after the node returns; a pool that was not destroyed keeps its
 * minimum threads forever.
 */
async function workerHandlesAfterExit(): Promise<string[]> {
	for (let waited = 0; waited < 2000 && workerHandles().length > 0; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
	return workerHandles();
}
const workspacesIn = (tmp: string) => readdirSync(tmp).filter((name) => name.startsWith('n8n-salary-join-'));

let dir: string;
let bigQueries: string;
beforeAll(() => {
	dir = tempDir();
	// ~25 MB: several 4 MiB ranges, so the workers are still busy when the run is cancelled.
	const [header, ...rows] = readFileSync(path.join(DEMO_DATA, 'queries.csv'), 'utf8').trimEnd().split('\n');
	const body = rows.join('\n') + '\n';
	bigQueries = path.join(dir, 'queries.csv');
	writeFileSync(bigQueries, header + '\n' + body.repeat(27));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('cancelling mid-run stops the node, its worker threads and removes its temp files', async () => {
	const controller = new AbortController();
	const tmp = tempDir();
	let duringRun: { handles: string[]; workspaces: string[] } | undefined;
	const onLog = (_level: string, message: string) => {
		if (duringRun || !message.includes('queries')) return;
		duringRun = { handles: workerHandles(), workspaces: workspacesIn(tmp) };
		controller.abort();
	};
	const run = withTmpDir(tmp, () => runNode({ parameters: { ...DEMO_PARAMETERS, queryFilePath: bigQueries }, signal: controller.signal, onLog }));
	await expect(run).rejects.toMatchObject({ message: 'The join was cancelled' });
	expect(duringRun?.handles.length).toBeGreaterThan(0);
	expect(duringRun?.workspaces).toHaveLength(1);
	expect(await workerHandlesAfterExit()).toEqual([]);
	expect(workspacesIn(tmp)).toEqual([]);
	rmSync(tmp, { recursive: true });
});

test('cancelled as the join ends, before or while n8n takes in the output files: no output, the temp files go', async () => {
	const controller = new AbortController();
	const tmp = tempDir();
	let copying = false;
	// The summary log line comes after the join, before the output files are handed to n8n.
	const onLog = (_level: string, message: string) => {
		if (message.includes(' matched, ')) {
			copying = true;
			controller.abort();
		}
	};
	const parameters = { ...DEMO_PARAMETERS, queryFilePath: bigQueries, outputMode: 'file' };
	const run = withTmpDir(tmp, () => runNode({ parameters, signal: controller.signal, onLog }));
	await expect(run).rejects.toMatchObject({ message: 'The join was cancelled' });
	expect(copying).toBe(true);
	expect(workspacesIn(tmp)).toEqual([]);
	rmSync(tmp, { recursive: true });
});

test('an execution cancelled before the node starts runs no join', async () => {
	const controller = new AbortController();
	controller.abort();
	const { ctx, record } = mockExecuteFunctions({ parameters: DEMO_PARAMETERS, signal: controller.signal });
	const run = new TitleStateSalaryJoin().execute.call(ctx);
	await expect(run).rejects.toMatchObject({ message: 'The join was cancelled' });
	expect(workerHandles()).toEqual([]);
	expect(record.logs.some((log) => log.message.includes('queries'))).toBe(false);
});

test('Continue On Fail does not turn a cancellation into an output item', async () => {
	const controller = new AbortController();
	controller.abort();
	await expect(runNode({ parameters: DEMO_PARAMETERS, signal: controller.signal, continueOnFail: true })).rejects.toMatchObject({
		message: 'The join was cancelled',
	});
});
