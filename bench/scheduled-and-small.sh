#!/usr/bin/env bash
# Issue-4 measurements the main bench does not cover, through the CLI as a user runs it:
#  1. a scheduled re-run: 10,000 new queries against the bench's big tables, first run (builds and
#     stores the index) vs second run (loads it from --index-cache);
#  2. a small job: 1,000 queries against the demo tables (examples/data), wall time of the CLI
#     process including Node start and worker start.
# Usage: bash bench/scheduled-and-small.sh [bench/data/scale-1]   (after npm run bench generated it)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATA="${1:-$ROOT/bench/data/scale-1}"
CLI="$ROOT/dist/src/cli/main.js"
WORK="$(mktemp -d)"; trap 'rm -rf "$WORK"' EXIT
ms() { local t0; t0=$(date +%s%N); "$@" > /dev/null 2>&1; echo $(( ($(date +%s%N) - t0) / 1000000 )); }

head -n 10001 "$DATA/queries.csv" > "$WORK/batch.csv"
run() { node "$CLI" --queries "$WORK/batch.csv" --related "$DATA/related.csv" --codes "$DATA/codes.csv" --wages "$DATA/wages.csv" \
  --out "$WORK/out.csv" --overwrite --quiet --index-cache "$WORK/cache"; }
first=$(ms run); second=$(ms run); third=$(ms run)
echo "scheduled re-run, 10,000 queries vs $(du -sh "$DATA" | cut -f1) of tables: first ${first} ms (build + store), then ${second} ms and ${third} ms (index loaded): $(( first / ( (second + third) / 2 ) ))x faster"

head -n 1001 "$ROOT/examples/data/queries.csv" > "$WORK/small.csv"
small() { node "$CLI" --queries "$WORK/small.csv" --related "$ROOT/examples/data/related.csv" --codes "$ROOT/examples/data/codes.csv" \
  --codes-encoding macintosh --code-column "2010 SOC Code" --code-title-column "2010 SOC Direct Match Title" \
  --wages "$ROOT/examples/data/wages.csv" --wage-columns tot_emp,hr_mean,avg_mean --out "$WORK/small-out.csv" --overwrite --quiet --summary-json "$WORK/s.json"; }
a=$(ms small); b=$(ms small); c=$(ms small)
echo "small job, 1,000 queries vs the demo tables: CLI wall ${a} / ${b} / ${c} ms; engine time $(node -p "require('$WORK/s.json').wallMs") ms with $(node -p "require('$WORK/s.json').workers") worker(s)"
