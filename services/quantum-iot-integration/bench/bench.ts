// pnpm --filter quantum-iot-integration bench
//
// Throughput of verified telemetry, as ratios against baselines measured in the same run
// (absolute numbers on a shared machine are noise):
//   1. ML-DSA verify alone, verifies/s (ML-DSA-44 and ML-DSA-65), in process;
//   2. the ingest pipeline (parse, device lookup, freshness, verify, store with the nonce
//      constraint, detectors, last seen) on real Postgres, in process, with verification vs.
//      the same pipeline with verification switched off (the baseline), alternating in chunks;
//   3. end to end through Mosquitto: the service's own process draining a burst of signed
//      QoS 1 messages, vs. the in-process verified pipeline.
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { printTable, startNodeServer } from '@azora/bench';
import { migrate } from '@azora/compliance-core';
import { createTestDatabase, testMqttUrl } from '@azora/testing';
import mqtt from 'mqtt';
import { MIGRATIONS_DIR, openDatabase } from '../src/db.ts';
import { type Envelope, generateKeyPair, type KeyPair, sign, telemetryTopic, verify } from '../src/envelope.ts';
import { createIngest } from '../src/ingest.ts';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 1000);
/** The two pipelines alternate in chunks this size, so drift in the machine's load hits both alike. */
const CHUNK = 50;
const DEVICES = 10;
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const rate = (count: number, ms: number) => (count / ms) * 1000;

console.log(`quantum-iot-integration benchmark: ${MESSAGES} messages per measurement, ${DEVICES} devices`);

// 1. Verify alone.
const verifyRates: Record<string, number> = {};
for (const algorithm of ['ML-DSA-44', 'ML-DSA-65'] as const) {
  const keys = generateKeyPair(algorithm);
  const envelope = sign(
    { deviceId: 'bench', ts: Date.now(), nonce: randomBytes(16).toString('base64url'), payload: { t: 1 } },
    keys,
  );
  let count = 0;
  const started = performance.now();
  while (performance.now() - started < 2000) {
    if (!verify(envelope, algorithm, keys.publicKey)) throw new Error('verification failed');
    count++;
  }
  verifyRates[algorithm] = rate(count, performance.now() - started);
}

// Devices and pre-signed messages (signing is the device's cost, not the service's: done up front).
const devices = Array.from({ length: DEVICES }, (_, i) => ({ id: `bench-${i}`, keys: generateKeyPair('ML-DSA-44') }));
function messages(count: number, signed: boolean, fake?: string): Buffer[] {
  return Array.from({ length: count }, (_, i) => {
    const device = devices[i % DEVICES] as { id: string; keys: KeyPair };
    const unsigned = {
      deviceId: device.id,
      ts: Date.now(),
      nonce: randomBytes(16).toString('base64url'),
      payload: { seq: i, temperatureC: 21.5, humidityPercent: 40 },
    };
    const envelope: Envelope = signed ? sign(unsigned, device.keys) : { v: 1, ...unsigned, sig: fake as string };
    return Buffer.from(JSON.stringify(envelope));
  });
}
const started = performance.now();
const signedBatch = messages(MESSAGES, true);
const burst = messages(MESSAGES, true);
const aSignature = JSON.parse(String(signedBatch[0])).sig as string;
const unsignedBatch = messages(MESSAGES, false, aSignature);
console.log(`signed ${MESSAGES * 2} messages in ${((performance.now() - started) / 1000).toFixed(1)} s`);

// 2. The pipeline in process, with and without verification.
const db = await createTestDatabase('iot_bench');
const database = openDatabase({ url: db.url });
await migrate(database.pool, MIGRATIONS_DIR);
for (const device of devices) {
  await database.prisma.device.create({
    data: {
      id: device.id,
      type: 'temperature-sensor',
      location: 'bench',
      jurisdiction: 'DE',
      algorithm: 'ML-DSA-44',
      publicKey: Buffer.from(device.keys.publicKey),
      registeredBy: 'bench',
    },
  });
}
const withVerify = createIngest({ prisma: database.prisma, maxClockSkewMs: 3_600_000 });
const withoutVerify = createIngest({ prisma: database.prisma, maxClockSkewMs: 3_600_000, verifySignatures: false });
/** Milliseconds to take a batch one message at a time, as the MQTT bridge does (the next after the previous is stored). */
async function drain(ingest: typeof withVerify, batch: Buffer[], offset: number): Promise<number> {
  const t0 = performance.now();
  for (const [i, payload] of batch.entries()) {
    const outcome = await ingest({ topicDeviceId: devices[(offset + i) % DEVICES]?.id as string, payload, dup: false });
    if (outcome.status !== 'accepted') throw new Error(`not accepted: ${JSON.stringify(outcome)}`);
  }
  return performance.now() - t0;
}
let verifiedMs = 0;
let baselineMs = 0;
for (let i = 0; i < MESSAGES; i += CHUNK) {
  baselineMs += await drain(withoutVerify, unsignedBatch.slice(i, i + CHUNK), i);
  verifiedMs += await drain(withVerify, signedBatch.slice(i, i + CHUNK), i);
}
await database.close();

// 3. End to end through Mosquitto: a burst published while the service is up, drained by its process.
const e2eDb = await createTestDatabase('iot_bench_e2e');
const e2eDatabase = openDatabase({ url: e2eDb.url, max: 2 });
await migrate(e2eDatabase.pool, MIGRATIONS_DIR);
for (const device of devices) {
  await e2eDatabase.prisma.device.create({
    data: {
      id: device.id,
      type: 'temperature-sensor',
      location: 'bench',
      jurisdiction: 'DE',
      algorithm: 'ML-DSA-44',
      publicKey: Buffer.from(device.keys.publicKey),
      registeredBy: 'bench',
    },
  });
}
const clientId = `azora-iot-bench-${randomBytes(4).toString('hex')}`;
const root = `bench/${randomBytes(4).toString('hex')}/azora/iot`;
const service = await startNodeServer({
  entry: here('../src/main.ts'),
  readyPath: '/health/ready',
  env: { DATABASE_URL: e2eDb.url, MQTT_URL: testMqttUrl(), MQTT_CLIENT_ID: clientId, MQTT_TOPIC_ROOT: root },
});
const publisher = await mqtt.connectAsync(testMqttUrl(), { reconnectPeriod: 0 });
const t0 = performance.now();
for (let i = 0; i < burst.length; i += 100) {
  await Promise.all(
    burst
      .slice(i, i + 100)
      .map((payload, j) =>
        publisher.publishAsync(telemetryTopic(devices[(i + j) % DEVICES]?.id as string, root), payload, { qos: 1 }),
      ),
  );
}
for (;;) {
  const stored = await e2eDatabase.prisma.telemetry.count();
  if (stored >= burst.length) break;
  if (performance.now() - t0 > 300_000) throw new Error(`only ${stored} of ${burst.length} stored in 300 s`);
  await new Promise((resolve) => setTimeout(resolve, 50));
}
const e2e = rate(burst.length, performance.now() - t0);
const rejected = await e2eDatabase.prisma.rejection.count();
await publisher.endAsync();
await service.stop();
const cleaner = await mqtt.connectAsync(testMqttUrl(), { clientId, clean: true, reconnectPeriod: 0 });
await cleaner.endAsync();
await e2eDatabase.close();
await Promise.all([db.drop(), e2eDb.drop()]);
if (rejected > 0) throw new Error(`${rejected} messages were rejected in the end-to-end run`);

const pipeline = rate(MESSAGES, verifiedMs);
const bare = rate(MESSAGES, baselineMs);
console.log('');
printTable([
  ['measure', 'per second', 'ratio'],
  ['ML-DSA-44 verify alone (verifies/s)', Math.round(verifyRates['ML-DSA-44'] ?? 0), '—'],
  [
    'ML-DSA-65 verify alone (verifies/s)',
    Math.round(verifyRates['ML-DSA-65'] ?? 0),
    `${((verifyRates['ML-DSA-65'] ?? 0) / (verifyRates['ML-DSA-44'] ?? 1)).toFixed(2)} × ML-DSA-44`,
  ],
  ['pipeline without verification (baseline, msgs/s)', Math.round(bare), '1.00'],
  ['pipeline verified and stored (msgs/s)', Math.round(pipeline), `${(pipeline / bare).toFixed(2)} × baseline`],
  [
    'end to end via Mosquitto, verified and stored (msgs/s)',
    Math.round(e2e),
    `${(e2e / pipeline).toFixed(2)} × in-process verified`,
  ],
]);
console.log(
  `\nThe two pipelines alternated in chunks of ${CHUNK} messages. Verification's share of a verified message's time: ${((1 - pipeline / bare) * 100).toFixed(0)}%` +
    ` (ML-DSA-44 verify ${(1000 / (verifyRates['ML-DSA-44'] ?? 1)).toFixed(2)} ms; a verified message ${(1000 / pipeline).toFixed(2)} ms).`,
);
