#!/usr/bin/env bash
# End-to-end test of Avro out of the SQL engine with Node.js clients: a materialized view's
# Avro output topic consumed with kafkajs and decoded with @kafkajs/confluent-schema-registry,
# INSERT into an avro table decoded the same way, then kill -9 and a restart: the output topic
# holds each record once and the view carries on. See node/sql_avro_test.mjs.
#
# Usage: sql_avro_npm_test.sh PATH_TO_OXBOW NODE_CACHE_DIR
#   NODE_CACHE_DIR: where node/package-lock.json's packages are installed (shared with the
#   other Node.js tests; reinstalled when the lock file changes).
set -euo pipefail

OXBOW=$(realpath "${1:?usage: sql_avro_npm_test.sh PATH_TO_OXBOW NODE_CACHE_DIR}")
CACHE=${2:?usage: sql_avro_npm_test.sh PATH_TO_OXBOW NODE_CACHE_DIR}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
for tool in node npm; do
  command -v "$tool" >/dev/null || {
    echo "SKIPPED: $tool is not installed (apt-get install nodejs npm)"
    exit 77
  }
done
source "$HERE/kafka_lib.sh"
e2e_init sql-avro-npm

install_node_packages "$CACHE" sql_avro_test.mjs

# Fixed ports, so that clients reconnect to the same addresses after the restart.
LISTENER=127.0.0.1:$(free_port) REGISTRY_LISTENER=127.0.0.1:$(free_port) \
  PG_LISTENER=127.0.0.1:$(free_port) start_server
[ -n "$REGISTRY" ] && [ -n "$PG" ] || fail "no schema registry or pgwire listener"

step "a view's Avro output topic and INSERT into an avro table, through kafkajs and the registry client"
node "$CACHE/sql_avro_test.mjs" "$BROKER" "$REGISTRY" "$PG" || fail "sql_avro_test.mjs failed"

step "kill -9, restart: the output topic holds each record once, the view carries on"
kill -9 "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null || true
LISTENER=$BROKER REGISTRY_LISTENER=$REGISTRY PG_LISTENER=$PG start_server
node "$CACHE/sql_avro_test.mjs" "$BROKER" "$REGISTRY" "$PG" after-crash ||
  fail "sql_avro_test.mjs after-crash failed"

step "the server stops cleanly"
stop_server
echo "PASS"
