#!/usr/bin/env bash
# End-to-end test of `oxbow topic` against a running server, through the Kafka API: the same
# script of commands (create with configs, list, describe, alter, produce keyed and unkeyed,
# consume with offsets, limits and formats, errors, delete) runs once on a data directory
# without a server and once on a directory a server holds, and every output and exit status
# must match (sizes and segment counts, which the Kafka API does not tell, aside). Then:
# what the server wrote reads back identically through the files, --bootstrap-server and
# OXBOW_BOOTSTRAP_SERVER, consume --follow, compact and verify refusing clearly, and the
# errors when the server cannot be reached.
#
# Usage: cli_remote_test.sh PATH_TO_OXBOW      (CTest passes the built binary)
set -euo pipefail

OXBOW=$(realpath "${1:?usage: cli_remote_test.sh PATH_TO_OXBOW}")
source "$(dirname "${BASH_SOURCE[0]}")/kafka_lib.sh"
e2e_init cli-remote

# The configuration both the server and the commands read: one listener, a topic default
# set by the server (describe marks it [server]), three partitions by default.
PORT=$(free_port)
export OXBOW_KAFKA_LISTENER=127.0.0.1:$PORT
export OXBOW_LOG_RETENTION_MS=86400000
export OXBOW_DEFAULT_PARTITIONS=3

# run NAME ARGS... [<<<input]: oxbow ARGS, stdout/stderr/status in $OUT/NAME.{out,err,rc}.
run() {
  local name=$1
  shift
  local rc=0
  "$OXBOW" "$@" >"$OUT/$name.out" 2>"$OUT/$name.err" || rc=$?
  echo "$rc" >"$OUT/$name.rc"
}

# The script both modes run; $OUT is where its results go.
script() {
  run create-a topic create a -p 3 -c cleanup.policy=compact,delete -c retention.bytes=100000
  run create-b topic create b
  run create-exists topic create a
  run create-bad-config topic create c -c retention.ms=abc
  run create-bad-name topic create 'bad/name'
  run list topic list
  run produce-keyed topic produce a -K '|' -H source=test -H empty= \
    < <(for i in $(seq 1 300); do echo "key$((i % 40))|value $i"; done)
  run produce-unkeyed topic produce b -z gzip -b 7 < <(seq 1 50 | sed 's/^/line /')
  run produce-partition topic produce b -p 2 -z lz4 < <(printf 'p2-a\np2-b\n\n')
  run produce-bad-line topic produce a -K '|' < <(printf 'k|ok\nno separator\nk|never\n')
  run produce-keyless-compacted topic produce a < <(echo 'no key')
  run produce-missing topic produce nope < <(echo x)
  run describe-a topic describe a
  run describe-missing topic describe nope
  run alter topic alter a -c retention.bytes= -c segment.ms=3600000 -c min.compaction.lag.ms=5
  run alter-bad topic alter a -c max.message.bytes=huge
  run alter-missing topic alter nope -c retention.ms=1
  run describe-a-altered topic describe a
  run describe-b topic describe b
  run consume-all topic consume a --print-key --print-partition --print-offset --print-headers
  run consume-format topic consume b -f '%t/%p/%o %k=%v (%K,%S) [%h]\n'
  run consume-limit topic consume b -n 7 -o -5 --print-offset
  run consume-offset topic consume a -p 1 --offset 3 --print-offset --print-key
  run consume-end topic consume b --offset end
  run consume-time topic consume b -p 0 --from-time 2000-01-01T00:00:00Z -n 3
  run consume-future topic consume b --from-time 2999-01-01
  run consume-bad-partition topic consume a -p 9
  run consume-out-of-range topic consume a -p 0 --offset 100000
  run consume-missing topic consume nope
  run delete-b topic delete b
  run delete-missing topic delete b
  run list-after topic list
}

# Sizes and segment counts are known only from the files: "-" through the Kafka API.
mask_sizes() {
  sed -E -e 's/^Size: .*/Size: X/' \
    -e 's/^( +[0-9]+ +[0-9]+ +[0-9]+) +([0-9]+|-) +([0-9]+|-)$/\1 X X/' "$1"
}

step "the script on a data directory, no server"
OUT=$WORK/local
mkdir -p "$OUT"
OXBOW_DATA_DIR=$WORK/local-data script
grep -q '^-$' "$OUT/describe-a.out" && fail "local describe has unknown sizes"
grep -qE '^ +0 +0 +[0-9]+ +[0-9]+ +1$' "$OUT/describe-a.out" || fail "local describe: $(cat "$OUT/describe-a.out")"

step "the same script against oxbow serve on another data directory (found by its lock)"
# No schema registry: its _schemas topic would make the two `topic list` outputs differ (the
# SQL engine's __oxbow_catalog is filtered below like __consumer_offsets).
LISTENER=$OXBOW_KAFKA_LISTENER REGISTRY_LISTENER="" PG_LISTENER="" start_server
[ "$BROKER" = "127.0.0.1:$PORT" ] || fail "server listens on $BROKER, not port $PORT"
OUT=$WORK/remote
mkdir -p "$OUT"
OXBOW_DATA_DIR=$WORK/data script

step "every output and exit status matches"
compared=0
for f in "$WORK"/local/*; do
  name=$(basename "$f")
  r="$WORK/remote/$name"
  if [[ $name == list* && $name == *.out ]]; then
    # The server creates its group offsets and SQL catalog topics when it starts; the other
    # directory never had a server.
    diff "$f" <(grep -vxE '__consumer_offsets|__oxbow_catalog' "$r") || fail "$name differs"
  elif [[ $name == describe-* && $name == *.out ]]; then
    diff <(mask_sizes "$f") <(mask_sizes "$r") || fail "$name differs (sizes masked)"
  elif [[ $name == *.err && $(cat "$WORK/local/${name%.err}.rc") != 0 ]]; then
    continue # error messages: checked below (the wording of some comes from the broker)
  else
    diff "$f" "$r" || fail "$name differs between local and remote"
  fi
  compared=$((compared + 1))
done
echo "compared $compared files"

step "the outputs say what they should"
contains() { grep -qE -- "$2" "$1" || fail "$1 lacks '$2':
$(cat "$1")"; }
R=$WORK/remote
contains "$R/create-a.out" '^created topic a with 3 partitions$'
contains "$R/create-b.out" '^created topic b with 3 partitions$' # the server's default
contains "$R/list.out" '^a$'
contains "$R/produce-keyed.out" '^produced 300 records to a$'
contains "$R/produce-unkeyed.out" '^  partition 2: 16 records, offsets 0\.\.15$'
contains "$R/produce-bad-line.out" '^produced 1 record to a$'
contains "$R/describe-a.out" '^  cleanup\.policy +\= compact,delete  \[topic\]$'
contains "$R/describe-a.out" '^  retention\.ms +\= 86400000  \[server\]$'
contains "$R/describe-a.out" '^  segment\.ms +\= 604800000$'
contains "$R/describe-a.out" '^Size: -$'
contains "$R/describe-a-altered.out" '^  segment\.ms +\= 3600000  \[topic\]$'
contains "$R/alter.out" '^  min\.compaction\.lag\.ms = 5$'
grep -q 'retention.bytes' "$R/alter.out" && fail "alter did not remove retention.bytes"
contains "$R/consume-all.out" $'^1\t[0-9]+\tsource=test,empty=\tkey[0-9]+\tvalue [0-9]+$'
contains "$R/consume-all.err" '^consumed 301 records$'
contains "$R/consume-format.out" '^b/2/16 null=p2-a \(-1,4\) \[\]$'
contains "$R/consume-format.out" '^b/2/18 null= \(-1,0\) \[\]$'
contains "$R/consume-limit.err" '^consumed 7 records$'
contains "$R/consume-end.err" '^consumed 0 records$'
contains "$R/consume-time.out" '^line 1$'
contains "$R/consume-future.err" '^consumed 0 records$'

step "errors: the same exit statuses, with clear messages"
for e in create-exists:1 create-bad-config:2 create-bad-name:2 produce-bad-line:2 \
  produce-keyless-compacted:2 produce-missing:1 describe-missing:1 alter-bad:2 alter-missing:1 \
  consume-bad-partition:2 consume-out-of-range:1 consume-missing:1 delete-missing:1; do
  name=${e%:*}
  [ "$(cat "$R/$name.rc")" = "${e#*:}" ] || fail "$name exited $(cat "$R/$name.rc"), not ${e#*:}"
done
contains "$R/create-exists.err" "topic 'a' already exists"
contains "$R/create-bad-config.err" "invalid value 'abc' for retention\.ms: expected an integer"
contains "$R/create-bad-name.err" 'bad/name'
contains "$R/produce-keyless-compacted.err" 'topic a is compacted \(cleanup\.policy=compact,delete\): every record needs a key'
contains "$R/produce-missing.err" 'topic nope does not exist; create it first'
contains "$R/describe-missing.err" "topic 'nope' does not exist"
contains "$R/alter-bad.err" "invalid value 'huge' for max\.message\.bytes"
contains "$R/consume-bad-partition.err" 'topic a has no partition 9; it has partitions 0\.\.2'
contains "$R/consume-out-of-range.err" '--offset 100000 is out of range for a-0'
contains "$R/delete-missing.err" "topic 'b' does not exist"

step "--bootstrap-server and OXBOW_BOOTSTRAP_SERVER reach the server whatever the data dir"
OUT=$WORK/explicit
mkdir -p "$OUT"
run list topic list --bootstrap-server "$BROKER" --data-dir "$WORK/elsewhere"
diff "$R/list-after.out" "$OUT/list.out" || fail "list through --bootstrap-server"
[ -e "$WORK/elsewhere" ] && fail "--bootstrap-server opened the data directory"
OXBOW_BOOTSTRAP_SERVER=$BROKER run consume topic consume a --print-key --print-partition \
  --print-offset --print-headers --data-dir "$WORK/elsewhere"
diff "$R/consume-all.out" "$OUT/consume.out" || fail "consume through OXBOW_BOOTSTRAP_SERVER"

step "consume --follow prints records as they arrive, and stops on SIGINT"
OXBOW_DATA_DIR=$WORK/data "$OXBOW" topic consume a -p 0 --offset end --follow \
  >"$WORK/follow.out" 2>"$WORK/follow.err" &
follow_pid=$!
track_pid $follow_pid
# Produce until the follower prints: it may assign after the first record was written.
for i in $(seq 1 100); do
  echo "k|late $i" | OXBOW_DATA_DIR=$WORK/data "$OXBOW" topic produce a -p 0 -K '|' >/dev/null
  grep -q '^late' "$WORK/follow.out" && break
  sleep 0.1
done
grep -q '^late' "$WORK/follow.out" || fail "--follow printed nothing: $(cat "$WORK/follow.err")"
kill -INT $follow_pid
status=0
wait $follow_pid || status=$?
[ "$status" -eq 0 ] || fail "consume --follow exited $status after SIGINT"
contains "$WORK/follow.err" '^consumed [0-9]+ records?$'

step "compact and verify refuse to work through the server, and say why"
OUT=$WORK/refuse
mkdir -p "$OUT"
OXBOW_DATA_DIR=$WORK/data run compact topic compact a
OXBOW_DATA_DIR=$WORK/data run verify topic verify a
run verify-explicit topic verify a --bootstrap-server "$BROKER"
for name in compact verify verify-explicit; do
  [ "$(cat "$OUT/$name.rc")" = 1 ] || fail "$name exited $(cat "$OUT/$name.rc")"
done
contains "$OUT/compact.err" "in use by another oxbow process \(pid $SERVER_PID"
contains "$OUT/compact.err" 'the server compacts compacted topics itself, in the background'
contains "$OUT/verify.err" 'it reads the segment files, which the Kafka API does not expose'
contains "$OUT/verify-explicit.err" 'works on a data directory, not through the Kafka API'

step "a server that cannot be reached: clear errors"
CLOSED=$(free_port)
OUT=$WORK/unreachable
mkdir -p "$OUT"
run refused topic list --bootstrap-server "127.0.0.1:$CLOSED"
contains "$OUT/refused.err" "cannot reach the Kafka API at 127\.0\.0\.1:$CLOSED: .*Connection refused"
# The directory is locked, but the configured listener is not where the server listens.
OXBOW_DATA_DIR=$WORK/data OXBOW_KAFKA_LISTENER=127.0.0.1:$CLOSED run wrong-listener topic list
contains "$OUT/wrong-listener.err" "in use by another oxbow process \(pid $SERVER_PID"
contains "$OUT/wrong-listener.err" "reached through its Kafka API instead, but cannot reach the Kafka API at 127\.0\.0\.1:$CLOSED"
OXBOW_DATA_DIR=$WORK/data OXBOW_KAFKA_LISTENER=127.0.0.1:0 run any-port topic list
contains "$OUT/any-port.err" 'takes any free port, so which one is not known here; pass --bootstrap-server'
for name in refused wrong-listener any-port; do
  [ "$(cat "$OUT/$name.rc")" = 1 ] || fail "$name exited $(cat "$OUT/$name.rc")"
done

step "what the server wrote reads back identically from the files once it stopped"
stop_server
OUT=$WORK/after
mkdir -p "$OUT"
OXBOW_DATA_DIR=$WORK/data run consume topic consume a -p 1 --print-key --print-partition \
  --print-offset --print-headers
grep $'^1\t' "$R/consume-all.out" >"$WORK/remote-p1.out"
diff "$WORK/remote-p1.out" "$OUT/consume.out" || fail "partition 1 differs read from the files"
OXBOW_DATA_DIR=$WORK/data run verify topic verify a
contains "$OUT/verify.out" '^topic a: all batches OK$'

echo "PASS"
