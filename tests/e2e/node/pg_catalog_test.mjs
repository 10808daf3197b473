// node-postgres (`pg`) introspecting Oxbow the way ORMs and admin tools do: information_schema
// and pg_catalog queries with parameters (extended protocol). Usage:
//   node pg_catalog_test.mjs HOST PORT
// Expects the objects pgwire_catalog_test.sh created (users, clicks, gold, per_tier).
import assert from 'node:assert/strict';
import pg from 'pg';

const [host, port] = [process.argv[2], Number(process.argv[3])];
const client = new pg.Client({ host, port, user: 'node', database: 'oxbow' });
await client.connect();

let r = await client.query(
  `SELECT table_name, table_type FROM information_schema.tables
   WHERE table_schema = $1 ORDER BY table_name`, ['public']);
assert.deepEqual(r.rows.map((row) => `${row.table_name}:${row.table_type}`),
                 ['clicks:BASE TABLE', 'gold:VIEW', 'per_tier:VIEW', 'users:BASE TABLE']);

r = await client.query(
  `SELECT column_name, data_type, is_nullable, character_maximum_length, ordinal_position
   FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1
   ORDER BY ordinal_position`, ['users']);
assert.deepEqual(r.rows, [
  { column_name: 'id', data_type: 'integer', is_nullable: 'NO', character_maximum_length: null,
    ordinal_position: 1 },
  { column_name: 'name', data_type: 'text', is_nullable: 'YES', character_maximum_length: null,
    ordinal_position: 2 },
  { column_name: 'tier', data_type: 'character varying', is_nullable: 'YES',
    character_maximum_length: 10, ordinal_position: 3 },
]);

// Primary keys the way ORMs find them.
r = await client.query(
  `SELECT kcu.column_name FROM information_schema.table_constraints tc
   JOIN information_schema.key_column_usage kcu
     ON kcu.constraint_name = tc.constraint_name AND kcu.table_name = tc.table_name
   WHERE tc.constraint_type = 'PRIMARY KEY' AND tc.table_name = $1`, ['users']);
assert.deepEqual(r.rows, [{ column_name: 'id' }]);

// pg_catalog with oids (bigint: node-pg returns them as strings) and the regclass cast.
r = await client.query(
  `SELECT c.relname, c.relkind, a.attname, format_type(a.atttypid, a.atttypmod) AS type
   FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
   WHERE c.oid = $1::regclass AND a.attnum > 0 ORDER BY a.attnum`, ['per_tier']);
assert.deepEqual(r.rows, [
  { relname: 'per_tier', relkind: 'm', attname: 'tier', type: 'character varying(10)' },
  { relname: 'per_tier', relkind: 'm', attname: 'n', type: 'bigint' },
]);

await client.end();
console.log('pg_catalog_test.mjs: ok');
