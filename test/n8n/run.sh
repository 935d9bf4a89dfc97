#!/usr/bin/env bash
# End-to-end test of the package inside a real n8n (headless, loopback only).
#
#   bash test/n8n/run.sh [--legacy] [--screenshot] [--keep] [--no-install]
#
#   --legacy      also run everything against n8n 1.x on the system Node (TSSJ_N8N_LEGACY=1 does the same)
#   --screenshot  also write docs/editor-screenshot.png (needs `chromium`; TSSJ_N8N_SCREENSHOT=1)
#   --keep        keep the temp folder (n8n state, logs, run JSON) for inspection (TSSJ_N8N_KEEP=1)
#   --no-install  do not call install.sh (fails if n8n is not in the cache)
#
# Steps: install.sh (cached: seconds) → npm run build → npm pack → install the tarball into
# $N8N_USER_FOLDER/.n8n/nodes exactly as n8n installs a community package → import the example
# workflows (examples/workflows, placeholders pointed at a temp copy of examples/data) → `n8n execute`
# each → compare with the engine's CLI on the same files and options → cancellation check in serve
# mode (`n8n start` on 127.0.0.1) → optional editor screenshot. Every process started here is stopped
# by its PID on exit. Ends with "N passed, N failed"; exit status 1 if anything failed.
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
INSTALL=1
for arg in "$@"; do
  case "$arg" in
    --legacy) export TSSJ_N8N_LEGACY=1 ;;
    --screenshot) export TSSJ_N8N_SCREENSHOT=1 ;;
    --keep) export TSSJ_N8N_KEEP=1 ;;
    --no-install) INSTALL=0 ;;
    *) echo "unknown argument: $arg" >&2; exit 2 ;;
  esac
done
. "$HERE/env.sh"
T_START=$(date +%s)

WORK="$(mktemp -d "${TMPDIR:-/tmp}/tssj-n8n-e2e.XXXXXX")"
RESULTS="$WORK/results.txt"; : > "$RESULTS"
# An n8n server started below (in a subshell) records its PID here; stopped on any exit.
stop_server() {
  local pid
  [ -f "$WORK/server.pid" ] || return 0
  pid="$(cat "$WORK/server.pid")"; rm -f "$WORK/server.pid"
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null
  fi
  return 0
}
VERSION_PID=""   # the subshell running one n8n version's checks (run in the background, see below)
cleanup() {
  if [ -n "$VERSION_PID" ] && kill -0 "$VERSION_PID" 2>/dev/null; then
    pkill -TERM -P "$VERSION_PID" 2>/dev/null   # its current child (n8n execute, a checker, the server)
    kill "$VERSION_PID" 2>/dev/null
    wait "$VERSION_PID" 2>/dev/null
  fi
  stop_server
  if [ "${TSSJ_N8N_KEEP:-0}" = 1 ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

pass() { echo "PASS [$1] $2" | tee -a "$RESULTS"; }
fail() { echo "FAIL [$1] $2" | tee -a "$RESULTS"; }
finish() {
  local passed failed
  passed=$(grep -c '^PASS' "$RESULTS"); failed=$(grep -c '^FAIL' "$RESULTS")
  echo "e2e wall time: $(( $(date +%s) - T_START ))s"
  if [ "$failed" -gt 0 ]; then echo "failed checks:"; grep '^FAIL' "$RESULTS" | sed 's/^/  /'; fi
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit $?
}
elapsed_ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

# ---------------------------------------------------------------- 1. n8n (cached outside the repo)
if [ "$INSTALL" = 1 ]; then
  T=$(date +%s%N)
  if bash "$HERE/install.sh"; then pass setup "install.sh ($(elapsed_ms "$T") ms)"; else fail setup "install.sh failed"; finish; fi
fi
VERSIONS=("$TSSJ_N8N_VERSION")
[ "$TSSJ_N8N_LEGACY" = 1 ] && VERSIONS+=("$TSSJ_N8N_LEGACY_VERSION")
for v in "${VERSIONS[@]}"; do
  [ -f "$(tssj_n8n_dir "$v")/.tssj-installed" ] || { fail setup "n8n $v is not installed in $TSSJ_N8N_HOME (run test/n8n/install.sh)"; finish; }
done

# ---------------------------------------------------------------- 2. build and pack the package
T=$(date +%s%N)
if (cd "$ROOT" && npm run build > "$WORK/build.log" 2>&1); then pass setup "npm run build ($(elapsed_ms "$T") ms)"
else fail setup "npm run build failed: $(tail -5 "$WORK/build.log" | tr '\n' ' ')"; finish; fi
mkdir -p "$WORK/pack"
TGZ_NAME="$(cd "$ROOT" && npm pack --silent --pack-destination "$WORK/pack" 2> "$WORK/pack.log" | tail -1)"
TGZ="$WORK/pack/$TGZ_NAME"
if [ -f "$TGZ" ]; then pass setup "npm pack → $TGZ_NAME ($(du -k "$TGZ" | cut -f1) KiB)"; else fail setup "npm pack produced no tarball: $(cat "$WORK/pack.log")"; finish; fi
PKG_NAME="$(node -p "require('$ROOT/package.json').name")"
NODE_FILES="$(tar -tzf "$TGZ" | grep -c '\.node\.js$')"
[ "$NODE_FILES" -ge 1 ] && pass setup "tarball contains $NODE_FILES *.node.js file(s)" || fail setup "tarball contains no *.node.js"
node -e '
const p = require(process.argv[1]); const nodes = (p.n8n && p.n8n.nodes) || [];
if (!nodes.length || !(p.keywords || []).includes("n8n-community-node-package")) process.exit(1);' "$ROOT/package.json" \
  && pass setup "package.json lists the node under n8n.nodes and has the community keyword" \
  || fail setup "package.json: n8n.nodes is empty or the keyword n8n-community-node-package is missing"

# ---------------------------------------------------------------- 3. data: temp copy + a big query file
DATA="$WORK/data"; OUTDIR="$WORK/output"
mkdir -p "$DATA" "$OUTDIR"
cp "$ROOT"/examples/data/*.csv "$DATA/"
BIG_ROWS="${TSSJ_N8N_BIG_ROWS:-60000000}"
node "$HERE/make-big-queries.js" "$DATA/queries.csv" "$DATA/queries-big.csv" "$BIG_ROWS" > /dev/null \
  || { fail setup "could not write the big query file"; finish; }
CANCEL_TIMEOUT_S="${TSSJ_N8N_CANCEL_TIMEOUT_S:-3}"

# ---------------------------------------------------------------- 4. per n8n version
# Runs in a background subshell (see the loop below), so `exit` only ends this version's checks and
# PATH / environment changes stay local.
run_version() {
  local ver="$1"
  local user="$WORK/n8n-$ver" label="n8n $ver"
  tssj_use_node_for "$ver"
  tssj_n8n_runtime_env "$user"
  export N8N_RESTRICT_FILE_ACCESS_TO="$DATA;$OUTDIR"
  local n8n; n8n="$(tssj_n8n_dir "$ver")/node_modules/n8n/bin/n8n"
  echo "== $label on node $(node -v), user folder $user"

  # 4a. The package, installed as n8n installs a community package (CommunityPackagesService,
  #     same in 1.123.50 and 2.41.1): unpack into nodes/node_modules/<name>, drop dev/peer/optional dependencies from its
  #     package.json, `npm install --ignore-scripts --install-strategy=shallow ...` inside it,
  #     record it in nodes/package.json. n8n-workflow then resolves to n8n's own copy (NODE_PATH).
  local nodes="$user/.n8n/nodes" pkg="$user/.n8n/nodes/node_modules/$PKG_NAME" T
  T=$(date +%s%N)
  mkdir -p "$pkg"
  tar -xzf "$TGZ" -C "$pkg" --strip-components=1
  node -e '
const fs = require("fs"); const file = process.argv[1];
const { devDependencies, peerDependencies, optionalDependencies, ...pkg } = JSON.parse(fs.readFileSync(file, "utf8"));
fs.writeFileSync(file, JSON.stringify(pkg, null, 2));
fs.writeFileSync(process.argv[2], JSON.stringify({ name: "installed-nodes", private: true, dependencies: { [pkg.name]: pkg.version } }, null, 2));
' "$pkg/package.json" "$nodes/package.json"
  if (cd "$pkg" && npm install --audit=false --fund=false --bin-links=false --install-strategy=shallow \
        --ignore-scripts=true --package-lock=false --loglevel=error > "$user-npm.log" 2>&1); then
    pass "$label" "package installed into .n8n/nodes like a community package ($(elapsed_ms "$T") ms)"
  else fail "$label" "npm install of the package failed: $(tail -3 "$user-npm.log" | tr '\n' ' ')"; exit 0; fi

  # 4b. Workflows: placeholders → temp folders; import all.
  local wfdir="$WORK/workflows-$ver"
  node "$HERE/prepare-workflows.js" "$ROOT/examples/workflows" "$DATA" "$OUTDIR" "$wfdir" "$CANCEL_TIMEOUT_S" || { fail "$label" "prepare-workflows.js failed"; exit 0; }
  if "$n8n" import:workflow --separate --input="$wfdir" > "$user-import.log" 2>&1; then
    pass "$label" "import:workflow of $(ls "$wfdir" | wc -l) workflows"
  else fail "$label" "import:workflow failed: $(tail -5 "$user-import.log" | tr '\n' ' ')"; exit 0; fi

  # 4c. Headless runs (`n8n execute --id`; the run JSON is printed at log level info).
  #     scheduled-batches.json has a Schedule Trigger AND a Manual Trigger "Run now": `n8n execute`
  #     refuses a workflow without a manual trigger ("Missing node to start execution"), so the
  #     example carries one and runs unmodified (no trigger swapping).
  local wf id out rc
  for wf in scheduled-batches items-in-rows-out csv-file-output; do
    id="$(node -p "require('$wfdir/$wf.json').id")"
    rm -f "$OUTDIR"/*
    out="$WORK/$ver-$wf.out"
    T=$(date +%s%N)
    "$n8n" execute --id="$id" --rawOutput > "$out" 2> "$out.stderr"; rc=$?
    echo "   $wf: n8n execute exit $rc in $(elapsed_ms "$T") ms"
    [ "$rc" = 0 ] || fail "$label" "$wf: n8n execute exited $rc (stderr: $(grep -iv 'python' "$out.stderr" | tail -3 | tr '\n' ' '))"
    node "$HERE/check-run.js" --case "$wf" --label "$label" --run "$out" --workflow "$wfdir/$wf.json" \
      --cli "$pkg/dist/src/cli/main.js" --output-dir "$OUTDIR" --work "$WORK/cli-$ver-$wf" --results "$RESULTS" \
      || true
  done

  # 4d. Cancellation in serve mode: n8n start (loopback), webhook-triggered long join with
  #     executionTimeout; worker threads must be gone right after n8n cancels.
  case "$ver" in
    1.*) "$n8n" update:workflow --id=tssjCancelWarmup --active=true > "$user-publish.log" 2>&1 \
           && "$n8n" update:workflow --id=tssjCancelLongJoin --active=true >> "$user-publish.log" 2>&1 ;;
    *)   "$n8n" publish:workflow --id=tssjCancelWarmup > "$user-publish.log" 2>&1 \
           && "$n8n" publish:workflow --id=tssjCancelLongJoin >> "$user-publish.log" 2>&1 ;;
  esac || { fail "$label" "could not activate the webhook workflows: $(tail -3 "$user-publish.log" | tr '\n' ' ')"; exit 0; }
  if node -e 'const s = require("net").connect(+process.argv[1], "127.0.0.1"); s.on("connect", () => process.exit(0)); s.on("error", () => process.exit(1));' "$N8N_PORT"; then
    fail "$label" "127.0.0.1:$N8N_PORT is already in use; set N8N_PORT (and N8N_RUNNERS_BROKER_PORT) to free ports"; exit 0
  fi
  "$n8n" start > "$user-server.log" 2>&1 &
  echo $! > "$WORK/server.pid"
  trap stop_server EXIT
  node "$HERE/cancel-check.js" --label "$label" --pid "$(cat "$WORK/server.pid")" --base "http://127.0.0.1:$N8N_PORT" \
    --results "$RESULTS" --timeout "$CANCEL_TIMEOUT_S" --log "$user-server.log" --big-rows "$BIG_ROWS" || true

  if [ "${TSSJ_N8N_SCREENSHOT:-0}" = 1 ] && [ "$ver" = "$TSSJ_N8N_VERSION" ]; then
    if command -v chromium > /dev/null; then
      (PATH="$TSSJ_NODE24_HOME/bin:$PATH" node "$HERE/screenshot.mjs" "$ROOT/docs/editor-screenshot.png" tssjScheduledBatches) \
        && pass "$label" "editor screenshot → docs/editor-screenshot.png" || fail "$label" "editor screenshot failed"
    else
      fail "$label" "--screenshot: chromium is not installed (apt-get install -y chromium)"
    fi
  fi
  stop_server
}

for v in "${VERSIONS[@]}"; do
  T=$(date +%s)
  # In the background + wait, so that INT/TERM reach the trap at once (bash defers traps while a
  # foreground command runs); the trap then stops the subshell, its child and the server by PID.
  run_version "$v" &
  VERSION_PID=$!
  wait "$VERSION_PID"
  VERSION_PID=""
  echo "== n8n $v checks took $(( $(date +%s) - T ))s"
done
finish
