// A 5g-manager on a database and a Redis key prefix of its own, with one API key per role and
// helpers that build a small network: what the integration tests share.
import { createAuth, createLogger, parseApiKeys } from '@azora/service-kit';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@azora/testing';
import request from 'supertest';
import { createFiveGService, type FiveGOptions, type FiveGService } from '../app.ts';

export const KEYS = {
  admin: 'admin-key-0123456789abcdefghij',
  operator: 'operator-key-0123456789abcdefghij',
  viewer: 'viewer-key-0123456789abcdefghij',
} as const;
export type Role = keyof typeof KEYS;
export const API = '/api/5g-manager';
const API_KEYS = Object.entries(KEYS)
  .map(([role, key]) => `${role}-bot:${role}:${key}`)
  .join(',');

export interface TestNetwork {
  db: TestDatabase;
  redis: TestRedis;
  service: FiveGService;
  /** Another replica on the same database and Redis prefix, built on demand. */
  replica: (options?: Partial<FiveGOptions>) => Promise<FiveGService>;
  as: (role: Role) => {
    get: (path: string) => request.Test;
    post: (path: string, body?: unknown) => request.Test;
    put: (path: string, body?: unknown) => request.Test;
    patch: (path: string, body?: unknown) => request.Test;
    delete: (path: string) => request.Test;
  };
  close: () => Promise<void>;
}

export async function startTestNetwork(name: string, options: Partial<FiveGOptions> = {}): Promise<TestNetwork> {
  const [db, redis] = await Promise.all([createTestDatabase(name), createTestRedis(name)]);
  const services: FiveGService[] = [];
  const build = async (extra: Partial<FiveGOptions> = {}) => {
    const service = createFiveGService({
      databaseUrl: db.url,
      redisUrl: redis.url,
      redisKeyPrefix: redis.prefix,
      auth: createAuth({ apiKeys: parseApiKeys(API_KEYS) }),
      logger: createLogger('5g-manager', 'silent'),
      ...options,
      ...extra,
    });
    services.push(service);
    await service.start();
    await service.ready();
    await new Promise<void>((resolve) =>
      service.redis.status === 'ready' ? resolve() : service.redis.once('ready', () => resolve()),
    );
    return service;
  };
  const service = await build();
  const as = (role: Role) => {
    const send = (req: request.Test, body?: unknown) =>
      body === undefined ? req.set('x-api-key', KEYS[role]) : req.set('x-api-key', KEYS[role]).send(body as object);
    return {
      get: (path: string) => send(request(service.app).get(`${API}${path}`)),
      post: (path: string, body?: unknown) => send(request(service.app).post(`${API}${path}`), body),
      put: (path: string, body?: unknown) => send(request(service.app).put(`${API}${path}`), body),
      patch: (path: string, body?: unknown) => send(request(service.app).patch(`${API}${path}`), body),
      delete: (path: string) => send(request(service.app).delete(`${API}${path}`)),
    };
  };
  return {
    db,
    redis,
    service,
    replica: build,
    as,
    close: async () => {
      for (const s of services.reverse()) for (const resource of [...s.resources].reverse()) await resource.close();
      await Promise.all([db.drop(), redis.cleanup()]);
    },
  };
}

/** Creates through the API what `fields` describes and returns the created body (fails the test otherwise). */
export async function created<T = Record<string, unknown>>(test: request.Test): Promise<T> {
  const res = await test;
  if (res.status !== 201 && res.status !== 200) {
    throw new Error(`expected 201, got ${res.status}: ${JSON.stringify(res.body)}`);
  }
  return res.body as T;
}

/** An operator on PLMN 001-01 with one tracking area 000001 offering the given slices. */
export async function smallNetwork(
  net: TestNetwork,
  setup: {
    slices: {
      sst: number;
      sd?: string;
      maxSessions: number;
      guaranteedBitrateKbps?: number;
      maxBitrateKbps?: number;
      latencyBudgetMs?: number;
    }[];
    cellMaxSessions?: number;
  },
) {
  const admin = net.as('admin');
  const operator = await created<{ id: string }>(
    admin.post('/operators', { name: 'Test Mobile', mcc: '001', mnc: '01' }),
  );
  const slices = [];
  for (const [index, slice] of setup.slices.entries()) {
    slices.push(
      await created<{ id: string; key: string }>(
        admin.post('/slices', {
          operatorId: operator.id,
          snssai: slice.sd === undefined ? { sst: slice.sst } : { sst: slice.sst, sd: slice.sd },
          name: `slice ${index}`,
          guaranteedBitrateKbps: slice.guaranteedBitrateKbps ?? 1_000_000,
          maxBitrateKbps: slice.maxBitrateKbps ?? 10_000,
          maxSessions: slice.maxSessions,
          latencyBudgetMs: slice.latencyBudgetMs ?? 20,
        }),
      ),
    );
  }
  const snssais = setup.slices.map((s) => (s.sd === undefined ? { sst: s.sst } : { sst: s.sst, sd: s.sd }));
  await created(admin.put(`/operators/${operator.id}/tracking-areas/000001`, { name: 'test area', slices: snssais }));
  const cell = await created<{ id: string }>(
    admin.post('/cells', {
      operatorId: operator.id,
      name: 'cell-1',
      gnbId: 1001,
      tac: '000001',
      band: 'n78',
      location: { latitude: -26.2, longitude: 28.04 },
      maxSessions: setup.cellMaxSessions ?? 100_000,
    }),
  );
  return { operator, slices, snssais, cell };
}

/** `imsi-00101` + a 10-digit MSIN. */
export const supiOf = (n: number) => `imsi-00101${String(n).padStart(10, '0')}`;
