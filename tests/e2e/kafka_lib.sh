# Shared by the Kafka end-to-end scripts; sourced after `set -euo pipefail`.
#
#   e2e_init NAME          a fresh $WORK (removed at exit unless OXBOW_KEEP_TEST_DIRS is set),
#                          no OXBOW_* setting from the caller's environment, stdin closed
#   start_server [ARGS..]  oxbow serve on $LISTENER (default 127.0.0.1:0) over $WORK/data,
#                          its REST proxy on $REST_LISTENER and its schema registry on
#                          $REGISTRY_LISTENER, pgwire on $PG_LISTENER, the admin API on
#                          $ADMIN_LISTENER (default 127.0.0.1:0 all); sets SERVER_PID,
#                          BROKER (host:port), REST, REGISTRY, PG and ADMIN (host:port, when
#                          they run) once the server logs that it is ready; the log is
#                          $WORK/serve.log (an earlier server's moves to serve.N.log)
#   free_port              prints a TCP port free on 127.0.0.1 right now
#   stop_server            SIGTERM, and the server must exit 0
#   track_pid PID          a background process killed at exit
#   step TEXT / fail TEXT  progress lines; fail prints the logs in $WORK and exits 1
# Needs: OXBOW (path to the binary).

PIDS=()
SERVER_PID=""

e2e_init() {
  exec </dev/null
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/oxbow-$1-XXXXXX")
  trap e2e_cleanup EXIT
  for v in $(env | grep -o '^OXBOW_[A-Z_]*' || true); do
    [ "$v" = OXBOW_KEEP_TEST_DIRS ] || unset "$v"
  done
}

e2e_cleanup() {
  for p in "${PIDS[@]}" $SERVER_PID; do kill -KILL "$p" 2>/dev/null || true; done
  if [ -z "${OXBOW_KEEP_TEST_DIRS:-}" ]; then rm -rf "$WORK"; else echo "kept $WORK"; fi
}

track_pid() { PIDS+=("$1"); }

step() { echo "--- $*"; }

fail() {
  echo "FAIL: $*" >&2
  for f in "$WORK"/*.log "$WORK"/*.err; do
    [ -f "$f" ] && { echo "== $f" >&2; tail -30 "$f" >&2; }
  done
  exit 1
}

start_server() {
  # A restart's log must not be read for the ready line before the new server has truncated
  # it: the old server's lines would pass for the new one's (and vanish mid-read).
  local n=1
  while [ -f "$WORK/serve.$n.log" ]; do n=$((n + 1)); done
  if [ -f "$WORK/serve.log" ]; then mv "$WORK/serve.log" "$WORK/serve.$n.log"; fi
  "$OXBOW" serve --data-dir "$WORK/data" --kafka-listener "${LISTENER:-127.0.0.1:0}" \
    --rest-listener "${REST_LISTENER-127.0.0.1:0}" \
    --schema-registry-listener "${REGISTRY_LISTENER-127.0.0.1:0}" \
    --pg-listener "${PG_LISTENER-127.0.0.1:0}" --admin-listener "${ADMIN_LISTENER-127.0.0.1:0}" \
    "$@" >"$WORK/serve.log" 2>&1 &
  SERVER_PID=$!
  # Polls the server's log for its ready line: the event itself, with a 10 s limit.
  for _ in $(seq 1 200); do
    if grep -qE 'ready; stop with' "$WORK/serve.log"; then break; fi
    kill -0 "$SERVER_PID" 2>/dev/null || fail "oxbow serve exited"
    sleep 0.05
  done
  grep -qE 'ready; stop with' "$WORK/serve.log" || fail "oxbow serve was not ready within 10 s"
  BROKER=$(grep -oE 'Kafka API listening on [0-9.]+:[0-9]+' "$WORK/serve.log" | tail -1 |
    awk '{print $NF}')
  [ -n "$BROKER" ] || fail "no 'Kafka API listening on' line"
  REST=$({ grep -oE 'REST proxy listening on [0-9.]+:[0-9]+' "$WORK/serve.log" || true; } |
    tail -1 | awk '{print $NF}')
  REGISTRY=$({ grep -oE 'schema registry listening on [0-9.]+:[0-9]+' "$WORK/serve.log" ||
    true; } | tail -1 | awk '{print $NF}')
  PG=$({ grep -oE 'pgwire listening on [0-9.]+:[0-9]+' "$WORK/serve.log" || true; } |
    tail -1 | awk '{print $NF}')
  ADMIN=$({ grep -oE 'admin API listening on [0-9.]+:[0-9]+' "$WORK/serve.log" || true; } |
    tail -1 | awk '{print $NF}')
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

stop_server() {
  kill -TERM "$SERVER_PID"
  wait "$SERVER_PID" || fail "serve exited with $?"
  SERVER_PID=""
}

# install_node_packages CACHE_DIR SCRIPT.mjs...: installs node/package-lock.json's packages
# into CACHE_DIR (shared by the Node.js tests; reinstalled only when the lock file changed)
# and copies the test scripts there, so that their imports resolve to those packages.
install_node_packages() {
  local cache=$1
  shift
  step "node packages from package-lock.json into $cache"
  mkdir -p "$cache"
  if ! cmp -s "$HERE/node/package-lock.json" "$cache/.installed-lock" ||
    [ ! -d "$cache/node_modules" ]; then
    cp "$HERE/node/package.json" "$HERE/node/package-lock.json" "$cache/"
    rm -f "$cache/.installed-lock"
    npm ci --prefix "$cache" --ignore-scripts --no-audit --no-fund >"$WORK/npm.log" 2>&1 ||
      fail "npm ci: $(tail -20 "$WORK/npm.log")"
    cp "$HERE/node/package-lock.json" "$cache/.installed-lock"
  fi
  local script
  for script in "$@"; do cp "$HERE/node/$script" "$cache/"; done
}
