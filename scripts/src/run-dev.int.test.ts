import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { freePort, startApp } from '@azora/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_NODE_FLAGS } from './dev-script.ts';
import { acceptsMqtt, acceptsPostgres } from './infrastructure.ts';
import { commandLine } from './processes.ts';
import { type DevSession, runDev } from './run-dev.ts';
import { groupMembers } from './supervisor.ts';
import type { ServiceRow } from './table.ts';
import { createFixtureRepo, type FixtureRepo, isAlive, processesIn } from './test-fixtures.ts';

describe('runDev with fixture services', () => {
  let repo: FixtureRepo;
  let squatter: Awaited<ReturnType<typeof startApp>>;
  let session: DevSession;
  let rows: ServiceRow[];
  let output = '';
  const port = (name: string) => repo.services.find((service) => service.name === name)?.port as number;
  const envOf = async (name: string) =>
    (await fetch(`http://127.0.0.1:${port(name)}/env`)).json() as Promise<Record<string, string>>;

  beforeAll(async () => {
    squatter = await startApp((_req, res) => res.end('someone else'));
    repo = await createFixtureRepo([
      { name: 'ai-sentiment' },
      // Calls ai-sentiment; its readiness waits for its (embedded) database.
      { name: 'ai-chatbot', infrastructure: ['postgres', 'mqtt', 'redis'] },
      { name: 'ai-vision', mode: 'crash-once' },
      { name: 'ai-personalization', port: squatter.port },
      { name: 'gdpr-compliance', inRepo: false },
    ]);
    const nothing = `127.0.0.1:${await freePort()}`;
    session = runDev({
      root: repo.root,
      services: repo.services,
      // Nothing answers for Postgres and MQTT, so embedded ones start; Redis is the local one.
      env: {
        ...process.env,
        DATABASE_URL: `postgres://postgres@${nothing}/postgres`,
        MQTT_URL: `mqtt://${nothing}`,
        REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
        // Not set: keys are made for the run.
        API_KEYS: '',
        JWT_SECRET: '',
      },
      backoff: { initialMs: 500, maxMs: 2000, resetAfterMs: 60_000 },
      readyTimeoutMs: 20_000,
      write: (text) => {
        output += stripVTControlCharacters(text);
      },
    });
    rows = await session.settled;
  });
  afterAll(async () => {
    await session?.stop();
    await squatter?.close();
    await repo?.cleanup();
  });

  it('settles every service: ready, failed on a taken port, or not in the repo yet (listed last)', () => {
    expect(rows.map(({ name, status, detail }) => ({ name, status, detail }))).toEqual([
      { name: 'ai-sentiment', status: 'ready', detail: undefined },
      { name: 'ai-chatbot', status: 'ready', detail: undefined },
      { name: 'ai-vision', status: 'ready', detail: undefined },
      { name: 'ai-personalization', status: 'failed', detail: `port ${squatter.port} is in use by another process` },
      { name: 'gdpr-compliance', status: 'not in repo yet', detail: undefined },
    ]);
    expect(rows.find((row) => row.name === 'ai-sentiment')?.url).toBe(`http://127.0.0.1:${port('ai-sentiment')}`);
    expect(output).toMatch(/ai-sentiment +http:\/\/127\.0\.0\.1:\d+ +ready +[\d.]+ m?s/);
    expect(output).toMatch(/gdpr-compliance +— +not in repo yet/);
    expect(output).toContain('3 ready, 1 failed, 1 not in repo yet');
  });

  it('says which infrastructure it uses and streams service logs with a name prefix', () => {
    expect(output).toMatch(/redis +local server 127\.0\.0\.1:6379/);
    expect(output).toMatch(/postgres +embedded PGlite, one per service/);
    expect(output).toMatch(/mqtt +embedded aedes broker on 127\.0\.0\.1:\d+/);
    expect(output).toMatch(/^ai-sentiment +\| info +listening port=\d+$/m);
  });

  it('reports a crash with its exit code and last lines, restarts it and reports it ready again', async () => {
    expect(output).toMatch(/^ai-vision +\| ✗ exited \(exit code 3\); restarting in 500 ms$/m);
    expect(output).toMatch(/^ai-vision +\| +fatal: something broke$/m);
    expect(output).toMatch(/^ai-vision +\| ✓ ready again after [\d.]+ m?s$/m);
    const log = await readFile(join(repo.root, '.dev-data', 'logs', 'ai-vision.log'), 'utf8');
    expect(log).toContain('fatal: something broke');
    expect(log).toContain('--- exit code 3; restarting in 500 ms ---');
  });

  it('gives each service its port, its infrastructure and the URLs of the services it calls', async () => {
    const env = await envOf('ai-chatbot');
    expect(env).toMatchObject({
      PORT: String(port('ai-chatbot')),
      NODE_ENV: 'development',
      AI_SENTIMENT_URL: `http://127.0.0.1:${port('ai-sentiment')}`,
      REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
    });
    expect(await acceptsMqtt(env.MQTT_URL as string)).toBe(true);
    const client = new pg.Client({ connectionString: env.DATABASE_URL });
    await client.connect();
    try {
      await client.query('CREATE TABLE IF NOT EXISTS conversations (id serial PRIMARY KEY, topic text)');
      await client.query('INSERT INTO conversations (topic) VALUES ($1)', ['billing']);
      expect((await client.query('SELECT topic FROM conversations')).rows).toEqual([{ topic: 'billing' }]);
    } finally {
      await client.end();
    }
    expect(await envOf('ai-sentiment')).not.toHaveProperty('DATABASE_URL');
  });

  it('runs every service with the dev V8 settings and a compile cache kept in .dev-data, written when it stops', async () => {
    expect(await envOf('ai-sentiment')).toMatchObject({
      NODE_COMPILE_CACHE: join(repo.root, '.dev-data', 'compile-cache'),
    });
    // Each process group's leader is the service's node, started with the flags.
    const leaders = session.processGroups().map(commandLine);
    expect(leaders).toHaveLength(3);
    for (const command of leaders) expect(command).toContain(` ${DEV_NODE_FLAGS.join(' ')} `);
  });

  it('makes a key per role for the run, gives them to every service and prints how to use them', async () => {
    const keys = [...output.matchAll(/^ {4}(dev-[a-z-]+) +([a-z_]+) +([A-Za-z0-9_-]{32,})$/gm)].map((match) => ({
      name: match[1],
      role: match[2],
      key: match[3],
    }));
    expect(keys.map(({ name, role }) => `${name}:${role}`)).toContain('dev-change-approver:change_approver');
    expect(keys.slice(0, 7).map(({ name, role }) => [name, role])).toEqual([
      ['dev-operator', 'operator'],
      ['dev-admin', 'admin'],
      ['dev-minter', 'minter'],
      ['dev-user', 'user'],
      ['dev-auditor', 'auditor'],
      ['dev-editor', 'editor'],
      ['dev-dpo', 'dpo'],
    ]);
    const apiKeys = keys.map(({ name, role, key }) => `${name}:${role}:${key}`).join(',');
    for (const name of ['ai-sentiment', 'ai-chatbot']) {
      expect(await envOf(name)).toMatchObject({ API_KEYS: apiKeys, TRUST_PROXY: 'loopback' });
    }
    expect(output).toContain(
      `curl -X POST -H 'x-api-key: ${keys[0]?.key}' http://127.0.0.1:3000/api/personalization/model/rebuild`,
    );
    expect(output).toMatch(/set API_KEYS or JWT_SECRET to use your own/);
  });

  it('on stop, leaves no process and no embedded server behind', async () => {
    const { DATABASE_URL: databaseUrl, MQTT_URL: mqttUrl } = await envOf('ai-chatbot');
    const pids = session.processGroups().flatMap(groupMembers);
    expect(pids.length).toBe(6); // node and its child × 3 running services
    expect(await processesIn(repo.root)).toEqual(expect.arrayContaining(pids));

    await session.stop();
    for (const pid of pids) expect(await isAlive(pid)).toBe(false);
    expect(await processesIn(repo.root)).toEqual([]);
    expect(await acceptsPostgres(databaseUrl as string)).toBe(false);
    expect(await acceptsMqtt(mqttUrl as string)).toBe(false);
    expect(existsSync(join(repo.root, '.dev-data', 'dev.pid'))).toBe(false);
    expect(existsSync(join(repo.root, '.dev-data', 'pglite', 'ai-chatbot', 'PG_VERSION'))).toBe(true);
    // Node wrote the services' compiled code as they exited: the next start reads it.
    expect((await readdir(join(repo.root, '.dev-data', 'compile-cache'))).length).toBeGreaterThan(0);
  });
});

describe('runDev with credentials from its environment', () => {
  it('passes the shell’s API_KEYS and JWT_SECRET on and makes no keys of its own', async () => {
    const repo = await createFixtureRepo([{ name: 'ai-sentiment' }]);
    let output = '';
    const apiKeys = 'ci-bot:operator:ci-key-0123456789abcdef0123';
    const jwtSecret = 'a-secret-from-the-shell-of-32-characters';
    const session = runDev({
      root: repo.root,
      services: repo.services,
      quiet: true,
      env: { ...process.env, API_KEYS: apiKeys, JWT_SECRET: jwtSecret },
      write: (text) => {
        output += stripVTControlCharacters(text);
      },
    });
    try {
      await session.settled;
      const port = repo.services[0]?.port;
      const env = (await (await fetch(`http://127.0.0.1:${port}/env`)).json()) as Record<string, string>;
      expect(env).toMatchObject({ API_KEYS: apiKeys, JWT_SECRET: jwtSecret });
      expect(output).toContain('Credentials: API_KEYS / JWT_SECRET from your environment.');
      expect(output).not.toContain('dev-operator');
      expect(output).not.toContain(jwtSecret);
    } finally {
      await session.stop();
      await repo.cleanup();
    }
  });
});

describe('runDev’s control API', () => {
  it('gives the services that restart others (catalog infrastructure "docker") its URL and token, and only them', async () => {
    const repo = await createFixtureRepo([
      { name: 'ai-sentiment' },
      { name: 'tracing-recovery', infrastructure: ['docker'] },
    ]);
    const session = runDev({
      root: repo.root,
      services: repo.services,
      quiet: true,
      env: process.env,
      write: () => {},
    });
    try {
      await session.settled;
      const envOf = async (name: string) => {
        const port = repo.services.find((service) => service.name === name)?.port;
        return (await (await fetch(`http://127.0.0.1:${port}/env`)).json()) as Record<string, string>;
      };
      const control = session.control();
      expect(control?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(await envOf('tracing-recovery')).toMatchObject({
        DEV_CONTROL_URL: control?.url,
        DEV_CONTROL_TOKEN: control?.token,
        DEPLOYED_SERVICES: 'ai-sentiment,tracing-recovery',
      });
      expect(await envOf('ai-sentiment')).not.toHaveProperty('DEV_CONTROL_TOKEN');
      const listed = await fetch(`${control?.url}/services`, {
        headers: { authorization: `Bearer ${control?.token}` },
      });
      expect(((await listed.json()) as { services: { name: string; state: string }[] }).services).toEqual([
        expect.objectContaining({ name: 'ai-sentiment', state: 'ready' }),
        expect.objectContaining({ name: 'tracing-recovery', state: 'ready' }),
      ]);
    } finally {
      await session.stop();
      await repo.cleanup();
    }
    await expect(fetch(`${session.control()?.url}/services`)).rejects.toThrow();
  });
});

describe('runDev refusals', () => {
  it('will not run twice on the same repo', async () => {
    const repo = await createFixtureRepo([{ name: 'ai-sentiment' }]);
    const quiet = { root: repo.root, services: repo.services, quiet: true, write: () => {} };
    const first = runDev(quiet);
    await first.settled;
    const second = runDev(quiet);
    await expect(second.settled).rejects.toThrow(/another pnpm dev \(pid \d+\) is running in this repo/);
    await second.stop();
    await first.stop();
    expect(await processesIn(repo.root)).toEqual([]);
    await repo.cleanup();
  });
});
