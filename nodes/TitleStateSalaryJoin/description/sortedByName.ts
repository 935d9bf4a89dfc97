import type { INodeProperties } from 'n8n-workflow';

/** n8n lists collection options alphabetically; shared format options are merged in, so sort. */
export function sortedByName(options: INodeProperties[]): INodeProperties[] {
	return [...options].sort((a, b) => a.displayName.localeCompare(b.displayName));
}
