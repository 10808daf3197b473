// Avro out of Oxbow's SQL engine, read by the clients an application uses: a materialized view
// WITH (output_topic, format = 'avro') consumed with kafkajs and decoded with
// @kafkajs/confluent-schema-registry (upserts keyed by an Avro key record, tombstones for
// deleted groups), and INSERT into an avro table decoded the same way. SQL goes through
// pgwire with the pg client.
//
// Usage: node sql_avro_test.mjs BROKER REGISTRY PGWIRE [after-crash]   (each HOST:PORT)
// With after-crash (the server was killed with -9 and restarted after a first run): the view's
// topic holds each record once, and the view carries on writing Avro.
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const { Kafka, logLevel } = require('kafkajs')
const { SchemaRegistry } = require('@kafkajs/confluent-schema-registry')
const pg = require('pg')

const [broker, registryHost, pgwire, mode] = process.argv.slice(2)
if (!pgwire) {
  console.error('usage: node sql_avro_test.mjs BROKER REGISTRY PGWIRE')
  process.exit(2)
}
const step = (text) => console.log(`--- ${text}`)
setTimeout(() => {
  console.error('FAIL: sql_avro_test did not finish within 90 s')
  process.exit(1)
}, 90_000).unref()

const registry = new SchemaRegistry({ host: `http://${registryHost}` })
const kafka = new Kafka({ clientId: 'oxbow-sql-avro', brokers: [broker], logLevel: logLevel.WARN })
const sql = new pg.Client({
  host: pgwire.split(':')[0],
  port: Number(pgwire.split(':')[1]),
  user: 'oxbow',
  database: 'oxbow',
})
await sql.connect()
await sql.query('SET real_time_recency = on')

// A nullable field may come back wrapped ({"long": 5}) or not, depending on avsc's options.
const unwrap = (v) =>
  v !== null && typeof v === 'object' && !Buffer.isBuffer(v) && Object.keys(v).length === 1
    ? Object.values(v)[0]
    : v
// An Avro decimal's bytes (big-endian two's complement) as its unscaled BigInt.
const unscaled = (buf) => {
  let n = 0n
  for (const b of buf) n = (n << 8n) | BigInt(b)
  return buf.length && buf[0] & 0x80 ? n - (1n << BigInt(8 * buf.length)) : n
}

// Every record of `topic` (one partition), keys and values decoded through the registry.
async function readAll(topic) {
  const admin = kafka.admin()
  await admin.connect()
  const [{ high }] = await admin.fetchTopicOffsets(topic)
  await admin.disconnect()
  const records = []
  if (Number(high) === 0) return records
  const consumer = kafka.consumer({ groupId: `sql-avro-${topic}-${Date.now()}` })
  await consumer.connect()
  await consumer.subscribe({ topic, fromBeginning: true })
  await new Promise((resolve, reject) => {
    consumer
      .run({
        eachMessage: async ({ message }) => {
          // A key that is not Confluent-framed (INSERT's JSON key, no key subject) stays text.
          const key = message.key[0] === 0 ? await registry.decode(message.key) : message.key.toString()
          const value = message.value === null ? null : await registry.decode(message.value)
          records.push({ key, value })
          if (BigInt(message.offset) + 1n >= BigInt(high)) resolve()
        },
      })
      .catch(reject)
  })
  await consumer.disconnect()
  return records
}

// The latest value per key, as a consumer keeping a table (or compaction) would.
function latest(records) {
  const table = new Map()
  for (const { key, value } of records) table.set(JSON.stringify(key), value)
  return table
}

if (mode === 'after-crash') {
  step('after kill -9: every record once, then the view carries on')
  const before = await readAll('totals_avro')
  const seen = new Set()
  for (const r of before) {
    const text = JSON.stringify(r, (k, v) => (typeof v === 'bigint' ? String(v) : v))
    assert.ok(!seen.has(text) || r.value === null, `record written twice: ${text}`)
    seen.add(text)
  }
  const producer = kafka.producer()
  await producer.connect()
  await producer.send({
    topic: 'orders',
    messages: [{ key: JSON.stringify({ id: 4 }), value: JSON.stringify({ id: 4, customer: 'cy', amount: '1', at: '2024-02-01T00:00:00Z' }) }],
  })
  await producer.disconnect()
  const rows = (await sql.query('SELECT customer, n FROM totals ORDER BY customer')).rows
  assert.deepEqual(rows, [{ customer: 'ann', n: '2' }, { customer: 'cy', n: '1' }])
  for (let i = 0; ; i++) {
    const after = await readAll('totals_avro')
    if (after.length === before.length + 1) {
      const last = after[after.length - 1]
      assert.equal(unwrap(last.key.customer), 'cy')
      assert.equal(unscaled(unwrap(last.value.total)), 100n)
      break
    }
    assert.ok(i < 50 && after.length <= before.length + 1, `${after.length - before.length} new records`)
    await new Promise((r) => setTimeout(r, 100))
  }
  await sql.end()
  console.log('sql_avro_test after-crash: OK')
  process.exit(0)
}

step('a view over JSON orders writes Avro upserts')
await sql.query(`CREATE TABLE orders (id bigint PRIMARY KEY, customer text, amount numeric(10,2),
                   at timestamptz)`)
await sql.query(`CREATE MATERIALIZED VIEW totals WITH (output_topic = 'totals_avro', format = 'avro')
                 AS SELECT customer, count(*) AS n, sum(amount)::numeric(12,2) AS total,
                           max(at) AS last_at FROM orders GROUP BY customer`)
const producer = kafka.producer()
await producer.connect()
const order = (id, customer, amount, at) => ({
  key: JSON.stringify({ id }),
  value: JSON.stringify({ id, customer, amount, at }),
})
await producer.send({
  topic: 'orders',
  messages: [
    order(1, 'ann', '10.50', '2024-01-02T03:04:05.5Z'),
    order(2, 'bob', '3', '1970-01-01T00:00:00Z'),
    order(3, 'ann', '7.25', '2023-12-31T00:00:00Z'),
  ],
})
let rows = (await sql.query('SELECT customer, n FROM totals ORDER BY customer')).rows
assert.deepEqual(rows, [{ customer: 'ann', n: '2' }, { customer: 'bob', n: '1' }])

const valueId = await registry.getLatestSchemaId('totals_avro-value')
const keyId = await registry.getLatestSchemaId('totals_avro-key')
assert.ok(valueId > 0 && keyId > 0 && valueId !== keyId)

// Records are appended after the checkpoint that commits them: poll briefly until they are.
async function settled(topic, check) {
  let last
  for (let i = 0; i < 50; i++) {
    last = latest(await readAll(topic))
    try {
      check(last)
      return last
    } catch (e) {
      if (i === 49) throw e
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  return last
}

const ann = JSON.stringify({ customer: 'ann' })
const bob = JSON.stringify({ customer: 'bob' })
const keyOf = (k) => JSON.stringify({ customer: unwrap(k.customer) })
let table = await settled('totals_avro', (t) => {
  const got = new Map([...t].map(([k, v]) => [keyOf(JSON.parse(k)), v]))
  assert.equal(got.size, 2)
  const a = got.get(ann)
  assert.equal(unwrap(a.customer), 'ann')
  assert.equal(Number(unwrap(a.n)), 2)
  assert.equal(unscaled(unwrap(a.total)), 1775n, 'decimal(12,2) 17.75')
  assert.equal(Number(unwrap(a.last_at)), 1704164645500000, 'timestamp-micros')
  assert.equal(unscaled(unwrap(got.get(bob).total)), 300n)
})

step('a group that disappears is a tombstone for its key')
await producer.send({ topic: 'orders', messages: [{ key: JSON.stringify({ id: 2 }), value: null }] })
rows = (await sql.query('SELECT customer FROM totals ORDER BY customer')).rows
assert.deepEqual(rows, [{ customer: 'ann' }])
table = await settled('totals_avro', (t) => {
  const got = new Map([...t].map(([k, v]) => [keyOf(JSON.parse(k)), v]))
  assert.equal(got.get(bob), null, 'tombstone')
  assert.equal(Number(unwrap(got.get(ann).n)), 2)
})

step('INSERT into an avro table writes with the subject latest schema')
const payment = {
  type: 'record',
  name: 'Payment',
  namespace: 'com.example',
  fields: [
    { name: 'id', type: 'long' },
    { name: 'amount', type: { type: 'bytes', logicalType: 'decimal', precision: 8, scale: 2 } },
    { name: 'memo', type: ['null', 'string'], default: null },
  ],
}
await registry.register(payment, { subject: 'payments-value' })
await sql.query(`CREATE TABLE payments (id bigint PRIMARY KEY, amount numeric(8,2), memo text)
                 WITH (format = 'avro')`)
await sql.query(`INSERT INTO payments VALUES (1, 12.5, 'rent'), (2, -0.01, NULL)`)
await assert.rejects(sql.query(`INSERT INTO payments VALUES (3, 1000000, 'x')`), (e) => {
  assert.equal(e.code, '22003', e.message)
  return true
})
const payments = (await readAll('payments')).map((r) => r.value).sort((a, b) => a.id - b.id)
assert.equal(payments.length, 2)
assert.equal(payments[0].id, 1)
assert.equal(unscaled(payments[0].amount), 1250n)
assert.equal(unwrap(payments[0].memo), 'rent')
assert.equal(unscaled(payments[1].amount), -1n)
assert.equal(payments[1].memo, null)
rows = (await sql.query('SELECT id, amount, memo FROM payments ORDER BY id')).rows
assert.deepEqual(rows, [
  { id: '1', amount: '12.50', memo: 'rent' },
  { id: '2', amount: '-0.01', memo: null },
])

await producer.disconnect()
await sql.end()
console.log('sql_avro_test: OK')
