import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getService, SERVICES } from '@azora/catalog';
import { describe, expect, it } from 'vitest';
import {
  type Connections,
  DEV_ROLES,
  databaseName,
  devCredentials,
  devIdentityKeys,
  serviceEnv,
  spawnEnv,
  volumeVariable,
  withDatabase,
} from './env.ts';

const connections: Connections = {
  postgres: new Map([
    ['gdpr-compliance', 'postgres://postgres@127.0.0.1:5432/azora_gdpr_compliance'],
    ['tracing-recovery', 'postgresql://postgres:postgres@127.0.0.1:40001/postgres'],
  ]),
  redis: 'redis://127.0.0.1:6379',
  mqtt: 'mqtt://127.0.0.1:41883',
  mongodb: 'mongodb://127.0.0.1:42017',
  chromium: '/usr/bin/chromium',
  volumes: '/repo/.dev-data/volumes',
};

describe('databaseName', () => {
  it('is azora_ plus the service name with dashes as underscores', () => {
    expect(databaseName('gdpr-compliance')).toBe('azora_gdpr_compliance');
    expect(databaseName('5g-manager')).toBe('azora_5g_manager');
  });
});

describe('withDatabase', () => {
  it('replaces the path and keeps credentials and options', () => {
    expect(withDatabase('postgres://u:p@db:5432/postgres?sslmode=disable', 'azora_x')).toBe(
      'postgres://u:p@db:5432/azora_x?sslmode=disable',
    );
    expect(withDatabase('mongodb://127.0.0.1:27017', 'azora_x')).toBe('mongodb://127.0.0.1:27017/azora_x');
  });
});

describe('serviceEnv', () => {
  it('gives every service its port and the development mode', () => {
    expect(serviceEnv(getService('ai-sentiment'), SERVICES, connections)).toEqual({
      PORT: '3011',
      NODE_ENV: 'development',
    });
  });

  it('adds the infrastructure a service declares, and only that', () => {
    const env = serviceEnv(getService('gdpr-compliance'), SERVICES, connections);
    expect(env.DATABASE_URL).toBe('postgres://postgres@127.0.0.1:5432/azora_gdpr_compliance');
    expect(env).not.toHaveProperty('REDIS_URL');
    expect(env).not.toHaveProperty('MQTT_URL');

    const iot = serviceEnv(getService('quantum-iot-integration'), SERVICES, connections);
    expect(iot.MQTT_URL).toBe('mqtt://127.0.0.1:41883');
  });

  it('gives a service on the embedded PGlite a pool of one connection, and one on a real server none', () => {
    const embedded = serviceEnv(getService('gdpr-compliance'), SERVICES, { ...connections, embeddedPostgres: true });
    expect(embedded.DATABASE_POOL_MAX).toBe('1');
    expect(serviceEnv(getService('gdpr-compliance'), SERVICES, connections)).not.toHaveProperty('DATABASE_POOL_MAX');
    expect(
      serviceEnv(getService('ai-sentiment'), SERVICES, { ...connections, embeddedPostgres: true }),
    ).not.toHaveProperty('DATABASE_POOL_MAX');
  });

  it('puts each service in its own MongoDB database', () => {
    expect(serviceEnv(getService('azora-mint'), SERVICES, connections).MONGODB_URI).toBe(
      'mongodb://127.0.0.1:42017/azora_azora_mint',
    );
    const builder = serviceEnv(getService('ai-website-builder'), SERVICES, connections);
    expect(builder.MONGODB_URI).toBe('mongodb://127.0.0.1:42017/azora_ai_website_builder');
    expect(builder.PUPPETEER_EXECUTABLE_PATH).toBe('/usr/bin/chromium');
  });

  it('gives a service a folder for each volume it declares, under the run’s volumes folder', () => {
    expect(volumeVariable('deployments')).toBe('DEPLOYMENTS_DIR');
    const builder = serviceEnv(getService('ai-website-builder'), SERVICES, connections);
    expect(builder.DEPLOYMENTS_DIR).toBe('/repo/.dev-data/volumes/ai-website-builder/deployments');
    const reporting = serviceEnv(getService('automated-reporting'), SERVICES, connections);
    expect(reporting.REPORTS_DIR).toBe('/repo/.dev-data/volumes/automated-reporting/reports');
    expect(Object.keys(serviceEnv(getService('azora-mint'), SERVICES, connections))).not.toContain('DEPLOYMENTS_DIR');
    // Without a volumes folder (a caller that has none), nothing is set.
    const { volumes: _volumes, ...without } = connections;
    expect(serviceEnv(getService('ai-website-builder'), SERVICES, without)).not.toHaveProperty('DEPLOYMENTS_DIR');
  });

  it('sets the URL variable of every upstream, on the port from the run’s list', () => {
    const relocated = SERVICES.map((s) => (s.name === 'ai-sentiment' ? { ...s, port: 45011 } : s));
    const env = serviceEnv(getService('ai-chatbot'), relocated, connections);
    expect(env.AI_SENTIMENT_URL).toBe('http://127.0.0.1:45011');
    expect(env.REDIS_URL).toBe('redis://127.0.0.1:6379');
  });

  it('expands calls to every service (*) into one variable each', () => {
    const env = serviceEnv(getService('tracing-recovery'), SERVICES, connections);
    const urls = Object.keys(env).filter(
      (name) => name.endsWith('_URL') && name !== 'DATABASE_URL' && name !== 'REDIS_URL',
    );
    expect(urls).toHaveLength(SERVICES.length - 1);
    expect(env.SVC_5G_MANAGER_URL).toBe('http://127.0.0.1:5002');
    expect(env.MAIN_APP_URL).toBe('http://127.0.0.1:3000');
    expect(env).not.toHaveProperty('TRACING_RECOVERY_URL');
    expect(env.DATABASE_URL).toBe('postgresql://postgres:postgres@127.0.0.1:40001/postgres');
  });
});

describe('serviceEnv: a service that reads every database', () => {
  it('gives snapshot-scheduler the servers, not a database of its own', () => {
    const env = serviceEnv(getService('snapshot-scheduler'), SERVICES, {
      ...connections,
      postgres: new Map([
        ['snapshot-scheduler', 'postgres://postgres:pw@127.0.0.1:5432/azora_snapshot_scheduler?sslmode=disable'],
      ]),
      mongodb: 'mongodb://127.0.0.1:27017',
    });
    expect(env.POSTGRES_URL).toBe('postgres://postgres:pw@127.0.0.1:5432?sslmode=disable');
    expect(env).not.toHaveProperty('DATABASE_URL');
    expect(env.MONGODB_URI).toBe('mongodb://127.0.0.1:27017');
  });
});

describe('spawnEnv', () => {
  it('inherits the environment but not infrastructure variables the service does not declare', () => {
    const shell = {
      HOME: '/home/dev',
      DATABASE_URL: 'postgres://elsewhere/db',
      REDIS_URL: 'redis://elsewhere',
      LOG_LEVEL: 'debug',
    };
    const sentiment = spawnEnv(shell, getService('ai-sentiment'), SERVICES, connections);
    expect(sentiment).toEqual({
      HOME: '/home/dev',
      LOG_LEVEL: 'debug',
      PORT: '3011',
      NODE_ENV: 'development',
      TRUST_PROXY: 'loopback',
    });
    const chatbot = spawnEnv(shell, getService('ai-chatbot'), SERVICES, connections);
    expect(chatbot.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(chatbot).not.toHaveProperty('DATABASE_URL');
    expect(shell.DATABASE_URL).toBe('postgres://elsewhere/db');
  });
});

describe('spawnEnv: the gateway as trusted proxy', () => {
  it('trusts x-forwarded-for from loopback, where the gateway runs, unless the shell says otherwise', () => {
    expect(spawnEnv({}, getService('ai-personalization'), SERVICES, connections).TRUST_PROXY).toBe('loopback');
    const own = spawnEnv({ TRUST_PROXY: '10.0.0.5' }, getService('ai-personalization'), SERVICES, connections);
    expect(own.TRUST_PROXY).toBe('10.0.0.5');
  });
});

describe('devCredentials', () => {
  it('generates a key per role (operator, admin, the ledger’s minter, user, auditor, the website builder’s editor, the compliance dpo, the telecom viewer and service) in the API_KEYS format when the shell sets neither variable', () => {
    const { env, generated } = devCredentials({ HOME: '/home/dev' });
    expect(generated.slice(0, 9).map(({ name, role }) => [name, role])).toEqual([
      ['dev-operator', 'operator'],
      ['dev-admin', 'admin'],
      ['dev-minter', 'minter'],
      ['dev-user', 'user'],
      ['dev-auditor', 'auditor'],
      ['dev-editor', 'editor'],
      ['dev-dpo', 'dpo'],
      ['dev-viewer', 'viewer'],
      ['dev-service', 'service'],
    ]);
    // Then one per role a regime extension adds, named with hyphens.
    expect(
      generated
        .slice(9)
        .map(({ name, role }) => `${name} ${role}`)
        .sort(),
    ).toEqual(
      [
        ...['clinician', 'billing', 'front_desk', 'researcher'], // HIPAA
        ...['control_owner', 'change_requester', 'change_approver', 'deployer', 'officer', 'audit_committee'], // SOX
        'marketing', // POPIA
      ]
        .map((role) => `dev-${role.replaceAll('_', '-')} ${role}`)
        .sort(),
    );
    for (const { key } of generated) expect(key).toMatch(/^[A-Za-z0-9_-]{32,}$/);
    expect(env).toEqual({
      API_KEYS: generated.map(({ name, role, key }) => `${name}:${role}:${key}`).join(','),
      COMPLIANCE_API_KEY: generated.find(({ role }) => role === 'auditor')?.key,
      ZERO_RATING_API_KEY: generated.find(({ role }) => role === 'viewer')?.key,
    });
  });

  it('makes new keys on every run', () => {
    const first = devCredentials({}).generated.map(({ key }) => key);
    const second = devCredentials({}).generated.map(({ key }) => key);
    expect(new Set([...first, ...second]).size).toBe(2 * DEV_ROLES.length);
  });

  it('uses API_KEYS or JWT_SECRET from the shell when set, and generates nothing', () => {
    for (const shell of [
      { API_KEYS: 'mine:operator:my-own-key-0123456789abcdef' },
      { JWT_SECRET: 'my-own-secret-of-at-least-32-characters' },
    ]) {
      expect(devCredentials(shell)).toEqual({ env: {}, generated: [] });
    }
    // Empty counts as not set, as it does for the services.
    expect(devCredentials({ API_KEYS: '', JWT_SECRET: ' ' }).generated).toHaveLength(DEV_ROLES.length);
  });
});

describe('devIdentityKeys', () => {
  it('makes the identity keys once, keeps them for later runs (owner-only), and yields to the shell', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'azora-dev-keys-'));
    try {
      const first = devIdentityKeys({}, dir);
      expect(Buffer.from(first.IDENTIFIER_HASH_KEY as string, 'base64')).toHaveLength(32);
      expect(first.ENCRYPTION_KEYS).toMatch(/^dev1:[A-Za-z0-9+/]{43}=$/);
      expect(devIdentityKeys({}, dir)).toEqual(first);
      expect((await stat(join(dir, 'identity-keys.json'))).mode & 0o777).toBe(0o600);
      expect(devIdentityKeys({ IDENTIFIER_HASH_KEY: 'a', ENCRYPTION_KEYS: 'b' }, dir)).toEqual({});
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
