/**
 * A device simulator: generates (or loads) an ML-DSA key pair, registers the device through the
 * API, and publishes signed telemetry on MQTT at a rate, with a retained 'online' status and an
 * 'offline' last will. It can also send forged, replayed, stale or unregistered-device messages,
 * which the service must reject. At the end it prints one JSON line with what it published
 * (a message counts as published once the broker acknowledged it, QoS 1).
 *
 *   node --conditions=@azora/source src/simulator.ts --help
 */
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import mqtt from 'mqtt';
import {
  ALGORITHMS,
  type Algorithm,
  type Envelope,
  generateKeyPair,
  type KeyPair,
  sign,
  statusTopic,
  telemetryTopic,
  type Unsigned,
} from './envelope.ts';

const HELP = `Usage: node --conditions=@azora/source src/simulator.ts [options]

Registers a simulated device with quantum-iot-integration and publishes ML-DSA signed telemetry.

  --api URL            the service (default http://127.0.0.1:4088, env IOT_API_URL)
  --api-key KEY        an API key with role operator or dpo (env IOT_API_KEY), or
  --token JWT          a bearer token with role operator or dpo (env IOT_TOKEN)
  --mqtt URL           the broker (default mqtt://127.0.0.1:1883, env MQTT_URL)
  --topic-root ROOT    devices publish under ROOT/<device>/… (default azora/iot, env MQTT_TOPIC_ROOT)
  --device ID          the device id (default sim-<random>)
  --type TYPE          device type, e.g. temperature-sensor, health-sensor (default temperature-sensor)
  --location TEXT      where it is (default "Cape Town lab")
  --jurisdiction CC    ISO country code (default ZA)
  --algorithm ALG      ML-DSA-44 or ML-DSA-65 (default ML-DSA-44)
  --key-file PATH      keep the key seed here: created when missing, reused after (same device identity)
  --no-register        do not register (the device is already registered)
  --rate N             messages per second (default 1)
  --count N            stop after N messages (default: until SIGINT/SIGTERM)
  --payload JSON       extra fields merged into every reading, e.g. '{"patientId":"8001015009087"}'
  --attack KIND        send --count messages of one kind the service must reject:
                         forged (signed by another key), replayed (one valid message sent again),
                         stale (timestamp 1 hour old), unknown (a device that is not registered)
  --help               this text

Prints one JSON line at the end: { deviceId, published, failed, attack }.`;

const { values: args } = parseArgs({
  options: {
    api: { type: 'string', default: process.env.IOT_API_URL ?? 'http://127.0.0.1:4088' },
    'api-key': { type: 'string', default: process.env.IOT_API_KEY },
    token: { type: 'string', default: process.env.IOT_TOKEN },
    mqtt: { type: 'string', default: process.env.MQTT_URL ?? 'mqtt://127.0.0.1:1883' },
    'topic-root': { type: 'string', default: process.env.MQTT_TOPIC_ROOT ?? 'azora/iot' },
    device: { type: 'string', default: `sim-${randomBytes(4).toString('hex')}` },
    type: { type: 'string', default: 'temperature-sensor' },
    location: { type: 'string', default: 'Cape Town lab' },
    jurisdiction: { type: 'string', default: 'ZA' },
    algorithm: { type: 'string', default: 'ML-DSA-44' },
    'key-file': { type: 'string' },
    'no-register': { type: 'boolean', default: false },
    rate: { type: 'string', default: '1' },
    count: { type: 'string' },
    payload: { type: 'string' },
    attack: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});

function fail(message: string): never {
  process.stderr.write(`simulator: ${message}\n`);
  process.exit(2);
}

if (args.help) {
  process.stdout.write(`${HELP}\n`);
  process.exit(0);
}
const algorithm = args.algorithm as Algorithm;
if (!ALGORITHMS.includes(algorithm)) fail(`--algorithm must be one of ${ALGORITHMS.join(', ')}`);
const rate = Number(args.rate);
if (!(rate > 0 && rate <= 10_000)) fail('--rate must be a number of messages per second from 0 to 10000');
const count = args.count === undefined ? Number.POSITIVE_INFINITY : Number(args.count);
if (!(Number.isInteger(count) || count === Number.POSITIVE_INFINITY) || count < 0)
  fail('--count must be a whole number');
const attacks = ['forged', 'replayed', 'stale', 'unknown'] as const;
const attack = args.attack as (typeof attacks)[number] | undefined;
if (attack !== undefined && !attacks.includes(attack)) fail(`--attack must be one of ${attacks.join(', ')}`);
let extra: Record<string, unknown> = {};
if (args.payload !== undefined) {
  try {
    extra = JSON.parse(args.payload) as Record<string, unknown>;
  } catch {
    fail('--payload must be a JSON object');
  }
  if (typeof extra !== 'object' || extra === null || Array.isArray(extra)) fail('--payload must be a JSON object');
}
const root = args['topic-root'] as string;
const deviceId = attack === 'unknown' ? `unregistered-${randomBytes(4).toString('hex')}` : (args.device as string);

/** The key pair, from the seed in --key-file when there is one (written there when new). */
async function loadKeys(): Promise<KeyPair> {
  const file = args['key-file'];
  if (!file) return generateKeyPair(algorithm, randomBytes(32));
  const existing = await readFile(file, 'utf8').catch(() => undefined);
  if (existing !== undefined) return generateKeyPair(algorithm, Buffer.from(existing.trim(), 'base64'));
  const seed = randomBytes(32);
  await writeFile(file, `${seed.toString('base64')}\n`, { mode: 0o600 });
  return generateKeyPair(algorithm, seed);
}

async function register(keys: KeyPair): Promise<void> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (args['api-key']) headers['x-api-key'] = args['api-key'];
  else if (args.token) headers.authorization = `Bearer ${args.token}`;
  else fail('registering needs --api-key or --token (or --no-register)');
  const res = await fetch(`${args.api}/api/quantum-iot-integration/devices`, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      id: deviceId,
      type: args.type,
      location: args.location,
      jurisdiction: args.jurisdiction,
      algorithm,
      publicKey: Buffer.from(keys.publicKey).toString('base64'),
    }),
  });
  // 409: registered before (a restarted simulator with the same --key-file).
  if (!res.ok && res.status !== 409) fail(`registering ${deviceId} failed: ${res.status} ${await res.text()}`);
}

/** A reading: a slow sine wave by sequence number, shaped by the device type. */
function reading(seq: number): Record<string, unknown> {
  const wave = Math.sin(seq / 10);
  const base =
    args.type === 'health-sensor'
      ? { heartRateBpm: Math.round(72 + 8 * wave), spo2Percent: Math.round(97 + wave) }
      : { temperatureC: Math.round((21 + 3 * wave) * 100) / 100, humidityPercent: Math.round(45 + 10 * wave) };
  return { seq, ...base, ...extra };
}

const keys = await loadKeys();
if (!args['no-register'] && attack !== 'unknown') await register(keys);
const forger = attack === 'forged' ? generateKeyPair(algorithm, randomBytes(32)) : undefined;

const client = await mqtt.connectAsync(args.mqtt as string, {
  clientId: `azora-sim-${deviceId}`,
  clean: true,
  protocolVersion: 4,
  reconnectPeriod: 1000,
  will: { topic: statusTopic(deviceId, root), payload: Buffer.from('offline'), qos: 1, retain: true },
});
await client.publishAsync(statusTopic(deviceId, root), 'online', { qos: 1, retain: true });

function message(seq: number): Envelope {
  const unsigned: Unsigned = {
    deviceId,
    ts: attack === 'stale' ? Date.now() - 3_600_000 : Date.now(),
    nonce: randomBytes(16).toString('base64url'),
    payload: reading(seq) as Unsigned['payload'],
  };
  return sign(unsigned, forger ?? keys);
}

let stopping = false;
process.once('SIGINT', () => {
  stopping = true;
});
process.once('SIGTERM', () => {
  stopping = true;
});

let published = 0;
let failed = 0;
const replayed = attack === 'replayed' ? JSON.stringify(message(0)) : undefined;
if (replayed) {
  // The original, accepted once; every message counted below is a replay of it.
  await client.publishAsync(telemetryTopic(deviceId, root), replayed, { qos: 1 });
}
const intervalMs = 1000 / rate;
const started = Date.now();
for (let seq = 1; seq <= count && !stopping; seq++) {
  const wait = started + seq * intervalMs - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  try {
    await client.publishAsync(telemetryTopic(deviceId, root), replayed ?? JSON.stringify(message(seq)), { qos: 1 });
    published++;
  } catch {
    failed++;
  }
}
await client.publishAsync(statusTopic(deviceId, root), 'offline', { qos: 1, retain: true });
await client.endAsync();
process.stdout.write(`${JSON.stringify({ deviceId, published, failed, attack: attack ?? null })}\n`);
