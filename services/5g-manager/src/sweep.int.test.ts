// The bad-input sweep: whatever is sent, the answer is a clear 4xx problem, never a 5xx.
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API, KEYS, smallNetwork, startTestNetwork, supiOf, type TestNetwork } from './testing/service.ts';

let net: TestNetwork;
let network: Awaited<ReturnType<typeof smallNetwork>>;

beforeAll(async () => {
  net = await startTestNetwork('fiveg_sweep');
  network = await smallNetwork(net, { slices: [{ sst: 1, maxSessions: 10 }] });
  const res = await net.as('admin').post('/subscribers', {
    supi: supiOf(1),
    operatorId: network.operator.id,
    subscribedSnssais: [{ sst: 1 }],
    defaultSnssais: [{ sst: 1 }],
  });
  expect(res.status).toBe(201);
});

afterAll(async () => {
  await net?.close();
});

const slice = (snssai: unknown, extra: object = {}) => ({
  operatorId: '$OP',
  snssai,
  name: 'sweep',
  guaranteedBitrateKbps: 1000,
  maxBitrateKbps: 100,
  maxSessions: 5,
  latencyBudgetMs: 10,
  ...extra,
});
const session = (extra: object) => ({
  supi: supiOf(1),
  snssai: { sst: 1 },
  cellId: '$CELL',
  bitrateKbps: 10,
  ...extra,
});
const kpi = (extra: object) => ({ cellId: '$CELL', loadPercent: 10, throughputMbps: 1, latencyMs: 2, ...extra });

type Case = [
  name: string,
  method: 'post' | 'put' | 'patch' | 'get' | 'delete',
  path: string,
  body: unknown,
  status: number,
  detail?: RegExp,
];

/** Bodies and paths name the network's operator and cell as $OP and $CELL, filled in when the case runs. */
const fill = (text: string) => text.replaceAll('$OP', network.operator.id).replaceAll('$CELL', network.cell.id);

const cases = (): Case[] => [
  ['SST 0', 'post', '/slices', slice({ sst: 0 }), 400, /snssai\.sst: must be a slice\/service type/],
  ['SST 256', 'post', '/slices', slice({ sst: 256 }), 400, /snssai\.sst/],
  ['SST as a string', 'post', '/slices', slice({ sst: '1' }), 400, /snssai\.sst/],
  ['SST fractional', 'post', '/slices', slice({ sst: 1.5 }), 400, /snssai\.sst/],
  [
    'SD of 5 digits',
    'post',
    '/slices',
    slice({ sst: 1, sd: '12345' }),
    400,
    /snssai\.sd: must be a slice differentiator/,
  ],
  ['SD of 7 digits', 'post', '/slices', slice({ sst: 1, sd: '1234567' }), 400, /snssai\.sd/],
  ['SD not hex', 'post', '/slices', slice({ sst: 1, sd: '12345G' }), 400, /snssai\.sd/],
  ['SD as a number', 'post', '/slices', slice({ sst: 1, sd: 123456 }), 400, /snssai\.sd/],
  ['SD FFFFFF (reserved)', 'post', '/slices', slice({ sst: 1, sd: 'FFFFFF' }), 400, /reserved/],
  ['S-NSSAI as a string', 'post', '/slices', slice('1-000001'), 400, /snssai/],
  [
    'max above guaranteed bitrate',
    'post',
    '/slices',
    slice({ sst: 9 }, { maxBitrateKbps: 2000 }),
    400,
    /maxBitrateKbps/,
  ],
  ['negative sessions', 'post', '/slices', slice({ sst: 9 }, { maxSessions: -1 }), 400, /maxSessions/],
  ['zero latency budget', 'post', '/slices', slice({ sst: 9 }, { latencyBudgetMs: 0 }), 400, /latencyBudgetMs/],
  ['unknown field', 'post', '/slices', slice({ sst: 9 }, { colour: 'red' }), 400, /colour|unrecognized/i],
  ['unknown operator', 'post', '/slices', slice({ sst: 9 }, { operatorId: randomUUID() }), 404, /no operator/],
  ['duplicate slice', 'post', '/slices', slice({ sst: 1 }), 409, /already has a slice with S-NSSAI 1/],
  ['empty object', 'post', '/slices', {}, 400],
  ['array body', 'post', '/slices', [1, 2], 400],
  ['null body', 'post', '/sessions', null, 400],
  ['operator MCC of 2 digits', 'post', '/operators', { name: 'x', mcc: '01', mnc: '01' }, 400, /mcc/],
  ['duplicate operator PLMN', 'post', '/operators', { name: 'Other', mcc: '001', mnc: '01' }, 409, /PLMN 001-01/],
  ['duplicate operator name', 'post', '/operators', { name: 'Test Mobile', mcc: '002', mnc: '02' }, 409, /named/],
  [
    '10,000-character name',
    'post',
    '/operators',
    { name: 'x'.repeat(10_000), mcc: '003', mnc: '03' },
    400,
    /at most 100/,
  ],
  ['control characters', 'post', '/operators', { name: 'a\u0000b', mcc: '003', mnc: '03' }, 400, /control/],
  [
    'cell TAC of 4 digits',
    'post',
    '/cells',
    {
      operatorId: '$OP',
      name: 'c',
      gnbId: 1,
      tac: '0001',
      band: 'n78',
      location: { latitude: 0, longitude: 0 },
      maxSessions: 1,
    },
    400,
    /tac/,
  ],
  [
    'cell band',
    'post',
    '/cells',
    {
      operatorId: '$OP',
      name: 'c',
      gnbId: 1,
      tac: '000001',
      band: 'LTE',
      location: { latitude: 0, longitude: 0 },
      maxSessions: 1,
    },
    400,
    /band/,
  ],
  [
    'cell latitude 91',
    'post',
    '/cells',
    {
      operatorId: '$OP',
      name: 'c',
      gnbId: 1,
      tac: '000001',
      band: 'n78',
      location: { latitude: 91, longitude: 0 },
      maxSessions: 1,
    },
    400,
    /latitude/,
  ],
  [
    'gNB id of 33 bits',
    'post',
    '/cells',
    {
      operatorId: '$OP',
      name: 'c',
      gnbId: 2 ** 32,
      tac: '000001',
      band: 'n78',
      location: { latitude: 0, longitude: 0 },
      maxSessions: 1,
    },
    400,
    /gnbId/,
  ],
  [
    'duplicate cell',
    'post',
    '/cells',
    {
      operatorId: '$OP',
      name: 'cell-1',
      gnbId: 1,
      tac: '000001',
      band: 'n78',
      location: { latitude: 0, longitude: 0 },
      maxSessions: 1,
    },
    409,
    /cell named/,
  ],
  ['empty patch', 'patch', `/slices/${randomUUID()}`, {}, 400, /at least one field/],
  ['SUPI not an IMSI', 'post', '/sessions', session({ supi: 'msisdn-27820000000' }), 400, /supi/],
  ['bitrate 0', 'post', '/sessions', session({ bitrateKbps: 0 }), 400, /bitrateKbps/],
  ['bitrate as a string', 'post', '/sessions', session({ bitrateKbps: '10' }), 400, /bitrateKbps/],
  ['cellId not a UUID', 'post', '/sessions', session({ cellId: 'cell-1' }), 400, /cellId/],
  ['session SST 256', 'post', '/sessions', session({ snssai: { sst: 256 } }), 400, /snssai/],
  ['unknown cell', 'post', '/sessions', session({ cellId: randomUUID() }), 404, /no cell/],
  ['unknown subscriber', 'post', '/sessions', session({ supi: supiOf(42) }), 404, /no subscriber/],
  [
    'requested NSSAI of 9',
    'post',
    '/nssai/select',
    {
      supi: supiOf(1),
      tai: { plmnId: { mcc: '001', mnc: '01' }, tac: '000001' },
      requested: Array.from({ length: 9 }, (_, i) => ({ sst: i + 1 })),
    },
    400,
    /at most 8/,
  ],
  [
    'requested twice',
    'post',
    '/nssai/select',
    { supi: supiOf(1), tai: { plmnId: { mcc: '001', mnc: '01' }, tac: '000001' }, requested: [{ sst: 1 }, { sst: 1 }] },
    400,
    /twice/,
  ],
  ['TAI without PLMN', 'post', '/nssai/select', { supi: supiOf(1), tai: { tac: '000001' } }, 400, /plmnId/],
  [
    'subscriber without defaults',
    'post',
    '/subscribers',
    { supi: supiOf(2), operatorId: '$OP', subscribedSnssais: [{ sst: 1 }], defaultSnssais: [] },
    400,
    /defaultSnssais/,
  ],
  [
    'duplicate subscriber',
    'post',
    '/subscribers',
    { supi: supiOf(1), operatorId: '$OP', subscribedSnssais: [{ sst: 1 }], defaultSnssais: [{ sst: 1 }] },
    409,
    /already exists/,
  ],
  ['KPI load 101 %', 'post', '/kpis', kpi({ loadPercent: 101 }), 400, /loadPercent/],
  ['KPI negative latency', 'post', '/kpis', kpi({ latencyMs: -1 }), 400, /latencyMs/],
  ['KPI time without zone', 'post', '/kpis', kpi({ observedAt: '2026-01-01T00:00:00' }), 400, /observedAt/],
  ['KPI unknown cell', 'post', '/kpis', kpi({ cellId: randomUUID() }), 404, /no cell/],
  [
    'KPI unknown slice',
    'post',
    '/kpis',
    kpi({ slices: [{ snssai: { sst: 2 }, throughputMbps: 1, latencyMs: 1 }] }),
    404,
    /no slice 2/,
  ],
  ['KPI batch empty', 'post', '/kpis/batch', { samples: [] }, 400, /at least one/],
  [
    'KPI batch of 1,001',
    'post',
    '/kpis/batch',
    { samples: Array.from({ length: 1001 }, () => kpi({})) },
    400,
    /at most 1000/,
  ],
  [
    'KPI batch bad item',
    'post',
    '/kpis/batch',
    { samples: [kpi({}), kpi({ throughputMbps: 'fast' })] },
    400,
    /samples\[1\]\.throughputMbps/,
  ],
  ['unknown session', 'delete', `/sessions/${randomUUID()}`, undefined, 404, /no PDU session/],
  ['session id not a UUID', 'delete', '/sessions/42', undefined, 400, /id/],
  ['unknown slice', 'get', `/slices/${randomUUID()}`, undefined, 404],
  ['unknown cell', 'patch', `/cells/${randomUUID()}`, { maxSessions: 5 }, 404],
  ['unknown subscriber', 'get', `/subscribers/${supiOf(77)}`, undefined, 404],
  ['unknown tracking area', 'get', `/operators/${'$OP'}/tracking-areas/ABCDEF`, undefined, 404],
  ['tracking area TAC not hex', 'put', `/operators/${'$OP'}/tracking-areas/XYZXYZ`, { slices: [] }, 400, /tac/],
  ['unknown query parameter', 'get', '/sessions?colour=red', undefined, 400],
  ['limit 0', 'get', '/sessions?limit=0', undefined, 400, /limit/],
  ['unknown route', 'get', '/nowhere', undefined, 404],
];

describe('bad input', () => {
  it.each(cases().map((c) => [c[0], c] as const))('%s', async (_name, [, method, path, body, status, detail]) => {
    let req = request(net.service.app)
      [method](`${API}${fill(path)}`)
      .set('x-api-key', KEYS.admin);
    if (body !== undefined) req = req.set('content-type', 'application/json').send(fill(JSON.stringify(body)));
    const res = await req;
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    if (detail) expect(`${res.body.detail} ${JSON.stringify(res.body.errors ?? [])}`).toMatch(detail);
  });

  it('refuses malformed JSON, a body that is not JSON, and a huge body with a 4xx', async () => {
    const post = () => request(net.service.app).post(`${API}/sessions`).set('x-api-key', KEYS.admin);
    expect((await post().set('content-type', 'application/json').send('{"supi":')).status).toBe(400);
    expect((await post().set('content-type', 'text/plain').send('supi=1')).status).toBe(415);
    expect((await post()).status).toBe(415);
    const huge = JSON.stringify({ samples: [{ cellId: network.cell.id, pad: 'x'.repeat(2 * 1024 * 1024) }] });
    const res = await request(net.service.app)
      .post(`${API}/kpis/batch`)
      .set('x-api-key', KEYS.admin)
      .set('content-type', 'application/json')
      .send(huge);
    expect(res.status).toBe(413);
  });

  it('changed nothing: no session, slice or KPI came from the refused requests', async () => {
    const pool = net.db.pool();
    try {
      const { rows } = await pool.query(
        `SELECT (SELECT count(*)::int FROM pdu_sessions) AS sessions, (SELECT count(*)::int FROM slices) AS slices,
                (SELECT count(*)::int FROM cell_kpis) AS kpis, (SELECT count(*)::int FROM operators) AS operators`,
      );
      expect(rows[0]).toEqual({ sessions: 0, slices: 1, kpis: 0, operators: 1 });
    } finally {
      await pool.end();
    }
  });
});
