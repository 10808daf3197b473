#!/usr/bin/env bash
# End-to-end test of the schema registry with the npm client @kafkajs/confluent-schema-registry:
# register, evolve (compatible and incompatible), encode and decode with both versions. See
# node/schema_registry_test.mjs for what is checked.
#
# Usage: schema_registry_npm_test.sh PATH_TO_OXBOW NODE_CACHE_DIR
#   NODE_CACHE_DIR: where node/package-lock.json's packages are installed (shared with the
#   kafkajs test; reinstalled when the lock file changes).
set -euo pipefail

OXBOW=$(realpath "${1:?usage: schema_registry_npm_test.sh PATH_TO_OXBOW NODE_CACHE_DIR}")
CACHE=${2:?usage: schema_registry_npm_test.sh PATH_TO_OXBOW NODE_CACHE_DIR}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
for tool in node npm; do
  command -v "$tool" >/dev/null || {
    echo "SKIPPED: $tool is not installed (apt-get install nodejs npm)"
    exit 77
  }
done
source "$HERE/kafka_lib.sh"
e2e_init registry-npm

step "node packages from package-lock.json into $CACHE"
mkdir -p "$CACHE"
if ! cmp -s "$HERE/node/package-lock.json" "$CACHE/.installed-lock" || [ ! -d "$CACHE/node_modules" ]; then
  cp "$HERE/node/package.json" "$HERE/node/package-lock.json" "$CACHE/"
  rm -f "$CACHE/.installed-lock"
  npm ci --prefix "$CACHE" --ignore-scripts --no-audit --no-fund >"$WORK/npm.log" 2>&1 ||
    fail "npm ci: $(tail -20 "$WORK/npm.log")"
  cp "$HERE/node/package-lock.json" "$CACHE/.installed-lock"
fi
# The test runs from the cache dir so that its imports resolve to the installed packages.
cp "$HERE/node/schema_registry_test.mjs" "$CACHE/"

start_server
[ -n "$REGISTRY" ] || fail "no 'schema registry listening on' line"

step "@kafkajs/confluent-schema-registry against $REGISTRY"
node "$CACHE/schema_registry_test.mjs" "$REGISTRY" || fail "schema_registry_test.mjs failed"

step "the server stops cleanly"
stop_server
echo "PASS"
