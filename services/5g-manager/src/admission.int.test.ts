// PDU session admission against real Postgres: capacity holds under 1,000 concurrent requests,
// each refusal says why, and release gives capacity back exactly once.
import { randomUUID } from 'node:crypto';
import { type StartedApp, startApp } from '@azora/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API, created, KEYS, smallNetwork, startTestNetwork, supiOf, type TestNetwork } from './testing/service.ts';

let net: TestNetwork;
let server: StartedApp;

beforeAll(async () => {
  // A loaded CI machine may queue 1,000 admissions for a while: give them room rather than 503s.
  net = await startTestNetwork('fiveg_admission', { admissionWaitMs: 60_000 });
  server = await startApp(net.service.app);
});

afterAll(async () => {
  await server?.close();
  await net?.close();
});

/** POSTs every body at once over real HTTP connections; returns the statuses and bodies. */
async function admitAll(bodies: object[]) {
  return Promise.all(
    bodies.map(async (body) => {
      const res = await fetch(`${server.url}${API}/sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': KEYS.operator },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as { id?: string; reason?: string } };
    }),
  );
}

const tally = (results: { status: number; body: { reason?: string } }[]) => {
  const counts: Record<string, number> = {};
  for (const r of results) {
    const key = r.status === 201 ? 'admitted' : `${r.status} ${r.body.reason ?? ''}`.trim();
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
};

async function subscribers(operatorId: string, count: number, from: number, snssais: object[]) {
  for (let i = 0; i < count; i++) {
    await created(
      net.as('admin').post('/subscribers', {
        supi: supiOf(from + i),
        operatorId,
        subscribedSnssais: snssais,
        defaultSnssais: [snssais[0]],
      }),
    );
  }
}

const counters = async (table: 'slices' | 'cells', id: string) => {
  const pool = net.db.pool();
  try {
    const { rows } = await pool.query(
      `SELECT active_sessions, max_sessions${table === 'slices' ? ', reserved_bitrate_kbps' : ''} FROM ${table} WHERE id = $1`,
      [id],
    );
    return rows[0];
  } finally {
    await pool.end();
  }
};
const sessionRows = async (where: string, id: string) => {
  const pool = net.db.pool();
  try {
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM pdu_sessions WHERE ${where} = $1`, [id]);
    return rows[0].n as number;
  } finally {
    await pool.end();
  }
};

// 1,000 admissions contend for a handful of rows: on a loaded 2-core machine that takes
// most of a minute, which is slow, not wrong.
describe('capacity under concurrency', { timeout: 180_000 }, () => {
  let network: Awaited<ReturnType<typeof smallNetwork>>;

  beforeAll(async () => {
    network = await smallNetwork(net, {
      slices: [
        { sst: 1, sd: '000100', maxSessions: 100 },
        { sst: 3, sd: '000100', maxSessions: 5000 },
      ],
      cellMaxSessions: 5000,
    });
    await subscribers(network.operator.id, 10, 1, network.snssais);
  });

  it('admits exactly 100 of 1,000 parallel admissions on a slice of 100 sessions', async () => {
    const slice = network.slices[0] as { id: string };
    const results = await admitAll(
      Array.from({ length: 1000 }, (_, i) => ({
        supi: supiOf(1 + (i % 10)),
        snssai: { sst: 1, sd: '000100' },
        cellId: network.cell.id,
        bitrateKbps: 1000,
      })),
    );
    expect(tally(results)).toEqual({ admitted: 100, '409 SLICE_FULL': 900 });
    expect(await counters('slices', slice.id)).toEqual({
      active_sessions: 100,
      max_sessions: 100,
      reserved_bitrate_kbps: 100_000,
    });
    expect(await sessionRows('slice_id', slice.id)).toBe(100);
    expect((await counters('cells', network.cell.id)).active_sessions).toBe(100);
    const ids = results.flatMap((r) => (r.body.id ? [r.body.id] : []));
    expect(new Set(ids).size).toBe(100);
  });

  it('releases give the capacity back once each, even when every release is sent twice at once', async () => {
    const slice = network.slices[0] as { id: string };
    const { body } = await net.as('viewer').get(`/sessions?sliceId=${slice.id}&active=true&limit=1000`);
    expect(body.sessions).toHaveLength(100);
    const toRelease = (body.sessions as { id: string }[]).slice(0, 40);
    const answers = await Promise.all(
      toRelease.flatMap((s) => [
        net.as('operator').delete(`/sessions/${s.id}`),
        net.as('operator').delete(`/sessions/${s.id}`),
      ]),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(80).fill(200));
    expect(answers.every((a) => a.body.status === 'released' && a.body.releasedAt)).toBe(true);
    expect(await counters('slices', slice.id)).toMatchObject({ active_sessions: 60, reserved_bitrate_kbps: 60_000 });
    expect((await counters('cells', network.cell.id)).active_sessions).toBe(60);

    // The 40 freed places go to exactly 40 of 200 new requests.
    const again = await admitAll(
      Array.from({ length: 200 }, (_, i) => ({
        supi: supiOf(1 + (i % 10)),
        snssai: { sst: 1, sd: '000100' },
        cellId: network.cell.id,
        bitrateKbps: 1000,
      })),
    );
    expect(tally(again)).toEqual({ admitted: 40, '409 SLICE_FULL': 160 });
    expect((await counters('slices', slice.id)).active_sessions).toBe(100);
  });

  it('admits exactly 100 of 1,000 parallel admissions on a cell of 100 sessions, and takes nothing from the slice for the others', async () => {
    const admin = net.as('admin');
    const cell = await created<{ id: string }>(
      admin.post('/cells', {
        operatorId: network.operator.id,
        name: 'small-cell',
        gnbId: 2002,
        tac: '000001',
        band: 'n258',
        location: { latitude: -26.1, longitude: 28.05 },
        maxSessions: 100,
      }),
    );
    const miot = network.slices[1] as { id: string };
    const results = await admitAll(
      Array.from({ length: 1000 }, (_, i) => ({
        supi: supiOf(1 + (i % 10)),
        snssai: { sst: 3, sd: '000100' },
        cellId: cell.id,
        bitrateKbps: 100,
      })),
    );
    expect(tally(results)).toEqual({ admitted: 100, '409 CELL_FULL': 900 });
    expect(await counters('cells', cell.id)).toEqual({ active_sessions: 100, max_sessions: 100 });
    expect(await sessionRows('cell_id', cell.id)).toBe(100);
    // A refusal by the cell rolled back its slice increment.
    expect(await counters('slices', miot.id)).toMatchObject({ active_sessions: 100, reserved_bitrate_kbps: 10_000 });
  });
});

describe('admission decisions', () => {
  let network: Awaited<ReturnType<typeof smallNetwork>>;
  const URLLC = { sst: 2, sd: 'ABC123' };
  const V2X = { sst: 4 };

  beforeAll(async () => {
    const admin = net.as('admin');
    const operator = await created<{ id: string }>(
      admin.post('/operators', { name: 'Other Mobile', mcc: '002', mnc: '020' }),
    );
    const slice = (snssai: object, limits: object) =>
      created<{ id: string }>(
        admin.post('/slices', { operatorId: operator.id, snssai, name: 'decisions', latencyBudgetMs: 5, ...limits }),
      );
    const urllc = await slice(URLLC, { guaranteedBitrateKbps: 10_000, maxBitrateKbps: 4_000, maxSessions: 50 });
    const v2x = await slice(V2X, { guaranteedBitrateKbps: 10_000, maxBitrateKbps: 1_000, maxSessions: 50 });
    await created(admin.put(`/operators/${operator.id}/tracking-areas/00000a`, { slices: [URLLC] }));
    const cell = await created<{ id: string }>(
      admin.post('/cells', {
        operatorId: operator.id,
        name: 'decisions-cell',
        gnbId: 77,
        tac: '00000A',
        band: 'n78',
        location: { latitude: 0, longitude: 0 },
        maxSessions: 50,
      }),
    );
    await created(
      admin.post('/subscribers', {
        supi: 'imsi-002020000000001',
        operatorId: operator.id,
        subscribedSnssais: [URLLC, V2X],
        defaultSnssais: [URLLC],
      }),
    );
    network = { operator, slices: [urllc, v2x] as never, snssais: [URLLC, V2X], cell };
  });

  const admit = (body: object, key?: string) => {
    const req = net.as('operator').post('/sessions', {
      supi: 'imsi-002020000000001',
      cellId: network.cell.id,
      ...body,
    });
    return key ? req.set('idempotency-key', key) : req;
  };

  it('refuses with the reason: not subscribed, not offered in the TA, above the maximum, guarantee used up', async () => {
    const notSubscribed = await admit({ snssai: { sst: 1 }, bitrateKbps: 100 });
    expect(notSubscribed.status).toBe(409);
    expect(notSubscribed.body.reason).toBe('S_NSSAI_NOT_SUBSCRIBED');
    const notOffered = await admit({ snssai: V2X, bitrateKbps: 100 });
    expect(notOffered.status).toBe(409);
    expect(notOffered.body).toMatchObject({ reason: 'S_NSSAI_NOT_AVAILABLE_IN_TA' });
    expect(notOffered.body.detail).toMatch(/does not offer S-NSSAI 4/);
    const tooFast = await admit({ snssai: URLLC, bitrateKbps: 4_001 });
    expect(tooFast.body).toMatchObject({ status: 409, reason: 'BITRATE_ABOVE_MAXIMUM' });

    const first = await admit({ snssai: URLLC, bitrateKbps: 4_000 });
    const second = await admit({ snssai: URLLC, bitrateKbps: 4_000 });
    expect([first.status, second.status]).toEqual([201, 201]);
    const third = await admit({ snssai: URLLC, bitrateKbps: 4_000 });
    expect(third.body).toMatchObject({ status: 409, reason: 'BITRATE_NOT_GUARANTEED' });
    expect(third.body.detail).toContain('8000 of its 10000 kbps are reserved');
    const fits = await admit({ snssai: URLLC, bitrateKbps: 2_000 });
    expect(fits.status).toBe(201);
    expect(fits.body).toMatchObject({
      supi: 'imsi-002020000000001',
      snssai: URLLC,
      bitrateKbps: 2000,
      status: 'active',
    });

    for (const s of [first, second, fits])
      expect((await net.as('operator').delete(`/sessions/${s.body.id}`)).status).toBe(200);
  });

  it('answers 404 for an unknown subscriber, cell or session', async () => {
    expect((await admit({ supi: 'imsi-002020000009999', snssai: URLLC, bitrateKbps: 1 })).status).toBe(404);
    expect((await admit({ cellId: randomUUID(), snssai: URLLC, bitrateKbps: 1 })).status).toBe(404);
    expect((await net.as('operator').delete(`/sessions/${randomUUID()}`)).status).toBe(404);
    expect((await net.as('viewer').get(`/sessions/${randomUUID()}`)).status).toBe(404);
  });

  it('admits once per Idempotency-Key, and refuses the key for a different session', async () => {
    const key = randomUUID();
    const answers = await Promise.all(Array.from({ length: 5 }, () => admit({ snssai: URLLC, bitrateKbps: 500 }, key)));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 201]);
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect(await counters('slices', (network.slices[0] as { id: string }).id)).toMatchObject({
      active_sessions: 1,
      reserved_bitrate_kbps: 500,
    });
    const other = await admit({ snssai: URLLC, bitrateKbps: 600 }, key);
    expect(other.status).toBe(422);
  });
});
