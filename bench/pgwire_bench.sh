#!/usr/bin/env bash
# Serving benchmarks over pgwire (issue 7's targets), with PostgreSQL's own tools:
#   - point query by key on a materialized view through a prepared statement (pgbench -M
#     prepared, 100 concurrent clients): latency percentiles and errors;
#   - scanning a whole view to a client (COPY … TO STDOUT through psql): rows/s.
# Usage: bench/pgwire_bench.sh PATH_TO_OXBOW [ROWS_POINT=10000] [ROWS_SCAN=1000000]
set -euo pipefail
OXBOW=$(realpath "${1:?usage: pgwire_bench.sh PATH_TO_OXBOW [ROWS_POINT] [ROWS_SCAN]}")
ROWS_POINT=${2:-10000}
ROWS_SCAN=${3:-1000000}
PGBENCH=$(ls /usr/lib/postgresql/*/bin/pgbench | head -1)
WORK=$(mktemp -d /tmp/oxbow-pgwire-bench-XXXXXX)
trap 'kill $SERVER 2>/dev/null || true; wait 2>/dev/null; rm -rf "$WORK"' EXIT
"$OXBOW" serve --data-dir "$WORK/data" --kafka-listener 127.0.0.1:0 --rest-listener "" \
  --schema-registry-listener "" --admin-listener "" --pg-listener 127.0.0.1:0 >"$WORK/serve.log" 2>&1 &
SERVER=$!
for _ in $(seq 100); do grep -q ready "$WORK/serve.log" && break; sleep 0.1; done
BROKER=$(grep -oE 'Kafka API listening on [0-9.]+:[0-9]+' "$WORK/serve.log" | awk '{print $5}')
PG=$(grep -oE 'pgwire listening on [0-9.]+:[0-9]+' "$WORK/serve.log" | awk '{print $4}')
export PGHOST=${PG%:*} PGPORT=${PG##*:} PGUSER=bench PGDATABASE=oxbow PSQLRC=/dev/null
q() { psql -X -q -A -t -v ON_ERROR_STOP=1 -c "SET real_time_recency = on" "$@"; }

q -c "CREATE TABLE kv (k bigint PRIMARY KEY, v text)" \
  -c "CREATE MATERIALIZED VIEW kv_view AS SELECT k, v, length(v) AS n FROM kv"
seq 1 "$ROWS_POINT" | awk '{printf "{\"k\":%d}|{\"k\":%d,\"v\":\"value-%d\"}\n", $1, $1, $1}' |
  kcat -b "$BROKER" -P -t kv -K '|' -z lz4
q -c "SELECT count(*) FROM kv_view" >/dev/null

cat >"$WORK/point.sql" <<SQL
\set id random(1, $ROWS_POINT)
SELECT v, n FROM kv_view WHERE k = :id;
SQL
for clients in 1 100; do
  echo "== point query on a ${ROWS_POINT}-row view, prepared, $clients client(s), 10 s"
  rm -f "$WORK"/pgbench_log.*
  (cd "$WORK" && "$PGBENCH" -n -M prepared -c "$clients" -j 2 -T 10 -l -f point.sql 2>&1 |
    grep -E "number of (transactions|failed)|tps")
  cat "$WORK"/pgbench_log.* | awk '{print $3}' | sort -n |
    awk '{a[NR]=$1} END {printf "latency p50 %.3f ms, p99 %.3f ms, p99.9 %.3f ms over %d queries\n",
         a[int(NR*0.5)]/1000, a[int(NR*0.99)]/1000, a[int(NR*0.999)]/1000, NR}'
done

echo "== scan of a ${ROWS_SCAN}-row view to psql (COPY … TO STDOUT)"
q -c "CREATE TABLE big (k bigint PRIMARY KEY, v text)" \
  -c "CREATE MATERIALIZED VIEW big_view AS SELECT k, v FROM big"
seq 1 "$ROWS_SCAN" | awk '{printf "{\"k\":%d}|{\"k\":%d,\"v\":\"value-%d\"}\n", $1, $1, $1}' |
  kcat -b "$BROKER" -P -t big -K '|' -z lz4
q -c "SELECT count(*) FROM big_view" >/dev/null
for run in 1 2 3; do
  start=$(date +%s.%N)
  rows=$(psql -X -q -c "COPY (SELECT * FROM big_view) TO STDOUT" | wc -l)
  end=$(date +%s.%N)
  awk -v r="$rows" -v s="$start" -v e="$end" -v n="$run" \
    'BEGIN {printf "run %d: %d rows in %.2f s = %.0f rows/s\n", n, r, e - s, r / (e - s)}'
done
