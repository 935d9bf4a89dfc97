#!/usr/bin/env bash
# How the engine scales from 1 to 16 worker threads on the bench data set (bench/README.md, "Scaling").
#   bash bench/scaling.sh [--scale F] [--workers 1,2,4,8,12,16] [--runs N] [--timeout S]
# Writes scaling.md and scaling.json to $OUT when set, else to bench/out/scaling/.
# Needs dist/ and dist-bench/ built. Without node on PATH it unpacks .carry/node.xz, without
# node_modules/ it unpacks .carry/node_modules.tar.xz (both made by bench/scaling-carry.sh).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

unxz_cat() { # decompresses an .xz file to stdout, with python3 where xz is missing
  if command -v xz > /dev/null; then xz -dc "$1"
  else python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), sys.stdout.buffer)' "$1"; fi
}

if ! command -v node > /dev/null; then
  if [ ! -x .carry/bin/node ]; then
    echo "no node on PATH: unpacking .carry/node.xz"
    mkdir -p .carry/bin
    unxz_cat .carry/node.xz > .carry/bin/node.part
    chmod +x .carry/bin/node.part && mv .carry/bin/node.part .carry/bin/node
  fi
  PATH="$PWD/.carry/bin:$PATH"
fi
if [ ! -d node_modules ]; then
  echo "no node_modules/: unpacking .carry/node_modules.tar.xz"
  unxz_cat .carry/node_modules.tar.xz | tar -x
fi
for f in dist/src/cli/main.js dist-bench/bench/scaling.js; do
  [ -f "$f" ] || { echo "$f missing: build (bash bench/scaling-carry.sh) and carry dist/ and dist-bench/" >&2; exit 2; }
done
echo "nproc $(nproc), node $(node -v) ($(command -v node)), $(uname -m)"
exec node dist-bench/bench/scaling.js "$@"
