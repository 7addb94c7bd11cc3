// The service in-process against real Postgres and Mosquitto: the API, and telemetry through
// the broker — accepted, rejected by reason, scanned, alerted — and the persistent session.
import { randomBytes } from 'node:crypto';
import { createAuth, createLogger, parseApiKeys } from '@azora/service-kit';
import {
  adminDatabaseUrl,
  createTestDatabase,
  createTestMqtt,
  type TestDatabase,
  type TestMqtt,
  waitFor,
} from '@azora/testing';
import mqtt from 'mqtt';
import pg from 'pg';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIotService, type IotService } from './app.ts';
import { generateKeyPair, type KeyPair, sign, statusTopic, telemetryTopic } from './envelope.ts';

const KEYS = { operator: 'op-'.padEnd(30, 'o'), dpo: 'dpo-'.padEnd(30, 'd'), auditor: 'aud-'.padEnd(30, 'a') };
const auth = createAuth({
  apiKeys: parseApiKeys(
    Object.entries(KEYS)
      .map(([role, key]) => `${role}-user:${role}:${key}`)
      .join(','),
  ),
});
const API = '/api/quantum-iot-integration';

let db: TestDatabase;
let broker: TestMqtt;
let service: IotService;
let root: string;
let alertsTopic: string;
const clientId = `azora-iot-test-${randomBytes(4).toString('hex')}`;
const alerts: Record<string, unknown>[] = [];

function build(): IotService {
  return createIotService({
    databaseUrl: db.url,
    mqttUrl: broker.url,
    mqttClientId: clientId,
    topicRoot: root,
    alertsTopic,
    auth,
    offlineAfterSeconds: 60,
    logger: createLogger('quantum-iot-integration', 'silent'),
    outboxIntervalMs: 200,
  });
}
async function stop(s: IotService) {
  for (const resource of [...s.resources].reverse()) await resource.close();
}

beforeAll(async () => {
  [db, broker] = await Promise.all([createTestDatabase('iot_app'), createTestMqtt('iot')]);
  root = broker.topic('azora/iot');
  alertsTopic = broker.topic('compliance/alerts');
  await broker.client.subscribeAsync(alertsTopic, { qos: 1 });
  broker.client.on('message', (topic, payload) => {
    if (topic === alertsTopic) alerts.push(JSON.parse(payload.toString()));
  });
  service = build();
  await service.start();
  await service.ready();
  await waitFor('connected to MQTT', async () => service.bridge.connected || undefined, 10_000);
});

afterAll(async () => {
  await stop(service);
  // End the persistent session so the broker stops keeping messages for it.
  const cleaner = await mqtt.connectAsync(broker.url, { clientId, clean: true, reconnectPeriod: 0 });
  await cleaner.endAsync();
  await broker.cleanup();
  await db.drop();
});

const as = (role: keyof typeof KEYS) => ({
  post: (path: string, body: object) =>
    request(service.app).post(`${API}${path}`).set('x-api-key', KEYS[role]).send(body),
  get: (path: string) => request(service.app).get(`${API}${path}`).set('x-api-key', KEYS[role]),
  delete: (path: string) => request(service.app).delete(`${API}${path}`).set('x-api-key', KEYS[role]),
});

interface Device {
  id: string;
  keys: KeyPair;
}
async function register(
  type = 'temperature-sensor',
  jurisdiction = 'DE',
  algorithm: 'ML-DSA-44' | 'ML-DSA-65' = 'ML-DSA-44',
) {
  const device: Device = { id: `dev-${randomBytes(5).toString('hex')}`, keys: generateKeyPair(algorithm) };
  const res = await as('operator').post('/devices', {
    id: device.id,
    type,
    location: 'Lab 3',
    jurisdiction,
    publicKey: Buffer.from(device.keys.publicKey).toString('base64'),
  });
  expect(res.status).toBe(201);
  return device;
}
function signed(
  device: Device,
  payload: Record<string, string | number>,
  overrides: { ts?: number; keys?: KeyPair } = {},
) {
  const message = {
    deviceId: device.id,
    ts: overrides.ts ?? Date.now(),
    nonce: randomBytes(16).toString('base64url'),
    payload,
  };
  return JSON.stringify(sign(message, overrides.keys ?? device.keys));
}
const publish = (device: Device | string, body: string) =>
  broker.client.publishAsync(telemetryTopic(typeof device === 'string' ? device : device.id, root), body, { qos: 1 });
type Summary = {
  devices: { total: number; online: number; offline: number };
  messages: { accepted: number; rejected: Record<string, number> };
  findings: { open: number; byKind: Record<string, number>; recent: Record<string, unknown>[] };
};
const summary = async () => (await as('auditor').get('/summary')).body as Summary;
const telemetryOf = async (device: Device) =>
  (await as('auditor').get(`/telemetry?device=${device.id}`)).body.telemetry as { payload: Record<string, unknown> }[];

describe('device registry', () => {
  it('registers a device for an operator or DPO only, and inspects its key', async () => {
    const key = Buffer.from(generateKeyPair('ML-DSA-65').publicKey).toString('base64');
    const body = { id: 'reg-1', type: 'health-sensor', location: 'Ward 4', jurisdiction: 'ZA', publicKey: key };
    expect((await request(service.app).post(`${API}/devices`).send(body)).status).toBe(401);
    expect((await as('auditor').post('/devices', body)).status).toBe(403);
    // The console asks who it is before it offers the Register form.
    expect((await as('auditor').get('/me')).body).toMatchObject({ roles: ['auditor'] });
    const created = await as('dpo').post('/devices', body);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: 'reg-1', algorithm: 'ML-DSA-65', status: 'offline', lastSeenAt: null });
    expect((await as('operator').post('/devices', body)).status).toBe(409);
    const wrong = await as('operator').post('/devices', { ...body, id: 'reg-2', algorithm: 'ML-DSA-44' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.detail).toMatch(/ML-DSA-65 key, not ML-DSA-44/);
    const notAKey = await as('operator').post('/devices', { ...body, id: 'reg-3', publicKey: 'AAAA' });
    expect(notAKey.status).toBe(400);
    expect(notAKey.headers['content-type']).toMatch(/problem\+json/);
    const badCountry = await as('operator').post('/devices', { ...body, id: 'reg-4', jurisdiction: 'south africa' });
    expect(badCountry.status).toBe(400);
    expect(badCountry.body.detail).toMatch(/jurisdiction/);
    expect((await as('auditor').get('/devices/reg-1')).body).toMatchObject({
      type: 'health-sensor',
      jurisdiction: 'ZA',
    });
    expect((await as('auditor').get('/devices/nope')).status).toBe(404);
    expect((await as('auditor').get('/devices?status=sideways')).status).toBe(400);
  });
});

describe('telemetry over MQTT', () => {
  it('stores a signed message, marks the device online, and counts it', async () => {
    const device = await register('temperature-sensor', 'DE', 'ML-DSA-65');
    await publish(device, signed(device, { temperatureC: 21.5 }));
    const stored = await waitFor('stored', async () => (await telemetryOf(device))[0], 10_000);
    expect(stored.payload).toEqual({ temperatureC: 21.5 });
    const shown = (await as('auditor').get(`/devices/${device.id}`)).body;
    expect(shown.status).toBe('online');
    expect(shown.lastSeenAt).not.toBeNull();
    expect((await summary()).messages.accepted).toBeGreaterThanOrEqual(1);
  });

  it('rejects and counts forged, replayed, stale, unknown-device and malformed messages', async () => {
    const device = await register();
    const before = (await summary()).messages;
    const original = signed(device, { temperatureC: 20 });
    await publish(device, original);
    await publish(device, original); // replay
    await publish(device, signed(device, { temperatureC: 99 }, { keys: generateKeyPair('ML-DSA-44') })); // forged
    await publish(device, signed(device, { temperatureC: 20 }, { ts: Date.now() - 600_000 })); // stale
    await publish('never-registered', signed({ ...device, id: 'never-registered' }, { temperatureC: 20 }));
    await publish(device, '{"v":1}');
    // Tampered in transit: a valid message with its reading changed.
    const tampered = JSON.parse(signed(device, { temperatureC: 20 }));
    tampered.payload.temperatureC = 35;
    await publish(device, JSON.stringify(tampered));
    const after = await waitFor(
      'all counted',
      async () => {
        const s = (await summary()).messages;
        const total = (m: typeof s) => Object.values(m.rejected).reduce((a, b) => a + b, 0) + m.accepted;
        return total(s) - total(before) === 7 ? s : undefined;
      },
      10_000,
    );
    expect(after.accepted - before.accepted).toBe(1);
    expect(after.rejected).toEqual({
      bad_signature: (before.rejected.bad_signature ?? 0) + 2,
      replayed: (before.rejected.replayed ?? 0) + 1,
      stale: (before.rejected.stale ?? 0) + 1,
      unknown_device: (before.rejected.unknown_device ?? 0) + 1,
      malformed: (before.rejected.malformed ?? 0) + 1,
    });
    expect(await telemetryOf(device)).toHaveLength(1);
    const rejections = (await as('auditor').get('/rejections?reason=replayed')).body.rejections;
    expect(rejections[0]).toMatchObject({ deviceId: device.id, reason: 'replayed' });
    const metrics = (await request(service.app).get('/metrics')).text;
    expect(metrics).toMatch(/iot_messages_rejected_total\{[^}]*reason="replayed"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/iot_signature_verify_seconds_count\{[^}]*algorithm="ML-DSA-44"[^}]*\} [1-9]/);
  });

  it('rejects messages from a decommissioned device and keeps its records', async () => {
    const device = await register();
    await publish(device, signed(device, { temperatureC: 20 }));
    await waitFor('stored', async () => (await telemetryOf(device))[0], 10_000);
    expect((await as('auditor').delete(`/devices/${device.id}`)).status).toBe(403);
    const gone = await as('operator').delete(`/devices/${device.id}`);
    expect(gone.body.status).toBe('decommissioned');
    await publish(device, signed(device, { temperatureC: 21 }));
    await waitFor(
      'rejected',
      async () =>
        (await as('auditor').get('/rejections?reason=unknown_device')).body.rejections.find(
          (r: { deviceId: string }) => r.deviceId === device.id,
        ),
      10_000,
    );
    expect(await telemetryOf(device)).toHaveLength(1);
  });

  it('flags PHI, SA ID numbers and transfers without adequacy, once per device while open, and publishes alerts', async () => {
    const monitor = await register('health-sensor', 'ZA');
    await publish(monitor, signed(monitor, { heartRateBpm: 70, note: 'Patient: Jane Doe, MRN: 7781234' }));
    await publish(monitor, signed(monitor, { heartRateBpm: 71, patientId: '8001015009087' }));
    await publish(monitor, signed(monitor, { heartRateBpm: 72 }));
    const open = await waitFor(
      'three findings',
      async () => {
        const findings = (await as('auditor').get(`/findings?device=${monitor.id}`)).body.findings;
        const transfer = findings.find((f: { kind: string }) => f.kind === 'transfer_without_adequacy');
        return findings.length === 3 && transfer?.occurrences === 3 ? findings : undefined;
      },
      10_000,
    );
    const byKind = Object.fromEntries(open.map((f: { kind: string }) => [f.kind, f]));
    // An SA ID number from a health device is a national identifier under HIPAA too: two PHI messages.
    expect(byKind.hipaa_phi).toMatchObject({ regime: 'hipaa', status: 'open', occurrences: 2 });
    expect(byKind.popia_sa_id).toMatchObject({ regime: 'popia', occurrences: 1 });
    expect(byKind.transfer_without_adequacy).toMatchObject({ regime: 'gdpr', occurrences: 3 });
    expect(JSON.stringify(open)).not.toMatch(/Jane|8001015009087/);
    // The DPO reads the payloads as sent; an auditor with the identifiers masked.
    const asDpo = (await as('dpo').get(`/telemetry?device=${monitor.id}`)).body.telemetry;
    expect(JSON.stringify(asDpo)).toMatch(/Jane Doe/);
    const asAuditor = (await as('auditor').get(`/telemetry?device=${monitor.id}`)).body.telemetry;
    expect(asAuditor).toHaveLength(3);
    expect(asAuditor.every((row: { redacted: boolean }) => row.redacted)).toBe(true);
    expect(JSON.stringify(asAuditor)).not.toMatch(/Jane|7781234|8001015009087/);
    expect(asAuditor.map((row: { payload: { heartRateBpm: number } }) => row.payload.heartRateBpm).sort()).toEqual([
      70, 71, 72,
    ]);

    const published = await waitFor(
      'alerts published',
      async () => {
        const mine = alerts.filter((a) => a.deviceId === monitor.id);
        return mine.length === 3 ? mine : undefined;
      },
      10_000,
    );
    expect(published.map((a) => a.kind).sort()).toEqual(['hipaa_phi', 'popia_sa_id', 'transfer_without_adequacy']);
    expect(published[0]).toEqual({
      id: expect.any(String),
      source: 'quantum-iot-integration',
      deviceId: monitor.id,
      kind: expect.any(String),
      regime: expect.any(String),
      detectedAt: expect.any(String),
      summary: expect.any(String),
    });

    const s = await summary();
    expect(s.findings.byKind).toMatchObject({ hipaa_phi: expect.any(Number), popia_sa_id: expect.any(Number) });
    expect(s.findings.recent.map((f) => f.deviceId)).toContain(monitor.id);
    expect(Object.keys(s.findings.recent[0] ?? {}).sort()).toEqual([
      'detectedAt',
      'deviceId',
      'id',
      'kind',
      'regime',
      'summary',
    ]);

    // Resolved by the DPO: the next PHI message opens a new finding.
    expect((await as('operator').post(`/findings/${byKind.hipaa_phi.id}/resolve`, {})).status).toBe(403);
    const resolved = await as('dpo').post(`/findings/${byKind.hipaa_phi.id}/resolve`, {});
    expect(resolved.body).toMatchObject({ status: 'resolved', resolvedBy: 'dpo-user' });
    await publish(monitor, signed(monitor, { note: 'DOB: 03/04/1961, Patient: Jane Doe' }));
    await waitFor(
      'a new PHI finding',
      async () =>
        (await as('auditor').get(`/findings?device=${monitor.id}&kind=hipaa_phi&status=open`)).body.findings[0],
      10_000,
    );
  });

  it('takes online and offline from the status topic and the last will', async () => {
    const device = await register();
    const deviceClient = await mqtt.connectAsync(broker.url, {
      reconnectPeriod: 0,
      will: { topic: statusTopic(device.id, root), payload: Buffer.from('offline'), qos: 1, retain: false },
    });
    await deviceClient.publishAsync(statusTopic(device.id, root), 'online', { qos: 1 });
    const status = async () => (await as('auditor').get(`/devices/${device.id}`)).body.status as string;
    await waitFor('online', async () => ((await status()) === 'online' ? true : undefined), 10_000);
    expect((await request(service.app).get('/metrics')).text).toMatch(/^iot_devices_online\{[^}]*\} [1-9]/m);
    // Dropped without a DISCONNECT: the broker publishes the last will.
    deviceClient.stream.destroy();
    await waitFor('offline', async () => ((await status()) === 'offline' ? true : undefined), 10_000);
    deviceClient.end(true);
  });
});

/** Runs one statement on the server's maintenance database (to close or reopen the test database). */
async function admin(sql: string) {
  const client = new pg.Client({ connectionString: adminDatabaseUrl() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

describe('a Postgres outage', () => {
  it('leaves messages unacknowledged and stores every one once Postgres is back', async () => {
    const device = await register();
    // A real outage of this test's database: no new connections, the open ones ended.
    await admin(`ALTER DATABASE "${db.name}" ALLOW_CONNECTIONS false`);
    await admin(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${db.name}'`);
    try {
      for (let i = 0; i < 10; i++) await publish(device, signed(device, { seq: i }));
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const down = await as('auditor').get('/summary');
      expect(down.status).toBe(503);
      expect(down.headers['content-type']).toMatch(/problem\+json/);
    } finally {
      await admin(`ALTER DATABASE "${db.name}" ALLOW_CONNECTIONS true`);
    }
    const stored = await waitFor(
      'all 10 stored',
      async () => {
        const rows = await telemetryOf(device);
        return rows.length === 10 ? rows : undefined;
      },
      20_000,
    );
    expect(stored.map((row) => row.payload.seq).sort((a, b) => Number(a) - Number(b))).toEqual(
      Array.from({ length: 10 }, (_, i) => i),
    );
    const rejected = (await as('auditor').get('/rejections')).body.rejections;
    expect(rejected.filter((r: { deviceId: string }) => r.deviceId === device.id)).toEqual([]);
  });
});

describe('the persistent session', () => {
  it('stores what was published while the service was down', async () => {
    const device = await register();
    await stop(service);
    for (let i = 0; i < 20; i++) await publish(device, signed(device, { seq: i }));
    service = build();
    await service.start();
    await service.ready();
    const stored = await waitFor(
      'all 20 stored',
      async () => {
        const rows = await telemetryOf(device);
        return rows.length === 20 ? rows : undefined;
      },
      15_000,
    );
    expect(stored.map((row) => row.payload.seq).sort((a, b) => Number(a) - Number(b))).toEqual(
      Array.from({ length: 20 }, (_, i) => i),
    );
  });

  it('rejects a signed message Postgres refuses for its content, instead of retrying it for ever', async () => {
    const device = await register();
    // A lone surrogate: valid for JSON and for the signature, refused by Postgres' jsonb.
    const body = Buffer.from(signed(device, { note: 'broken \ud800 text' }));
    expect(await service.ingest({ topicDeviceId: device.id, payload: body, dup: false })).toMatchObject({
      status: 'rejected',
      reason: 'malformed',
      detail: expect.stringMatching(/^could not be stored/),
    });
    const next = Buffer.from(signed(device, { note: 'fine' }));
    expect((await service.ingest({ topicDeviceId: device.id, payload: next, dup: false })).status).toBe('accepted');
  });

  it('tells a broker redelivery (DUP, same bytes) from a replay', async () => {
    const device = await register();
    const body = Buffer.from(signed(device, { temperatureC: 20 }));
    const first = await service.ingest({ topicDeviceId: device.id, payload: body, dup: false });
    expect(first.status).toBe('accepted');
    expect(await service.ingest({ topicDeviceId: device.id, payload: body, dup: true })).toEqual({
      status: 'redelivered',
    });
    expect(await service.ingest({ topicDeviceId: device.id, payload: body, dup: false })).toMatchObject({
      status: 'rejected',
      reason: 'replayed',
    });
  });
});
