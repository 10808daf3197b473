#!/usr/bin/env bash
# End-to-end test of the `oxbow` binary as a user drives it: topic administration, produce
# and consume round trips (every codec, keys, offsets, timestamps), configuration
# precedence, helpful errors, compaction, verification of damaged data, and `serve`'s
# lifecycle (lock, clean shutdown on SIGTERM, data intact after restart).
#
# Usage: cli_test.sh PATH_TO_OXBOW      (CTest passes the built binary)
# Set OXBOW_KEEP_TEST_DIRS=1 to keep the temporary directory for inspection.
set -euo pipefail
exec </dev/null # nothing reads the caller's stdin; produce gets its input explicitly

OXBOW=$(realpath "${1:?usage: cli_test.sh PATH_TO_OXBOW}")
WORK=$(mktemp -d "${TMPDIR:-/tmp}/oxbow-e2e-XXXXXX")
SERVER_PID=""

cleanup() {
  if [ -n "$SERVER_PID" ]; then kill -KILL "$SERVER_PID" 2>/dev/null || true; fi
  if [ -z "${OXBOW_KEEP_TEST_DIRS:-}" ]; then rm -rf "$WORK"; else echo "kept $WORK"; fi
}
trap cleanup EXIT

# A clean environment: no OXBOW_* setting from the caller leaks in.
for v in $(env | grep -o '^OXBOW_[A-Z_]*' || true); do
  [ "$v" = OXBOW_KEEP_TEST_DIRS ] || unset "$v"
done
export OXBOW_DATA_DIR="$WORK/data"
# Any free port, on loopback only: tests may run side by side, and next to a real broker.
export OXBOW_KAFKA_LISTENER=127.0.0.1:0
export OXBOW_REST_LISTENER=127.0.0.1:0
export OXBOW_SCHEMA_REGISTRY_LISTENER=127.0.0.1:0
export OXBOW_PG_LISTENER=127.0.0.1:0
export OXBOW_ADMIN_LISTENER=127.0.0.1:0

step() { echo "--- $*"; }
fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# ox ARGS...: runs oxbow; stdout to $WORK/out, stderr to $WORK/err; fails the test on error.
ox() {
  if ! "$OXBOW" "$@" >"$WORK/out" 2>"$WORK/err"; then
    cat "$WORK/err" >&2
    fail "oxbow $* exited with status $?"
  fi
}

# expect_error PATTERN ARGS...: oxbow must exit non-zero with PATTERN (grep -E) in stderr.
expect_error() {
  local pattern=$1
  shift
  local status=0
  "$OXBOW" "$@" >"$WORK/out" 2>"$WORK/err" || status=$?
  [ "$status" -ne 0 ] || fail "oxbow $* succeeded; expected an error matching '$pattern'"
  grep -qE -- "$pattern" "$WORK/err" ||
    fail "oxbow $* (status $status): stderr lacks '$pattern':
$(cat "$WORK/err")"
}

# contains FILE PATTERN: FILE has a line matching PATTERN (grep -E).
contains() {
  grep -qE -- "$2" "$1" || fail "$1 lacks '$2':
$(cat "$1")"
}

# wait_for_line FILE PATTERN [SECONDS]: polls until FILE has a line matching PATTERN.
wait_for_line() {
  local deadline=$((SECONDS + ${3:-10}))
  until grep -qE -- "$2" "$1" 2>/dev/null; do
    [ "$SECONDS" -lt "$deadline" ] || fail "timed out waiting for '$2' in $1:
$(cat "$1")"
    sleep 0.05
  done
}

now_ms() { date +%s%3N; }

# ---------------------------------------------------------------------------------------
step "version"
ox version
contains "$WORK/out" '^oxbow [0-9]+\.[0-9]+\.[0-9]+$'
contains "$WORK/out" '^build type: '
contains "$WORK/out" '^crc32c: (hardware|software)'

# ---------------------------------------------------------------------------------------
step "create, list, describe a compacted topic with 3 partitions"
ox topic create orders --partitions 3 --config cleanup.policy=compact \
  --config min.cleanable.dirty.ratio=0.2
contains "$WORK/out" '^created topic orders with 3 partitions$'
ox topic list
[ "$(cat "$WORK/out")" = orders ] || fail "topic list: $(cat "$WORK/out")"
ox topic describe orders
contains "$WORK/out" '^Partitions: 3$'
contains "$WORK/out" '^ +cleanup\.policy += compact +\[topic\]$'
contains "$WORK/out" '^ +min\.cleanable\.dirty\.ratio += 0\.2 +\[topic\]$'
contains "$WORK/out" '^ +retention\.ms += 604800000$'
for p in 0 1 2; do contains "$WORK/out" "^ +$p +0 +0 +0 +1$"; done

# ---------------------------------------------------------------------------------------
step "produce 1000 keyed lines, consume them back exactly, in order per partition"
for i in $(seq 1 1000); do
  printf 'user-%d:event %d of user %d, with spaces and = and : inside\n' $((i % 37)) "$i" $((i % 37))
done >"$WORK/input"
ox topic produce orders --key-separator : <"$WORK/input"
contains "$WORK/out" '^produced 1000 records to orders$'

# The partition of every key, as the log has it; each key must sit in exactly one.
ox topic consume orders --format '%p %k'
sort -u "$WORK/out" >"$WORK/key_partitions"
[ "$(wc -l <"$WORK/key_partitions")" -eq 37 ] ||
  fail "37 keys should map to 37 (partition, key) pairs: $(cat "$WORK/key_partitions")"
contains "$WORK/key_partitions" '^0 '
contains "$WORK/key_partitions" '^1 '
contains "$WORK/key_partitions" '^2 '
total=0
for p in 0 1 2; do
  # The input lines of this partition's keys, in input order, must equal what it holds.
  awk -v p="$p" 'NR == FNR { if ($1 == p) keys[$2] = 1; next }
                 { split($0, kv, ":"); if (kv[1] in keys) print }' \
    "$WORK/key_partitions" "$WORK/input" >"$WORK/expected.$p"
  ox topic consume orders --partition "$p" --format '%k:%v'
  cmp -s "$WORK/expected.$p" "$WORK/out" || fail "partition $p differs from the input:
$(diff "$WORK/expected.$p" "$WORK/out" | head)"
  contains "$WORK/err" "^consumed $(wc -l <"$WORK/expected.$p") records$"
  total=$((total + $(wc -l <"$WORK/out")))
done
[ "$total" -eq 1000 ] || fail "consumed $total records in all, expected 1000"
ox topic consume orders --print-key --print-partition --print-offset
cp "$WORK/out" "$WORK/orders_before_restart"
[ "$(wc -l <"$WORK/orders_before_restart")" -eq 1000 ] || fail "default consume lost records"

# ---------------------------------------------------------------------------------------
step "every compression codec round-trips exactly"
for codec in none gzip snappy lz4 zstd; do
  ox topic create "c-$codec" --partitions 1
  ox topic produce "c-$codec" --compression "$codec" --batch-size 100 \
    --header source=e2e --header codec="$codec" <"$WORK/input"
  contains "$WORK/out" '^  partition 0: 1000 records, offsets 0\.\.999$'
  ox topic consume "c-$codec"
  cmp -s "$WORK/input" "$WORK/out" || fail "codec $codec: values differ from the input lines"
  ox topic consume "c-$codec" --format '%k|%h' --max-messages 1
  [ "$(cat "$WORK/out")" = "null|source=e2e,codec=$codec" ] ||
    fail "codec $codec: key and headers: $(cat "$WORK/out")"
  ox topic verify "c-$codec"
  contains "$WORK/out" '^partition 0: 1 segments, 10 batches, 1000 records, OK$'
done
size_of() {
  ox topic describe "$1"
  awk '$1 == "0" { print $4 }' "$WORK/out"
}
[ "$(size_of c-zstd)" -lt "$(size_of c-none)" ] || fail "zstd batches are not smaller than none"

# ---------------------------------------------------------------------------------------
step "--offset and --from-time"
ox topic consume c-none --offset 5 --max-messages 3 --format '%o'
[ "$(tr '\n' ' ' <"$WORK/out")" = "5 6 7 " ] || fail "--offset 5: $(cat "$WORK/out")"
ox topic consume c-none --offset -2 --format '%o'
[ "$(tr '\n' ' ' <"$WORK/out")" = "998 999 " ] || fail "--offset -2: $(cat "$WORK/out")"
ox topic consume c-none --offset end
[ ! -s "$WORK/out" ] || fail "--offset end printed records"
expect_error 'offset 1001 is out of range for c-none-0: it holds offsets 0 to 999' \
  topic consume c-none --offset 1001

ox topic create times
printf 'early-1\nearly-2\n' | ox topic produce times
t0=$(now_ms)
while [ "$(now_ms)" -le "$t0" ]; do sleep 0.01; done # the next records are strictly later
cut_ms=$(now_ms)
printf 'late-1\nlate-2\nlate-3\n' | ox topic produce times
ox topic consume times --from-time "$cut_ms"
[ "$(tr '\n' ' ' <"$WORK/out")" = "late-1 late-2 late-3 " ] ||
  fail "--from-time $cut_ms: $(cat "$WORK/out")"
iso=$(date -u -d "@$((cut_ms / 1000)).$(printf '%03d' $((cut_ms % 1000)))" +%Y-%m-%dT%H:%M:%S.%3NZ)
ox topic consume times --from-time "$iso" --format '%v@%T'
[ "$(wc -l <"$WORK/out")" -eq 3 ] || fail "--from-time $iso: $(cat "$WORK/out")"
ox topic consume times --from-time 2000-01-01
[ "$(wc -l <"$WORK/out")" -eq 5 ] || fail "--from-time 2000-01-01: $(cat "$WORK/out")"
ox topic consume times --from-time $(($(now_ms) + 3600000))
[ ! -s "$WORK/out" ] || fail "--from-time in the future printed records"

# ---------------------------------------------------------------------------------------
step "invalid arguments exit non-zero and say what is allowed"
expect_error 'name is required' topic create
expect_error 'invalid value .abc. for --log-retention-ms \(retention\.ms\): expected an integer' \
  topic list --log-retention-ms abc
(
  export OXBOW_LOG_CLEANUP_POLICY=forever
  expect_error "invalid value 'forever' for OXBOW_LOG_CLEANUP_POLICY \(cleanup\.policy\): expected delete, compact or compact,delete" \
    topic list
)
expect_error 'brotli not in \{none,gzip,snappy,lz4,zstd\}' topic produce orders --compression brotli
expect_error 'topic nope does not exist; create it first with `oxbow topic create nope`' \
  topic produce nope
expect_error "invalid value 'abc' for retention\.ms: expected an integer" \
  topic create bad --config retention.ms=abc
expect_error "unknown topic config 'retention\.mss': known keys are cleanup\.policy" \
  topic create bad --config retention.mss=1
expect_error "topic 'orders' already exists" topic create orders
expect_error 'topic orders has no partition 3; it has partitions 0\.\.2' topic consume orders -p 3
expect_error "invalid timestamp 'yesterday': expected milliseconds since the epoch or an ISO 8601" \
  topic consume orders --from-time yesterday
expect_error 'excludes --from-time' topic consume orders --offset 1 --from-time 0
expect_error "unknown field '%x'" topic consume orders --format '%x'
expect_error 'line 1 has no key separator' topic produce orders --key-separator '|' <<<"no separator"
expect_error "unknown command 'frobnicate'; the commands of .oxbow. are: version, serve, topic" \
  frobnicate
expect_error 'a command is required; the commands of .oxbow topic. are: create, list' topic
status=0
"$OXBOW" topic list --log-level loud >/dev/null 2>&1 || status=$?
[ "$status" -eq 2 ] || fail "invalid configuration should exit 2, got $status"

# ---------------------------------------------------------------------------------------
step "configuration precedence: flag > environment > TOML file > default"
cat >"$WORK/oxbow.toml" <<EOF
data_dir = "$WORK/data"
[log]
retention_ms = 1111
segment_ms = 2222
EOF
(
  unset OXBOW_DATA_DIR
  ox --config "$WORK/oxbow.toml" topic describe times
  contains "$WORK/out" '^ +retention\.ms += 1111 +\[server\]$'
  contains "$WORK/out" '^ +segment\.ms += 2222 +\[server\]$'
  OXBOW_LOG_RETENTION_MS=3333 ox topic describe times --config "$WORK/oxbow.toml"
  contains "$WORK/out" '^ +retention\.ms += 3333 +\[server\]$'
  OXBOW_CONFIG="$WORK/oxbow.toml" OXBOW_LOG_RETENTION_MS=3333 \
    ox topic describe times --log-retention-ms 4444
  contains "$WORK/out" '^ +retention\.ms += 4444 +\[server\]$'
  contains "$WORK/out" '^ +segment\.ms += 2222 +\[server\]$'
  printf '[log]\nretension_ms = 5\n' >"$WORK/typo.toml"
  expect_error "unknown key 'log\.retension_ms' \(line 2\)" topic list --config "$WORK/typo.toml"
  printf 'data_dir = 5\n' >"$WORK/type.toml"
  expect_error "key 'data_dir' \(line 1\): expected a string, got an integer" \
    topic list --config "$WORK/type.toml"
)

# ---------------------------------------------------------------------------------------
step "alter: set and remove overrides"
ox topic alter times --config retention.ms=60000 --config segment.bytes=100000
contains "$WORK/out" '^  retention\.ms = 60000$'
ox topic alter times --config retention.ms=
ox topic describe times
contains "$WORK/out" '^ +retention\.ms += 604800000$'
contains "$WORK/out" '^ +segment\.bytes += 100000 +\[topic\]$'

# ---------------------------------------------------------------------------------------
step "compact keeps the latest value of every key"
ox topic create compacted --config cleanup.policy=compact --config segment.bytes=2048
for i in $(seq 1 600); do echo "k$((i % 10)):v$i"; done >"$WORK/compact_input"
ox topic produce compacted -K : --batch-size 10 <"$WORK/compact_input"
ox topic compact compacted
contains "$WORK/out" '^partition 0: [0-9]+ segments \([0-9]+ bytes\) -> [0-9]+ segments \([0-9]+ bytes\); removed [1-9][0-9]* records'
ox topic consume compacted --format '%o %k %v'
[ "$(wc -l <"$WORK/out")" -lt 600 ] || fail "compaction removed nothing"
sort -n -c "$WORK/out" || fail "offsets after compaction are not increasing"
# The last value of each key is what it was in the input.
awk '{ last[$2] = $3 } END { for (k in last) print k, last[k] }' "$WORK/out" | sort >"$WORK/got"
awk -F: '{ last[$1] = $2 } END { for (k in last) print k, last[k] }' "$WORK/compact_input" |
  sort >"$WORK/want"
cmp -s "$WORK/want" "$WORK/got" || fail "latest values after compaction differ:
$(diff "$WORK/want" "$WORK/got")"
expect_error 'compaction needs compact or compact,delete' topic compact times

# ---------------------------------------------------------------------------------------
step "verify reports a damaged batch with its file and position"
ox topic create fragile --config segment.bytes=4096
ox topic produce fragile --batch-size 20 <"$WORK/input"
ox topic verify fragile
contains "$WORK/out" '^topic fragile: all batches OK$'
segment="$WORK/data/topics/fragile/0/00000000000000000000.log"
[ -f "$segment" ] || fail "no segment file $segment"
# Flip a byte inside the first batch's records (covered by its CRC).
old=$(od -An -tu1 -j 200 -N 1 "$segment" | tr -d ' ')
printf "\\$(printf '%03o' $(((old + 1) % 256)))" | dd of="$segment" bs=1 seek=200 conv=notrunc status=none
status=0
"$OXBOW" topic verify fragile >"$WORK/out" 2>"$WORK/err" || status=$?
[ "$status" -eq 1 ] || fail "verify of a damaged topic exited $status, expected 1"
contains "$WORK/out" "^DAMAGED $segment position 0 \(offsets 0\.\.19\): .*CRC mismatch"
contains "$WORK/out" '^partition 0: .* 1 DAMAGED$'
contains "$WORK/err" 'topic fragile: 1 damaged batch'
ox topic delete fragile
contains "$WORK/out" '^deleted topic fragile$'
[ ! -e "$WORK/data/topics/fragile" ] || fail "deleted topic's directory remains"

# ---------------------------------------------------------------------------------------
step "consume --follow prints what there is, then stops cleanly on SIGINT"
"$OXBOW" topic consume times --follow >"$WORK/follow.out" 2>"$WORK/follow.err" &
follow_pid=$!
wait_for_line "$WORK/follow.out" '^late-3$'
kill -INT "$follow_pid"
status=0
wait "$follow_pid" || status=$?
[ "$status" -eq 0 ] || fail "consume --follow exited $status after SIGINT"
contains "$WORK/follow.err" '^consumed 5 records$'

# ---------------------------------------------------------------------------------------
step "serve: lock, SIGTERM shutdown, data intact after restart"
"$OXBOW" serve --log-level info 2>"$WORK/serve.log" &
SERVER_PID=$!
wait_for_line "$WORK/serve.log" 'ready; stop with SIGINT'
contains "$WORK/serve.log" 'recovered 8 topic\(s\), 10 partition\(s\)'
contains "$WORK/serve.log" 'Kafka API listening on 127\.0\.0\.1:[0-9]+ \(advertised 127\.0\.0\.1:[0-9]+\)'
expect_error "data directory is in use by another oxbow process \(pid $SERVER_PID" topic list
contains "$WORK/err" 'reached through its Kafka API instead, but its --kafka-listener 127\.0\.0\.1:0 takes any free port'
expect_error 'in use by another oxbow process' serve
port=$(grep -oE 'Kafka API listening on 127\.0\.0\.1:[0-9]+' "$WORK/serve.log" | grep -oE '[0-9]+$')
expect_error "cannot listen on 127\.0\.0\.1:$port: bind: .*in use" \
  serve --data-dir "$WORK/other-data" --kafka-listener "127.0.0.1:$port"
kill -TERM "$SERVER_PID"
status=0
wait "$SERVER_PID" || status=$?
SERVER_PID=""
[ "$status" -eq 0 ] || fail "serve exited $status after SIGTERM:
$(cat "$WORK/serve.log")"
contains "$WORK/serve.log" 'received SIGTERM; shutting down'
contains "$WORK/serve.log" 'Kafka API stopped'
contains "$WORK/serve.log" 'shutdown complete'

"$OXBOW" serve 2>"$WORK/serve2.log" &
SERVER_PID=$!
wait_for_line "$WORK/serve2.log" 'ready; stop with SIGINT'
contains "$WORK/serve2.log" ' 0 truncation\(s\)'
kill -INT "$SERVER_PID"
status=0
wait "$SERVER_PID" || status=$?
SERVER_PID=""
[ "$status" -eq 0 ] || fail "serve exited $status after SIGINT"
contains "$WORK/serve2.log" 'shutdown complete'
ox topic consume orders --print-key --print-partition --print-offset
cmp -s "$WORK/orders_before_restart" "$WORK/out" || fail "orders changed across restarts"

echo "PASS"
