#!/usr/bin/env bash
# End-to-end test of the PostgreSQL wire protocol server with node-postgres (`pg`): see
# node/pgwire_test.mjs for what is checked.
#
# Usage: pgwire_node_test.sh PATH_TO_OXBOW NODE_CACHE_DIR
#   NODE_CACHE_DIR: where node/package-lock.json's packages are installed (shared with the
#   other Node.js tests; reinstalled when the lock file changes).
set -euo pipefail

OXBOW=$(realpath "${1:?usage: pgwire_node_test.sh PATH_TO_OXBOW NODE_CACHE_DIR}")
CACHE=${2:?usage: pgwire_node_test.sh PATH_TO_OXBOW NODE_CACHE_DIR}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
for tool in node npm; do
  command -v "$tool" >/dev/null || {
    echo "SKIPPED: $tool is not installed (apt-get install nodejs npm)"
    exit 77
  }
done
source "$HERE/kafka_lib.sh"
e2e_init pgwire-node

install_node_packages "$CACHE" pgwire_test.mjs

start_server
[ -n "$PG" ] || fail "no 'pgwire listening on' line"

step "node-pg against $PG"
node "$CACHE/pgwire_test.mjs" "${PG%:*}" "${PG##*:}" || fail "pgwire_test.mjs failed"

step "the server stops cleanly"
stop_server
echo "PASS"
