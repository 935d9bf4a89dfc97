import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { properties } from './description';
import { executeJoin } from './executeJoin';

export class TitleStateSalaryJoin implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Title-State Salary Join',
		name: 'titleStateSalaryJoin',
		icon: 'file:titleStateSalaryJoin.svg',
		group: ['transform'],
		version: 1,
		subtitle: '={{"score > " + $parameter["threshold"]}}',
		description:
			'Joins job titles and locations with related titles, SOC codes and BLS OES wages: median wages per title and state',
		defaults: { name: 'Title-State Salary Join' },
		inputs: ['main'],
		// Two named outputs, as n8n's Compare Datasets node has; this plugin version only knows the
		// If and Switch nodes as nodes with several outputs.
		// eslint-disable-next-line n8n-nodes-base/node-class-description-outputs-wrong
		outputs: ['main', 'main'],
		outputNames: ['matched', 'unmatched'],
		properties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executeJoin.call(this);
	}
}
