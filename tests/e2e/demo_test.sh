#!/usr/bin/env bash
# The quickstart demo (`oxbow serve --demo`, what `make run` starts), as the README tells a
# newcomer to try it: the demo's views answer in psql right away (an hour of history), keep
# growing with the live generator, and survive a restart without being defined twice.
#
# Usage: demo_test.sh PATH_TO_OXBOW
set -euo pipefail

OXBOW=$(realpath "${1:?usage: demo_test.sh PATH_TO_OXBOW}")
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
command -v psql >/dev/null || {
  echo "SKIPPED: psql is not installed (scripts/install-deps.sh installs it)"
  exit 77
}
source "$HERE/kafka_lib.sh"
e2e_init demo
unset PGHOST PGPORT PGUSER PGDATABASE PGPASSWORD PGSERVICE PGOPTIONS
export PGCONNECT_TIMEOUT=10 PSQLRC=/dev/null

q() {
  psql -X -q -A -t -h "${PG%:*}" -p "${PG##*:}" -U newcomer -d oxbow -v ON_ERROR_STOP=1 \
    -c "SET real_time_recency = on" -c "$1" >"$WORK/out" 2>"$WORK/err" ||
    fail "psql $1: $(cat "$WORK/err")"
}

start_server --demo
grep -q 'demo: producing' "$WORK/serve.log" || fail "no demo line in the log"

step "the views answer at once: an hour of history, every tier, every user"
q "SELECT count(*) FROM demo_clicks_per_minute"
[ "$(cat "$WORK/out")" -ge 60 ] || fail "minutes: $(cat "$WORK/out")"
q "SELECT count(DISTINCT tier) FROM demo_tier_pages"
[ "$(cat "$WORK/out")" = 3 ] || fail "tiers: $(cat "$WORK/out")"
q "SELECT count(*), sum(clicks) >= 72000 FROM demo_user_activity"
[ "$(cat "$WORK/out")" = "200|t" ] || fail "users: $(cat "$WORK/out")"

step "the live generator keeps them growing"
q "SELECT sum(views) FROM demo_tier_pages"
before=$(cat "$WORK/out")
for _ in $(seq 50); do  # the generator produces every 500 ms
  q "SELECT sum(views) FROM demo_tier_pages"
  [ "$(cat "$WORK/out")" -gt "$before" ] && break
  sleep 0.2
done
[ "$(cat "$WORK/out")" -gt "$before" ] || fail "no new clicks after 10 s ($before)"

step "a restart keeps the demo's tables and views and resumes them"
stop_server
start_server --demo
q "SHOW MATERIALIZED VIEWS"
[ "$(grep -c '^demo_' "$WORK/out")" = 3 ] || fail "views: $(cat "$WORK/out")"
q "SELECT sum(views) >= $before FROM demo_tier_pages"
[ "$(cat "$WORK/out")" = t ] || fail "views lost their content"

stop_server
echo PASS
