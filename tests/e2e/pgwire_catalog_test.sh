#!/usr/bin/env bash
# End-to-end test of the virtual pg_catalog / information_schema through real clients:
# psql's \dt, \dv, \dm, \d list, \d name and \d+ name (their exact output, as PostgreSQL 15
# prints it but for the owner and the view definition, shown as written), information_schema
# queries, and a pgJDBC program calling DatabaseMetaData
# (tests/e2e/jdbc/CatalogMetadata.java, compiled here against Debian's
# libpostgresql-jdbc-java; that part is skipped, loudly, without java/javac or the jar).
#
# node-postgres introspection (node/pg_catalog_test.mjs) runs when NODE_CACHE_DIR is given
# and node/npm are installed (skipped loudly otherwise).
#
# Usage: pgwire_catalog_test.sh PATH_TO_OXBOW [NODE_CACHE_DIR]
#   NODE_CACHE_DIR: where node/package-lock.json's packages are installed (shared with the
#   other Node.js tests).
set -euo pipefail

OXBOW=$(realpath "${1:?usage: pgwire_catalog_test.sh PATH_TO_OXBOW [NODE_CACHE_DIR]}")
CACHE=${2:-}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
command -v psql >/dev/null || {
  echo "SKIPPED: psql is not installed (apt-get install postgresql-client)"
  exit 77
}
source "$HERE/kafka_lib.sh"
e2e_init pgwire-catalog
unset PGHOST PGPORT PGUSER PGDATABASE PGPASSWORD PGSERVICE PGOPTIONS
export PGCONNECT_TIMEOUT=10 PSQLRC=/dev/null

start_server
[ -n "$PG" ] || fail "no 'pgwire listening on' line"

# psql_out ARGS...: psql's own output (aligned tables) into $WORK/out.
psql_out() {
  psql -X -h "${PG%:*}" -p "${PG##*:}" -U me -d oxbow -v ON_ERROR_STOP=1 "$@" >"$WORK/out" 2>&1 ||
    fail "psql $*: $(cat "$WORK/out")"
}
expect_out() {
  [ "$(cat "$WORK/out")" = "$1" ] || fail "expected:
$1
got:
$(cat "$WORK/out")"
}

step "create a table, a view and a materialized view"
psql_out -q -c "CREATE TABLE users (id int PRIMARY KEY, name text, tier varchar(10))" \
  -c "CREATE TABLE clicks (user_id int, url text)" \
  -c "CREATE VIEW gold AS SELECT id, name FROM users WHERE tier = 'gold'" \
  -c "CREATE MATERIALIZED VIEW per_tier AS SELECT tier, count(*) AS n FROM users GROUP BY tier" \
  -c "INSERT INTO users VALUES (1, 'ann', 'gold'), (2, 'bob', 'silver')"

step "psql \\dt"
psql_out -c '\dt'
expect_out "        List of relations
 Schema |  Name  | Type  | Owner 
--------+--------+-------+-------
 public | clicks | table | oxbow
 public | users  | table | oxbow
(2 rows)"

step "psql \\dv and \\dm"
psql_out -c '\dv'
expect_out "      List of relations
 Schema | Name | Type | Owner 
--------+------+------+-------
 public | gold | view | oxbow
(1 row)"
psql_out -c '\dm'
expect_out "               List of relations
 Schema |   Name   |       Type        | Owner 
--------+----------+-------------------+-------
 public | per_tier | materialized view | oxbow
(1 row)"

step "psql \\d (every relation)"
psql_out -c '\d'
expect_out "               List of relations
 Schema |   Name   |       Type        | Owner 
--------+----------+-------------------+-------
 public | clicks   | table             | oxbow
 public | gold     | view              | oxbow
 public | per_tier | materialized view | oxbow
 public | users    | table             | oxbow
(4 rows)"

step "psql \\dt with a pattern, and nothing matching"
psql_out -c '\dt u*'
expect_out "       List of relations
 Schema | Name  | Type  | Owner 
--------+-------+-------+-------
 public | users | table | oxbow
(1 row)"
psql_out -c '\dt nothing*'
expect_out "Did not find any relation named \"nothing*\"."

step "psql \\d users (columns, not null on the key, the primary key index)"
psql_out -c '\d users'
expect_out "                      Table \"public.users\"
 Column |         Type          | Collation | Nullable | Default 
--------+-----------------------+-----------+----------+---------
 id     | integer               |           | not null | 
 name   | text                  |           |          | 
 tier   | character varying(10) |           |          | 
Indexes:
    \"users_pkey\" PRIMARY KEY, btree (id)"

step "psql \\d gold (a view) and \\d per_tier (a materialized view)"
psql_out -c '\d gold'
expect_out "                View \"public.gold\"
 Column |  Type   | Collation | Nullable | Default 
--------+---------+-----------+----------+---------
 id     | integer |           |          | 
 name   | text    |           |          | "
psql_out -c '\d per_tier'
expect_out "               Materialized view \"public.per_tier\"
 Column |         Type          | Collation | Nullable | Default 
--------+-----------------------+-----------+----------+---------
 tier   | character varying(10) |           |          | 
 n      | bigint                |           |          | "

step "psql \\d+ users (storage, compression, stats target, description; the access method)"
psql_out -c '\d+ users'
expect_out "                                                 Table \"public.users\"
 Column |         Type          | Collation | Nullable | Default | Storage  | Compression | Stats target | Description 
--------+-----------------------+-----------+----------+---------+----------+-------------+--------------+-------------
 id     | integer               |           | not null |         | plain    |             |              | 
 name   | text                  |           |          |         | extended |             |              | 
 tier   | character varying(10) |           |          |         | extended |             |              | 
Indexes:
    \"users_pkey\" PRIMARY KEY, btree (id)
Access method: heap"

step "psql \\d+ gold and \\d+ per_tier (the view definition as written)"
psql_out -c '\d+ gold'
expect_out "                             View \"public.gold\"
 Column |  Type   | Collation | Nullable | Default | Storage  | Description 
--------+---------+-----------+----------+---------+----------+-------------
 id     | integer |           |          |         | plain    | 
 name   | text    |           |          |         | extended | 
View definition:
SELECT id, name FROM users WHERE tier = 'gold'"
psql_out -c '\d+ per_tier'
expect_out "                                          Materialized view \"public.per_tier\"
 Column |         Type          | Collation | Nullable | Default | Storage  | Compression | Stats target | Description 
--------+-----------------------+-----------+----------+---------+----------+-------------+--------------+-------------
 tier   | character varying(10) |           |          |         | extended |             |              | 
 n      | bigint                |           |          |         | plain    |             |              | 
View definition:
SELECT tier, count(*) AS n FROM users GROUP BY tier
Access method: heap"

step "information_schema.tables / columns (what node-postgres and BI tools read)"
psql_out -A -t -c "SELECT table_name, table_type FROM information_schema.tables
  WHERE table_schema = 'public' ORDER BY table_name" \
  -c "SELECT column_name, data_type, is_nullable FROM information_schema.columns
  WHERE table_name = 'users' ORDER BY ordinal_position"
expect_out "clicks|BASE TABLE
gold|VIEW
per_tier|VIEW
users|BASE TABLE
id|integer|NO
name|text|YES
tier|character varying|YES"

step "pgJDBC DatabaseMetaData"
JAR=/usr/share/java/postgresql.jar
if ! command -v javac >/dev/null || ! command -v java >/dev/null || [ ! -f "$JAR" ]; then
  echo "SKIPPED (loudly): the pgJDBC part needs java, javac and $JAR" \
    "(apt-get install default-jdk-headless libpostgresql-jdbc-java)" >&2
else
  # A composite primary key (declared in another order than the columns), and a view of
  # 2,500 rows to fetch in batches (more than a chunk of the server's view scan).
  psql_out -q -c "CREATE TABLE orders (id int, region text, amount int, PRIMARY KEY (region, id))" \
    -c "CREATE TABLE numbers (n int PRIMARY KEY, label text)" \
    -c "CREATE MATERIALIZED VIEW numbers_view AS SELECT n, label FROM numbers" \
    -c "INSERT INTO numbers SELECT g, 'row ' || g FROM generate_series(1, 2500) AS g"
  mkdir -p "$WORK/jdbc"
  javac -d "$WORK/jdbc" -cp "$JAR" "$HERE/jdbc/CatalogMetadata.java" 2>"$WORK/err" ||
    fail "javac: $(cat "$WORK/err")"
  java -Duser.timezone=UTC -cp "$JAR:$WORK/jdbc" CatalogMetadata \
    "jdbc:postgresql://${PG}/oxbow" >"$WORK/out" 2>&1 || fail "java: $(cat "$WORK/out")"
  expect_out "product PostgreSQL
table public.numbers_view MATERIALIZED VIEW
table public.per_tier MATERIALIZED VIEW
table public.clicks TABLE
table public.numbers TABLE
table public.orders TABLE
table public.users TABLE
table public.gold VIEW
schema information_schema
schema pg_catalog
schema public
column id 4 int4 10 NO 1
column name 12 text 2147483647 YES 2
column tier 12 varchar 10 YES 3
pk users id 1 users_pkey
pk orders region 1 orders_pkey
pk orders id 2 orders_pkey
index orders_pkey unique true 1 region A
index orders_pkey unique true 2 id A
fetched 1250 rows, sum 1563750
row 1 ann
row 2 bob"
  psql_out -q -c "DROP MATERIALIZED VIEW numbers_view" -c "DROP TABLE numbers" -c "DROP TABLE orders"
fi

step "node-postgres introspection"
if [ -z "$CACHE" ] || ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "SKIPPED (loudly): the node-postgres part needs node, npm and NODE_CACHE_DIR" >&2
else
  mkdir -p "$CACHE"
  if ! cmp -s "$HERE/node/package-lock.json" "$CACHE/.installed-lock" ||
    [ ! -d "$CACHE/node_modules" ]; then
    cp "$HERE/node/package.json" "$HERE/node/package-lock.json" "$CACHE/"
    rm -f "$CACHE/.installed-lock"
    npm ci --prefix "$CACHE" --ignore-scripts --no-audit --no-fund >"$WORK/npm.log" 2>&1 ||
      fail "npm ci: $(tail -20 "$WORK/npm.log")"
    cp "$HERE/node/package-lock.json" "$CACHE/.installed-lock"
  fi
  cp "$HERE/node/pg_catalog_test.mjs" "$CACHE/"
  node "$CACHE/pg_catalog_test.mjs" "${PG%:*}" "${PG##*:}" || fail "pg_catalog_test.mjs failed"
fi

stop_server
echo "PASS"
