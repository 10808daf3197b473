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

install_node_packages "$CACHE" schema_registry_test.mjs

start_server
[ -n "$REGISTRY" ] || fail "no 'schema registry listening on' line"

step "@kafkajs/confluent-schema-registry against $REGISTRY"
node "$CACHE/schema_registry_test.mjs" "$REGISTRY" || fail "schema_registry_test.mjs failed"

step "the server stops cleanly"
stop_server
echo "PASS"
