import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from './config.ts';
import { createLogger } from './logger.ts';
import { type RateLimitOptions, rateLimit, rateLimitConfigShape } from './rate-limit.ts';
import { createService } from './service.ts';

function appWith(options: Partial<RateLimitOptions> = {}) {
  return createService({
    name: 'rate-test',
    version: '1',
    logger: createLogger('rate-test', 'silent'),
    routes: (app) => {
      app.post('/events', rateLimit({ limit: 3, windowMs: 60_000, ...options }), (_req, res) => {
        res.status(202).json({ ok: true });
      });
      app.get('/open', (_req, res) => {
        res.json({ ok: true });
      });
    },
  }).app;
}

const post = (app: ReturnType<typeof appWith>, forwardedFor?: string) => {
  const req = request(app).post('/events').send({});
  return forwardedFor === undefined ? req : req.set('x-forwarded-for', forwardedFor);
};

// Only Date is faked: the servers supertest starts keep their real timers.
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2025-06-01T12:00:00Z'));
});
afterEach(() => {
  vi.useRealTimers();
});

describe('rateLimit', () => {
  it('lets a client make `limit` requests per window, then answers 429 problem+json with Retry-After', async () => {
    const app = appWith();
    for (let i = 0; i < 3; i++) expect((await post(app)).status).toBe(202);
    const refused = await post(app);
    expect(refused.status).toBe(429);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.headers['retry-after']).toBe('60');
    expect(refused.body).toMatchObject({ status: 429, title: 'Too Many Requests' });
    expect(refused.body.detail).toBe('too many requests: at most 3 per 60 s from one client; retry in 60 s');
    // Other routes are not limited.
    expect((await request(app).get('/open')).status).toBe(200);

    vi.setSystemTime(new Date('2025-06-01T12:00:45.200Z'));
    expect((await post(app)).headers['retry-after']).toBe('15');
    vi.setSystemTime(new Date('2025-06-01T12:01:00Z'));
    expect((await post(app)).status).toBe(202);
  });

  it('ignores x-forwarded-for unless the request comes from a trusted proxy', async () => {
    const app = appWith();
    for (const client of ['203.0.113.1', '203.0.113.2', '203.0.113.3'])
      expect((await post(app, client)).status).toBe(202);
    expect((await post(app, '203.0.113.4')).status).toBe(429);
    // The peer (127.0.0.1) is not one of these proxies: the header is still ignored.
    const elsewhere = appWith({ trustProxy: '10.0.0.0/8, 192.168.1.5' });
    for (let i = 0; i < 3; i++) await post(elsewhere, `203.0.113.${i}`);
    expect((await post(elsewhere, '203.0.113.9')).status).toBe(429);
  });

  it('behind a trusted proxy counts each client apart, by the address that proxy added', async () => {
    const app = appWith({ trustProxy: 'loopback' });
    for (let i = 0; i < 3; i++) expect((await post(app, '203.0.113.1')).status).toBe(202);
    expect((await post(app, '203.0.113.1')).status).toBe(429);
    expect((await post(app, '203.0.113.2')).status).toBe(202);
    // What the client itself put in front of the header is not believed.
    expect((await post(app, '198.51.100.7, 203.0.113.1')).status).toBe(429);
    expect((await post(app, '203.0.113.2, 203.0.113.1')).status).toBe(429);
    // A header that is not an address counts as the proxy's own request.
    for (let i = 0; i < 3; i++) expect((await post(app, 'not-an-address')).status).toBe(202);
    expect((await post(app)).status).toBe(429);
  });
});

describe('rateLimit: IPv6 clients', () => {
  it('counts an IPv6 client by its /64, however the address is written', async () => {
    const app = appWith({ trustProxy: 'loopback' });
    for (const client of ['2001:db8:1:2::a', '2001:db8:1:2:ffff::b', '2001:0db8:0001:0002:0:0:0:c']) {
      expect((await post(app, client)).status).toBe(202);
    }
    expect((await post(app, '2001:db8:1:2::d')).status).toBe(429);
    expect((await post(app, '2001:db8:1:3::a')).status).toBe(202);
    expect((await post(app, '::ffff:203.0.113.9')).status).toBe(202);
  });
});

describe('rateLimitConfigShape', () => {
  it('defaults to 120 requests a minute per client, trusting no proxy', () => {
    expect(loadConfig('ai-sentiment', rateLimitConfigShape(), {})).toMatchObject({
      RATE_LIMIT_MAX: 120,
      RATE_LIMIT_WINDOW_MS: 60_000,
      TRUST_PROXY: '',
    });
    expect(
      loadConfig('ai-sentiment', rateLimitConfigShape(), {
        RATE_LIMIT_MAX: '10',
        RATE_LIMIT_WINDOW_MS: '1000',
        TRUST_PROXY: 'loopback, uniquelocal, 10.1.2.3, 172.16.0.0/12, fd00::/8, ::1',
      }),
    ).toMatchObject({ RATE_LIMIT_MAX: 10, RATE_LIMIT_WINDOW_MS: 1000 });
  });

  it('names a bad value in one line', () => {
    const load = (env: Record<string, string>) => () => loadConfig('ai-sentiment', rateLimitConfigShape(), env);
    expect(load({ RATE_LIMIT_MAX: '0' })).toThrow(/^invalid configuration: RATE_LIMIT_MAX: must be a whole number/);
    expect(load({ RATE_LIMIT_MAX: 'lots' })).toThrow(/RATE_LIMIT_MAX/);
    expect(load({ RATE_LIMIT_WINDOW_MS: '10' })).toThrow(/^invalid configuration: RATE_LIMIT_WINDOW_MS: /);
    for (const value of ['true', '*', 'gateway', '10.0.0.0/33', '300.1.1.1', '1']) {
      const message = (() => {
        try {
          load({ TRUST_PROXY: value })();
        } catch (error) {
          return (error as Error).message;
        }
      })();
      expect(message).toMatch(/^invalid configuration: TRUST_PROXY: "[^"]+" is not an IP address, a subnet like/);
      expect(message?.endsWith(`(got ${JSON.stringify(value)})`)).toBe(true);
    }
  });
});
