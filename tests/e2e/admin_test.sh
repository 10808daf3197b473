#!/usr/bin/env bash
# End-to-end test of the admin API as an operator and Prometheus use it: curl reads
# /v1/status and the health probes, and /metrics is parsed line by line. A kcat group
# consumer commits offsets; while it is stopped the group's lag (oxbow_group_lag) rises with
# what is produced, and once it runs again the lag falls back to 0. A materialized view made
# through psql shows up in the view metrics, and SHOW PROGRESS returns its source partitions.
#
# Usage: admin_test.sh PATH_TO_OXBOW
set -euo pipefail

OXBOW=$(realpath "${1:?usage: admin_test.sh PATH_TO_OXBOW}")
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
for tool in curl kcat psql python3; do
  command -v $tool >/dev/null || {
    echo "SKIPPED: $tool is not installed (scripts/install-deps.sh installs it)"
    exit 77
  }
done
source "$HERE/kafka_lib.sh"
e2e_init admin
unset PGHOST PGPORT PGUSER PGDATABASE PGPASSWORD PGSERVICE PGOPTIONS
export PGCONNECT_TIMEOUT=10 PSQLRC=/dev/null

q() {
  psql -X -q -A -t -h "${PG%:*}" -p "${PG##*:}" -U oxbow -d oxbow -v ON_ERROR_STOP=1 \
    -c "$1" >"$WORK/out" 2>"$WORK/err" || fail "psql $1: $(cat "$WORK/err")"
}

# metric NAME{LABELS}: the sample's value in a fresh scrape, or "none". The whole
# exposition must be well formed: every sample line `name{labels} value` of a family that
# has HELP and TYPE lines.
metric() {
  curl -sf "http://$ADMIN/metrics" >"$WORK/metrics.txt" || fail "GET /metrics"
  python3 - "$WORK/metrics.txt" "$1" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
typed, values = set(), {}
sample = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*\})? (\S+)$')
for line in text.splitlines():
    if line.startswith('# TYPE '):
        name, kind = line.split()[2:4]
        assert kind in ('counter', 'gauge'), line
        typed.add(name)
        continue
    if line.startswith('# HELP '):
        continue
    m = sample.match(line)
    assert m, 'malformed line: ' + line
    assert m.group(1) in typed, 'sample without TYPE: ' + line
    float(m.group(3))
    values[m.group(1) + (m.group(2) or '')] = m.group(3)
print(values.get(sys.argv[2], 'none'))
PY
}

# wait_metric NAME{LABELS} VALUE: polls the metric until it has VALUE (15 s at most).
wait_metric() {
  local v
  for _ in $(seq 1 150); do
    v=$(metric "$1")
    [ "$v" = "$2" ] && return 0
    sleep 0.1
  done
  fail "$1 is $v, expected $2"
}

start_server
[ -n "$ADMIN" ] || fail "no 'admin API listening on' line"

step "health probes and /v1/status"
[ "$(curl -s -o /dev/null -w '%{http_code}' "http://$ADMIN/v1/health/live")" = 200 ] ||
  fail "live is not 200"
[ "$(curl -s -o /dev/null -w '%{http_code}' "http://$ADMIN/v1/health/ready")" = 200 ] ||
  fail "ready is not 200 once the server logged it is ready"
curl -sf "http://$ADMIN/v1/status" >"$WORK/status.json" || fail "GET /v1/status"
python3 - "$WORK/status.json" "$BROKER" "$PG" <<'PY' || fail "status: $(cat "$WORK/status.json")"
import json, sys
s = json.load(open(sys.argv[1]))
services = {x['name']: x['listener'] for x in s['services']}
assert services['kafka'] == sys.argv[2], services
assert services['pgwire'] == sys.argv[3], services
assert s['ready'] is True and s['version'], s
PY
curl -s -D "$WORK/headers" -o /dev/null "http://$ADMIN/metrics"
grep -qi '^content-type: text/plain; version=0.0.4' "$WORK/headers" || fail "metrics content type"

step "appends and high watermarks"
q "CREATE TABLE events (n bigint)"
seq 1 100 | sed 's/.*/{"n":&}/' | kcat -b "$BROKER" -P -t events || fail "produce"
wait_metric 'oxbow_topic_records_in_total{topic="events"}' 100
[ "$(metric 'oxbow_partition_high_watermark{topic="events",partition="0"}')" = 100 ] ||
  fail "high watermark"

GROUP_OPTS=(-X auto.offset.reset=earliest -X session.timeout.ms=6000
  -X heartbeat.interval.ms=200 -X auto.commit.interval.ms=200 -f '%s\n' -q -u)
start_consumer() {
  kcat -b "$BROKER" -G readers events "${GROUP_OPTS[@]}" >>"$WORK/consumer.out" \
    2>>"$WORK/consumer.err" &
  CONSUMER=$!
  track_pid $CONSUMER
}
LAG='oxbow_group_lag{group="readers",topic="events",partition="0"}'

step "a group consumer catches up: lag 0, records out counted"
start_consumer
wait_metric "$LAG" 0
[ "$(metric 'oxbow_group_committed_offset{group="readers",topic="events",partition="0"}')" = 100 ] ||
  fail "committed offset"
out=$(metric 'oxbow_topic_records_out_total{topic="events"}')
[ "$out" != none ] && [ "$out" -ge 100 ] || fail "records out $out"

step "while the consumer is stopped the lag rises"
kill -TERM "$CONSUMER"
wait "$CONSUMER" 2>/dev/null || true
seq 101 150 | sed 's/.*/{"n":&}/' | kcat -b "$BROKER" -P -t events || fail "produce"
wait_metric 'oxbow_partition_high_watermark{topic="events",partition="0"}' 150
[ "$(metric "$LAG")" = 50 ] || fail "lag $(metric "$LAG") after 50 more records, expected 50"

step "once it runs again the lag falls back to 0"
start_consumer
wait_metric "$LAG" 0
kill -TERM "$CONSUMER"
wait "$CONSUMER" 2>/dev/null || true

step "a materialized view's metrics and SHOW PROGRESS"
q "CREATE MATERIALIZED VIEW total AS SELECT count(*) AS c, sum(n) AS s FROM events"
wait_metric 'oxbow_view_records_in_total{view="total"}' 150
[ "$(metric 'oxbow_view_state{view="total"}')" = 1 ] || fail "view state"
[ "$(metric 'oxbow_view_lag{view="total"}')" = 0 ] || fail "view lag"
q "SHOW PROGRESS"
[ "$(cut -d'|' -f1-5 "$WORK/out")" = "total|events|0|150|150" ] ||
  fail "SHOW PROGRESS: $(cat "$WORK/out")"
awk -F'|' '$6 != 100 { exit 1 }' "$WORK/out" || fail "SHOW PROGRESS percent: $(cat "$WORK/out")"
curl -sf "http://$ADMIN/v1/status" >"$WORK/status.json" || fail "GET /v1/status"
python3 - "$WORK/status.json" <<'PY' || fail "status views: $(cat "$WORK/status.json")"
import json, sys
views = json.load(open(sys.argv[1]))['views']
assert [v['name'] for v in views] == ['total'] and views[0]['state'] == 'running', views
PY

step "a windowed view's watermark and late records"
q "CREATE TABLE clicks (n bigint, ts timestamp) WITH (event_time = 'ts')"
q "CREATE MATERIALIZED VIEW per_minute AS SELECT window_end, count(*) AS c FROM TUMBLE(clicks, ts, INTERVAL '1 minute') GROUP BY window_end"
printf '%s\n' '{"n":1,"ts":"2024-01-01 00:00:10"}' '{"n":2,"ts":"2024-01-01 00:02:00"}' \
  '{"n":3,"ts":"2024-01-01 00:00:20"}' | kcat -b "$BROKER" -P -t clicks || fail "produce clicks"
wait_metric 'oxbow_view_late_records_total{view="per_minute"}' 1
# 2024-01-01 00:02:00 UTC, the highest event time (no watermark_delay).
[ "$(metric 'oxbow_view_watermark_seconds{view="per_minute"}')" = 1704067320 ] ||
  fail "watermark: $(metric 'oxbow_view_watermark_seconds{view="per_minute"}')"
delay=$(metric 'oxbow_view_watermark_delay_seconds{view="per_minute"}')
python3 -c "import sys; assert float(sys.argv[1]) > 3600 * 24 * 300" "$delay" ||
  fail "watermark delay $delay"
[ "$(metric 'oxbow_view_late_records_total{view="total"}')" = 0 ] || fail "late for total"

stop_server
grep -q 'admin API stopped' "$WORK/serve.log" || fail "no 'admin API stopped' line"
echo PASS
