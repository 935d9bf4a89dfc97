import type { INodeProperties } from 'n8n-workflow';
import { codesTableProperties, relatedTableProperties, wagesTableProperties } from './lookupTables';
import { optionsProperty, thresholdProperty } from './options';
import { outputProperties } from './output';
import { queryProperties } from './querySource';

/** The form, top to bottom: queries, the three lookup tables, threshold, output, options. */
export const properties: INodeProperties[] = [
	...queryProperties,
	...relatedTableProperties,
	...codesTableProperties,
	...wagesTableProperties,
	thresholdProperty,
	...outputProperties,
	optionsProperty,
];
