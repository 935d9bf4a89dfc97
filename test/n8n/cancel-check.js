'use strict';
// Cancellation check against a running `n8n start` (loopback). Why serve mode: `n8n execute` exits
// when the execution ends, so it cannot show whether worker threads outlive a cancelled execution;
// a server keeps running, and its threads are visible in /proc/<pid>/task.
//
//   1. wait for /rest/settings, create the owner, log in (cookie + browser-id, as the editor does);
//   2. thread baseline: GET /webhook/tssj-warmup runs a short join with 2 workers to completion
//      (responds when the last node finishes), so everything n8n starts lazily is running; then
//      count threads;
//   3. GET /webhook/tssj-long starts the long join (millions of generated queries, 2 workers) whose
//      workflow has settings.executionTimeout; every 20 ms, record each thread born since the request
//      (TID, name, CPU ticks from /proc/<pid>/task/<tid>/stat) and poll the execution list until n8n
//      marks the execution finished. The join's worker threads = new threads that burned CPU;
//   4. assert: n8n reports the execution cancelled by the timeout (status canceled); the worker
//      threads end within 2 s of that; the thread count is back to the baseline within 15 s and stays
//      there (n8n rotates an idle thread of its own some 6-8 s after any webhook execution, successful
//      or not, so the count alone cannot be asked to drop in 2 s); the server still runs; the node's
//      temp folder is gone.
// Usage: node cancel-check.js --label L --pid <n8n pid> --base http://127.0.0.1:PORT --results F
//          --timeout <executionTimeout s> --log <server log> --big-rows N
const fs = require('fs');
const os = require('os');
const path = require('path');
const { reporter } = require('./lib');

const argv = process.argv.slice(2);
const arg = (name) => {
	const i = argv.indexOf(`--${name}`);
	return i >= 0 ? argv[i + 1] : undefined;
};
const r = reporter(arg('results'), arg('label'), 'cancellation');
const pid = Number(arg('pid'));
const base = arg('base');
const timeoutS = Number(arg('timeout'));
const BACK_WITHIN_MS = 2000;
const ALL_BACK_WITHIN_MS = 15000;
const BUSY_TICKS = 10; // 0.1 s of CPU (at 100 ticks/s): a worker thread that was joining
const OWNER = { email: 'e2e@example.com', firstName: 'E2E', lastName: 'Owner', password: 'E2e-password-1' };
const BROWSER_ID = 'tssj-e2e-browser';
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const alive = () => fs.existsSync(`/proc/${pid}`);
const threads = () => fs.readdirSync(`/proc/${pid}/task`);
const threadNames = () => {
	const counts = {};
	for (const tid of threads()) {
		let name = '?';
		try {
			name = fs.readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
		} catch {
			/* thread ended meanwhile */
		}
		counts[name] = (counts[name] || 0) + 1;
	}
	return counts;
};
/** CPU ticks (utime + stime) of one thread, or undefined once it is gone. */
const cpuTicks = (tid) => {
	try {
		const stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		return Number(fields[11]) + Number(fields[12]);
	} catch {
		return undefined;
	}
};
const commOf = (tid) => {
	try {
		return fs.readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
	} catch {
		return '?';
	}
};
const tempFolders = () => fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith('n8n-salary-join-'));

let cookie = '';
async function rest(method, url, body) {
	const response = await fetch(base + url, {
		method,
		headers: { 'content-type': 'application/json', 'browser-id': BROWSER_ID, ...(cookie ? { cookie } : {}) },
		body: body ? JSON.stringify(body) : undefined,
	});
	const auth = (response.headers.getSetCookie ? response.headers.getSetCookie() : []).find((c) => c.startsWith('n8n-auth='));
	if (auth) cookie = auth.split(';')[0];
	let json;
	try {
		json = await response.json();
	} catch {
		json = undefined;
	}
	return { status: response.status, json };
}

async function waitUntilUp() {
	const t0 = Date.now();
	while (Date.now() - t0 < 180_000) {
		if (!alive()) throw new Error(`n8n (pid ${pid}) exited during start; see ${arg('log')}`);
		try {
			if ((await fetch(`${base}/rest/settings`)).status === 200) return Date.now() - t0;
		} catch {
			/* not listening yet */
		}
		await sleep(250);
	}
	throw new Error(`n8n did not answer /rest/settings within 180 s; see ${arg('log')}`);
}

/** The newest execution of a workflow, from the same list the editor's Executions tab shows. */
async function latestExecution(workflowId) {
	const filter = encodeURIComponent(JSON.stringify({ workflowId }));
	const { status, json } = await rest('GET', `/rest/executions?filter=${filter}&limit=5`);
	if (status !== 200) throw new Error(`GET /rest/executions answered ${status}`);
	const data = json && json.data;
	const results = (data && (data.results || data)) || [];
	return results.sort((a, b) => Number(b.id) - Number(a.id))[0];
}

async function main() {
	const upMs = await waitUntilUp();
	r.pass('n8n start answered /rest/settings', `${upMs} ms, pid ${pid}, ${base}`);
	// /rest/settings can answer before every REST route is mounted (404 for a moment): retry.
	let login;
	const loginUntil = Date.now() + 30_000;
	do {
		await rest('POST', '/rest/owner/setup', OWNER); // 200 on a fresh database, 400 once an owner exists
		login = await rest('POST', '/rest/login', { emailOrLdapLoginId: OWNER.email, email: OWNER.email, password: OWNER.password });
		if (login.status === 200 && cookie) break;
		await sleep(500);
	} while (Date.now() < loginUntil);
	if (!r.check(login.status === 200 && cookie, 'owner created and logged in', `login HTTP ${login.status}`)) return;

	const types = await rest('GET', '/types/nodes.json');
	const ours = (Array.isArray(types.json) ? types.json : []).filter((t) => /titleStateSalaryJoin$/.test(t.name));
	r.check(
		ours.length === 1 && JSON.stringify(ours[0].outputNames) === '["matched","unmatched"]',
		'server lists the node type with outputs matched / unmatched',
		`types.json: HTTP ${types.status}, ours: ${JSON.stringify(ours.map((t) => ({ name: t.name, outputNames: t.outputNames })))}`,
	);

	await sleep(1500);
	const idle = threads().length;
	const warm = await fetch(`${base}/webhook/tssj-warmup`);
	const warmBody = await warm.text();
	const warmOk = warm.status === 200;
	r.check(warmOk, 'warm-up join through the production webhook succeeded', `HTTP ${warm.status}: ${warmBody.slice(0, 300)}`);
	if (!warmOk) return;
	await sleep(1500);
	const baselineTids = new Set(threads());
	const baseline = baselineTids.size;
	console.log(`   threads: idle ${idle}, after warm-up ${baseline} ${JSON.stringify(threadNames())}`);
	const foldersBefore = new Set(tempFolders());

	// Long join, cut by the execution timeout. Every thread that appears after the request is
	// tracked by TID with its CPU time: the join's workers are the new threads that burn CPU.
	const fired = Date.now();
	const start = await fetch(`${base}/webhook/tssj-long`);
	await start.text();
	if (!r.check(start.status === 200, 'long join started through the webhook', `HTTP ${start.status}`)) return;
	const born = new Map(); // tid -> { name, ticks }
	const track = () => {
		for (const tid of threads()) {
			if (baselineTids.has(tid)) continue;
			const ticks = cpuTicks(tid);
			if (ticks === undefined) continue;
			const seen = born.get(tid) || { name: commOf(tid), ticks: 0 };
			seen.ticks = Math.max(seen.ticks, ticks);
			born.set(tid, seen);
		}
	};
	let peak = 0;
	let execution;
	let lastPoll = 0;
	while (Date.now() - fired < (timeoutS + 90) * 1000) {
		track();
		peak = Math.max(peak, threads().length);
		if (Date.now() - lastPoll > 200) {
			lastPoll = Date.now();
			const e = await latestExecution('tssjCancelLongJoin');
			if (e && !['running', 'new', 'waiting'].includes(e.status) && e.stoppedAt) {
				execution = e;
				break;
			}
		}
		await sleep(20);
	}
	const cancelledSeen = Date.now();
	if (!r.check(execution, `n8n finished the long execution within ${timeoutS + 90} s`, 'still running')) return;
	const ranMs = new Date(execution.stoppedAt) - new Date(execution.startedAt);
	const workers = [...born].filter(([, t]) => t.ticks >= BUSY_TICKS).map(([tid]) => tid);
	const describe = (tids) => tids.map((tid) => `${tid} "${born.get(tid).name}" ${born.get(tid).ticks} ticks`).join(', ');
	console.log(
		`   execution ${execution.id}: status ${execution.status}, ran ${ranMs} ms, seen ${cancelledSeen - fired} ms after the request; ` +
			`thread peak ${peak}; new threads: ${describe([...born.keys()])}`,
	);
	const details = await rest('GET', `/rest/executions/${execution.id}`);
	const detailText = JSON.stringify(details.json || '').slice(0, 200000);
	const timeoutMentioned = /timed out|timeout/i.test(detailText);
	r.check(
		execution.status === 'canceled' || (execution.status === 'error' && timeoutMentioned),
		`n8n reports the execution cancelled by its ${timeoutS} s timeout (status "${execution.status}"${timeoutMentioned ? ', timeout in its error' : ''}, stopped after ${ranMs} ms)`,
		`status ${execution.status}; details: ${detailText.slice(0, 400)}`,
	);
	r.check(
		workers.length >= 2,
		`the join's worker threads ran: ${workers.length} new busy threads (≥ ${BUSY_TICKS} CPU ticks each) before the cancellation`,
		`new threads: ${describe([...born.keys()]) || 'none'}; the check would prove nothing`,
	);

	// A. The join's worker threads are gone within BACK_WITHIN_MS of n8n reporting the cancellation.
	let workersGoneMs;
	while (Date.now() - cancelledSeen < BACK_WITHIN_MS + 5000) {
		const alivePids = new Set(threads());
		if (workers.every((tid) => !alivePids.has(tid))) {
			workersGoneMs = Date.now() - cancelledSeen;
			break;
		}
		await sleep(20);
	}
	r.check(
		workersGoneMs !== undefined && workersGoneMs <= BACK_WITHIN_MS,
		`the join's worker threads ended ${workersGoneMs} ms after n8n reported the cancellation (limit ${BACK_WITHIN_MS} ms; ` +
			`${cancelledSeen + (workersGoneMs ?? 0) - Date.parse(execution.stoppedAt)} ms after the execution's stoppedAt)`,
		`still there: ${workers.filter((tid) => threads().includes(tid)).map((tid) => `${tid} (${cpuTicks(tid)} ticks)`).join(', ')}` +
			(workersGoneMs === undefined ? '' : `; gone after ${workersGoneMs} ms`),
	);

	// B. The thread count returns to the baseline (nothing of the join stays behind, e.g. idle
	//    workers respawned by a pool). Not instantly: n8n keeps one idle thread of its own per
	//    execution and replaces it some 6-8 s later (seen with successful webhook runs too).
	let backMs;
	while (Date.now() - cancelledSeen < ALL_BACK_WITHIN_MS) {
		if (threads().length <= baseline) {
			backMs = Date.now() - cancelledSeen;
			break;
		}
		await sleep(100);
	}
	const leftThreads = [...born.keys()].filter((tid) => threads().includes(tid));
	r.check(
		backMs !== undefined,
		`thread count back to the baseline ${baseline} ${backMs} ms after the cancellation (limit ${ALL_BACK_WITHIN_MS} ms)` +
			(leftThreads.length ? `; n8n's own idle thread(s) born meanwhile: ${describe(leftThreads)}` : ''),
		`threads ${threads().length} vs baseline ${baseline}; born during the execution and still there: ${describe(leftThreads)}`,
	);
	let after = 0;
	const watchUntil = Date.now() + 2000;
	while (Date.now() < watchUntil) {
		after = Math.max(after, threads().length);
		await sleep(50);
	}
	r.check(after <= baseline, 'and it stays there (2 s)', `max ${after} vs baseline ${baseline}: ${JSON.stringify(threadNames())}`);
	r.check(alive(), 'n8n still runs after the cancellation', 'the server process is gone');
	const leftover = tempFolders().filter((f) => !foldersBefore.has(f));
	r.check(leftover.length === 0, 'the node removed its temp folder after the cancellation', `left: ${leftover.map((f) => path.join(os.tmpdir(), f)).join(', ')}`);
}

main()
	.catch((error) => r.fail('cancellation check ran', error.stack))
	.finally(() => process.exit(r.failed ? 1 : 0));
