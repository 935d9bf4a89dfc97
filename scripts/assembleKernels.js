// WebAssembly text (src/**/*.wat) → a TypeScript module beside it (*.wasm.ts) exporting the bytes.
const fs = require('fs');
const path = require('path');

const KERNELS = ['src/engine/memory/copyKernel.wat', 'src/engine/scan/recordKernel.wat'];

/** For each kernel: the path of its .wasm.ts and the text it must hold. */
async function assembleKernels(root = path.join(__dirname, '..')) {
  const wabt = await require('wabt')();
  return KERNELS.map((file) => {
    const source = fs.readFileSync(path.join(root, file), 'utf8');
    const module = wabt.parseWat(file, source, { bulk_memory: true, simd: true });
    module.validate();
    const bytes = Buffer.from(module.toBinary({}).buffer);
    module.destroy();
    const name = path.basename(file, '.wat');
    const lines = [];
    for (let i = 0; i < bytes.length; i += 24) lines.push('  ' + [...bytes.subarray(i, i + 24)].map((b) => `0x${b.toString(16).padStart(2, '0')},`).join(' '));
    const text = `// Assembled from ${name}.wat by \`npm run build:wasm\`: do not edit.\nexport const ${name.toUpperCase().replace(/KERNEL$/, '_KERNEL')} = new Uint8Array([\n${lines.join('\n')}\n]);\n`;
    return { path: path.join(root, file.replace(/\.wat$/, '.wasm.ts')), text };
  });
}

module.exports = { assembleKernels };
