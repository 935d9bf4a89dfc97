'use strict';
// Writes a large query table for the cancellation run by repeating the data rows of a small one.
// Usage: node make-big-queries.js <source.csv> <target.csv> <rows>
// 60,000,000 rows of examples/data/queries.csv are about 1.5 GB and take ~9 s to join with 2
// workers, three times the cancellation test's execution timeout (4,000,000 rows once did, until
// the engine joined them in under 3 s; then 20,000,000, until they too took ~3 s: the check then
// saw a join that had ended, not one that was cut).
const fs = require('fs');

const [source, target, rowsText] = process.argv.slice(2);
const wanted = Number(rowsText);
if (!source || !target || !Number.isInteger(wanted) || wanted < 1) {
	console.error('usage: node make-big-queries.js <source.csv> <target.csv> <rows>');
	process.exit(2);
}
const text = fs.readFileSync(source, 'utf8').replace(/\r\n?/g, '\n');
const newline = text.indexOf('\n');
const header = text.slice(0, newline + 1);
const body = text.slice(newline + 1).replace(/\n?$/, '\n');
const bodyRows = body.split('\n').length - 1; // rows are one line each in queries.csv (no quoted newlines)
const chunk = Buffer.from(body);
const fd = fs.openSync(target, 'w');
fs.writeSync(fd, header);
let written = 0;
while (written + bodyRows <= wanted) {
	fs.writeSync(fd, chunk);
	written += bodyRows;
}
if (written < wanted) {
	const rest = body.split('\n').slice(0, wanted - written).join('\n') + '\n';
	fs.writeSync(fd, rest);
	written = wanted;
}
fs.closeSync(fd);
console.log(`${target}: ${written} query rows, ${(fs.statSync(target).size / 1e6).toFixed(1)} MB`);
