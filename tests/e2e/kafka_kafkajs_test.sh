#!/usr/bin/env bash
# End-to-end test of the Kafka API with kafkajs (Node.js, its own protocol implementation):
# admin calls, an idempotent gzip producer with acks=all, and a consumer group that commits and resumes.
# See node/kafkajs_test.mjs for what is checked.
#
# Usage: kafka_kafkajs_test.sh PATH_TO_OXBOW NODE_CACHE_DIR
#   NODE_CACHE_DIR: where node/package-lock.json's packages are installed (CTest passes a
#   directory in the build tree; kept between runs, reinstalled when the lock file changes).
set -euo pipefail

OXBOW=$(realpath "${1:?usage: kafka_kafkajs_test.sh PATH_TO_OXBOW NODE_CACHE_DIR}")
CACHE=${2:?usage: kafka_kafkajs_test.sh PATH_TO_OXBOW NODE_CACHE_DIR}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
for tool in node npm; do
  command -v "$tool" >/dev/null || {
    echo "SKIPPED: $tool is not installed (apt-get install nodejs npm)"
    exit 77
  }
done
source "$HERE/kafka_lib.sh"
e2e_init kafkajs

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
cp "$HERE/node/kafkajs_test.mjs" "$CACHE/"

start_server

step "kafkajs against $BROKER"
KAFKAJS_NO_PARTITIONER_WARNING=1 node "$CACHE/kafkajs_test.mjs" "$BROKER" || fail "kafkajs_test.mjs failed"

step "the server stops cleanly"
stop_server
echo "PASS"
