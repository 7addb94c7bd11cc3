import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getService } from '@azora/catalog';
import { freePort } from '@azora/testing';
import { Redis } from 'ioredis';
import mqtt from 'mqtt';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DevError } from './errors.ts';
import {
  acceptsMqtt,
  acceptsPostgres,
  answersMongo,
  answersRedis,
  ensureDatabases,
  findOnPath,
  startAedes,
  startInfrastructure,
  startMongo,
  startPglite,
  startRedisServer,
} from './infrastructure.ts';
import { isAlive } from './test-fixtures.ts';

// The servers this machine runs (CI starts them too); the defaults `pnpm dev` looks for.
const LOCAL = {
  postgres: process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  redis: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
  mqtt: process.env.TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883',
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'azora-infra-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function query<T>(url: string, sql: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, values)).rows;
  } finally {
    await client.end();
  }
}

describe('detecting the local servers', () => {
  it('finds the Postgres, Redis and MQTT servers running here', async () => {
    expect(await acceptsPostgres(LOCAL.postgres)).toBe(true);
    expect(await answersRedis(LOCAL.redis)).toBe(true);
    expect(await acceptsMqtt(LOCAL.mqtt)).toBe(true);
  });

  it('says no where nothing listens, and where another protocol answers', async () => {
    const nothing = await freePort();
    const redisPort = new URL(LOCAL.redis).port;
    // Some servers wait silently for more of a foreign protocol: those probes time out, in parallel.
    const answers = await Promise.all([
      acceptsPostgres(`postgres://postgres@127.0.0.1:${nothing}/postgres`),
      answersRedis(`redis://127.0.0.1:${nothing}`),
      acceptsMqtt(`mqtt://127.0.0.1:${nothing}`),
      answersMongo(`mongodb://127.0.0.1:${nothing}`),
      acceptsMqtt(`mqtt://127.0.0.1:${redisPort}`),
      answersMongo(`mongodb://127.0.0.1:${redisPort}`),
      answersRedis(`redis://127.0.0.1:${new URL(LOCAL.mqtt).port}`),
      acceptsPostgres(`postgres://postgres@127.0.0.1:${redisPort}/postgres`),
    ]);
    expect(answers).toEqual(answers.map(() => false));
  });

  it('creates a missing database on the local Postgres, and leaves an existing one alone', async () => {
    const name = `azora_dev_test_${process.pid}_${Date.now()}`;
    try {
      await ensureDatabases(LOCAL.postgres, [name]);
      const url = new URL(LOCAL.postgres);
      url.pathname = `/${name}`;
      await query(url.toString(), 'CREATE TABLE kept (id int)');
      await ensureDatabases(LOCAL.postgres, [name]);
      expect(await query(url.toString(), 'SELECT count(*)::int AS n FROM kept')).toEqual([{ n: 0 }]);
    } finally {
      await query(LOCAL.postgres, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    }
  });
});

describe('embedded PGlite over TCP', () => {
  it('serves pg clients, concurrently, and keeps its data across restarts', async () => {
    const dataDir = join(dir, 'pglite', 'gdpr-compliance');
    const template = join(dir, 'pglite', '.template');
    let started = performance.now();
    const first = await startPglite(dataDir, template);
    const firstStartMs = performance.now() - started;
    try {
      await query(first.url, 'CREATE TABLE requests (id serial PRIMARY KEY, subject text NOT NULL)');
      await query(first.url, 'INSERT INTO requests (subject) VALUES ($1), ($2)', ['ana', 'ben']);
      expect(await query(first.url, 'SELECT subject FROM requests ORDER BY id')).toEqual([
        { subject: 'ana' },
        { subject: 'ben' },
      ]);

      // A pool's connections share the single PGlite session through the multiplexer.
      const pool = new pg.Pool({ connectionString: first.url, max: 5 });
      const answers = await Promise.all(
        Array.from({ length: 100 }, (_, i) => pool.query('SELECT $1::int AS n, $2::text AS s', [i, `v${i}`])),
      );
      expect(answers.every((answer, i) => answer.rows[0].n === i && answer.rows[0].s === `v${i}`)).toBe(true);
      await Promise.all(
        Array.from({ length: 10 }, async (_, i) => {
          const client = await pool.connect();
          try {
            await client.query('BEGIN');
            await client.query('INSERT INTO requests (subject) VALUES ($1)', [`tx${i}`]);
            await client.query('COMMIT');
          } finally {
            client.release();
          }
        }),
      );
      await pool.end();
    } finally {
      await first.stop();
    }
    await expect(query(first.url, 'SELECT 1')).rejects.toThrow();

    started = performance.now();
    const again = await startPglite(dataDir, template);
    const reopenMs = performance.now() - started;
    try {
      expect(await query(again.url, 'SELECT count(*)::int AS n FROM requests')).toEqual([{ n: 12 }]);
    } finally {
      await again.stop();
    }

    // Another service's data directory comes from the template: empty, and quick.
    started = performance.now();
    const other = await startPglite(join(dir, 'pglite', 'hipaa-compliance'), template);
    const fromTemplateMs = performance.now() - started;
    try {
      expect(await query(other.url, "SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'")).toEqual([
        { n: 0 },
      ]);
    } finally {
      await other.stop();
    }
    console.info(
      `PGlite start: new data dir ${Math.round(firstStartMs)} ms (with template init), ` +
        `reopen ${Math.round(reopenMs)} ms, new from template ${Math.round(fromTemplateMs)} ms`,
    );
    // Three PGlite starts (wasm compile + initdb) take seconds each when `pnpm test` loads both cores.
  }, 90_000);
});

describe('embedded aedes broker', () => {
  it('delivers what an mqtt client publishes to a subscriber', async () => {
    const broker = await startAedes();
    try {
      expect(await acceptsMqtt(broker.url)).toBe(true);
      const client = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
      await client.subscribeAsync('devices/+/telemetry', { qos: 1 });
      const received = new Promise<[string, string]>((resolve) =>
        client.once('message', (topic, payload) => resolve([topic, payload.toString()])),
      );
      await client.publishAsync('devices/42/telemetry', '{"temp":21.5}', { qos: 1 });
      expect(await received).toEqual(['devices/42/telemetry', '{"temp":21.5}']);
      await client.endAsync();
    } finally {
      await broker.stop();
    }
    expect(await acceptsMqtt(broker.url)).toBe(false);
  });
});

describe('spawned redis-server', () => {
  const binary = findOnPath('redis-server', process.env.PATH);

  it.skipIf(!binary)('answers PING on a free port, persists nothing, and is gone after stop', async () => {
    const redis = await startRedisServer(binary as string, join(dir, 'redis'));
    const client = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 0 });
    client.on('error', () => {});
    await client.connect();
    try {
      expect(await client.ping()).toBe('PONG');
      expect(await client.config('GET', 'save')).toEqual(['save', '']);
      expect(await client.config('GET', 'appendonly')).toEqual(['appendonly', 'no']);
      const pid = Number((await client.info('server')).match(/process_id:(\d+)/)?.[1]);
      client.disconnect();
      await redis.stop();
      expect(await isAlive(pid)).toBe(false);
      expect(await answersRedis(redis.url)).toBe(false);
    } finally {
      client.disconnect();
      await redis.stop();
    }
  });
});

describe('embedded MongoDB-wire server', () => {
  it('answers the hello probe, and stops', async () => {
    const mongo = await startMongo();
    try {
      expect(await answersMongo(mongo.url)).toBe(true);
    } finally {
      await mongo.stop();
    }
    expect(await answersMongo(mongo.url)).toBe(false);
  });
});

describe('startInfrastructure', () => {
  const withRedis = getService('ai-chatbot'); // redis
  const withPostgres = getService('gdpr-compliance'); // postgres
  const withEverything = {
    ...getService('snapshot-scheduler'),
    infrastructure: ['postgres', 'redis', 'mqtt', 'mongodb', 'chromium', 'docker'] as const,
  };

  it('uses the local servers when they answer, with a database per service', async () => {
    const lines: string[] = [];
    const started = await startInfrastructure([withRedis, withPostgres], {
      env: { DATABASE_URL: LOCAL.postgres, REDIS_URL: LOCAL.redis, PATH: process.env.PATH },
      dataDir: join(dir, 'local'),
      say: (piece, text) => lines.push(`${piece} ${text}`),
    });
    try {
      expect(started.connections.redis).toBe(LOCAL.redis);
      const url = started.connections.postgres.get('gdpr-compliance') as string;
      expect(new URL(url).pathname).toBe('/azora_gdpr_compliance');
      expect(await query(url, 'SELECT current_database() AS db')).toEqual([{ db: 'azora_gdpr_compliance' }]);
      expect(lines).toEqual([
        `redis local server ${new URL(LOCAL.redis).host}`,
        `postgres local server ${new URL(LOCAL.postgres).host}, databases azora_gdpr_compliance`,
      ]);
      expect(existsSync(join(dir, 'local', 'pglite'))).toBe(false);
    } finally {
      await started.stop();
    }
  });

  it('starts embedded ones where nothing answers, and stops them', async () => {
    const nothing = `127.0.0.1:${await freePort()}`;
    const lines: string[] = [];
    const started = await startInfrastructure([withEverything], {
      env: {
        DATABASE_URL: `postgres://postgres@${nothing}/postgres`,
        REDIS_URL: `redis://${nothing}`,
        MQTT_URL: `mqtt://${nothing}`,
        MONGODB_URI: `mongodb://${nothing}`,
        CHROMIUM_PATH: join(dir, 'no-such-browser'),
        PATH: process.env.PATH,
      },
      dataDir: join(dir, 'embedded'),
      say: (piece, text) => lines.push(`${piece} ${text}`),
    });
    const { connections } = started;
    try {
      const expected = [
        /^redis embedded \S*redis-server on 127\.0\.0\.1:\d+ \(nothing answered at 127\.0\.0\.1:\d+\)$/,
        /^postgres embedded PGlite, one per service/,
        /^postgres {3}snapshot-scheduler: 127\.0\.0\.1:\d+, data in .*pglite\/snapshot-scheduler \(\d+ ms\)$/,
        /^mqtt embedded aedes broker on 127\.0\.0\.1:\d+/,
        /^mongodb embedded MongoDB-wire server, in memory, on 127\.0\.0\.1:\d+/,
        /^chromium not found — no browser for snapshot-scheduler\. Install it .*apt-get install chromium/,
        /^docker not used — snapshot-scheduler restart services through this run's control API$/,
      ];
      expect(lines).toHaveLength(expected.length);
      for (const [i, line] of lines.entries()) expect(line).toMatch(expected[i] as RegExp);
      expect(connections.chromium).toBeUndefined();
      expect(await answersRedis(connections.redis as string)).toBe(true);
      expect(await acceptsMqtt(connections.mqtt as string)).toBe(true);
      expect(await answersMongo(connections.mongodb as string)).toBe(true);
      expect(await query(connections.postgres.get('snapshot-scheduler') as string, 'SELECT 1 AS one')).toEqual([
        { one: 1 },
      ]);
    } finally {
      await started.stop();
    }
    expect(await answersRedis(connections.redis as string)).toBe(false);
    expect(await acceptsMqtt(connections.mqtt as string)).toBe(false);
    expect(await answersMongo(connections.mongodb as string)).toBe(false);
    expect(await acceptsPostgres(connections.postgres.get('snapshot-scheduler') as string)).toBe(false);
  });

  it('says so clearly when the local Postgres refuses to create the databases', async () => {
    const role = `azora_dev_nocreate_${process.pid}`;
    await query(LOCAL.postgres, `CREATE ROLE ${role} LOGIN NOCREATEDB`);
    try {
      const url = new URL(LOCAL.postgres);
      url.username = role;
      // A database that does not exist yet, so it has to be created.
      const fresh = { ...withPostgres, name: `refused-${process.pid}-${Date.now()}` };
      const attempt = startInfrastructure([fresh], {
        env: { DATABASE_URL: url.toString() },
        dataDir: join(dir, 'refused'),
        say: () => {},
      });
      await expect(attempt).rejects.toThrow(DevError);
      await expect(attempt).rejects.toThrow(/^cannot create the databases on 127\.0\.0\.1:5432: permission denied/);
    } finally {
      await query(LOCAL.postgres, `DROP ROLE ${role}`);
    }
  });

  it('stops with one clear message when Redis is needed but neither running nor installed', async () => {
    const attempt = startInfrastructure([withRedis], {
      env: { REDIS_URL: `redis://127.0.0.1:${await freePort()}`, PATH: dir },
      dataDir: join(dir, 'no-redis'),
      say: () => {},
    });
    await expect(attempt).rejects.toThrow(DevError);
    await expect(attempt).rejects.toThrow(/apt-get install redis-server.*brew install redis/);
  });
});
