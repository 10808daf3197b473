#!/usr/bin/env bash
# End-to-end test of the REST proxy as users call it: curl (and Python's requests) post JSON
# records to `oxbow serve`, kcat consumes them through the Kafka API. Values must come back
# byte for byte, keys on the partitions the Java client's partitioner picks (Kafka's own
# murmur2 test vectors), and every error case must get Confluent's error shape and code.
#
# Usage: rest_proxy_test.sh PATH_TO_OXBOW   (CTest passes the built binary)
set -euo pipefail

OXBOW=$(realpath "${1:?usage: rest_proxy_test.sh PATH_TO_OXBOW}")
for tool in kcat curl; do
  command -v "$tool" >/dev/null || {
    echo "SKIPPED: $tool is not installed (scripts/install-deps.sh installs it)"
    exit 77
  }
done
source "$(dirname "${BASH_SOURCE[0]}")/kafka_lib.sh"
e2e_init rest

# Topics are auto-created with 7 partitions, so that the known vectors spread out. No schema
# registry and no pgwire: their _schemas and __oxbow_catalog topics would be listed by
# GET /topics, which is checked exactly.
REGISTRY_LISTENER=""
PG_LISTENER=""
start_server --default-partitions 7
[ -n "$REST" ] || fail "no 'REST proxy listening on' line"
KC=(kcat -b "$BROKER" -X socket.timeout.ms=10000 -m 10)
V2=application/vnd.kafka.json.v2+json

# post PATH CONTENT_TYPE BODY_FILE: the answer in $WORK/answer, the status printed.
post() {
  curl -sS -o "$WORK/answer" -w '%{http_code}' -X POST -H "Content-Type: $2" \
    --data-binary "@$3" "http://$REST$1" || fail "curl POST $1"
}
# expect_answer STATUS JSON: the last answer's status and body, compared as JSON values.
expect_answer() {
  [ "$status" = "$1" ] || fail "expected HTTP $1, got $status: $(cat "$WORK/answer")"
  python3 - "$WORK/answer" "$2" <<'PY' || fail "answer: $(cat "$WORK/answer"), expected $2"
import json, sys
got = json.load(open(sys.argv[1]))
want = json.loads(sys.argv[2])
def match(g, w):  # "*" in the expectation matches any value (e.g. an error message)
    if w == "*": return True
    if isinstance(w, dict): return isinstance(g, dict) and g.keys() == w.keys() and all(match(g[k], w[k]) for k in w)
    if isinstance(w, list): return isinstance(g, list) and len(g) == len(w) and all(map(match, g, w))
    return g == w
sys.exit(0 if match(got, want) else 1)
PY
}
ok() { echo "{\"partition\":$1,\"offset\":$2,\"error_code\":null,\"error\":null}"; }

step "json.v2 keyed records land where the Java partitioner puts their key bytes"
# JSON keys are stored as their JSON text: the number 21 is the bytes "21". Kafka's vectors
# (UtilsTest.testMurmur2): murmur2("21") = -973932308 -> 1173551340 % 7 = 3. The value keeps
# its members' order and exact characters, in compact form.
cat >"$WORK/keyed.json" <<'EOF'
{"records": [
  {"key": 21, "value": {"id": 1, "name": "Zoë", "tags": ["a", "b"], "n": null}},
  {"key": 21, "value": {"id": 2, "z": 1, "a": 2}},
  {"key": 21, "value": "plain string"}
]}
EOF
status=$(post /topics/events "$V2" "$WORK/keyed.json")
expect_answer 200 "{\"key_schema_id\":null,\"value_schema_id\":null,\"offsets\":[$(ok 3 0),$(ok 3 1),$(ok 3 2)]}"

step "binary records: foobar, abc, a-little-bit-long-string on Kafka's partitions for them"
# murmur2: foobar -790332482 -> 0; abc 479470107 -> 4; a-little-bit-long-string
# -985981536 -> 1 (toPositive(h) % 7).
printf '%s' '{"records":[{"key":"Zm9vYmFy","value":"AAEC/w=="},{"key":"YWJj","value":"dmFsdWU="},{"key":"YS1saXR0bGUtYml0LWxvbmctc3RyaW5n","value":"bG9uZw=="}]}' >"$WORK/binary.json"
status=$(post /topics/events application/vnd.kafka.binary.v2+json "$WORK/binary.json")
expect_answer 200 "{\"key_schema_id\":null,\"value_schema_id\":null,\"offsets\":[$(ok 0 0),$(ok 4 0),$(ok 1 0)]}"

step "plain application/json: one object, an array, and Python's requests.post(json=...)"
printf '%s' '{"event":"click","user":"ann","ts":1700000000000}' >"$WORK/one.json"
status=$(post /topics/clicks application/json "$WORK/one.json")
expect_answer 200 '{"key_schema_id":null,"value_schema_id":null,"offsets":[{"partition":"*","offset":0,"error_code":null,"error":null}]}'
printf '%s' '[{"event":"view","n":1},{"event":"view","n":2}]' >"$WORK/many.json"
status=$(post /topics/clicks application/json "$WORK/many.json")
expect_answer 200 '{"key_schema_id":null,"value_schema_id":null,"offsets":[{"partition":"*","offset":"*","error_code":null,"error":null},{"partition":"*","offset":"*","error_code":null,"error":null}]}'
python3 - "$REST" <<'PY' || fail "requests.post(json=event)"
import sys, requests
r = requests.post(f"http://{sys.argv[1]}/topics/clicks", json={"event": "buy", "amount": 12.5})
assert r.status_code == 200, (r.status_code, r.text)
assert r.json()["offsets"][0]["error"] is None, r.text
PY

step "kcat reads every record back byte for byte, on the expected partitions"
"${KC[@]}" -C -t events -o beginning -e -q -f '%p %k|%s\n' >"$WORK/events.out" 2>"$WORK/kcat.err" ||
  fail "kcat -C events: $(cat "$WORK/kcat.err")"
python3 - "$WORK/events.out" <<'PY' || fail "events: $(cat "$WORK/events.out" | od -c | head -20)"
import sys
got = sorted(open(sys.argv[1], 'rb').read().split(b'\n')[:-1])
want = sorted([
    b'3 21|{"id":1,"name":"Zo\xc3\xab","tags":["a","b"],"n":null}',
    b'3 21|{"id":2,"z":1,"a":2}',
    b'3 21|"plain string"',
    b'0 foobar|\x00\x01\x02\xff',
    b'4 abc|value',
    b'1 a-little-bit-long-string|long',
])
assert got == want, (got, want)
PY
"${KC[@]}" -C -t clicks -o beginning -e -q -f '%s\n' | sort >"$WORK/clicks.out" ||
  fail "kcat -C clicks"
printf '%s\n' '{"event":"buy","amount":12.5}' '{"event":"click","user":"ann","ts":1700000000000}' \
  '{"event":"view","n":1}' '{"event":"view","n":2}' | sort >"$WORK/clicks.want"
cmp -s "$WORK/clicks.out" "$WORK/clicks.want" ||
  fail "clicks: $(diff "$WORK/clicks.want" "$WORK/clicks.out")"

step "GET /topics and /topics/{topic}"
status=$(curl -sS -o "$WORK/answer" -w '%{http_code}' "http://$REST/topics")
expect_answer 200 '["clicks","events"]'
status=$(curl -sS -o "$WORK/answer" -w '%{http_code}' "http://$REST/topics/events")
expect_answer 200 '{"name":"events","configs":{},"partitions":"*"}'
python3 -c 'import json,sys; assert len(json.load(open(sys.argv[1]))["partitions"]) == 7' \
  "$WORK/answer" || fail "7 partitions: $(cat "$WORK/answer")"
status=$(curl -sS -o "$WORK/answer" -w '%{http_code}' "http://$REST/topics/nope")
expect_answer 404 '{"error_code":40401,"message":"Topic nope not found"}'

step "errors: bad content type, invalid JSON, wrong shape, bad partition, oversize body"
status=$(post /topics/events text/plain "$WORK/one.json")
expect_answer 415 '{"error_code":415,"message":"*"}'
printf '%s' '{"records":[{"value": nope}]}' >"$WORK/bad.json"
status=$(post /topics/events "$V2" "$WORK/bad.json")
expect_answer 422 '{"error_code":422,"message":"*"}'
grep -q 'not valid JSON: parse error at line 1, column' "$WORK/answer" || fail "$(cat "$WORK/answer")"
printf '%s' '{"value":1}' >"$WORK/shape.json"
status=$(post /topics/events "$V2" "$WORK/shape.json")
expect_answer 422 '{"error_code":422,"message":"*"}'
printf '%s' '{"records":[{"value":1,"partition":7},{"value":2,"partition":6}]}' >"$WORK/part.json"
status=$(post /topics/events "$V2" "$WORK/part.json")
expect_answer 200 '{"key_schema_id":null,"value_schema_id":null,"offsets":[{"partition":7,"offset":null,"error_code":40402,"error":"Partition 7 of topic events not found (it has 7 partitions)"},{"partition":6,"offset":0,"error_code":null,"error":null}]}'
printf '%s' '{"value_schema":"\"string\"","records":[{"value":"x"}]}' >"$WORK/avro.json"
status=$(post /topics/events application/vnd.kafka.avro.v2+json "$WORK/avro.json")
expect_answer 415 '{"error_code":415,"message":"*"}'
grep -q 'needs the schema registry' "$WORK/answer" || fail "$(cat "$WORK/answer")"
# 16 MiB is the limit; curl sends Expect: 100-continue and gets 413 before the body.
python3 -c 'import sys; sys.stdout.write("[" + ",".join(["1"] * (9 << 20)) + "]")' >"$WORK/big.json"
status=$(post /topics/events application/json "$WORK/big.json")
expect_answer 413 '{"error_code":413,"message":"the request body exceeds the limit of 16777216 bytes"}'
# The server is fine after all of that.
status=$(post /topics/clicks application/json "$WORK/one.json")
expect_answer 200 '{"key_schema_id":null,"value_schema_id":null,"offsets":"*"}'

step "with --auto-create-topics false, unknown topics are 404 40401 and stay unknown"
stop_server
grep -q 'REST proxy stopped' "$WORK/serve.log" || fail "no 'REST proxy stopped' at shutdown"
start_server --auto-create-topics false
status=$(post /topics/unknown "$V2" "$WORK/keyed.json")
expect_answer 404 '{"error_code":40401,"message":"*"}'
status=$(curl -sS -o "$WORK/answer" -w '%{http_code}' "http://$REST/topics")
expect_answer 200 '["clicks","events"]'
# Existing topics still take records, and offsets continue after the restart.
status=$(post /topics/events "$V2" "$WORK/keyed.json")
expect_answer 200 "{\"key_schema_id\":null,\"value_schema_id\":null,\"offsets\":[$(ok 3 3),$(ok 3 4),$(ok 3 5)]}"

step "an empty --rest-listener runs no REST proxy"
stop_server
REST_LISTENER="" start_server
grep -q 'REST proxy: off' "$WORK/serve.log" || fail "no 'REST proxy: off' line"
[ -z "$REST" ] || fail "a REST proxy listens on $REST"
stop_server
echo "PASS"
