#!/usr/bin/env bash
# End-to-end test of the PostgreSQL wire protocol server with psql (Debian's
# postgresql-client): queries, multi-statement strings, SET/SHOW, errors with SQLSTATE and
# position, DDL, and password authentication
# with SCRAM-SHA-256 (plaintext and stored verifier) and cleartext passwords. CancelRequest
# is tested with node-pg (pgwire_node_test.sh) and in pgwire_test: psql dies of a SIGINT
# that arrives before its handler is installed, and nothing tells when that is.
#
# Usage: pgwire_psql_test.sh PATH_TO_OXBOW
set -euo pipefail

OXBOW=$(realpath "${1:?usage: pgwire_psql_test.sh PATH_TO_OXBOW}")
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
command -v psql >/dev/null || {
  echo "SKIPPED: psql is not installed (apt-get install postgresql-client)"
  exit 77
}
source "$HERE/kafka_lib.sh"
e2e_init pgwire-psql
unset PGHOST PGPORT PGUSER PGDATABASE PGPASSWORD PGSERVICE PGOPTIONS
export PGCONNECT_TIMEOUT=10 PSQLRC=/dev/null

# q USER SQL...: psql, unaligned tuples only; stdout to $WORK/out, stderr to $WORK/err.
q() {
  local user=$1
  shift
  local args=()
  for sql in "$@"; do args+=(-c "$sql"); done
  psql -X -A -t -h "${PG%:*}" -p "${PG##*:}" -U "$user" -d oxbow -v ON_ERROR_STOP=1 \
    -v VERBOSITY=verbose "${args[@]}" >"$WORK/out" 2>"$WORK/err"
}
expect_out() {
  local want=$1
  [ "$(cat "$WORK/out")" = "$want" ] ||
    fail "expected output <$want>, got <$(cat "$WORK/out")> (stderr: $(cat "$WORK/err"))"
}
expect_err() {
  grep -qE -- "$1" "$WORK/err" || fail "stderr does not match <$1>: $(cat "$WORK/err")"
}

# bob's password as a stored SCRAM-SHA-256 verifier (PostgreSQL's rolpassword format).
BOB_VERIFIER=$(python3 - <<'PY'
import base64, hashlib, hmac
salt, i = b"oxbow-e2e-salt!!", 4096
salted = hashlib.pbkdf2_hmac("sha256", b"b0b-pass", salt, i)
client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
stored = hashlib.sha256(client_key).digest()
server = hmac.new(salted, b"Server Key", hashlib.sha256).digest()
b = lambda x: base64.b64encode(x).decode()
print(f"SCRAM-SHA-256${i}:{b(salt)}${b(stored)}:{b(server)}")
PY
)
export OXBOW_PG_USERS="alice:s3cret,bob:$BOB_VERIFIER"

start_server
[ -n "$PG" ] || fail "no 'pgwire listening on' line"

step "psql -c 'SELECT 1' against $PG (trust on loopback)"
q anyone 'SELECT 1' || fail "SELECT 1: $(cat "$WORK/err")"
expect_out 1

step "several statements in one string: every result, in order"
q anyone "SELECT 1 AS a; SELECT 'x' || 'y'; SELECT 2 + 3" || fail "$(cat "$WORK/err")"
expect_out $'1\nxy\n5'

step "SET / SHOW / RESET and the startup parameters psql sent"
q anyone "SET application_name = 'e2e'" 'SHOW application_name' 'RESET application_name' \
  'SHOW application_name' 'SHOW TimeZone' 'SHOW server_version' 'SHOW DateStyle' ||
  fail "$(cat "$WORK/err")"
expect_out $'SET\ne2e\nRESET\npsql\nUTC\n15.0 (Oxbow)\nISO, MDY'
q anyone 'SELECT version()' 'SELECT current_database()' 'SELECT current_user' ||
  fail "$(cat "$WORK/err")"
grep -q '^PostgreSQL 15.0 (Oxbow)' "$WORK/out" || fail "version(): $(cat "$WORK/out")"
grep -qx 'oxbow' "$WORK/out" || fail "current_database(): $(cat "$WORK/out")"
grep -qx 'anyone' "$WORK/out" || fail "current_user: $(cat "$WORK/out")"

step "psql's table output with column names and types"
psql -X -h "${PG%:*}" -p "${PG##*:}" -U anyone -d oxbow \
  -c "SELECT 1 AS n, 'a'::text AS t, 2.50::numeric(5,2) AS m, NULL::int AS z" >"$WORK/out" 2>&1 ||
  fail "$(cat "$WORK/out")"
cat >"$WORK/want" <<'TABLE'
 n | t |  m   | z 
---+---+------+---
 1 | a | 2.50 |  
(1 row)

TABLE
diff "$WORK/want" "$WORK/out" || fail "table output differs"

step "errors carry SQLSTATE, position and the statement line (VERBOSITY verbose)"
if q anyone 'SELECT nope'; then fail "SELECT nope succeeded"; fi
expect_err 'ERROR:  42703: column "nope" does not exist'
expect_err 'LINE 1: SELECT nope'
if q anyone 'SELEC 1'; then fail "SELEC 1 succeeded"; fi
expect_err 'ERROR:  42601: syntax error at or near "SELEC"'
if q anyone 'SELECT 1/0'; then fail "1/0 succeeded"; fi
expect_err 'ERROR:  22012: division by zero'
if q anyone "SET TimeZone = 'Asia/Tokyo'"; then fail "SET TimeZone succeeded"; fi
expect_err 'ERROR:  22023: invalid value for parameter "TimeZone"'
expect_err 'HINT:  Oxbow sessions run in UTC'
if q anyone "SELECT 1; SELECT nope; SELECT 3"; then fail "the error did not stop the string"; fi
expect_out 1

step "DDL through the catalog: CREATE TABLE, SHOW TABLES, DESCRIBE, DROP"
q anyone "CREATE TABLE clicks (user_id bigint, url text) WITH (partitions = 2)" ||
  fail "$(cat "$WORK/err")"
q anyone 'SHOW TABLES' || fail "$(cat "$WORK/err")"
grep -q '^clicks|' "$WORK/out" || fail "SHOW TABLES: $(cat "$WORK/out")"
q anyone 'DESCRIBE clicks' || fail "$(cat "$WORK/err")"
grep -q '^user_id|bigint' "$WORK/out" || fail "DESCRIBE: $(cat "$WORK/out")"
if q anyone 'SELECT * FROM nowhere'; then fail "SELECT FROM nowhere succeeded"; fi
expect_err 'ERROR:  42P01: relation "nowhere" does not exist'
if q anyone 'CREATE TABLE clicks (a int)'; then fail "duplicate CREATE succeeded"; fi
expect_err '42P07'
q anyone 'DROP TABLE clicks' || fail "$(cat "$WORK/err")"

step "restart with SCRAM-SHA-256 for loopback clients"
stop_server
start_server --pg-local-auth scram-sha-256
PGPASSWORD=s3cret q alice 'SELECT current_user' || fail "alice: $(cat "$WORK/err")"
expect_out alice
PGPASSWORD=b0b-pass q bob 'SELECT 1' || fail "bob (stored verifier): $(cat "$WORK/err")"
if PGPASSWORD=wrong q alice 'SELECT 1'; then fail "a wrong password was accepted"; fi
expect_err 'password authentication failed for user "alice"'
if PGPASSWORD=whatever q nobody 'SELECT 1'; then fail "an unknown user was accepted"; fi
expect_err 'password authentication failed for user "nobody"'
if q alice 'SELECT 1' </dev/null; then fail "no password was accepted"; fi

step "restart with cleartext passwords for loopback clients"
stop_server
start_server --pg-local-auth password
PGPASSWORD=s3cret q alice 'SELECT 1' || fail "alice (cleartext): $(cat "$WORK/err")"
PGPASSWORD=b0b-pass q bob 'SELECT 1' || fail "bob (cleartext against a verifier): $(cat "$WORK/err")"
if PGPASSWORD=nope q bob 'SELECT 1'; then fail "a wrong cleartext password was accepted"; fi
expect_err 'password authentication failed for user "bob"'
grep -q 'pgwire listening on .* (auth: password on loopback, scram-sha-256 otherwise; 2 user' \
  "$WORK/serve.log" || fail "no pgwire line with the auth methods in the log"

step "the server stops cleanly"
stop_server
echo "PASS"
