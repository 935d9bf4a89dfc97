#!/usr/bin/env bash
# Prepares a run of bench/scaling.sh on a machine without Node.js or network: builds dist/ and
# dist-bench/, and writes .carry/ (git-ignored):
#   .carry/node.xz               this machine's node binary (xz -9; reused while the binary is unchanged)
#   .carry/node_modules.tar.xz   the production dependencies a CSV run loads: package.json's
#                                dependencies and theirs, without exceljs (required only for .xlsx)
# Carry dist, dist-bench and .carry with the working tree. Usage: bash bench/scaling-carry.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[ "$(node -p 'process.platform + "-" + process.arch')" = linux-x64 ] || { echo "needs Linux x86-64 node" >&2; exit 2; }
npm run build > /dev/null
npx tsc -p tsconfig.bench.json
mkdir -p .carry

NODE_BIN="$(node -p process.execPath)"
sum="$(sha256sum "$NODE_BIN" | cut -d' ' -f1)"
if [ ! -f .carry/node.xz ] || [ "$(cat .carry/node.sha256 2> /dev/null)" != "$sum" ]; then
  echo "compressing $NODE_BIN ($(node -v)), about a minute ..."
  xz -9 -T1 -c "$NODE_BIN" > .carry/node.xz.part && mv .carry/node.xz.part .carry/node.xz
  echo "$sum" > .carry/node.sha256
fi

# the installed folders of the dependency closure, outermost only (a nested one travels inside its parent)
node - > .carry/packages.txt <<'JS'
const fs = require('fs');
const path = require('path');
const root = process.cwd();
const lazy = new Set(['exceljs']);
const found = new Set();
function locate(name, from) {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (fs.existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (dir === root) return undefined;
  }
}
function visit(dir) {
  if (found.has(dir)) return;
  found.add(dir);
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  for (const name of Object.keys(pkg.dependencies ?? {})) {
    const d = locate(name, dir);
    if (!d) throw new Error(`${name}, needed by ${dir}, is not installed`);
    visit(d);
  }
  for (const name of Object.keys(pkg.optionalDependencies ?? {})) {
    const d = locate(name, dir);
    if (d) visit(d);
  }
}
const own = JSON.parse(fs.readFileSync('package.json', 'utf8'));
for (const name of Object.keys(own.dependencies)) if (!lazy.has(name)) visit(locate(name, root));
const dirs = [...found].map((d) => path.relative(root, d)).sort();
console.log(dirs.filter((d) => !dirs.some((o) => d.startsWith(o + '/'))).join('\n'));
JS
tar -c -T .carry/packages.txt | xz -9 > .carry/node_modules.tar.xz

echo "carry: $(wc -l < .carry/packages.txt) packages"
du -b .carry/node.xz .carry/node_modules.tar.xz
tracked=$(git ls-files -z | xargs -0 du -cb | tail -1 | cut -f1)
built=$(du -scb dist dist-bench .carry | tail -1 | cut -f1)
echo "working tree (tracked) $tracked bytes + dist, dist-bench, .carry $built bytes = $(( (tracked + built) / 1048576 )) MiB of 64"
