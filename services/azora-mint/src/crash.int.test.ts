// Crash safety without transactions: the service is SIGKILLed right after each step of a
// transfer (CRASH_AFTER_STEP), a fresh process starts on the same database, and its
// sweeper must bring every invariant back: the transfer completed exactly once when its
// funds allow, rolled back when they no longer do, and retries answered from the journal.
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { type EmbeddedMongo, type NodeProcess, startEmbeddedMongo, startNodeProcess } from '@azora/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE_UNITS_PER_AZR as AZR } from './amount.ts';
import { STEPS, type Step } from './ledger.ts';

const SERVICE_DIR = fileURLToPath(new URL('..', import.meta.url));
const KEYS = {
  alice: `alice-${'a'.repeat(24)}`,
  minter: `minter-${'m'.repeat(24)}`,
  auditor: `auditor-${'d'.repeat(24)}`,
};
const API_KEYS = `alice:user:${KEYS.alice},minter:minter:${KEYS.minter},auditor:auditor:${KEYS.auditor}`;

let mongo: EmbeddedMongo;
beforeAll(async () => {
  mongo = await startEmbeddedMongo();
});
afterAll(() => mongo.stop());

function startMint(database: string, env: Record<string, string> = {}): Promise<NodeProcess> {
  return startNodeProcess({
    entry: 'src/main.ts',
    cwd: SERVICE_DIR,
    readyPath: '/health/ready',
    readyTimeoutMs: 90_000,
    env: {
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      MONGODB_URI: mongo.uriFor(database),
      API_KEYS,
      SWEEPER_INTERVAL_MS: '100',
      SWEEPER_WINDOW_MS: '1000',
      INVARIANT_CHECK_INTERVAL_MS: '0',
      ...env,
    },
  });
}

function client(base: string) {
  return async (method: string, path: string, who: keyof typeof KEYS, body?: object, key = randomUUID()) => {
    const res = await fetch(`${base}/api/azora-mint${path}`, {
      method,
      headers: { 'x-api-key': KEYS[who], 'content-type': 'application/json', 'idempotency-key': key },
      body: body && JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> & { id: string } };
  };
}

/** Polls until the ledger has nothing pending (at the sweeper's last look) and its invariants hold. */
async function waitUntilSettled(call: ReturnType<typeof client>, base: string) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const report = await call('GET', '/invariants', 'auditor');
    const metrics = await (await fetch(`${base}/metrics`)).text();
    if (report.body.ok === true && /^mint_pending_entries\{[^}]*\} 0$/m.test(metrics)) return report.body;
    if (Date.now() > deadline) throw new Error(`not settled: ${JSON.stringify(report.body.violations)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

// Each case starts three processes one after another: slow on a loaded machine, so each gets 4 minutes.
describe('a transfer interrupted by SIGKILL', { timeout: 240_000 }, () => {
  it.each(STEPS.map((step) => [step]))(
    'after "%s" is completed exactly once by the next process',
    async (step: Step) => {
      const database = `mint_crash_${step.replace('-', '_')}`;
      // Set up the wallets with a healthy process first.
      const setup = await startMint(database);
      const call = client(setup.url);
      const alice = (await call('POST', '/accounts', 'alice', {})).body.id;
      const bob = (await call('POST', '/accounts', 'alice', {})).body.id;
      expect((await call('POST', '/mint', 'minter', { to: alice, amount: String(5n * AZR) })).status).toBe(201);
      await setup.stop();

      const crashing = await startMint(database, { CRASH_AFTER_STEP: step });
      const key = randomUUID();
      const transfer = { from: alice, to: bob, amount: String(2n * AZR) };
      await expect(client(crashing.url)('POST', '/transfers', 'alice', transfer, key)).rejects.toThrow();
      await crashing.stop();

      const next = await startMint(database);
      try {
        const again = client(next.url);
        const report = await waitUntilSettled(again, next.url);
        expect(report.violations).toEqual([]);
        // The retry gets the one decision; the funds moved once.
        const retry = await again('POST', '/transfers', 'alice', transfer, key);
        expect(retry.status).toBe(201);
        expect(retry.body.status).toBe('posted');
        const balances = await Promise.all([alice, bob].map((id) => again('GET', `/accounts/${id}`, 'auditor')));
        expect(balances.map((b) => b.body.balance)).toEqual([String(3n * AZR), String(2n * AZR)]);
        expect((await waitUntilSettled(again, next.url)).checkedEntries).toBe(2);
      } finally {
        await next.stop();
      }
    },
  );

  it('is rolled back when its funds were spent before the sweeper got to it', async () => {
    const database = 'mint_crash_rollback';
    const crashing = await startMint(database, { CRASH_AFTER_STEP: 'pending' });
    const call = client(crashing.url);
    const alice = (await call('POST', '/accounts', 'alice', {})).body.id;
    const bob = (await call('POST', '/accounts', 'alice', {})).body.id;
    // The mint is the first entry, so it is the one that crashes.
    const mintKey = randomUUID();
    await expect(call('POST', '/mint', 'minter', { to: alice, amount: String(AZR) }, mintKey)).rejects.toThrow();
    await crashing.stop();

    // The next process completes the mint, then alice spends it all; the transfer left
    // pending by a second crash finds no funds and is rolled back.
    const second = await startMint(database, { CRASH_AFTER_STEP: 'pending' });
    const key = randomUUID();
    await expect(
      client(second.url)('POST', '/transfers', 'alice', { from: alice, to: bob, amount: String(AZR) }, key),
    ).rejects.toThrow();
    await second.stop();

    const next = await startMint(database, { SWEEPER_WINDOW_MS: '8000' });
    try {
      const again = client(next.url);
      // Inside the window: the mint was recovered at once (its plan is old); spend it all now.
      await waitUntilSettledOrPendingOnly(again);
      const spend = await again('POST', '/burn', 'alice', { from: alice, amount: String(AZR) });
      expect(spend.status).toBe(201);
      const report = await waitUntilSettled(again, next.url);
      expect(report.violations).toEqual([]);
      const retry = await again('POST', '/transfers', 'alice', { from: alice, to: bob, amount: String(AZR) }, key);
      expect(retry.status).toBe(422);
      expect(retry.body.code).toBe('insufficient-funds');
      const balances = await Promise.all([alice, bob].map((id) => again('GET', `/accounts/${id}`, 'auditor')));
      expect(balances.map((b) => b.body.balance)).toEqual(['0', '0']);
      const metrics = await (await fetch(`${next.url}/metrics`)).text();
      expect(metrics).toMatch(/^mint_sweeper_recovered_total\{[^}]*outcome="rolled_back"[^}]*\} 1$/m);
    } finally {
      await next.stop();
    }
  });
});

/** Waits until the only violations left are plans the sweeper has not reached yet. */
async function waitUntilSettledOrPendingOnly(call: ReturnType<typeof client>) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const report = await call('GET', '/invariants', 'auditor');
    const violations = report.body.violations as { rule: string }[];
    const supply = await call('GET', '/supply', 'auditor');
    if (supply.body.circulating !== '0' && violations.every((v) => v.rule === 'stuck-pending')) return;
    if (Date.now() > deadline) throw new Error(`mint not recovered: ${JSON.stringify(report.body)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
