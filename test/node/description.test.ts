import { existsSync, readFileSync } from 'fs';
import * as path from 'path';
import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { TitleStateSalaryJoin } from '../../nodes/TitleStateSalaryJoin/TitleStateSalaryJoin.node';

const ROOT = path.resolve(__dirname, '..', '..');
const description = new TitleStateSalaryJoin().description;
const byName = new Map(description.properties.map((p) => [p.name, p]));

test('the node has one input and two named outputs: matched, unmatched', () => {
	expect(description).toMatchObject({ name: 'titleStateSalaryJoin', version: 1, inputs: ['main'], outputs: ['main', 'main'], outputNames: ['matched', 'unmatched'] });
});

test('parameter names are unique', () => {
	expect(byName.size).toBe(description.properties.length);
});

test('every display condition refers to an existing parameter and one of its values', () => {
	for (const property of description.properties) {
		for (const [name, values] of Object.entries(property.displayOptions?.show ?? {})) {
			const options = (byName.get(name)?.options ?? []) as INodePropertyOptions[];
			expect({ property: property.name, name, values: values?.filter((v) => !options.some((o) => o.value === v)) }).toEqual({ property: property.name, name, values: [] });
		}
	}
});

test('the options of each collection are listed alphabetically, as n8n shows them', () => {
	for (const property of description.properties.filter((p) => p.type === 'collection')) {
		const names = (property.options as INodeProperties[]).map((o) => o.displayName);
		expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
	}
});

test('the package registers the built node, and the build ships its icon and codex beside it', () => {
	const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
	expect(pkg.n8n.nodes).toEqual(['dist/nodes/TitleStateSalaryJoin/TitleStateSalaryJoin.node.js']);
	const built = path.join(ROOT, 'dist', 'nodes', 'TitleStateSalaryJoin');
	expect(existsSync(path.join(built, 'TitleStateSalaryJoin.node.js'))).toBe(true);
	expect(existsSync(path.join(built, description.icon!.toString().replace('file:', '')))).toBe(true);
	const codex = JSON.parse(readFileSync(path.join(built, 'TitleStateSalaryJoin.node.json'), 'utf8'));
	expect(codex.node).toBe(`${pkg.name}.${description.name}`);
});
