// Screenshot of the n8n editor showing a workflow, with headless Chromium driven over the DevTools
// protocol (Node >= 22: global WebSocket and fetch; no puppeteer). Expects `n8n start` on 127.0.0.1
// with the owner that cancel-check.js creates.
//
//   node test/n8n/screenshot.mjs <out.png> <workflowId>
//   env: N8N_PORT (5688), CDP_PORT (9233), CHROMIUM (chromium), TSSJ_E2E_EMAIL / TSSJ_E2E_PASSWORD
//
// The login happens inside the page with fetch(), because n8n binds its auth cookie to the
// browser-id header that the editor sends (from localStorage); a cookie obtained with curl is refused.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [out, workflowId] = process.argv.slice(2);
if (!out || !workflowId) {
	console.error('usage: node screenshot.mjs <out.png> <workflowId>');
	process.exit(2);
}
const base = `http://127.0.0.1:${process.env.N8N_PORT ?? 5688}`;
const cdpPort = Number(process.env.CDP_PORT ?? 9233);
const email = process.env.TSSJ_E2E_EMAIL ?? 'e2e@example.com';
const password = process.env.TSSJ_E2E_PASSWORD ?? 'E2e-password-1';
const WIDTH = 1600;
const HEIGHT = 900;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const profile = mkdtempSync(join(tmpdir(), 'tssj-chromium-'));
const chromium = spawn(
	process.env.CHROMIUM ?? 'chromium',
	[
		'--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run',
		'--disable-extensions', '--disable-background-networking', '--disable-component-update', '--disable-sync',
		'--remote-debugging-address=127.0.0.1', `--remote-debugging-port=${cdpPort}`,
		`--user-data-dir=${profile}`, `--window-size=${WIDTH},${HEIGHT}`, 'about:blank',
	],
	{ stdio: 'ignore' },
);

async function devtoolsPage() {
	for (let i = 0; i < 100; i++) {
		try {
			const targets = await (await fetch(`http://127.0.0.1:${cdpPort}/json/list`)).json();
			const page = targets.find((t) => t.type === 'page');
			if (page) return page;
		} catch {
			/* not up yet */
		}
		await sleep(200);
	}
	throw new Error('Chromium DevTools endpoint did not come up');
}

try {
	const page = await devtoolsPage();
	const ws = new WebSocket(page.webSocketDebuggerUrl);
	await new Promise((resolve, reject) => {
		ws.onopen = resolve;
		ws.onerror = reject;
	});
	let seq = 0;
	const pending = new Map();
	ws.onmessage = (message) => {
		const data = JSON.parse(message.data);
		if (data.id && pending.has(data.id)) {
			pending.get(data.id)(data);
			pending.delete(data.id);
		}
	};
	const send = (method, params = {}) =>
		new Promise((resolve) => {
			const id = ++seq;
			pending.set(id, resolve);
			ws.send(JSON.stringify({ id, method, params }));
		});
	const evaluate = async (expression) => (await send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true })).result?.result?.value;
	const waitFor = async (expression, ms) => {
		const until = Date.now() + ms;
		while (Date.now() < until) {
			if (await evaluate(expression)) return true;
			await sleep(250);
		}
		return false;
	};

	await send('Page.enable');
	await send('Emulation.setDeviceMetricsOverride', { width: WIDTH, height: HEIGHT, deviceScaleFactor: 1, mobile: false });
	await send('Page.navigate', { url: `${base}/signin` });
	await waitFor(`!!localStorage.getItem('n8n-browserId') || document.readyState === 'complete'`, 20000);
	await sleep(1000);
	const login = await evaluate(`fetch('/rest/login', { method: 'POST', headers: { 'content-type': 'application/json',
		'browser-id': localStorage.getItem('n8n-browserId') || '' }, body: JSON.stringify({ emailOrLdapLoginId: ${JSON.stringify(email)},
		email: ${JSON.stringify(email)}, password: ${JSON.stringify(password)} }) }).then((r) => r.status)`);
	if (login !== 200) throw new Error(`in-page login answered ${JSON.stringify(login)}`);

	await send('Page.navigate', { url: `${base}/workflow/${workflowId}` });
	// Nodes on the canvas (vue-flow in n8n 1.x/2.x, the older jsPlumb canvas as fallback).
	const shown = await waitFor(`document.querySelectorAll('.vue-flow__node, [data-test-id="canvas-node"]').length >= 3`, 30000);
	if (!shown) throw new Error('the workflow canvas did not show its nodes');
	await sleep(1500);
	// Close whatever popup n8n opens on a first visit.
	await evaluate(`document.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }))`);
	await sleep(500);
	const shot = await send('Page.captureScreenshot', { format: 'png' });
	writeFileSync(out, Buffer.from(shot.result.data, 'base64'));
	const nodes = await evaluate(`[...document.querySelectorAll('.vue-flow__node')].map((n) => n.innerText.replace(/\\s+/g, ' ').trim()).filter(Boolean)`);
	console.log(`saved ${out} (${WIDTH}x${HEIGHT}); title "${await evaluate('document.title')}"; nodes: ${JSON.stringify(nodes)}`);
	ws.close();
} finally {
	chromium.kill();
	await sleep(300);
	rmSync(profile, { recursive: true, force: true });
}
