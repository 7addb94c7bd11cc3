// End to end, as deployed: the entry point in its own process, the simulator CLI in another,
// real Mosquitto and Postgres. The simulator publishes continuously while the service is
// restarted twice — once gracefully (SIGTERM), once killed outright (SIGKILL) — and every
// message the broker acknowledged to the simulator is stored exactly once. Then forged,
// replayed, stale and unknown-device messages from the simulator are rejected and counted.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import {
  createTestDatabase,
  createTestMqtt,
  freePort,
  type TestDatabase,
  type TestMqtt,
  waitFor,
} from '@azora/testing';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const OPERATOR_KEY = randomBytes(18).toString('hex');
const AUDITOR_KEY = randomBytes(18).toString('hex');

let db: TestDatabase;
let broker: TestMqtt;
let port: number;
let service: ChildProcess | undefined;
const clientId = `azora-iot-e2e-${randomBytes(4).toString('hex')}`;
let env: Record<string, string>;

function startService(): Promise<void> {
  const child = spawn(process.execPath, ['--conditions=@azora/source', here('./main.ts')], {
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  service = child;
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += String(chunk);
  });
  return waitFor(
    'the service ready',
    async () => {
      if (child.exitCode !== null) throw new Error(`exited ${child.exitCode}: ${stderr}`);
      const res = await fetch(`http://127.0.0.1:${port}/health/ready`);
      return res.ok || undefined;
    },
    30_000,
    100,
  ).then(() => undefined);
}

async function stopService(signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
  const child = service;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill(signal);
  await exited;
}

/** Runs the simulator CLI; resolves with its final JSON line once it exits. */
function simulate(args: string[]): {
  child: ChildProcess;
  result: Promise<{ published: number; failed: number; deviceId: string }>;
} {
  const child = spawn(
    process.execPath,
    [
      '--conditions=@azora/source',
      here('./simulator.ts'),
      '--api',
      `http://127.0.0.1:${port}`,
      '--api-key',
      OPERATOR_KEY,
      '--mqtt',
      broker.url,
      '--topic-root',
      env.MQTT_TOPIC_ROOT as string,
      ...args,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => {
    stdout += String(chunk);
  });
  child.stderr?.on('data', (chunk) => {
    stderr += String(chunk);
  });
  const result = once(child, 'exit').then(([code]) => {
    if (code !== 0) throw new Error(`the simulator exited ${code}: ${stderr}`);
    return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}');
  });
  return { child, result };
}

const api = async (path: string) => {
  const res = await fetch(`http://127.0.0.1:${port}/api/quantum-iot-integration/${path}`, {
    headers: { 'x-api-key': AUDITOR_KEY },
  });
  if (!res.ok) throw new Error(`${path}: ${res.status}`);
  return res.json() as Promise<Record<string, unknown>>;
};
const storedCount = async (deviceId: string) =>
  ((await api(`telemetry?device=${deviceId}&limit=1000`)).telemetry as unknown[]).length;

beforeAll(async () => {
  [db, broker, port] = await Promise.all([createTestDatabase('iot_e2e'), createTestMqtt('iot-e2e'), freePort()]);
  env = {
    DATABASE_URL: db.url,
    MQTT_URL: broker.url,
    MQTT_CLIENT_ID: clientId,
    MQTT_TOPIC_ROOT: broker.topic('azora/iot'),
    ALERTS_TOPIC: broker.topic('compliance/alerts'),
    API_KEYS: `sim:operator:${OPERATOR_KEY},board:auditor:${AUDITOR_KEY}`,
    LOG_LEVEL: 'warn',
  };
  await startService();
});

afterAll(async () => {
  await stopService('SIGTERM');
  const cleaner = await mqtt.connectAsync(broker.url, { clientId, clean: true, reconnectPeriod: 0 });
  await cleaner.endAsync();
  await broker.cleanup();
  await db.drop();
});

describe('quantum-iot-integration end to end', () => {
  it('stores every acknowledged message while the service restarts (SIGTERM, then SIGKILL)', async () => {
    const run = simulate(['--device', 'e2e-meter-1', '--rate', '40']);
    await waitFor(
      'first messages stored',
      async () => ((await storedCount('e2e-meter-1')) > 20 ? true : undefined),
      20_000,
    );
    await stopService('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 1500)); // published meanwhile: queued by the broker
    await startService();
    await waitFor('more stored', async () => ((await storedCount('e2e-meter-1')) > 120 ? true : undefined), 20_000);
    await stopService('SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await startService();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    run.child.kill('SIGTERM');
    const { published, failed } = await run.result;
    expect(failed).toBe(0);
    expect(published).toBeGreaterThan(150);
    const stored = await waitFor(
      `${published} stored`,
      async () => {
        const count = await storedCount('e2e-meter-1');
        return count >= published ? count : undefined;
      },
      // The backlog the broker kept through two restarts, worked through on a loaded machine.
      60_000,
    );
    expect(stored).toBe(published);
    console.info(
      `published ${published} (broker-acknowledged) through a SIGTERM and a SIGKILL restart; stored ${stored}`,
    );
    const summary = (await api('summary')) as { messages: { accepted: number; rejected: Record<string, number> } };
    expect(summary.messages.accepted).toBe(published);
    // Redeliveries after the kill are recognised, not counted as replays.
    expect(summary.messages.rejected.replayed).toBe(0);
  }, 180_000);

  it('rejects and counts forged, replayed, stale and unknown-device messages from the simulator', async () => {
    const before = ((await api('summary')) as { messages: { accepted: number; rejected: Record<string, number> } })
      .messages;
    const runs = await Promise.all(
      ['forged', 'replayed', 'stale', 'unknown'].map(
        (attack) => simulate(['--attack', attack, '--count', '5', '--rate', '50']).result,
      ),
    );
    expect(runs.map((run) => run.published)).toEqual([5, 5, 5, 5]);
    const after = await waitFor(
      'all rejected',
      async () => {
        const { messages } = (await api('summary')) as {
          messages: { accepted: number; rejected: Record<string, number> };
        };
        const rejected = Object.values(messages.rejected).reduce((a, b) => a + b, 0);
        return rejected - Object.values(before.rejected).reduce((a, b) => a + b, 0) >= 20 ? messages : undefined;
      },
      20_000,
    );
    expect(after.rejected).toMatchObject({
      bad_signature: (before.rejected.bad_signature ?? 0) + 5,
      replayed: (before.rejected.replayed ?? 0) + 5,
      stale: (before.rejected.stale ?? 0) + 5,
      unknown_device: (before.rejected.unknown_device ?? 0) + 5,
    });
    // The replay attack's original message, once.
    expect(after.accepted - before.accepted).toBe(1);
  }, 60_000);
});
