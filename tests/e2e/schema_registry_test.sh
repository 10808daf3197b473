#!/usr/bin/env bash
# End-to-end test of the schema registry's HTTP API as clients call it (curl): every
# endpoint and every error code, the soft/permanent delete rules, modes and configs, and a
# restart that must keep every subject, version, id, setting and deleted state (and never
# give an id twice).
#
# Usage: schema_registry_test.sh PATH_TO_OXBOW   (CTest passes the built binary)
set -euo pipefail

OXBOW=$(realpath "${1:?usage: schema_registry_test.sh PATH_TO_OXBOW}")
command -v curl >/dev/null || {
  echo "SKIPPED: curl is not installed (scripts/install-deps.sh installs it)"
  exit 77
}
source "$(dirname "${BASH_SOURCE[0]}")/kafka_lib.sh"
e2e_init registry

SR=application/vnd.schemaregistry.v1+json
# call METHOD PATH [BODY [CONTENT_TYPE]]: sets STATUS and ANSWER.
call() {
  local args=(-sS -o "$WORK/answer" -w '%{http_code}' -X "$1")
  if [ $# -ge 3 ]; then args+=(-H "Content-Type: ${4:-$SR}" --data-binary "$3"); fi
  STATUS=$(curl "${args[@]}" "http://$REGISTRY$2") || fail "curl $1 $2"
  ANSWER=$(cat "$WORK/answer")
}
# expect STATUS BODY: the last answer, exactly.
expect() {
  [ "$STATUS" = "$1" ] && [ "$ANSWER" = "$2" ] ||
    fail "expected $1 $2
got      $STATUS $ANSWER"
}
# expect_error STATUS CODE [MESSAGE_PART]: a Confluent error answer.
expect_error() {
  [ "$STATUS" = "$1" ] || fail "expected HTTP $1, got $STATUS $ANSWER"
  [[ "$ANSWER" == "{\"error_code\":$2,\"message\":"* ]] || fail "expected error_code $2: $ANSWER"
  [ -z "${3:-}" ] || [[ "$ANSWER" == *"$3"* ]] || fail "expected '$3' in $ANSWER"
}
# A schema as the "schema" string of a request body.
body() { python3 -c 'import json,sys; print(json.dumps({"schema": sys.argv[1], **json.loads(sys.argv[2])}))' "$1" "${2:-{\}}"; }

V1='{"type":"record","name":"User","namespace":"shop","fields":[{"name":"id","type":"long"}]}'
V2='{"type":"record","name":"User","namespace":"shop","fields":[{"name":"id","type":"long"},{"name":"email","type":["null","string"],"default":null}]}'
BAD='{"type":"record","name":"User","namespace":"shop","fields":[{"name":"id","type":"long"},{"name":"age","type":"int"}]}'
# What the registry stores and answers: the normalized form (full names, fixed key order).
N1='{"type":"record","name":"shop.User","fields":[{"name":"id","type":"long"}]}'
N2='{"type":"record","name":"shop.User","fields":[{"name":"id","type":"long"},{"name":"email","type":["null","string"],"default":null}]}'
V1_TEXT=$(python3 -c 'import json,sys; print(json.dumps(sys.argv[1]))' "$N1")
V2_TEXT=$(python3 -c 'import json,sys; print(json.dumps(sys.argv[1]))' "$N2")

start_server
[ -n "$REGISTRY" ] || fail "no 'schema registry listening on' line"

step "root, types, an empty registry"
call GET /; expect 200 '{}'
call GET /schemas/types; expect 200 '["JSON","AVRO"]'
call GET /subjects; expect 200 '[]'
call GET /config; expect 200 '{"compatibilityLevel":"BACKWARD"}'
call GET /mode; expect 200 '{"mode":"READWRITE"}'

step "register: ids, versions, the same schema in another subject"
call POST /subjects/users-value/versions "$(body "$V1")"; expect 200 '{"id":1}'
call POST /subjects/users-value/versions "$(body "$V1")"; expect 200 '{"id":1}'
call POST /subjects/audit-value/versions "$(body "$V1")" application/json; expect 200 '{"id":1}'
call POST /subjects/users-value/versions "$(body "$V2")" application/vnd.schemaregistry+json
expect 200 '{"id":2}'
call POST /subjects/events-value/versions "$(body '{"type":"object","properties":{"a":{"type":"string"}}}' '{"schemaType":"JSON"}')"
expect 200 '{"id":3}'

step "register: errors"
call POST /subjects/users-value/versions "$(body "$BAD")"
expect_error 409 409 'Schema being registered is incompatible with an earlier schema for subject \"users-value\"'
[[ "$ANSWER" == *READER_FIELD_MISSING_DEFAULT_VALUE* ]] || fail "no reason in $ANSWER"
call POST /subjects/users-value/versions "$(body '{"type":"strin"}')"; expect_error 422 42201 'Invalid schema'
call POST /subjects/users-value/versions '{}'; expect_error 422 42201 'Empty schema'
call POST /subjects/users-value/versions "$(body '"int"' '{"schemaType":"PROTOBUF"}')"; expect_error 422 42201 PROTOBUF
call POST /subjects/users-value/versions '{"schema":'; expect_error 400 400
call POST /subjects/users-value/versions '[1]'; expect_error 422 422
call POST /subjects/users-value/versions "$(body "$V1")" text/plain; expect_error 415 415
call POST /subjects/users-value/versions "$(body '"int"' '{"id":77}')"; expect_error 422 42205 'not in import mode'
call POST /subjects/users-value/versions "$(body '"int"' '{"version":9}')"
expect_error 422 42201 'Version is not one more than previous version'
head -c 17000000 /dev/zero | tr '\0' ' ' >"$WORK/big"
STATUS=$(curl -sS -o "$WORK/answer" -w '%{http_code}' -X POST -H "Content-Type: $SR" \
  --data-binary "@$WORK/big" "http://$REGISTRY/subjects/big/versions") || true
[ "$STATUS" = 413 ] || fail "a 17 MB body: expected 413, got $STATUS"

step "subjects and versions"
call GET /subjects; expect 200 '["audit-value","events-value","users-value"]'
call GET '/subjects?subjectPrefix=us'; expect 200 '["users-value"]'
call GET /subjects/users-value/versions; expect 200 '[1,2]'
call GET /subjects/nope/versions; expect_error 404 40401 "Subject 'nope' not found."
call GET /subjects/users-value/versions/1
expect 200 "{\"subject\":\"users-value\",\"version\":1,\"id\":1,\"schema\":$V1_TEXT}"
call GET /subjects/users-value/versions/latest
expect 200 "{\"subject\":\"users-value\",\"version\":2,\"id\":2,\"schema\":$V2_TEXT}"
call GET /subjects/users-value/versions/-1/schema; expect 200 "$N2"
call GET /subjects/events-value/versions/1
expect 200 '{"subject":"events-value","version":1,"id":3,"schemaType":"JSON","schema":"{\"properties\":{\"a\":{\"type\":\"string\"}},\"type\":\"object\"}"}'
call GET /subjects/users-value/versions/9; expect_error 404 40402 'Version 9 not found.'
call GET /subjects/users-value/versions/0; expect_error 422 42202 "The specified version '0' is not a valid version id"
call GET /subjects/users-value/versions/x/schema; expect_error 422 42202
call GET /subjects/nope/versions/1; expect_error 404 40401
call GET /subjects/users-value/versions/1/referencedby; expect 200 '[]'

step "lookup"
call POST /subjects/users-value "$(body "$V1")"
expect 200 "{\"subject\":\"users-value\",\"version\":1,\"id\":1,\"schema\":$V1_TEXT}"
call POST /subjects/users-value "$(body '"int"')"; expect_error 404 40403 'Schema not found'
call POST /subjects/nope "$(body "$V1")"; expect_error 404 40401
call POST /subjects/users-value "$(body '{"type":"nope"}')"; expect_error 422 42201

step "schemas by id"
call GET /schemas/ids/1; expect 200 "{\"schema\":$V1_TEXT}"
call GET /schemas/ids/3; expect 200 '{"schema":"{\"properties\":{\"a\":{\"type\":\"string\"}},\"type\":\"object\"}","schemaType":"JSON"}'
call GET /schemas/ids/1/schema; expect 200 "$N1"
call GET /schemas/ids/1/subjects; expect 200 '["audit-value","users-value"]'
call GET /schemas/ids/1/versions
expect 200 '[{"subject":"audit-value","version":1},{"subject":"users-value","version":1}]'
call GET /schemas/ids/99; expect_error 404 40403 'Schema 99 not found'
call GET /schemas/ids/99/subjects; expect_error 404 40403
call GET /schemas/ids/abc; expect_error 404 40403

step "compatibility checks"
call POST /compatibility/subjects/users-value/versions/latest "$(body "$BAD")"
expect 200 '{"is_compatible":false}'
call POST '/compatibility/subjects/users-value/versions/latest?verbose=true' "$(body "$BAD")"
[ "$STATUS" = 200 ] && [[ "$ANSWER" == '{"is_compatible":false,"messages":["BACKWARD: '*READER_FIELD_MISSING_DEFAULT_VALUE* ]] ||
  fail "verbose: $STATUS $ANSWER"
call POST /compatibility/subjects/users-value/versions "$(body "$V2")"; expect 200 '{"is_compatible":true}'
call POST '/compatibility/subjects/users-value/versions/1?verbose=true' "$(body "$V2")"
expect 200 '{"is_compatible":true,"messages":[]}'
call POST /compatibility/subjects/new-subject/versions/latest "$(body "$BAD")"; expect 200 '{"is_compatible":true}'
call POST /compatibility/subjects/users-value/versions/7 "$(body "$V2")"; expect_error 404 40402
call POST /compatibility/subjects/nope/versions/1 "$(body "$V2")"; expect_error 404 40401
call POST /compatibility/subjects/users-value/versions/latest "$(body '{')"; expect_error 422 42201
call POST /compatibility/subjects/users-value/versions/zero "$(body "$V2")"; expect_error 422 42202

step "config"
call GET /config/users-value
expect_error 404 40408 "Subject 'users-value' does not have subject-level compatibility configured"
call GET '/config/users-value?defaultToGlobal=true'; expect 200 '{"compatibilityLevel":"BACKWARD"}'
call PUT /config/users-value '{"compatibility":"FULL"}'; expect 200 '{"compatibility":"FULL"}'
call GET /config/users-value; expect 200 '{"compatibilityLevel":"FULL"}'
call PUT /config '{"compatibility":"FORWARD_TRANSITIVE"}'; expect 200 '{"compatibility":"FORWARD_TRANSITIVE"}'
call GET /config; expect 200 '{"compatibilityLevel":"FORWARD_TRANSITIVE"}'
call PUT /config '{"compatibility":"SIDEWAYS"}'
expect_error 422 42203 'Invalid compatibility level. Valid values are none, backward, forward, full'
call PUT /config/audit-value '{"compatibility":"NONE"}'; expect 200 '{"compatibility":"NONE"}'
call DELETE /config/audit-value; expect 200 '{"compatibilityLevel":"NONE"}'
call DELETE /config/audit-value; expect_error 404 40401
call DELETE /config; expect 200 '{"compatibilityLevel":"FORWARD_TRANSITIVE"}'
call GET /config; expect 200 '{"compatibilityLevel":"BACKWARD"}'

step "mode"
call PUT /mode '{"mode":"READONLY"}'; expect 200 '{"mode":"READONLY"}'
call POST /subjects/users-value/versions "$(body '"string"')"
expect_error 422 42205 'Subject users-value is in read-only mode'
call POST /subjects/users-value/versions "$(body "$V1")"; expect 200 '{"id":1}'
call DELETE /subjects/audit-value; expect_error 422 42205 'read-only mode'
call PUT /mode '{"mode":"MAYBE"}'; expect_error 422 42204 'Invalid mode'
call GET /mode/users-value; expect_error 404 40409
call GET '/mode/users-value?defaultToGlobal=true'; expect 200 '{"mode":"READONLY"}'
call PUT /mode '{"mode":"READWRITE"}'; expect 200 '{"mode":"READWRITE"}'
call PUT /mode '{"mode":"IMPORT"}'; expect_error 422 42205 'Cannot import since found existing subjects'
call PUT /mode/imported '{"mode":"IMPORT"}'; expect 200 '{"mode":"IMPORT"}'
call POST /subjects/imported/versions "$(body '"bytes"' '{"id":500,"version":3}')"; expect 200 '{"id":500}'
call GET /subjects/imported/versions; expect 200 '[3]'
call POST /subjects/imported/versions "$(body '"float"')"; expect_error 422 42205 'not in read-write mode'
call DELETE /mode/imported; expect 200 '{"mode":"IMPORT"}'
call DELETE /mode/imported; expect_error 404 40401

step "delete rules"
call DELETE '/subjects/audit-value?permanent=true'
expect_error 404 40405 "Subject 'audit-value' was not deleted first before being permanently deleted"
call DELETE /subjects/audit-value; expect 200 '[1]'
call DELETE /subjects/audit-value
expect_error 404 40404 "Subject 'audit-value' was soft deleted.Set permanent=true to delete permanently"
call GET /subjects; expect 200 '["events-value","imported","users-value"]'
call GET '/subjects?deleted=true'; expect 200 '["audit-value","events-value","imported","users-value"]'
call GET /subjects/audit-value/versions; expect_error 404 40401
call GET '/subjects/audit-value/versions?deleted=true'; expect 200 '[1]'
call GET '/subjects/audit-value/versions/1?deleted=true'
expect 200 "{\"subject\":\"audit-value\",\"version\":1,\"id\":1,\"schema\":$V1_TEXT}"
call DELETE '/subjects/audit-value?permanent=true'; expect 200 '[1]'
call DELETE /subjects/audit-value; expect_error 404 40401
call DELETE '/subjects/users-value/versions/1?permanent=true'
expect_error 404 40407 "Subject 'users-value' Version 1 was not deleted first before being permanently deleted"
call DELETE /subjects/users-value/versions/1; expect 200 '1'
call DELETE /subjects/users-value/versions/1
expect_error 404 40406 "Subject 'users-value' Version 1 was soft deleted.Set permanent=true to delete permanently"
call GET /subjects/users-value/versions; expect 200 '[2]'
call GET '/subjects/users-value/versions?deleted=true'; expect 200 '[1,2]'
call DELETE /subjects/users-value/versions/7; expect_error 404 40402
call DELETE /subjects/users-value/versions/abc; expect_error 422 42202
# The id's last version permanently deleted: the schema is gone, its id is not reused.
call DELETE '/subjects/users-value/versions/1?permanent=true'; expect 200 '1'
call GET /schemas/ids/1; expect_error 404 40403
call POST /subjects/events-value/versions "$(body '{"type":"string"}' '{"schemaType":"JSON"}')"
expect_error 409 409
call DELETE /subjects/imported; expect 200 '[3]'
call DELETE '/subjects/imported?permanent=true'; expect 200 '[3]'

step "unknown paths and methods"
call GET /nope; expect_error 404 404
call PATCH /subjects; [ "$STATUS" = 405 ] || fail "PATCH /subjects: $STATUS"

step "restart: everything is still there"
call PUT /config/users-value '{"compatibility":"NONE"}'; expect 200 '{"compatibility":"NONE"}'
call PUT /mode/events-value '{"mode":"READONLY"}'; expect 200 '{"mode":"READONLY"}'
call PUT /config '{"compatibility":"FULL"}'; expect 200 '{"compatibility":"FULL"}'
stop_server
grep -q 'schema registry stopped' "$WORK/serve.log" || fail "no 'schema registry stopped' at shutdown"
start_server
grep -q 'schema registry: replayed' "$WORK/serve.log" || fail "no replay line"
call GET /subjects; expect 200 '["events-value","users-value"]'
call GET '/subjects?deleted=true'; expect 200 '["events-value","users-value"]'
call GET '/subjects/users-value/versions?deleted=true'; expect 200 '[2]'
call GET /subjects/users-value/versions/2
expect 200 "{\"subject\":\"users-value\",\"version\":2,\"id\":2,\"schema\":$V2_TEXT}"
call GET /schemas/ids/3/subjects; expect 200 '["events-value"]'
call GET /schemas/ids/1; expect_error 404 40403
call GET /schemas/ids/500; expect_error 404 40403
call GET /config; expect 200 '{"compatibilityLevel":"FULL"}'
call GET /config/users-value; expect 200 '{"compatibilityLevel":"NONE"}'
call GET /mode/events-value; expect 200 '{"mode":"READONLY"}'
# Ids continue after the highest ever given (500, imported and deleted), never reused.
call POST /subjects/fresh/versions "$(body '"double"')"; expect 200 '{"id":501}'
call POST /subjects/users-value/versions "$(body "$V1")"; expect 200 '{"id":502}'
call GET /subjects/users-value/versions; expect 200 '[2,3]'

step "off when the listener is empty"
stop_server
REGISTRY_LISTENER="" start_server
grep -q 'schema registry: off' "$WORK/serve.log" || fail "no 'schema registry: off' line"
[ -z "$REGISTRY" ] || fail "a registry address without a registry"
stop_server
echo "PASS"
