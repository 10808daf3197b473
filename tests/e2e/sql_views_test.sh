#!/usr/bin/env bash
# End-to-end test of streaming SQL the way a user runs it: psql defines tables and
# materialized views over topics, kcat produces keyed JSON events through the Kafka API, psql
# reads the views (with real_time_recency, so a query sees what was produced before it),
# INSERT writes rows, a view's output topic is read back with kcat, and views survive a
# restart (kill -9 included) and resume where their last checkpoint stopped.
#
# Usage: sql_views_test.sh PATH_TO_OXBOW
set -euo pipefail

OXBOW=$(realpath "${1:?usage: sql_views_test.sh PATH_TO_OXBOW}")
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
for tool in psql kcat; do
  command -v $tool >/dev/null || {
    echo "SKIPPED: $tool is not installed (scripts/install-deps.sh installs it)"
    exit 77
  }
done
source "$HERE/kafka_lib.sh"
e2e_init sql-views
unset PGHOST PGPORT PGUSER PGDATABASE PGPASSWORD PGSERVICE PGOPTIONS
export PGCONNECT_TIMEOUT=10 PSQLRC=/dev/null

# q SQL...: psql, unaligned tuples only, real-time recency on; stdout to $WORK/out.
q() {
  local args=()
  for sql in "$@"; do args+=(-c "$sql"); done
  psql -X -q -A -t -h "${PG%:*}" -p "${PG##*:}" -U oxbow -d oxbow -v ON_ERROR_STOP=1 \
    -c "SET real_time_recency = on" "${args[@]}" >"$WORK/out" 2>"$WORK/err" ||
    fail "psql $*: $(cat "$WORK/err")"
}
expect_out() {
  [ "$(cat "$WORK/out")" = "$1" ] || fail "expected <$1>, got <$(cat "$WORK/out")>"
}
produce() {  # produce TOPIC, lines KEY|VALUE on stdin
  kcat -b "$BROKER" -P -t "$1" -K '|' -X socket.timeout.ms=10000 || fail "kcat -P $1"
}

start_server
[ -n "$PG" ] || fail "no 'pgwire listening on' line"

step "tables over topics, a materialized view, events from kcat"
q "CREATE TABLE users (id bigint PRIMARY KEY, tier text)" \
  "CREATE TABLE clicks (user_id bigint, url text)" \
  "CREATE MATERIALIZED VIEW clicks_per_tier WITH (output_topic = 'tier_counts') AS
     SELECT u.tier, count(*) AS clicks FROM clicks c JOIN users u ON c.user_id = u.id
     GROUP BY u.tier"
produce users <<'IN'
{"id":1}|{"id":1,"tier":"gold"}
{"id":2}|{"id":2,"tier":"silver"}
IN
# Clicks meet the user rows the view has read when they arrive (a stream–table join): the
# view reads its table's topic before its stream's, and this waits until it has.
q "SELECT count(*) FROM clicks_per_tier" && expect_out 0
produce clicks <<'IN'
|{"user_id":1,"url":"/a"}
|{"user_id":2,"url":"/b"}
|{"user_id":1,"url":"/c"}
IN
q "SELECT tier, clicks FROM clicks_per_tier ORDER BY tier"
expect_out $'gold|2\nsilver|1'

step "INSERT writes through the topic; a stream-table join keeps each click's tier"
# A click meets its user's tier as it is when the click arrives: /b stays silver, /d is gold.
q "INSERT INTO users VALUES (2, 'gold')" "INSERT INTO clicks (user_id, url) VALUES (2, '/d')"
q "SELECT tier, clicks FROM clicks_per_tier ORDER BY tier"
expect_out $'gold|3\nsilver|1'
kcat -b "$BROKER" -C -t users -e -o beginning -f '%k %s\n' >"$WORK/users" 2>/dev/null
grep -qx '{"id":2} {"id":2,"tier":"gold"}' "$WORK/users" || fail "INSERT's record: $(cat "$WORK/users")"

step "ad-hoc queries over tables and streams; errors carry SQLSTATEs"
q "SELECT count(*), max(url) FROM clicks" && expect_out '4|/d'
if psql -X -A -t -h "${PG%:*}" -p "${PG##*:}" -U oxbow -d oxbow \
  -c "INSERT INTO users VALUES (NULL, 'x')" >"$WORK/out" 2>"$WORK/err"; then
  fail "a NULL key was accepted"
fi
grep -q '23502' "$WORK/err" || grep -q 'null value in column "id"' "$WORK/err" ||
  fail "NULL key: $(cat "$WORK/err")"

step "the view's output topic holds its rows (upserts keyed by tier)"
# The view has caught up; its changes are appended after its next checkpoint (1 s): poll
# the topic, which has no other event to wait on.
for _ in $(seq 100); do
  kcat -b "$BROKER" -C -t tier_counts -e -o beginning -f '%k %s\n' >"$WORK/topic" 2>/dev/null || true
  grep -q '{"tier":"gold"} {"tier":"gold","clicks":3}' "$WORK/topic" && break
  sleep 0.1
done
grep '"gold"' "$WORK/topic" | tail -n 1 | grep -qx '{"tier":"gold"} {"tier":"gold","clicks":3}' ||
  fail "output topic: $(cat "$WORK/topic")"
grep '"silver"' "$WORK/topic" | tail -n 1 | grep -qx '{"tier":"silver"} {"tier":"silver","clicks":1}' ||
  fail "output topic: $(cat "$WORK/topic")"

step "kill -9, restart: the view resumes from its checkpoint and stays exact"
produce clicks <<'IN'
|{"user_id":1,"url":"/e"}
IN
q "SELECT clicks FROM clicks_per_tier WHERE tier = 'gold'" && expect_out 4
kill -9 "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null || true
start_server
produce clicks <<'IN'
|{"user_id":2,"url":"/f"}
IN
q "SELECT tier, clicks FROM clicks_per_tier ORDER BY tier" && expect_out $'gold|5\nsilver|1'

step "COPY (SUBSCRIBE TO view) TO STDOUT streams the content, then each change, to psql"
stdbuf -oL psql -X -q -h "${PG%:*}" -p "${PG##*:}" -U oxbow -d oxbow \
  -c "COPY (SUBSCRIBE TO clicks_per_tier) TO STDOUT" >"$WORK/sub" 2>"$WORK/sub.err" &
SUB_PID=$!
PIDS+=("$SUB_PID")
# (stdbuf: psql writes COPY data with stdio, block-buffered into a file.)
# wait_for FILE PATTERN: the subscriber's output arrives when the server sends it.
wait_for() {
  for _ in $(seq 200); do
    grep -qE "$2" "$1" && return 0
    kill -0 "$SUB_PID" 2>/dev/null || fail "the subscriber exited: $(cat "$WORK/sub.err")"
    sleep 0.05
  done
  fail "no line matching <$2> in $1: $(cat "$1")"
}
wait_for "$WORK/sub" $'\tinsert\tsilver\t1$'
wait_for "$WORK/sub" $'\tinsert\tgold\t5$'
produce clicks <<'IN'
|{"user_id":1,"url":"/g"}
IN
wait_for "$WORK/sub" $'\tinsert\tgold\t6$'
grep -qE $'\tdelete\tgold\t5$' "$WORK/sub" || fail "no delete of the old row: $(cat "$WORK/sub")"
[ "$(wc -l <"$WORK/sub")" = 4 ] || fail "subscription lines: $(cat "$WORK/sub")"
kill -INT "$SUB_PID"  # psql sends a CancelRequest for the running COPY
wait "$SUB_PID" 2>/dev/null || true
q "SELECT clicks FROM clicks_per_tier WHERE tier = 'gold'" && expect_out 6

step "an Avro table: records posted through the REST proxy with a registered schema"
SALE='{"type":"record","name":"Sale","fields":[{"name":"sku","type":"string"},{"name":"qty","type":"int"},{"name":"price","type":{"type":"bytes","logicalType":"decimal","precision":10,"scale":2}},{"name":"note","type":["null","string"],"default":null}]}'
python3 - "$SALE" >"$WORK/sales.json" <<'PY'
import json, sys
def dec(cents):  # Avro decimal bytes (two's complement, big-endian) as the JSON encoding's string
    n = cents.to_bytes(8, "big", signed=True).lstrip(b"\x00") or b"\x00"
    return n.decode("latin-1")
print(json.dumps({"value_schema": sys.argv[1], "records": [
    {"value": {"sku": "tea", "qty": 2, "price": dec(350), "note": None}},
    {"value": {"sku": "cake", "qty": 1, "price": dec(1299), "note": {"string": "birthday"}}},
    {"value": {"sku": "tea", "qty": 3, "price": dec(350), "note": None}}]}))
PY
curl -sS -o "$WORK/answer" -X POST -H "Content-Type: application/vnd.kafka.avro.v2+json" \
  --data-binary "@$WORK/sales.json" "http://$REST/topics/sales" || fail "POST sales"
grep -q '"value_schema_id"' "$WORK/answer" || fail "REST: $(cat "$WORK/answer")"
q "CREATE TABLE sales (sku text, qty integer, price numeric(10,2), note text) WITH (topic = 'sales', format = 'avro')" \
  "CREATE MATERIALIZED VIEW revenue AS SELECT sku, sum(qty * price) AS revenue FROM sales GROUP BY sku"
q "SELECT sku, revenue FROM revenue ORDER BY sku"
expect_out $'cake|12.99\ntea|17.50'

step "DROP removes the view"
q "DROP MATERIALIZED VIEW clicks_per_tier"
if psql -X -A -t -h "${PG%:*}" -p "${PG##*:}" -U oxbow -d oxbow \
  -c "SELECT * FROM clicks_per_tier" >"$WORK/out" 2>"$WORK/err"; then
  fail "the dropped view answered"
fi
grep -q '42P01' "$WORK/err" || grep -q 'does not exist' "$WORK/err" || fail "$(cat "$WORK/err")"

stop_server
echo PASS
