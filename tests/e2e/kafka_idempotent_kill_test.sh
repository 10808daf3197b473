#!/usr/bin/env bash
# kill -9 of the server under an idempotent producer: idempotent_producer (librdkafka,
# enable.idempotence=true, acks=all) streams numbered messages to 3 partitions; the server
# is killed with SIGKILL mid-stream and restarted on the same port; the producer's retries
# carry on. Afterwards every acknowledged message is in the log exactly once, nothing is
# duplicated, and each partition holds its numbers in order without gaps: the restarted
# server recognized the retries of batches it had written before dying (producer state
# rebuilt from the log) instead of writing them twice.
#
# Usage: kafka_idempotent_kill_test.sh PATH_TO_OXBOW PATH_TO_IDEMPOTENT_PRODUCER
set -euo pipefail

OXBOW=$(realpath "${1:?usage: kafka_idempotent_kill_test.sh OXBOW IDEMPOTENT_PRODUCER}")
PRODUCER=$(realpath "${2:?usage: kafka_idempotent_kill_test.sh OXBOW IDEMPOTENT_PRODUCER}")
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
command -v kcat >/dev/null || {
  echo "SKIPPED: kcat is not installed (scripts/install-deps.sh installs it)"
  exit 77
}
source "$HERE/kafka_lib.sh"
e2e_init idem-kill

LISTENER="127.0.0.1:$(free_port)"
# The topic is auto-created by the producer's metadata request, with 3 partitions.
start_server --default-partitions 3

# Waits until the producer has printed an "acked N" line with N >= $1 (its progress).
wait_acked() {
  for _ in $(seq 1 600); do
    local n
    n=$({ grep -oE '^acked [0-9]+' "$WORK/producer.log" || true; } | tail -1 | awk '{print $2}')
    if [ -n "$n" ] && [ "$n" -ge "$1" ]; then
      echo "$n"
      return
    fi
    kill -0 "$PRODUCER_PID" 2>/dev/null || fail "the producer exited early"
    sleep 0.05
  done
  fail "the producer did not reach $1 acknowledgements"
}

step "an idempotent producer streams to $BROKER"
"$PRODUCER" "$BROKER" stream 3 "$WORK/stop" "$WORK/acked.txt" >"$WORK/producer.log" 2>&1 &
PRODUCER_PID=$!
track_pid "$PRODUCER_PID"
before=$(wait_acked 30000)

step "kill -9 the server after $before acknowledgements, restart it on $LISTENER"
kill -KILL "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null || true
SERVER_PID=""
start_server --default-partitions 3
after=$(wait_acked $((before + 30000)))
step "the producer carried on: $after acknowledgements"

touch "$WORK/stop"
wait "$PRODUCER_PID" || fail "producer: $(tail -3 "$WORK/producer.log")"
tail -1 "$WORK/producer.log"

step "every acknowledged message exactly once, in order, no gaps"
kcat -C -b "$BROKER" -t stream -e -o beginning -q -f '%p %s\n' >"$WORK/consumed.txt" 2>"$WORK/kcat.err" ||
  fail "kcat: $(cat "$WORK/kcat.err")"
python3 - "$WORK/acked.txt" "$WORK/consumed.txt" <<'EOF' || fail "the log does not match"
import sys
acked = [int(l) for l in open(sys.argv[1])]
per_partition = {}
for line in open(sys.argv[2]):
    p, n = line.split()
    per_partition.setdefault(int(p), []).append(int(n))
consumed = [n for ns in per_partition.values() for n in ns]
dups = len(consumed) - len(set(consumed))
missing = set(acked) - set(consumed)
print(f"acked {len(acked)}, consumed {len(consumed)}, duplicates {dups}, missing {len(missing)}")
ok = dups == 0 and not missing
for p, ns in sorted(per_partition.items()):
    # Partition p holds p, p+3, p+6, ... in order: nothing skipped before the last one.
    expect = list(range(p, p + 3 * len(ns), 3))
    if ns != expect:
        bad = next(i for i, (a, b) in enumerate(zip(ns, expect)) if a != b)
        print(f"partition {p}: position {bad} holds {ns[bad]}, expected {expect[bad]}")
        ok = False
sys.exit(0 if ok else 1)
EOF

step "the server stops cleanly"
stop_server
echo "PASS"
