#!/usr/bin/env bash
# End-to-end test of the Kafka API with kcat (librdkafka), as a user would use it against
# `oxbow serve`: metadata, topic auto-creation, produce and consume back byte-identical with
# every codec, offsets for times, a bad request that must not hurt the server, and data
# surviving a restart.
#
# Usage: kafka_kcat_test.sh PATH_TO_OXBOW [MESSAGES]   (CTest passes the built binary)
set -euo pipefail

OXBOW=$(realpath "${1:?usage: kafka_kcat_test.sh PATH_TO_OXBOW [MESSAGES]}")
N=${2:-100000}
[ -n "${OXBOW_QUICK:-}" ] && N=10000
command -v kcat >/dev/null || {
  echo "SKIPPED: kcat is not installed (scripts/install-deps.sh installs it)"
  exit 77
}
source "$(dirname "${BASH_SOURCE[0]}")/kafka_lib.sh"
e2e_init kcat

start_server --default-partitions 3
KC=(kcat -b "$BROKER" -X socket.timeout.ms=10000 -m 10)

step "metadata lists the broker"
"${KC[@]}" -L >"$WORK/meta" 2>&1 || fail "kcat -L: $(cat "$WORK/meta")"
grep -q "1 brokers:" "$WORK/meta" || fail "metadata: $(cat "$WORK/meta")"
grep -q "broker 0 at $BROKER" "$WORK/meta" || fail "metadata: $(cat "$WORK/meta")"

step "produce $N keyed messages per codec and consume them back byte-identical"
python3 - "$N" >"$WORK/input" <<'PY'
import random, sys
n = int(sys.argv[1])
rng = random.Random(7)
for i in range(n):
    # keys repeat (so partitions get several), values vary in size and content
    value = ''.join(rng.choice('abcdefghijklmnopqrstuvwxyz0123456789{}":,') for _ in range(rng.randint(1, 200)))
    print(f"key-{i % 997}\t{i}:{value}")
PY
sort "$WORK/input" >"$WORK/input.sorted"
for codec in none gzip snappy lz4 zstd; do
  topic="codec-$codec"
  "${KC[@]}" -P -t "$topic" -z "$codec" -K $'\t' -l "$WORK/input" 2>"$WORK/perr" ||
    fail "produce $codec: $(cat "$WORK/perr")"
  "${KC[@]}" -C -t "$topic" -o beginning -e -q -f '%k\t%s\n' >"$WORK/output" 2>"$WORK/cerr" ||
    fail "consume $codec: $(cat "$WORK/cerr")"
  sort "$WORK/output" | cmp -s - "$WORK/input.sorted" ||
    fail "codec $codec: consumed $(wc -l <"$WORK/output") lines, differing from the $N produced"
  # Per key, order is kept (a key always goes to one partition).
  grep -P '^key-5\t' "$WORK/input" >"$WORK/k.in"
  grep -P '^key-5\t' "$WORK/output" >"$WORK/k.out"
  cmp -s "$WORK/k.in" "$WORK/k.out" || fail "codec $codec: order of key-5 changed"
done

step "offsets for times (-Q)"
printf 'a\nb\nc\n' | "${KC[@]}" -P -t times -p 0 2>/dev/null
T=$(python3 -c 'import time; print(int(time.time()*1000))')
python3 -c 'import time; time.sleep(0.01)'
printf 'd\ne\n' | "${KC[@]}" -P -t times -p 0 2>/dev/null
"${KC[@]}" -Q -t "times:0:$T" >"$WORK/q" 2>&1 || fail "kcat -Q: $(cat "$WORK/q")"
grep -qE 'offset 3\b' "$WORK/q" || fail "offsets for time $T: $(cat "$WORK/q")"
"${KC[@]}" -C -t times -p 0 -o -2 -e -q >"$WORK/tail" || fail "consume tail"
[ "$(cat "$WORK/tail")" = $'d\ne' ] || fail "reading the last 2 gave: $(cat "$WORK/tail")"

step "a malformed request closes that connection only"
python3 - "${BROKER%:*}" "${BROKER#*:}" <<'PY'
import socket, struct, sys
s = socket.create_connection((sys.argv[1], int(sys.argv[2])))
s.sendall(struct.pack('>i', 10) + b'\x00\x03\x00\x01garbage!')  # Metadata v1, junk body
s.settimeout(5)
try:
    data = s.recv(100)
except ConnectionResetError:
    data = b''
assert data == b'', data
PY
"${KC[@]}" -L >/dev/null 2>&1 || fail "server unusable after a malformed request"

step "data survives a restart"
stop_server
start_server --default-partitions 3
KC=(kcat -b "$BROKER" -X socket.timeout.ms=10000 -m 10)
"${KC[@]}" -C -t codec-zstd -o beginning -e -q -f '%k\t%s\n' | sort | cmp -s - "$WORK/input.sorted" ||
  fail "codec-zstd differs after restart"
stop_server
echo "PASS"
