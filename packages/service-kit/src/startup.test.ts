import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.ts';
import { createService } from './service.ts';
import { requireStarted, retryingStartup } from './startup.ts';

const quiet = () => {
  const warnings: string[] = [];
  return {
    warnings,
    logger: { warn: (o: object | string, m?: string) => warnings.push(m ?? String(o)), error: () => {} },
  };
};

describe('retryingStartup', () => {
  it('serves not ready while preparing fails, retries until it works, then runs onPrepared once', async () => {
    const { logger, warnings } = quiet();
    let attempts = 0;
    let prepared = 0;
    const startup = retryingStartup({
      name: 'db',
      subject: 'the store',
      logger,
      prepare: async () => {
        attempts++;
        if (attempts < 3) throw new Error('not yet');
      },
      onPrepared: () => prepared++,
      notReadyMessage: 'serving not ready',
      startWaitMs: 1,
      retryMs: 5,
    });
    await startup.start();
    expect(startup.done).toBe(false);
    expect(warnings).toContain('serving not ready');
    await startup.settled();
    expect(startup.done).toBe(true);
    expect([attempts, prepared]).toEqual([3, 1]);
    expect(warnings.filter((w) => w === 'preparing the store failed; retrying')).toHaveLength(2);
    await startup.close();
  });

  it('stops retrying when closed', async () => {
    const { logger } = quiet();
    let attempts = 0;
    const startup = retryingStartup({
      name: 'db',
      subject: 'the store',
      logger,
      connect: async () => {},
      prepare: async () => {
        attempts++;
        throw new Error('never');
      },
      notReadyMessage: 'serving not ready',
      startWaitMs: 1,
      retryMs: 60_000,
    });
    await startup.start();
    await startup.close();
    await startup.settled();
    expect(startup.done).toBe(false);
    expect(attempts).toBe(1);
  });
});

describe('requireStarted', () => {
  it('answers 503 problem+json with retry-after and the message until started, then lets requests through', async () => {
    const startup = { done: false };
    const { app } = createService({
      name: 'gate-test',
      version: '1',
      logger: createLogger('gate-test', 'silent'),
      routes: (app) => {
        app.get('/things', requireStarted(startup, 'the store is starting; try again shortly'), (_req, res) => {
          res.json({ things: [] });
        });
      },
    });
    const early = await request(app).get('/things').expect(503);
    expect(early.headers['retry-after']).toBe('2');
    expect(early.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(early.body.detail).toBe('the store is starting; try again shortly');
    startup.done = true;
    expect((await request(app).get('/things').expect(200)).body).toEqual({ things: [] });
  });
});
