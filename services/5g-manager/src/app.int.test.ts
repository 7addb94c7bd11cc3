// The configuration API, roles, and slice selection, through HTTP against real Postgres and Redis.
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API, created, startTestNetwork, supiOf, type TestNetwork } from './testing/service.ts';

let net: TestNetwork;
let operatorId: string;
const EMBB = { sst: 1, sd: '000001' };
const URLLC = { sst: 2, sd: '000001' };
const MIOT = { sst: 3 };
const V2X = { sst: 4, sd: '0000FF' };

const slice = (snssai: object, extra: object = {}) => ({
  operatorId,
  snssai,
  name: `slice ${JSON.stringify(snssai)}`,
  guaranteedBitrateKbps: 100_000,
  maxBitrateKbps: 10_000,
  maxSessions: 100,
  latencyBudgetMs: 20,
  ...extra,
});
const cell = (extra: object = {}) => ({
  operatorId,
  name: 'JHB-1',
  gnbId: 4_200_101,
  tac: '0000a1',
  band: 'n78',
  location: { latitude: -26.19, longitude: 28.03 },
  maxSessions: 400,
  ...extra,
});

beforeAll(async () => {
  net = await startTestNetwork('fiveg_app');
  operatorId = (
    await created<{ id: string }>(net.as('admin').post('/operators', { name: 'Azora Test', mcc: '001', mnc: '01' }))
  ).id;
});

afterAll(async () => {
  await net?.close();
});

describe('roles', () => {
  it('lets viewers read but not write, and refuses callers without credentials', async () => {
    expect((await request(net.service.app).get(`${API}/slices`)).status).toBe(401);
    expect(
      (await request(net.service.app).get(`${API}/slices`).set('x-api-key', 'not-a-key-000000000000000000')).status,
    ).toBe(401);
    expect((await net.as('viewer').get('/slices')).status).toBe(200);
    const write = await net.as('viewer').post('/slices', slice(EMBB));
    expect(write.status).toBe(403);
    expect(write.body.detail).toBe('requires one of the roles: operator, admin');
    expect((await net.as('viewer').post('/sessions', {})).status).toBe(403);
    expect((await net.as('viewer').post('/kpis', {})).status).toBe(403);
    expect((await net.as('viewer').delete(`/sessions/${randomUUID()}`)).status).toBe(403);
    const me = await net.as('operator').get('/me');
    expect(me.body).toEqual({ subject: 'operator-bot', roles: ['operator'] });
  });
});

describe('configuration', () => {
  it('creates, reads, updates and deletes slices, with S-NSSAIs unique per operator', async () => {
    const operator = net.as('operator');
    const embb = await operator.post('/slices', slice(EMBB));
    expect(embb.status).toBe(201);
    expect(embb.body).toMatchObject({
      snssai: EMBB,
      key: '1-000001',
      type: 'eMBB',
      activeSessions: 0,
      reservedBitrateKbps: 0,
    });
    expect((await operator.post('/slices', slice({ sst: 1, sd: '000001' }))).status).toBe(409);
    // Same SST without an SD is another S-NSSAI.
    expect((await operator.post('/slices', slice({ sst: 1 }))).status).toBe(201);
    expect((await operator.post('/slices', slice({ sst: 1 }))).status).toBe(409);
    for (const s of [URLLC, MIOT, V2X]) expect((await operator.post('/slices', slice(s))).status).toBe(201);
    const lowercase = await operator.post('/slices', slice({ sst: 4, sd: '0000ff' }));
    expect(lowercase.status).toBe(409); // 0000ff is 0000FF

    const patched = await operator.patch(`/slices/${embb.body.id}`, { maxSessions: 500, latencyBudgetMs: 25 });
    expect(patched.body).toMatchObject({ maxSessions: 500, latencyBudgetMs: 25, snssai: EMBB });
    const tooFast = await operator.patch(`/slices/${embb.body.id}`, { maxBitrateKbps: 200_000 });
    expect(tooFast.status).toBe(422);
    expect((await net.as('viewer').get(`/slices/${embb.body.id}`)).body.maxSessions).toBe(500);
    const list = await net.as('viewer').get(`/slices?operatorId=${operatorId}`);
    expect(list.body.slices.map((s: { key: string }) => s.key)).toEqual(['1', '1-000001', '2-000001', '3', '4-0000FF']);

    const spare = await operator.post('/slices', slice({ sst: 200 }));
    expect(spare.body.type).toBe('operator-specific');
    expect((await operator.delete(`/slices/${spare.body.id}`)).status).toBe(204);
    expect((await net.as('viewer').get(`/slices/${spare.body.id}`)).status).toBe(404);
  });

  it('configures which slices a tracking area offers', async () => {
    const put = await net.as('operator').put(`/operators/${operatorId}/tracking-areas/0000a1`, {
      name: 'Braamfontein',
      slices: [EMBB, URLLC, MIOT],
    });
    expect(put.status).toBe(201);
    expect(put.body).toMatchObject({ tac: '0000A1', name: 'Braamfontein' });
    expect(put.body.slices.map((s: { sst: number }) => s.sst)).toEqual([1, 2, 3]);
    const replaced = await net.as('operator').put(`/operators/${operatorId}/tracking-areas/0000A1`, {
      name: 'Braamfontein',
      slices: [EMBB, MIOT],
    });
    expect(replaced.status).toBe(200);
    expect(replaced.body.slices).toEqual([
      { ...EMBB, name: 'slice {"sst":1,"sd":"000001"}' },
      { ...MIOT, name: 'slice {"sst":3}' },
    ]);
    const unknown = await net
      .as('operator')
      .put(`/operators/${operatorId}/tracking-areas/0000A2`, { slices: [{ sst: 99 }] });
    expect(unknown.status).toBe(404);
    expect(unknown.body.detail).toBe('slices[0]: the operator has no slice with S-NSSAI 99');
    expect((await net.as('viewer').get(`/operators/${operatorId}/tracking-areas`)).body.trackingAreas).toHaveLength(1);
  });

  it('creates cells, refuses a duplicate name, and will not lower capacity below the sessions in use', async () => {
    const first = await net.as('operator').post('/cells', cell());
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ tac: '0000A1', gnbId: 4_200_101, maxSessions: 400, activeSessions: 0 });
    expect((await net.as('operator').post('/cells', cell())).status).toBe(409);
    const moved = await net
      .as('operator')
      .patch(`/cells/${first.body.id}`, { location: { latitude: -26.2, longitude: 28.04 } });
    expect(moved.body.location).toEqual({ latitude: -26.2, longitude: 28.04 });
  });

  it('keeps subscribers whose defaults are subscribed and whose SUPI is of the operator', async () => {
    const admin = net.as('admin');
    const sub = await admin.post('/subscribers', {
      supi: supiOf(1),
      operatorId,
      subscribedSnssais: [URLLC, EMBB],
      defaultSnssais: [EMBB],
    });
    expect(sub.status).toBe(201);
    expect(sub.body).toMatchObject({ supi: supiOf(1), subscribedSnssais: [EMBB, URLLC], defaultSnssais: [EMBB] });
    expect((await admin.post('/subscribers', { ...sub.body, createdAt: undefined, updatedAt: undefined })).status).toBe(
      409,
    );
    const foreign = await admin.post('/subscribers', {
      supi: 'imsi-655010000000001',
      operatorId,
      subscribedSnssais: [EMBB],
      defaultSnssais: [EMBB],
    });
    expect(foreign.status).toBe(422);
    expect(foreign.body.detail).toContain('must start with imsi-00101');
    const notSubscribedDefault = await admin.post('/subscribers', {
      supi: supiOf(2),
      operatorId,
      subscribedSnssais: [EMBB],
      defaultSnssais: [URLLC],
    });
    expect(notSubscribedDefault.status).toBe(400);
    const changed = await admin.put(`/subscribers/${supiOf(1)}/slices`, {
      subscribedSnssais: [EMBB, V2X],
      defaultSnssais: [V2X],
    });
    expect(changed.body).toMatchObject({ subscribedSnssais: [EMBB, V2X], defaultSnssais: [V2X] });
    expect((await net.as('viewer').get(`/subscribers?operatorId=${operatorId}`)).body.subscribers).toHaveLength(1);
  });
});

describe('slice selection', () => {
  const select = (body: object) =>
    net.as('viewer').post('/nssai/select', { tai: { plmnId: { mcc: '001', mnc: '01' }, tac: '0000A1' }, ...body });

  beforeAll(async () => {
    await created(
      net.as('admin').post('/subscribers', {
        supi: supiOf(10),
        operatorId,
        subscribedSnssais: [EMBB, URLLC, V2X],
        defaultSnssais: [EMBB],
      }),
    );
  });

  it('allows what is requested, subscribed and offered in the TA; rejects the rest with a cause', async () => {
    const res = await select({ supi: supiOf(10), requested: [EMBB, URLLC, MIOT, { sst: 77 }] });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      supi: supiOf(10),
      tai: { plmnId: { mcc: '001', mnc: '01' }, tac: '0000A1' },
      allowedNssai: [EMBB],
      rejectedNssai: [
        { snssai: URLLC, cause: 'S_NSSAI_NOT_AVAILABLE_IN_TA' },
        { snssai: MIOT, cause: 'S_NSSAI_NOT_SUBSCRIBED' },
        { snssai: { sst: 77 }, cause: 'S_NSSAI_NOT_AVAILABLE_IN_PLMN' },
      ],
      defaultsUsed: false,
    });
  });

  it('gives the defaults when nothing requested can be allowed, or nothing was requested', async () => {
    const res = await select({ supi: supiOf(10), requested: [URLLC] });
    expect(res.body).toMatchObject({ allowedNssai: [EMBB], defaultsUsed: true });
    expect((await select({ supi: supiOf(10) })).body).toMatchObject({
      allowedNssai: [EMBB],
      rejectedNssai: [],
      defaultsUsed: true,
    });
  });

  it('answers 404 for an unknown subscriber, PLMN or tracking area', async () => {
    expect((await select({ supi: supiOf(999) })).status).toBe(404);
    expect((await select({ supi: supiOf(10), tai: { plmnId: { mcc: '999', mnc: '99' }, tac: '0000A1' } })).status).toBe(
      404,
    );
    const area = await select({ supi: supiOf(10), tai: { plmnId: { mcc: '001', mnc: '01' }, tac: 'FFFFFE' } });
    expect(area.status).toBe(404);
    expect(area.body.detail).toBe('the operator has no tracking area with TAC FFFFFE');
  });
});

describe('deleting what is in use', () => {
  it('refuses while sessions are active or a slice is subscribed, and succeeds once they are gone', async () => {
    const operator = net.as('operator');
    const { body: cells } = await net.as('viewer').get('/cells');
    const cellId = cells.cells[0].id;
    const session = await operator.post('/sessions', { supi: supiOf(10), snssai: EMBB, cellId, bitrateKbps: 5000 });
    expect(session.status).toBe(201);
    const busyCell = await operator.delete(`/cells/${cellId}`);
    expect(busyCell.status).toBe(409);
    expect(busyCell.body.detail).toBe('the cell has 1 active PDU session: release them first');
    expect((await operator.delete(`/subscribers/${supiOf(10)}`)).status).toBe(409);
    const lowered = await operator.patch(`/cells/${cellId}`, { maxSessions: 1 });
    expect(lowered.status).toBe(200);
    expect(
      (await operator.post('/sessions', { supi: supiOf(10), snssai: EMBB, cellId, bitrateKbps: 5000 })).body.reason,
    ).toBe('CELL_FULL');
    // Below the one session in use: the database's CHECK refuses, the API says why.
    const { body: slices } = await net.as('viewer').get('/slices');
    const embbId = slices.slices.find((s: { key: string }) => s.key === '1-000001').id;
    const cellUsed = await net
      .as('admin')
      .patch(`/slices/${embbId}`, { guaranteedBitrateKbps: 4000, maxBitrateKbps: 4000 });
    expect(cellUsed.status).toBe(409);

    const subscribed = await operator.delete(`/slices/${embbId}`);
    expect(subscribed.status).toBe(409);
    expect((await operator.delete(`/sessions/${session.body.id}`)).status).toBe(200);
    expect((await operator.delete(`/cells/${cellId}`)).status).toBe(204);
    expect((await operator.delete(`/subscribers/${supiOf(10)}`)).status).toBe(204);
    expect((await net.as('viewer').get(`/sessions/${session.body.id}`)).status).toBe(404);
    expect((await operator.delete(`/operators/${operatorId}`)).status).toBe(409);
  });
});
