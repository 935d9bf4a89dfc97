// Copies what tsc does not emit next to the compiled nodes: icons (svg/png) and codex files; and
// assembles the WebAssembly text of the engine's kernels into the TypeScript modules that hold
// their bytes (committed, so that a build needs no assembler; a test checks they are current).
const { src, dest } = require('gulp');
const fs = require('fs');
const { assembleKernels } = require('./scripts/assembleKernels');

function buildIcons() {
  return src(['nodes/**/*.{png,svg}', 'nodes/**/*.node.json', 'credentials/**/*.{png,svg}'], {
    base: '.',
    encoding: false,
    allowEmpty: true,
  }).pipe(dest('dist'));
}

async function buildWasm() {
  for (const { path, text } of await assembleKernels()) fs.writeFileSync(path, text);
}

exports['build:icons'] = buildIcons;
exports['build:wasm'] = buildWasm;
