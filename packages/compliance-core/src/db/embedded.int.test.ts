// `pnpm dev` without a local Postgres runs each service on an embedded PGlite served over TCP
// by pglite-socket, which runs every client connection in ONE session. The service then uses
// a pool of one connection (DATABASE_POOL_MAX=1, which `pnpm dev` sets): this proves the whole
// path — migrations, interactive transactions under concurrent requests, the audit chain's
// advisory lock — works there.
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../testing/service.ts';

describe('on the embedded PGlite of pnpm dev', () => {
  let db: PGlite;
  let server: PGLiteSocketServer;
  let t: TestService;

  beforeAll(async () => {
    db = await PGlite.create();
    server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 10 });
    await server.start();
    t = await startTestService('ccpa', {
      now: new Date('2026-12-07T18:00:00Z'),
      databaseUrl: `postgresql://postgres:postgres@${server.getServerConn()}/postgres`,
      poolMax: 1,
      demoSeed: true,
    });
  });
  afterAll(async () => {
    await t?.close();
    await server?.stop();
    await db?.close();
  });

  it('migrates, seeds, and serves concurrent writes with a verifying audit chain', async () => {
    const app = () => request(t.service.app);
    expect((await app().get('/health/ready')).status).toBe(200);
    const { rows } = await db.query<{ migration_name: string }>('SELECT migration_name FROM "_prisma_migrations"');
    expect(rows.length).toBeGreaterThanOrEqual(2);
    const seeded = (await app().get(`${t.prefix}/summary`).set(t.as('auditor'))).body;
    expect(seeded.requests.overdue).toBe(1);

    const created = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        app()
          .post(`${t.prefix}/requests`)
          .set(t.as('operator'))
          .send({ type: i % 2 ? 'know' : 'opt_out_sale_sharing', subject: `email:user${i % 4}@example.com` }),
      ),
    );
    expect(created.map((r) => r.status)).toEqual(Array(12).fill(201));
    expect(new Set(created.map((r) => r.body.subject.id)).size).toBe(4);
    const steps = await Promise.all(
      created.map((r) =>
        app().post(`${t.prefix}/requests/${r.body.id}/verify`).set(t.as('operator')).send({ method: 'email link' }),
      ),
    );
    expect(steps.map((r) => r.status)).toEqual(Array(12).fill(200));
    const audit = (await app().get(`${t.prefix}/audit/verify`).set(t.as('auditor'))).body;
    expect(audit.ok).toBe(true);
    expect(audit.checked).toBeGreaterThan(24);
    expect((await app().get(`${t.prefix}/summary`).set(t.as('auditor'))).body.requests.open).toBe(
      seeded.requests.open + 12,
    );
  });
});
