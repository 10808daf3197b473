// The npm client @kafkajs/confluent-schema-registry against oxbow's schema registry, used as
// an application uses it: register a schema (the client sets the subject's compatibility on
// first use), evolve it (a compatible change is accepted, an incompatible one refused with
// 409), encode and decode records of both versions in the Confluent wire format, read one
// version's data with the other as reader, and look ids up.
//
// Usage: node schema_registry_test.mjs HOST:PORT
import assert from 'node:assert/strict'
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry'

const host = `http://${process.argv[2]}`
const registry = new SchemaRegistry({ host }, undefined)

const step = (text) => console.log(`--- ${text}`)

const v1 = {
  type: 'record',
  name: 'User',
  namespace: 'com.example',
  fields: [
    { name: 'id', type: 'long' },
    { name: 'name', type: 'string' },
  ],
}
// A field with a default: BACKWARD compatible.
const v2 = {
  ...v1,
  fields: [...v1.fields, { name: 'email', type: ['null', 'string'], default: null }],
}
// A field without a default: not BACKWARD compatible.
const incompatible = { ...v1, fields: [...v1.fields, { name: 'age', type: 'int' }] }
const subject = 'com.example.User' // the client's default subject: namespace.name

step('register v1 (the client first reads /config/{subject}, then sets BACKWARD)')
const { id: id1 } = await registry.register(v1)
assert.equal(typeof id1, 'number')
assert.equal((await registry.register(v1)).id, id1, 'registering again gives the same id')
const config = await fetch(`${host}/config/${subject}`).then((r) => r.json())
assert.deepEqual(config, { compatibilityLevel: 'BACKWARD' })

step('evolve: v2 (compatible) is accepted with a new id')
const { id: id2 } = await registry.register(v2)
assert.notEqual(id2, id1)
assert.equal(await registry.getLatestSchemaId(subject), id2)
assert.equal(await registry.getRegistryId(subject, 1), id1)
assert.equal(await registry.getRegistryId(subject, 'latest'), id2)
assert.equal(await registry.getRegistryIdBySchema(subject, { type: SchemaType.AVRO, schema: JSON.stringify(v1) }), id1)

step('evolve: an incompatible change is refused with 409')
await assert.rejects(registry.register(incompatible), (e) => {
  assert.equal(e.status, 409, `status ${e.status}: ${e.message}`)
  assert.match(e.message, /incompatible with an earlier schema/)
  assert.match(e.message, /READER_FIELD_MISSING_DEFAULT_VALUE/)
  return true
})
assert.equal(await registry.getLatestSchemaId(subject), id2, 'nothing was registered')

step('encode and decode with both versions')
const alice = { id: 1, name: 'alice' }
const bob = { id: 2, name: 'bob', email: 'bob@example.com' }
const encoded1 = await registry.encode(id1, alice)
const encoded2 = await registry.encode(id2, bob)
assert.equal(encoded1[0], 0, 'magic byte')
assert.equal(encoded1.readInt32BE(1), id1, 'schema id after the magic byte')
assert.equal(encoded2.readInt32BE(1), id2)

// A fresh client has nothing cached: it fetches each writer schema by id from the registry.
const reader = new SchemaRegistry({ host }, undefined)
assert.deepEqual({ ...(await reader.decode(encoded1)) }, alice)
assert.deepEqual({ ...(await reader.decode(encoded2)) }, bob)
// v1 data read with v2 (the default fills email), v2 data read with v1 (email is skipped).
assert.deepEqual(
  { ...(await reader.decode(encoded1, { [SchemaType.AVRO]: { readerSchema: JSON.stringify(v2) } })) },
  { ...alice, email: null },
)
assert.deepEqual(
  { ...(await reader.decode(encoded2, { [SchemaType.AVRO]: { readerSchema: JSON.stringify(v1) } })) },
  { id: 2, name: 'bob' },
)

step('JSON Schema through the same client')
const jsonSchema = {
  type: 'object',
  properties: { sku: { type: 'string' }, qty: { type: 'integer' } },
  required: ['sku'],
}
const { id: jsonId } = await registry.register(
  { type: SchemaType.JSON, schema: JSON.stringify(jsonSchema) },
  { subject: 'orders-value' },
)
const order = { sku: 'A-1', qty: 3 }
const encodedOrder = await registry.encode(jsonId, order)
assert.deepEqual(await reader.decode(encodedOrder), order)

step('unknown ids and subjects are errors')
await assert.rejects(reader.decode(Buffer.from([0, 0, 0, 0x7f, 0x7f, 0])), (e) => {
  assert.equal(e.status, 404)
  return true
})
await assert.rejects(registry.getLatestSchemaId('no-such-subject'), (e) => e.status === 404)

console.log('PASS')
