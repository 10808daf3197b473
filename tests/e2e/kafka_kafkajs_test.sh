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

install_node_packages "$CACHE" kafkajs_test.mjs

start_server

step "kafkajs against $BROKER"
KAFKAJS_NO_PARTITIONER_WARNING=1 node "$CACHE/kafkajs_test.mjs" "$BROKER" || fail "kafkajs_test.mjs failed"

step "the server stops cleanly"
stop_server
echo "PASS"
