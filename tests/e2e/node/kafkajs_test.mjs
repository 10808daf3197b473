// End-to-end test of oxbow's Kafka API with kafkajs (a pure-JavaScript client with its own
// protocol implementation, independent of librdkafka): admin (create topics, metadata,
// configs, group offsets), an idempotent gzip producer with acks=all, and a consumer group
// that commits and resumes.
//
// Usage: node kafkajs_test.mjs HOST:PORT   (kafka_kafkajs_test.sh starts the server)
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

// Resolved from the node_modules next to this file (the script copies it into the cache dir).
const require = createRequire(import.meta.url);
const { Kafka, CompressionTypes, ConfigResourceTypes, Partitioners, logLevel } = require('kafkajs');

const broker = process.argv[2];
if (!broker) {
  console.error('usage: node kafkajs_test.mjs HOST:PORT');
  process.exit(2);
}
const started = Date.now();
const step = (msg) => console.log(`--- ${msg} (${((Date.now() - started) / 1000).toFixed(1)}s)`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// A hung client must fail the test, not wait for CTest's timeout.
setTimeout(() => {
  console.error('FAIL: kafkajs test did not finish within 90 s');
  process.exit(1);
}, 90_000).unref();

const kafka = new Kafka({
  clientId: 'oxbow-kafkajs-e2e',
  brokers: [broker],
  logLevel: logLevel.WARN,
  connectionTimeout: 5000,
  requestTimeout: 15000,
  retry: { retries: 3 },
});

const TOPIC = 'kafkajs-e2e';
const GROUP = 'kafkajs-e2e-group';
const PARTITIONS = 3;
const RETENTION_MS = '3600000';
const N = 1000;
const KEYS = 37;

async function waitFor(what, cond, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

async function main() {
  const admin = kafka.admin();
  await admin.connect();

  // 1. Admin: topics and configs.
  step('admin: createTopics with 3 partitions and retention.ms');
  const created = await admin.createTopics({
    waitForLeaders: true,
    topics: [
      {
        topic: TOPIC,
        numPartitions: PARTITIONS,
        replicationFactor: 1,
        configEntries: [{ name: 'retention.ms', value: RETENTION_MS }],
      },
    ],
  });
  assert.equal(created, true, 'createTopics of a new topic must answer true');

  step('admin: creating it again reports that it exists');
  let again;
  try {
    // kafkajs logs the TOPIC_ALREADY_EXISTS response at ERROR level before answering false.
    again = await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: PARTITIONS }] });
    console.log(`    second createTopics answered ${again}`);
  } catch (e) {
    // kafkajs answers false for TOPIC_ALREADY_EXISTS; an error must at least be that one.
    const types = (e.errors || [e]).map((x) => x.type);
    assert.ok(types.every((t) => t === 'TOPIC_ALREADY_EXISTS'), `second create: ${e} ${types}`);
    again = false;
  }
  assert.equal(again, false, 'a second createTopics of the same topic must answer false');

  step('admin: fetchTopicMetadata shows 3 partitions');
  const meta = await admin.fetchTopicMetadata({ topics: [TOPIC] });
  assert.equal(meta.topics.length, 1);
  assert.equal(meta.topics[0].name, TOPIC);
  assert.equal(meta.topics[0].partitions.length, PARTITIONS, JSON.stringify(meta));
  assert.deepEqual(meta.topics[0].partitions.map((p) => p.partitionId).sort(), [0, 1, 2]);
  for (const p of meta.topics[0].partitions) {
    assert.equal(p.partitionErrorCode, 0, JSON.stringify(p));
    assert.equal(p.leader, 0, JSON.stringify(p));
  }

  step('admin: describeConfigs shows the retention.ms override');
  const configs = await admin.describeConfigs({
    includeSynonyms: false,
    resources: [{ type: ConfigResourceTypes.TOPIC, name: TOPIC }],
  });
  assert.equal(configs.resources.length, 1);
  assert.equal(configs.resources[0].errorCode, 0, JSON.stringify(configs.resources[0]));
  const retention = configs.resources[0].configEntries.find((c) => c.configName === 'retention.ms');
  assert.ok(retention, `no retention.ms in ${JSON.stringify(configs.resources[0].configEntries)}`);
  assert.equal(retention.configValue, RETENTION_MS);
  assert.equal(retention.isDefault, false, 'retention.ms is an override, not a default');

  // 2. Producer: gzip, acks=all, in batches.
  step(`idempotent producer: ${N} keyed messages, gzip, acks=-1, batches of 100`);
  // kafkajs's idempotent producer starts with InitProducerId, sent to the controller that
  // Metadata names, and then numbers every batch per partition; the log checks them.
  const producer = kafka.producer({
    idempotent: true,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  const produced = []; // {key, value} in send order
  const send = async (from, to) => {
    const messages = [];
    for (let i = from; i < to; i++) {
      const m = { key: `key-${i % KEYS}`, value: `value-${i}-${'x'.repeat(i % 50)}` };
      produced.push(m);
      messages.push(m);
    }
    const results = await producer.send({
      topic: TOPIC,
      acks: -1,
      compression: CompressionTypes.GZIP,
      messages,
    });
    assert.ok(results.length > 0, 'send returned no results');
    for (const r of results) {
      assert.equal(r.topicName, TOPIC);
      assert.equal(r.errorCode, 0, `produce error: ${JSON.stringify(r)}`);
      assert.ok(/^\d+$/.test(String(r.baseOffset)), `no offset: ${JSON.stringify(r)}`);
    }
    return results;
  };
  for (let from = 0; from < N; from += 100) await send(from, from + 100);
  const highs = await admin.fetchTopicOffsets(TOPIC);
  const highSum = highs.reduce((s, p) => s + Number(p.high), 0);
  assert.equal(highSum, N, `high watermarks after producing: ${JSON.stringify(highs)}`);

  // 3. Consumer group: read everything, commit, resume with only what is new.
  const consume = async (label, expected) => {
    const consumer = kafka.consumer({
      groupId: GROUP,
      sessionTimeout: 6000, // the server's minimum (group.min.session.timeout.ms)
      heartbeatInterval: 500,
      maxWaitTimeInMs: 200,
    });
    const got = [];
    await consumer.connect();
    await consumer.subscribe({ topics: [TOPIC], fromBeginning: true });
    await consumer.run({
      eachBatchAutoResolve: false,
      autoCommit: true,
      autoCommitThreshold: 1,
      eachBatch: async ({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary }) => {
        for (const m of batch.messages) {
          got.push({
            partition: batch.partition,
            offset: Number(m.offset),
            key: m.key.toString(),
            value: m.value.toString(),
          });
          resolveOffset(m.offset);
        }
        await commitOffsetsIfNecessary();
        await heartbeat();
      },
    });
    await waitFor(`${label}: ${expected} messages (have ${got.length})`, () => got.length >= expected);
    // Whatever the group committed must cover everything read before leaving it.
    await waitFor(`${label}: commits`, async () => {
      const offs = await admin.fetchOffsets({ groupId: GROUP, topics: [TOPIC] });
      return offs[0].partitions.reduce((s, p) => s + Math.max(0, Number(p.offset)), 0) >= produced.length;
    });
    await sleep(500); // anything beyond what is expected would show up now
    await consumer.disconnect();
    return got;
  };

  step('consumer group: read all back with eachBatch and commit');
  const first = await consume('first consumer', N);
  assert.equal(first.length, N, `first consumer read ${first.length} messages, expected ${N}`);
  const key = (m) => `${m.key}\t${m.value}`;
  assert.deepEqual(first.map(key).sort(), produced.map(key).sort(), 'consumed differs from produced');
  // Per key, the order is the send order (one key, one partition).
  const byKey = (ms) => {
    const out = new Map();
    for (const m of ms) out.set(m.key, [...(out.get(m.key) || []), m.value]);
    return out;
  };
  const producedByKey = byKey(produced);
  const consumedByKey = byKey(first);
  for (const [k, values] of producedByKey) {
    assert.deepEqual(consumedByKey.get(k), values, `order of ${k} changed`);
  }
  // One key, one partition.
  const partitionOf = new Map();
  for (const m of first) {
    assert.equal(partitionOf.get(m.key) ?? m.partition, m.partition, `${m.key} in two partitions`);
    partitionOf.set(m.key, m.partition);
  }

  step('produce 10 more; a new consumer in the same group resumes with exactly those');
  const before = produced.length;
  await send(N, N + 10);
  const second = await consume('second consumer', 10);
  assert.equal(second.length, 10, `second consumer read ${second.length} messages: ${JSON.stringify(second.slice(0, 5))}...`);
  assert.deepEqual(second.map(key).sort(), produced.slice(before).map(key).sort(),
    'the resumed consumer must see exactly the 10 new messages');

  // 4. The group's committed offsets are the high watermarks.
  step('admin: fetchOffsets for the group equals the high watermarks');
  const offsets = await admin.fetchOffsets({ groupId: GROUP, topics: [TOPIC] });
  const ends = await admin.fetchTopicOffsets(TOPIC);
  const committed = new Map(offsets[0].partitions.map((p) => [p.partition, Number(p.offset)]));
  let sum = 0;
  for (const p of ends) {
    assert.equal(committed.get(p.partition), Number(p.high),
      `partition ${p.partition}: committed ${committed.get(p.partition)}, high watermark ${p.high}`);
    sum += Number(p.high);
  }
  assert.equal(sum, N + 10);

  await producer.disconnect();
  await admin.disconnect();
  step('PASS');
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(`FAIL: ${e && e.stack ? e.stack : e}`);
    process.exit(1);
  },
);
