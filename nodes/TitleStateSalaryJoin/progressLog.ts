import type { IExecuteFunctions } from 'n8n-workflow';
import type { Progress } from '../../src/engine';

const INFO_EVERY_MS = 10_000;
const DEBUG_EVERY_MS = 1_000;

/** Engine progress into n8n's log: debug about once a second, info every ten seconds. */
export function progressLog(ctx: IExecuteFunctions): (p: Progress) => void {
	const node = ctx.getNode().name;
	let lastInfo = Date.now();
	let lastDebug = 0;
	return (p) => {
		const now = Date.now();
		const percent = p.bytesTotal > 0 ? Math.round((100 * p.bytesDone) / p.bytesTotal) : undefined;
		const message = `${node}: ${p.stage} ${p.rows} rows${percent !== undefined ? `, ${percent}%` : ''}`;
		if (now - lastInfo >= INFO_EVERY_MS) {
			lastInfo = now;
			lastDebug = now;
			ctx.logger.info(message);
		} else if (now - lastDebug >= DEBUG_EVERY_MS) {
			lastDebug = now;
			ctx.logger.debug(message);
		}
	};
}
