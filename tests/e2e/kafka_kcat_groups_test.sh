#!/usr/bin/env bash
# End-to-end test of consumer groups with kcat's balanced consumer (`kcat -G`, librdkafka's
# KafkaConsumer) against `oxbow serve`: two members of one group split a topic's partitions
# (each gets some, together all, every message once), and the group's committed offsets
# let a restarted member skip what was already consumed.
#
# Usage: kafka_kcat_groups_test.sh PATH_TO_OXBOW   (CTest passes the built binary)
set -euo pipefail

OXBOW=$(realpath "${1:?usage: kafka_kcat_groups_test.sh PATH_TO_OXBOW}")
command -v kcat >/dev/null || {
  echo "SKIPPED: kcat is not installed (scripts/install-deps.sh installs it)"
  exit 77
}
source "$(dirname "${BASH_SOURCE[0]}")/kafka_lib.sh"
e2e_init kcat-groups
start_server --default-partitions 4
N=400

step "produce $N keyed messages over 4 partitions"
seq 1 $N | sed 's/.*/k&:v&/' | kcat -b "$BROKER" -P -t grouped -K: -X socket.timeout.ms=10000 ||
  fail "produce"

GROUP_OPTS=(-X auto.offset.reset=earliest -X session.timeout.ms=6000
  -X heartbeat.interval.ms=200 -X auto.commit.interval.ms=200 -f '%p %s\n' -q -u)

step "two members of one group split the partitions"
kcat -b "$BROKER" -G workers grouped "${GROUP_OPTS[@]}" >"$WORK/a.out" 2>"$WORK/a.err" &
track_pid $!
A_PID=$!
kcat -b "$BROKER" -G workers grouped "${GROUP_OPTS[@]}" >"$WORK/b.out" 2>"$WORK/b.err" &
track_pid $!
B_PID=$!
for _ in $(seq 1 300); do
  [ "$(cat "$WORK/a.out" "$WORK/b.out" | wc -l)" -ge $N ] && break
  sleep 0.1
done
sleep 1  # anything beyond N would be a duplicate
A_PARTS=$(awk '{print $1}' "$WORK/a.out" | sort -u | tr '\n' ' ')
B_PARTS=$(awk '{print $1}' "$WORK/b.out" | sort -u | tr '\n' ' ')
echo "member a: partitions $A_PARTS($(wc -l <"$WORK/a.out") messages)"
echo "member b: partitions $B_PARTS($(wc -l <"$WORK/b.out") messages)"
[ -s "$WORK/a.out" ] || fail "member a got nothing"
[ -s "$WORK/b.out" ] || fail "member b got nothing"
ALL=$(cat "$WORK/a.out" "$WORK/b.out" | awk '{print $1}' | sort -u | tr '\n' ' ')
[ "$ALL" = "0 1 2 3 " ] || fail "together they read partitions '$ALL', not all four"
TOTAL=$(cat "$WORK/a.out" "$WORK/b.out" | wc -l)
UNIQUE=$(cat "$WORK/a.out" "$WORK/b.out" | awk '{print $2}' | sort -u | wc -l)
[ "$UNIQUE" -eq $N ] || fail "$UNIQUE distinct messages consumed, expected $N"
[ "$TOTAL" -eq $N ] || fail "$TOTAL messages consumed for $N produced: duplicates"

step "after both leave, a new member resumes from the committed offsets"
sleep 0.5  # let the last auto-commit go out
kill -TERM "$A_PID" "$B_PID"
wait "$A_PID" "$B_PID" 2>/dev/null || true
echo "k-new:v-new" | kcat -b "$BROKER" -P -t grouped -K: || fail "produce"
kcat -b "$BROKER" -G workers grouped "${GROUP_OPTS[@]}" >"$WORK/c.out" 2>"$WORK/c.err" &
track_pid $!
C_PID=$!
for _ in $(seq 1 150); do
  grep -q 'v-new' "$WORK/c.out" && break
  sleep 0.1
done
sleep 0.5
kill -TERM "$C_PID"
wait "$C_PID" 2>/dev/null || true
grep -q 'v-new' "$WORK/c.out" || fail "the new message never arrived"
[ "$(wc -l <"$WORK/c.out")" -eq 1 ] || fail "the restarted member re-read $(wc -l <"$WORK/c.out") messages"

stop_server
echo "PASS"
