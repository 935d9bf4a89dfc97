'use strict';
// Turns examples/workflows/*.json into the workflows the e2e imports:
//   * every string "__DATA_DIR__" / "__OUTPUT_DIR__" in a node (not in sticky notes) becomes the run's temp data / output folder
//     (the examples ship with these placeholders; a user replaces them by hand, see the folder's README);
//   * two webhook-triggered workflows for the cancellation check in serve mode, built from the
//     "CSV file" example's join node: a short warm-up join, and a long join (big generated queries
//     file, 2 workers) cut by settings.executionTimeout.
// Usage: node prepare-workflows.js <examplesDir> <dataDir> <outputDir> <targetDir> <timeoutSeconds>
const fs = require('fs');
const path = require('path');

const [examplesDir, dataDir, outputDir, targetDir, timeoutText] = process.argv.slice(2);
const JOIN_TYPE = 'n8n-nodes-title-state-salary-join.titleStateSalaryJoin';

function resolvePlaceholders(value) {
	if (typeof value === 'string') return value.split('__DATA_DIR__').join(dataDir).split('__OUTPUT_DIR__').join(outputDir);
	if (Array.isArray(value)) return value.map(resolvePlaceholders);
	if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolvePlaceholders(v)]));
	return value;
}

fs.mkdirSync(targetDir, { recursive: true });
const written = [];
for (const name of fs.readdirSync(examplesDir).filter((f) => f.endsWith('.json')).sort()) {
	const workflow = JSON.parse(fs.readFileSync(path.join(examplesDir, name), 'utf8'));
	// Sticky notes keep their text: they explain the placeholders to the user.
	workflow.nodes = workflow.nodes.map((node) => (node.type === 'n8n-nodes-base.stickyNote' ? node : resolvePlaceholders(node)));
	const left = JSON.stringify(workflow.nodes.filter((n) => n.type !== 'n8n-nodes-base.stickyNote')).match(/__[A-Z_]+_DIR__/);
	if (left) throw new Error(`${name}: placeholder ${left[0]} is not known to prepare-workflows.js`);
	fs.writeFileSync(path.join(targetDir, name), JSON.stringify(workflow, null, 2));
	written.push(name);
}

// Cancellation workflows: Webhook → join (CSV file output, bounded memory) with 2 workers.
const fileExample = JSON.parse(fs.readFileSync(path.join(targetDir, 'csv-file-output.json'), 'utf8'));
const joinNode = fileExample.nodes.find((n) => n.type === JOIN_TYPE);
function webhookJoin({ id, name, webhookPath, responseMode, queriesFile, settings }) {
	const join = JSON.parse(JSON.stringify(joinNode));
	join.id = `${id}-join`;
	join.position = [260, 0];
	join.parameters.queryFilePath = queriesFile;
	join.parameters.options = { ...join.parameters.options, workers: 2 };
	return {
		id,
		name,
		active: false,
		settings: { executionOrder: 'v1', ...settings },
		nodes: [
			{
				id: `${id}-hook`,
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: `${id}-hook`,
				parameters: { path: webhookPath, responseMode, options: {} },
			},
			join,
		],
		connections: { Webhook: { main: [[{ node: join.name, type: 'main', index: 0 }]] } },
		pinData: {},
	};
}
const cancelWorkflows = {
	'cancel-warmup.json': webhookJoin({
		id: 'tssjCancelWarmup',
		name: 'e2e: warm-up join (webhook)',
		webhookPath: 'tssj-warmup',
		responseMode: 'lastNode',
		queriesFile: path.join(dataDir, 'queries.csv'),
		settings: {},
	}),
	'cancel-long.json': webhookJoin({
		id: 'tssjCancelLongJoin',
		name: 'e2e: long join cut by the execution timeout (webhook)',
		webhookPath: 'tssj-long',
		responseMode: 'onReceived',
		queriesFile: path.join(dataDir, 'queries-big.csv'),
		settings: { executionTimeout: Number(timeoutText) },
	}),
};
for (const [file, workflow] of Object.entries(cancelWorkflows)) {
	fs.writeFileSync(path.join(targetDir, file), JSON.stringify(workflow, null, 2));
	written.push(file);
}
console.log(`prepared ${written.length} workflows in ${targetDir}: ${written.join(', ')}`);
