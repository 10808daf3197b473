// node-postgres (`pg`) against Oxbow's PostgreSQL wire protocol server. Usage:
//   node pgwire_test.mjs HOST PORT
// Checks simple and extended (parameterized) queries, named prepared statements, the type
// parsing node-pg does from our RowDescription OIDs, errors with SQLSTATE and position,
// recovery after an error, transaction status, SET/SHOW, DDL, and a CancelRequest sent on a
// second socket with the BackendKeyData node-pg received.
import assert from 'node:assert/strict';
import net from 'node:net';
import pg from 'pg';

const [host, port] = [process.argv[2], Number(process.argv[3])];

function connect(extra = {}) {
  const client = new pg.Client({ host, port, user: 'node', database: 'oxbow',
                                 application_name: 'pgwire_test', ...extra });
  return client.connect().then(() => client);
}

async function expectError(promise, code) {
  try {
    await promise;
  } catch (e) {
    assert.equal(e.code, code, `${e.message}: expected SQLSTATE ${code}, got ${e.code}`);
    return e;
  }
  assert.fail(`expected an error with SQLSTATE ${code}`);
}

// CancelRequest: 16 bytes on a new connection, then the server closes it.
function sendCancel(processID, secretKey) {
  return new Promise((resolve, reject) => {
    const buf = Buffer.alloc(16);
    buf.writeInt32BE(16, 0);
    buf.writeInt32BE(80877102, 4);
    buf.writeInt32BE(processID, 8);
    buf.writeInt32BE(secretKey, 12);
    const s = net.connect(port, host, () => s.end(buf));
    s.on('close', resolve);
    s.on('error', reject);
  });
}

const client = await connect();

// Simple query protocol (no parameters).
let r = await client.query('SELECT 1 AS n, \'a\' || \'b\' AS s');
assert.deepEqual(r.rows, [{ n: 1, s: 'ab' }]);
assert.equal(r.command, 'SELECT');
assert.equal(r.fields[0].dataTypeID, 23);

// Types node-pg parses from the OIDs we send.
r = await client.query(
  "SELECT 1.50::numeric AS n, true AS b, 2::bigint AS i, 2.5::float8 AS f, DATE '2024-01-02' AS d, NULL::int AS z");
assert.equal(r.rows[0].n, '1.50');
assert.equal(r.rows[0].b, true);
assert.equal(r.rows[0].i, '2');
assert.equal(r.rows[0].f, 2.5);
assert.ok(r.rows[0].d instanceof Date);
assert.equal(r.rows[0].z, null);

// Extended protocol with parameters (node-pg sends them as text, types unspecified).
r = await client.query('SELECT $1::int + $2::int AS s', [2, 3]);
assert.equal(r.rows[0].s, 5);
r = await client.query('SELECT $1 || \'x\' AS t, $2 + 1 AS u', ['a', 41]);
assert.deepEqual(r.rows[0], { t: 'ax', u: 42 });

// Named prepared statements: parsed once, executed twice.
const prepared = { name: 'double_it', text: 'SELECT $1::int * 2 AS d' };
r = await client.query({ ...prepared, values: [21] });
assert.equal(r.rows[0].d, 42);
r = await client.query({ ...prepared, values: [5] });
assert.equal(r.rows[0].d, 10);

// Errors carry the SQLSTATE and position; the connection keeps working afterwards, also
// when the failing query sits between two others sent at once.
const results = await Promise.allSettled([
  client.query('SELECT 1 AS a'),
  client.query('SELECT nope'),
  client.query('SELECT $1::int AS c', [3]),
]);
assert.equal(results[0].status, 'fulfilled');
assert.equal(results[1].status, 'rejected');
assert.equal(results[1].reason.code, '42703');
assert.equal(results[1].reason.position, '8');
assert.equal(results[2].value.rows[0].c, 3);
const e = await expectError(client.query('SELECT 1 +'), '42601');
assert.match(e.message, /syntax error/);
await expectError(client.query('SELECT $1::int', ['x']), '22P02');
await expectError(client.query('SELECT 1/0'), '22012');

// SET / SHOW / RESET and ParameterStatus.
await client.query("SET application_name = 'changed'");
r = await client.query('SHOW application_name');
assert.equal(r.rows[0].application_name, 'changed');
await client.query('RESET application_name');
r = await client.query("SELECT current_setting('application_name') AS a");
assert.equal(r.rows[0].a, 'pgwire_test');
await expectError(client.query("SET TimeZone = 'Europe/Paris'"), '22023');

// Transaction status: an error inside BEGIN aborts the block until ROLLBACK.
await client.query('BEGIN');
await expectError(client.query('SELECT nope'), '42703');
await expectError(client.query('SELECT 1'), '25P02');
await client.query('ROLLBACK');
assert.equal((await client.query('SELECT 2 AS x')).rows[0].x, 2);

// DDL through the catalog.
await client.query('CREATE TABLE node_t (id bigint PRIMARY KEY, name text)');
r = await client.query('SHOW TABLES');
assert.ok(r.rows.some((row) => row.name === 'node_t'), JSON.stringify(r.rows));
await expectError(client.query('CREATE TABLE node_t (id int)'), '42P07');
await expectError(client.query('SELECT * FROM no_such_table'), '42P01');
await client.query('DROP TABLE node_t');

// Cancel: a second socket sends CancelRequest with this connection's BackendKeyData until
// the running statement ends with 57014.
const started = Date.now();
const sleeping = client.query('SELECT pg_sleep(30)');
let settled = false;
sleeping.then(() => {}, () => {}).finally(() => { settled = true; });
while (!settled) {
  await sendCancel(client.processID, client.secretKey);
  await new Promise((res) => setTimeout(res, 100));
}
await expectError(sleeping, '57014');
assert.ok(Date.now() - started < 20000, 'the cancel took effect');
assert.equal((await client.query('SELECT 3 AS x')).rows[0].x, 3);

await client.end();
console.log('pgwire node-pg test passed');
