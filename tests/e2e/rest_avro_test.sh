#!/usr/bin/env bash
# End-to-end test of Avro over the REST proxy and of schema validation, as users meet them:
# curl posts application/vnd.kafka.avro.v2+json records (schemas registered under
# <topic>-key / <topic>-value), kcat consumes the bytes through the Kafka API and an
# independent Avro decoder (below, in Python) reads them back to the values posted; keys
# land on the partitions the Java client's murmur2 partitioner picks for the framed key
# bytes. A topic with confluent.value.schema.validation=true refuses unframed or foreign
# records on both paths: per record over REST (42203), INVALID_RECORD to kcat (librdkafka:
# "Broker: Broker failed to validate record").
#
# Usage: rest_avro_test.sh PATH_TO_OXBOW   (CTest passes the built binary)
set -euo pipefail

OXBOW=$(realpath "${1:?usage: rest_avro_test.sh PATH_TO_OXBOW}")
for tool in kcat curl python3; do
  command -v "$tool" >/dev/null || {
    echo "SKIPPED: $tool is not installed (scripts/install-deps.sh installs it)"
    exit 77
  }
done
source "$(dirname "${BASH_SOURCE[0]}")/kafka_lib.sh"
e2e_init rest-avro

start_server --default-partitions 4
[ -n "$REST" ] || fail "no 'REST proxy listening on' line"
[ -n "$REGISTRY" ] || fail "no 'schema registry listening on' line"
AVRO=application/vnd.kafka.avro.v2+json

# post PATH CONTENT_TYPE BODY_FILE: the answer in $WORK/answer, the status printed.
post() {
  curl -sS -o "$WORK/answer" -w '%{http_code}' -X POST -H "Content-Type: $2" \
    --data-binary "@$3" "http://$REST$1" || fail "curl POST $1"
}
# answer_is STATUS PYTHON_EXPR: the last answer's status, and the expression true of it (a).
answer_is() {
  [ "$status" = "$1" ] || fail "expected HTTP $1, got $status: $(cat "$WORK/answer")"
  python3 -c "import json,sys; a=json.load(open(sys.argv[1])); sys.exit(0 if ($2) else 1)" \
    "$WORK/answer" || fail "answer $(cat "$WORK/answer") is not: $2"
}
# consume TOPIC: every record as "partition offset" then key and value bytes, parsed by
# the Python below from kcat's length-prefixed output.
consume() {
  kcat -C -b "$BROKER" -t "$1" -e -q -X socket.timeout.ms=10000 \
    -f '%p %o %K %S\n%k%s\n' >"$WORK/$1.bin" 2>"$WORK/kcat-$1.err" || fail "kcat -C $1"
}

ORDER='{"type":"record","name":"Order","namespace":"shop","fields":[{"name":"id","type":"long"},{"name":"item","type":"string"},{"name":"price","type":"double"},{"name":"note","type":["null","string"],"default":null},{"name":"size","type":{"type":"enum","name":"Size","symbols":["S","M","L"]}}]}'
python3 - "$ORDER" >"$WORK/orders.json" <<'PY'
import json, sys
print(json.dumps({
    "key_schema": json.dumps("string"),
    "value_schema": sys.argv[1],
    "records": [
        {"key": "alice", "value": {"id": 1, "item": "tea", "price": 3.5, "note": None, "size": "S"}},
        {"key": "bob", "value": {"id": -200000, "item": "Zoë's café", "price": -0.25,
                                 "note": {"string": "gift"}, "size": "L"}},
        {"key": "carol", "value": {"id": 9007199254740993, "item": "", "price": 1e100,
                                   "note": None, "size": "M"}},
    ]}))
PY

step "Avro records with inline schemas: registered under orders-key / orders-value"
status=$(post /topics/orders "$AVRO" "$WORK/orders.json")
answer_is 200 'a["key_schema_id"] == 1 and a["value_schema_id"] == 2 and all(o["error_code"] is None for o in a["offsets"]) and len(a["offsets"]) == 3'
cp "$WORK/answer" "$WORK/orders-answer.json"
curl -sS "http://$REGISTRY/subjects" >"$WORK/subjects.json"
python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); sys.exit(0 if sorted(s)==["orders-key","orders-value"] else 1)' \
  "$WORK/subjects.json" || fail "subjects: $(cat "$WORK/subjects.json")"

step "kcat reads them back: framed Avro that decodes to the values posted, keys on murmur2 partitions"
consume orders
python3 - "$WORK/orders.bin" "$WORK/orders.json" "$WORK/orders-answer.json" <<'PY' || fail "orders read back wrong"
import json, struct, sys

def records(path):
    data = open(path, "rb").read()
    pos, out = 0, []
    while pos < len(data):
        nl = data.index(b"\n", pos)
        p, o, klen, vlen = map(int, data[pos:nl].split())
        pos = nl + 1
        key = data[pos:pos + max(klen, 0)]; pos += max(klen, 0)
        val = data[pos:pos + max(vlen, 0)]; pos += max(vlen, 0)
        assert data[pos:pos + 1] == b"\n"; pos += 1
        out.append((p, o, key, val))
    return out

class Reader:  # Avro binary, written from the spec for this test's types
    def __init__(self, b): self.b, self.i = b, 0
    def long(self):
        n = shift = 0
        while True:
            c = self.b[self.i]; self.i += 1
            n |= (c & 0x7F) << shift; shift += 7
            if not c & 0x80: break
        return (n >> 1) ^ -(n & 1)
    def string(self):
        n = self.long(); s = self.b[self.i:self.i + n]; self.i += n
        return s.decode("utf-8")
    def double(self):
        v, = struct.unpack("<d", self.b[self.i:self.i + 8]); self.i += 8
        return v

def unframe(b):
    assert b[0] == 0, "magic byte"
    return struct.unpack(">i", b[1:5])[0], Reader(b[5:])

def murmur2(data):  # the Java client's Utils.murmur2
    m, r = 0x5bd1e995, 24
    h = (0x9747b28c ^ len(data)) & 0xFFFFFFFF
    for i in range(0, len(data) // 4 * 4, 4):
        k = int.from_bytes(data[i:i + 4], "little")
        k = (k * m) & 0xFFFFFFFF; k ^= k >> r; k = (k * m) & 0xFFFFFFFF
        h = (h * m) & 0xFFFFFFFF; h ^= k
    rest = len(data) % 4; tail = data[len(data) - rest:]
    if rest == 3: h ^= tail[2] << 16
    if rest >= 2: h ^= tail[1] << 8
    if rest >= 1: h ^= tail[0]; h = (h * m) & 0xFFFFFFFF
    h ^= h >> 13; h = (h * m) & 0xFFFFFFFF; h ^= h >> 15
    return h - (1 << 32) if h & 0x80000000 else h

assert murmur2(b"21") == -973932308 and murmur2(b"foobar") == -790332482  # Kafka's vectors

posted = json.load(open(sys.argv[2]))["records"]
answer = json.load(open(sys.argv[3]))["offsets"]
got = {(p, o): (k, v) for p, o, k, v in records(sys.argv[1])}
assert len(got) == 3, got
for rec, placed in zip(posted, answer):
    key, val = got[(placed["partition"], placed["offset"])]
    kid, kr = unframe(key)
    assert kid == 1 and kr.string() == rec["key"], (kid, key)
    assert placed["partition"] == (murmur2(key) & 0x7FFFFFFF) % 4, ("partition", key, placed)
    vid, vr = unframe(val)
    assert vid == 2
    v = {"id": vr.long(), "item": vr.string(), "price": vr.double()}
    branch = vr.long()
    v["note"] = None if branch == 0 else {"string": vr.string()}
    v["size"] = ["S", "M", "L"][vr.long()]
    assert vr.i == len(vr.b), "bytes left"
    assert v == rec["value"], (v, rec["value"])
print("3 records decode to the values posted")
PY

step "a record that does not match fails alone (42203, saying where); the others are written"
python3 - >"$WORK/mixed.json" <<'PY'
import json
print(json.dumps({"key_schema_id": 1, "value_schema_id": 2, "records": [
    {"key": "dave", "value": {"id": 5, "item": "pen", "price": 1, "size": "M"}},
    {"key": "erin", "value": {"id": "five", "item": "pen", "price": 1, "size": "M"}},
    {"key": "fred", "value": {"id": 6, "item": "ink", "price": 2, "size": "XL"}}]}))
PY
status=$(post /topics/orders "$AVRO" "$WORK/mixed.json")
answer_is 200 'a["value_schema_id"] == 2 and a["offsets"][0]["error_code"] is None and a["offsets"][1]["error_code"] == 42203 and a["offsets"][1]["offset"] is None and "records[1].value" in a["offsets"][1]["error"] and ".id" in a["offsets"][1]["error"] and a["offsets"][2]["error_code"] == 42203 and "XL" in a["offsets"][2]["error"]'

step "unknown schema id: 40403; no schema: 42202; invalid and incompatible schemas: 42201, 409"
printf '%s' '{"value_schema_id": 999, "records": [{"value": 1}]}' >"$WORK/unknown.json"
status=$(post /topics/orders "$AVRO" "$WORK/unknown.json")
answer_is 404 'a["error_code"] == 40403'
printf '%s' '{"records": [{"value": 1}]}' >"$WORK/noschema.json"
status=$(post /topics/orders "$AVRO" "$WORK/noschema.json")
answer_is 422 'a["error_code"] == 42202'
printf '%s' '{"value_schema": "{\"type\":\"recrd\"}", "records": [{"value": 1}]}' >"$WORK/invalid.json"
status=$(post /topics/orders "$AVRO" "$WORK/invalid.json")
answer_is 422 'a["error_code"] == 42201'
printf '%s' '{"value_schema": "\"int\"", "records": [{"value": 1}]}' >"$WORK/incompatible.json"
status=$(post /topics/orders "$AVRO" "$WORK/incompatible.json")
answer_is 409 'a["error_code"] == 409'

step "a topic with confluent.value.schema.validation=true"
"$OXBOW" topic create payments -p 2 -c confluent.value.schema.validation=true \
  --bootstrap-server "$BROKER" >"$WORK/create.out" 2>&1 || fail "topic create: $(cat "$WORK/create.out")"
"$OXBOW" topic describe payments --bootstrap-server "$BROKER" >"$WORK/describe.out" 2>&1 ||
  fail "topic describe: $(cat "$WORK/describe.out")"
grep -qE '^  confluent\.value\.schema\.validation += true  \[topic\]$' "$WORK/describe.out" ||
  fail "describe lacks the validation setting: $(cat "$WORK/describe.out")"

step "REST: JSON records are refused per record; Avro under payments-value is taken"
printf '%s' '{"records": [{"value": {"amount": 1}}]}' >"$WORK/json.json"
status=$(post /topics/payments application/vnd.kafka.json.v2+json "$WORK/json.json")
answer_is 200 'a["offsets"][0]["error_code"] == 42203 and "not Confluent framing" in a["offsets"][0]["error"]'
PAY='{"type":"record","name":"Payment","fields":[{"name":"amount","type":"long"}]}'
python3 -c 'import json,sys; print(json.dumps({"value_schema": sys.argv[1], "records": [{"value": {"amount": 7}}]}))' \
  "$PAY" >"$WORK/pay.json"
status=$(post /topics/payments "$AVRO" "$WORK/pay.json")
answer_is 200 'a["offsets"][0]["error_code"] is None and a["value_schema_id"] == 3'
# The orders schema (id 2) is not registered under payments-value.
printf '%s' '{"value_schema_id": 2, "records": [{"value": {"id": 1, "item": "x", "price": 1, "size": "S"}}]}' >"$WORK/foreign.json"
status=$(post /topics/payments "$AVRO" "$WORK/foreign.json")
answer_is 200 'a["offsets"][0]["error_code"] == 42203 and "schema id 2 is not registered under subject payments-value" in a["offsets"][0]["error"]'

step "Kafka API: kcat's unframed record is refused with INVALID_RECORD; a framed one is written"
printf '%s' '{"amount": 1}' >"$WORK/unframed.bin"
rc=0
kcat -P -b "$BROKER" -t payments -p 0 -X socket.timeout.ms=10000 "$WORK/unframed.bin" \
  >"$WORK/kcat-unframed.out" 2>&1 || rc=$?
grep -qiE 'invalid record|failed to validate record' "$WORK/kcat-unframed.out" ||
  fail "kcat did not report the refusal (exit $rc): $(cat "$WORK/kcat-unframed.out")"
grep -q 'payments-0 .*refused: batch 0, record 0 (offset delta 0): value: not Confluent framing' \
  "$WORK/serve.log" || fail "the server did not log which record and why"
# 0, id 3, then the Avro long 9 (zigzag 18).
printf '\x00\x00\x00\x00\x03\x12' >"$WORK/framed.bin"
kcat -P -b "$BROKER" -t payments -p 0 -X socket.timeout.ms=10000 "$WORK/framed.bin" \
  >"$WORK/kcat-framed.out" 2>&1 || fail "kcat -P framed: $(cat "$WORK/kcat-framed.out")"
# Framed with id 3, but the body is not a Payment (a long needs at least one byte).
printf '\x00\x00\x00\x00\x03' >"$WORK/empty-body.bin"
kcat -P -b "$BROKER" -t payments -p 0 -X socket.timeout.ms=10000 "$WORK/empty-body.bin" \
  >"$WORK/kcat-empty.out" 2>&1 || true
grep -qiE 'invalid record|failed to validate record' "$WORK/kcat-empty.out" ||
  fail "kcat did not report the refusal: $(cat "$WORK/kcat-empty.out")"
consume payments
python3 - "$WORK/payments.bin" <<'PY' || fail "payments holds other records than the valid ones"
import sys
data = open(sys.argv[1], "rb").read()
assert data.count(b"\x00\x00\x00\x00\x03") == 2, data  # the REST record and kcat's framed one
assert b'{"amount' not in data, data
PY

stop_server
echo "PASS"
