import { SignJWT } from 'jose';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { authConfigShape, authFromConfig, createAuth, parseApiKeys, signToken } from './auth.ts';
import { ConfigError, loadConfig } from './config.ts';
import { createLogger } from './logger.ts';
import { createService } from './service.ts';

const SECRET = 'test-secret-that-is-at-least-32-characters-long';
const OPERATOR_KEY = 'op-key-0123456789abcdef0123456789';

async function token(
  claims: Record<string, unknown>,
  options: { expiresIn?: string; secret?: string; sub?: string } = {},
) {
  const jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '5m');
  if (options.sub !== '') jwt.setSubject(options.sub ?? 'user-1');
  return jwt.sign(new TextEncoder().encode(options.secret ?? SECRET));
}

const auth = createAuth({ jwtSecret: SECRET, apiKeys: parseApiKeys(`ops-bot:operator:${OPERATOR_KEY}`) });
const { app } = createService({
  name: 'auth-test',
  version: '1',
  logger: createLogger('auth-test', 'silent'),
  routes: (app) => {
    app.get('/me', auth.authenticate, (req, res) => {
      res.json(req.principal);
    });
    app.get('/whoami', ...auth.whoAmI);
    app.post('/consents', ...auth.requireRole('admin', 'dpo'), (_req, res) => {
      res.status(201).json({ ok: true });
    });
    // Open for one item, operators only for a batch.
    app.post(
      '/items',
      auth.requireRoleWhen((req) => Array.isArray(req.body?.items), 'operator'),
      (req, res) => {
        res.status(201).json({ by: req.principal?.subject ?? null });
      },
    );
  },
});

describe('authentication', () => {
  it('accepts a valid bearer JWT and exposes the principal', async () => {
    const res = await request(app)
      .get('/me')
      .set('authorization', `Bearer ${await token({ roles: ['dpo'] })}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ subject: 'user-1', roles: ['dpo'], method: 'jwt' });
  });

  it('accepts a configured API key', async () => {
    const res = await request(app).get('/me').set('x-api-key', OPERATOR_KEY);
    expect(res.body).toEqual({ subject: 'ops-bot', roles: ['operator'], method: 'api-key' });
  });

  it('answers 401 problems with a reason for missing, malformed, forged, expired and unknown credentials', async () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{}, /authentication required/],
      [{ authorization: 'Basic dXNlcjpwdw==' }, /must be "Bearer <token>"/],
      [
        { authorization: `Bearer ${await token({}, { secret: 'another-secret-of-at-least-32-characters!!' })}` },
        /token is invalid/,
      ],
      [{ authorization: `Bearer ${await token({}, { expiresIn: '-1m' })}` }, /token has expired/],
      [{ authorization: `Bearer ${await token({}, { sub: '' })}` }, /no subject/],
      [{ authorization: 'Bearer not.a.jwt' }, /token is invalid/],
      [{ 'x-api-key': 'wrong-key-0123456789abcdef0123' }, /API key is not recognised/],
    ];
    for (const [headers, detail] of cases) {
      const res = await request(app).get('/me').set(headers);
      expect(res.status, JSON.stringify(headers)).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="azora"');
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body.detail).toMatch(detail);
    }
  });

  it('rejects a token signed with "none"', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const payload = Buffer.from(JSON.stringify({ sub: 'admin', roles: ['admin'] })).toString('base64url');
    const res = await request(app).get('/me').set('authorization', `Bearer ${header}.${payload}.`);
    expect(res.status).toBe(401);
  });
});

describe('authorisation by role', () => {
  it('admits any of the listed roles and refuses others with 403', async () => {
    const dpo = await request(app)
      .post('/consents')
      .set('authorization', `Bearer ${await token({ roles: ['dpo'] })}`)
      .send({});
    expect(dpo.status).toBe(201);
    const viewer = await request(app)
      .post('/consents')
      .set('authorization', `Bearer ${await token({ roles: ['viewer'] })}`)
      .send({});
    expect(viewer.status).toBe(403);
    expect(viewer.body.detail).toBe('requires one of the roles: admin, dpo');
    const operator = await request(app).post('/consents').set('x-api-key', OPERATOR_KEY).send({});
    expect(operator.status).toBe(403);
    const anonymous = await request(app).post('/consents').send({});
    expect(anonymous.status).toBe(401);
  });

  it('requires the role only for the requests it applies to', async () => {
    expect((await request(app).post('/items').send({ item: 1 })).body).toEqual({ by: null });
    const batch = { items: [1, 2] };
    const anonymous = await request(app).post('/items').send(batch);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['content-type']).toContain('application/problem+json');
    const viewer = await request(app)
      .post('/items')
      .set('authorization', `Bearer ${await token({ roles: ['viewer'] })}`)
      .send(batch);
    expect(viewer.status).toBe(403);
    const operator = await request(app).post('/items').set('x-api-key', OPERATOR_KEY).send(batch);
    expect(operator.status).toBe(201);
    expect(operator.body).toEqual({ by: 'ops-bot' });
  });

  it('ignores roles that are not strings', async () => {
    const res = await request(app)
      .post('/consents')
      .set('authorization', `Bearer ${await token({ roles: [{ admin: true }, 7] })}`);
    expect(res.status).toBe(403);
  });
});

describe('whoAmI', () => {
  it("answers the caller's subject and roles, for an API key as for a token, and 401 without credentials", async () => {
    const byKey = await request(app).get('/whoami').set('x-api-key', OPERATOR_KEY);
    expect(byKey.status).toBe(200);
    expect(byKey.body).toEqual({ subject: 'ops-bot', roles: ['operator'] });
    const byToken = await request(app)
      .get('/whoami')
      .set('authorization', `Bearer ${await token({ roles: ['dpo', 'auditor'] }, { sub: 'ana' })}`);
    expect(byToken.body).toEqual({ subject: 'ana', roles: ['dpo', 'auditor'] });
    expect((await request(app).get('/whoami')).status).toBe(401);
  });
});

describe('configuration', () => {
  it('parses API_KEYS and rejects malformed entries and short keys', () => {
    expect(parseApiKeys(undefined)).toEqual([]);
    const keys = parseApiKeys(`a:admin|dpo:${OPERATOR_KEY}, b:viewer:${OPERATOR_KEY}x`);
    expect(keys.map((k) => [k.name, k.roles])).toEqual([
      ['a', ['admin', 'dpo']],
      ['b', ['viewer']],
    ]);
    expect(() => parseApiKeys('just-a-key')).toThrow(/entry 1 must look like name:role1\|role2:key/);
    expect(() => parseApiKeys('a:admin:short')).toThrow(/shorter than 24/);
    expect(() => createAuth({ jwtSecret: 'short' })).toThrow(/at least 32/);
  });
});

describe('auth from the environment (authConfigShape, authFromConfig)', () => {
  /** A service whose one write route needs `operator`, with auth read from `env`. */
  function serviceWith(env: Record<string, string>) {
    const auth = authFromConfig(loadConfig('ai-sentiment', authConfigShape(), env));
    return createService({
      name: 'auth-test',
      version: '1',
      logger: createLogger('auth-test', 'silent'),
      routes: (app) => {
        app.post('/write', ...auth.requireRole('operator'), (req, res) => {
          res.status(201).json(req.principal);
        });
      },
    }).app;
  }

  it('accepts the API keys and the JWT secret it is configured with', async () => {
    const app = serviceWith({ JWT_SECRET: SECRET, API_KEYS: `ops-bot:operator:${OPERATOR_KEY}` });
    const byKey = await request(app).post('/write').set('x-api-key', OPERATOR_KEY);
    expect(byKey.status).toBe(201);
    expect(byKey.body).toEqual({ subject: 'ops-bot', roles: ['operator'], method: 'api-key' });
    const byToken = await request(app)
      .post('/write')
      .set('authorization', `Bearer ${await token({ roles: ['operator'] })}`);
    expect(byToken.status).toBe(201);
    expect((await request(app).post('/write')).status).toBe(401);
    const onlyKeys = serviceWith({ API_KEYS: `ops-bot:operator:${OPERATOR_KEY}` });
    expect((await request(onlyKeys).post('/write').set('x-api-key', OPERATOR_KEY)).status).toBe(201);
  });

  it('refuses every request when neither JWT_SECRET nor API_KEYS is set (closed, never open)', async () => {
    const app = serviceWith({});
    const attempts: Record<string, string>[] = [
      {},
      { 'x-api-key': OPERATOR_KEY },
      { authorization: `Bearer ${await token({ roles: ['operator', 'admin'] })}` },
    ];
    for (const headers of attempts) {
      const res = await request(app).post('/write').set(headers).send({});
      expect(res.status, JSON.stringify(headers)).toBe(401);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
  });

  it('stops start-up on a bad JWT_SECRET or API_KEYS with one line naming it, hiding the value', () => {
    const cases: [Record<string, string>, RegExp][] = [
      [
        { JWT_SECRET: 'too-short' },
        /^invalid configuration: JWT_SECRET: must be at least 32 characters \(value hidden\)$/,
      ],
      [
        { API_KEYS: 'just-a-key' },
        /^invalid configuration: API_KEYS: entry 1 must look like name:role1\|role2:key \(value hidden\)$/,
      ],
      [
        { API_KEYS: 'ops:operator:short-key' },
        /^invalid configuration: API_KEYS: entry "ops" has a key shorter than 24 characters \(value hidden\)$/,
      ],
    ];
    for (const [env, message] of cases) {
      const load = () => loadConfig('ai-sentiment', authConfigShape(), env);
      expect(load).toThrow(ConfigError);
      expect(load).toThrow(message);
    }
    // Empty means not set.
    const empty = loadConfig('ai-sentiment', authConfigShape(), { JWT_SECRET: '', API_KEYS: '' });
    expect(empty.JWT_SECRET).toBeUndefined();
    expect(empty.API_KEYS).toEqual([]);
  });

  it('warns at start-up when no credentials are configured', () => {
    const lines: string[] = [];
    const logger = createLogger('auth-test', 'info', { write: (line: string) => lines.push(line) });
    authFromConfig(loadConfig('ai-sentiment', authConfigShape(), {}), logger);
    expect(lines.join('')).toMatch(/neither JWT_SECRET nor API_KEYS is set/);
    lines.length = 0;
    authFromConfig(loadConfig('ai-sentiment', authConfigShape(), { JWT_SECRET: SECRET }), logger);
    expect(lines).toEqual([]);
  });
});

describe('signToken', () => {
  it('makes a bearer token the auth accepts, with its subject, roles and expiry', async () => {
    const jwt = await signToken(SECRET, { subject: 'ops-person', roles: ['operator'], expiresIn: '10m' });
    const res = await request(app).get('/me').set('authorization', `Bearer ${jwt}`);
    expect(res.body).toEqual({ subject: 'ops-person', roles: ['operator'], method: 'jwt' });
    const claims = JSON.parse(Buffer.from(jwt.split('.')[1] as string, 'base64url').toString());
    expect(claims.exp - claims.iat).toBe(600);
    const expired = await signToken(SECRET, { subject: 'x', roles: [], expiresIn: '-1m' });
    expect((await request(app).get('/me').set('authorization', `Bearer ${expired}`)).body.detail).toMatch(/expired/);
    await expect(signToken('short', { subject: 'x', roles: [] })).rejects.toThrow(/at least 32/);
  });
});
