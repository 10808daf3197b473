#!/usr/bin/env bash
# The Nexmark correctness test (issue 6 item 9; bench/nexmark/README.md): nexmark_gen writes
# 20,000 events as JSON lines, kcat produces them into the nexmark-* topics of a running
# `oxbow serve`, node-pg creates bench/nexmark/tables.sql and every query's materialized
# view, and each view, once caught up (real_time_recency), must hold exactly what DuckDB
# (@duckdb/node-api) computes from the same JSON lines with bench/nexmark/duckdb/qN.sql.
# Queries that need windows are printed as PENDING (node/nexmark_test.mjs).
#
# Usage: nexmark_test.sh PATH_TO_OXBOW PATH_TO_NEXMARK_GEN NODE_CACHE_DIR [EVENTS]
set -euo pipefail

OXBOW=$(realpath "${1:?usage: nexmark_test.sh PATH_TO_OXBOW PATH_TO_NEXMARK_GEN NODE_CACHE_DIR}")
GEN=$(realpath "${2:?usage: nexmark_test.sh PATH_TO_OXBOW PATH_TO_NEXMARK_GEN NODE_CACHE_DIR}")
CACHE=${3:?usage: nexmark_test.sh PATH_TO_OXBOW PATH_TO_NEXMARK_GEN NODE_CACHE_DIR}
EVENTS=${4:-20000}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
QUERIES=$(cd "$HERE/../../bench/nexmark" && pwd)
for tool in node npm kcat; do
  command -v "$tool" >/dev/null || {
    echo "SKIPPED: $tool is not installed (scripts/install-deps.sh installs it)"
    exit 77
  }
done
source "$HERE/kafka_lib.sh"
e2e_init nexmark

install_node_packages "$CACHE" nexmark_test.mjs

step "$EVENTS events (500 per second of event time: every event has its own millisecond)"
"$GEN" --events "$EVENTS" --rate 500 --seed 42 --out-dir "$WORK/events" --key-delimiter '|' \
  >"$WORK/gen.log" 2>&1 || fail "nexmark_gen: $(cat "$WORK/gen.log")"
mkdir "$WORK/values"
for t in person auction bid; do
  sed 's/^[0-9]*|//' "$WORK/events/nexmark-$t.jsonl" >"$WORK/values/nexmark-$t.jsonl"
done

step "topics, then the events through the Kafka API with kcat (keys: person and auction ids)"
for t in person auction bid; do
  OXBOW_DATA_DIR="$WORK/data" "$OXBOW" topic create "nexmark-$t" --partitions 1 \
    >"$WORK/topic.log" 2>&1 || fail "topic create nexmark-$t: $(cat "$WORK/topic.log")"
done
start_server
[ -n "$PG" ] || fail "no 'pgwire listening on' line"
for t in person auction bid; do
  kcat -b "$BROKER" -P -t "nexmark-$t" -K '|' -X socket.timeout.ms=10000 \
    <"$WORK/events/nexmark-$t.jsonl" 2>"$WORK/kcat.err" || fail "kcat -P nexmark-$t"
done
kcat -b "$BROKER" -C -t nexmark-person -e -c 1 -f '%k\n' >"$WORK/key" 2>/dev/null
[ "$(cat "$WORK/key")" = 1000 ] || fail "the first person's key: <$(cat "$WORK/key")>"

step "views of bench/nexmark/q*.sql against DuckDB over the same events"
node "$CACHE/nexmark_test.mjs" "${PG%:*}" "${PG##*:}" "$WORK/values" "$QUERIES" ||
  fail "nexmark_test.mjs: some views differ from DuckDB"

stop_server
echo "PASS"
