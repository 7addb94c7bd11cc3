// pnpm --filter azora-mint bench: 100 concurrent clients doing random transfers for 30 s
// against the service on the embedded MongoDB-wire server (each in its own process), with
// retries under the same Idempotency-Key — some requests deliberately abandoned after a
// short timeout and retried. Reports transfers/s (target >= 500) and latency, as a ratio
// against the service's own GET /health measured in the same run with the same clients,
// then checks the ledger: invariants, no negative balance, every acknowledged transfer
// present exactly once, balances equal to what the acknowledged transfers imply, supply unchanged.
import { randomBytes, randomUUID } from 'node:crypto';
import { Agent, request as httpRequest } from 'node:http';
import { fileURLToPath } from 'node:url';
import { closedLoop, percentile, printTable, startNodeServer } from '@azora/bench';
import { MongoConnection } from '@azora/mongo';
import { startEmbeddedMongoProcess } from '@azora/testing';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 100);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const WALLETS = Number(process.env.BENCH_WALLETS ?? 200);
/** Share of transfers first sent with a timeout too short to be answered, then retried. */
const ABANDON_SHARE = 0.05;
const TARGET_PER_SECOND = 500;
const AZR = 10n ** 18n;
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

const keys = { admin: randomBytes(18).toString('hex'), auditor: randomBytes(18).toString('hex') };
const apiKeys = `bench-admin:admin:${keys.admin},bench-auditor:auditor:${keys.auditor}`;

const mongo = await startEmbeddedMongoProcess();
const mongoUri = mongo.uriFor('bench_mint');
const service = await startNodeServer({
  entry: here('../src/main.ts'),
  readyPath: '/health/ready',
  env: { MONGODB_URI: mongoUri, API_KEYS: apiKeys, INVARIANT_CHECK_INTERVAL_MS: '0', SWEEPER_WINDOW_MS: '5000' },
});
const api = `${service.url}/api/azora-mint`;
const healthUrl = new URL(`${service.url}/health`);
const transfersUrl = new URL(`${api}/transfers`);

async function call(method: string, path: string, key: string, body?: unknown, init: RequestInit = {}) {
  const res = await fetch(`${api}${path}`, {
    method,
    headers: { 'x-api-key': key, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
    body: body === undefined ? undefined : JSON.stringify(body),
    ...init,
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${JSON.stringify(json)}`);
  return json;
}

console.log(`azora-mint benchmark: ${CLIENTS} clients, ${SECONDS} s, ${WALLETS} wallets`);
const wallets: string[] = [];
for (let i = 0; i < WALLETS; i += 20) {
  const batch = await Promise.all(
    Array.from({ length: Math.min(20, WALLETS - i) }, (_, j) =>
      call('POST', '/accounts', keys.admin, { owner: `bench-user-${i + j}` }),
    ),
  );
  wallets.push(...batch.map((account) => account.id as string));
}
const START_BALANCE = 1000n * AZR;
await Promise.all(wallets.map((to) => call('POST', '/mint', keys.admin, { to, amount: String(START_BALANCE) })));
const supplyBefore = await call('GET', '/supply', keys.auditor);

// node:http with a keep-alive pool costs the load generator a third of what fetch does,
// leaving the two cores to the service and the database. The baseline uses it too.
const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });

/** One request; resolves with the status and parsed body, rejects on a network error or after `timeoutMs`. */
function send(
  url: URL,
  options: { method?: string; body?: string; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<{ status: number; answer: { id?: string } }> {
  const body = options.body ?? '';
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      {
        method: options.method ?? 'GET',
        agent,
        timeout: options.timeoutMs ?? 10_000,
        headers: { ...options.headers, 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, answer: JSON.parse(Buffer.concat(chunks).toString()) }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end(body);
  });
}

// Baseline: the service's cheapest request through the same client loop.
const health = await closedLoop({
  clients: CLIENTS,
  durationMs: 5000,
  task: async () => {
    await send(healthUrl);
  },
});

interface Acknowledged {
  id: string;
  from: string;
  to: string;
  amount: bigint;
}
const acknowledged = new Map<string, Acknowledged>();
let refused = 0;
let retries = 0;
let abandoned = 0;

/** One transfer, retried under its key until the service gives an answer that is not "try again". */
async function transfer(): Promise<void> {
  const from = wallets[Math.floor(Math.random() * wallets.length)] as string;
  let to = from;
  while (to === from) to = wallets[Math.floor(Math.random() * wallets.length)] as string;
  const amount = BigInt(1 + Math.floor(Math.random() * 1e9)) * 10n ** 9n;
  const key = randomUUID();
  const body = JSON.stringify({ from, to, amount: String(amount) });
  for (let attempt = 0; ; attempt++) {
    const abandon = attempt === 0 && Math.random() < ABANDON_SHARE;
    if (attempt > 0) retries++;
    try {
      const { status, answer } = await send(transfersUrl, {
        method: 'POST',
        body,
        headers: { 'x-api-key': keys.admin, 'content-type': 'application/json', 'idempotency-key': key },
        timeoutMs: abandon ? 1 : 10_000,
      });
      if (status === 201) {
        acknowledged.set(key, { id: answer.id as string, from, to, amount });
        return;
      }
      if (status === 422) {
        refused++;
        return;
      }
      if (status !== 409 && status !== 503) throw new Error(`transfer answered ${status}: ${JSON.stringify(answer)}`);
    } catch (error) {
      if (!(error instanceof Error) || !/timed out|socket hang up|ECONNRESET/.test(error.message)) throw error;
      if (abandon) abandoned++;
    }
    if (attempt > 50) throw new Error(`transfer ${key} got no answer after 50 retries`);
    await new Promise((resolve) => setTimeout(resolve, 20 * (attempt + 1)));
  }
}

const run = await closedLoop({ clients: CLIENTS, durationMs: SECONDS * 1000, task: transfer });
const transfersPerSecond = acknowledged.size / run.seconds;

// After the run: let the answers' settling finish, then judge the ledger.
await new Promise((resolve) => setTimeout(resolve, 1000));
const invariants = (await call('GET', '/invariants', keys.auditor)) as {
  ok: boolean;
  violations: unknown[];
  checkedEntries: number;
};
const { accounts } = (await call('GET', '/accounts', keys.auditor)) as {
  accounts: { id: string; kind: string; balance: string }[];
};
const supplyAfter = await call('GET', '/supply', keys.auditor);

const expected = new Map(wallets.map((id) => [id, START_BALANCE]));
for (const { from, to, amount } of acknowledged.values()) {
  expected.set(from, (expected.get(from) ?? 0n) - amount);
  expected.set(to, (expected.get(to) ?? 0n) + amount);
}
const wrongBalances = accounts.filter((a) => a.kind === 'user' && BigInt(a.balance) !== expected.get(a.id)).length;
const negative = accounts.filter((a) => a.kind !== 'issuance' && BigInt(a.balance) < 0n).length;

// Exactly once: every acknowledged id is posted, and the journal holds no transfer besides them.
const db = new MongoConnection({ uri: mongoUri });
await db.open();
const journal = db.connection.collection('entries');
const postedTransfers = await journal
  .find({ type: 'transfer', status: 'posted' }, { projection: { _id: 1 } })
  .toArray();
const postedIds = new Set(postedTransfers.map((entry) => entry._id.toHexString()));
const ackIds = new Set([...acknowledged.values()].map((a) => a.id));
const missing = [...ackIds].filter((id) => !postedIds.has(id)).length;
const extra = [...postedIds].filter((id) => !ackIds.has(id)).length;
await db.close();

printTable([
  ['measure', 'value'],
  ['transfers acknowledged', acknowledged.size],
  ['transfers/s (target >= 500)', transfersPerSecond],
  ['GET /health/s, same clients (baseline)', health.perSecond],
  ['transfer throughput / baseline', transfersPerSecond / health.perSecond],
  ['p50 ms (with retries)', percentile(run.latenciesMs, 50)],
  ['p95 ms', percentile(run.latenciesMs, 95)],
  ['p99 ms', percentile(run.latenciesMs, 99)],
  ['retries sent', retries],
  ['first attempts abandoned after 1 ms', abandoned],
  ['refused (insufficient funds)', refused],
  ['journal entries checked', invariants.checkedEntries],
  ['invariant violations', invariants.violations.length],
  ['negative balances', negative],
  ['balances differing from acknowledged transfers', wrongBalances],
  ['acknowledged transfers missing from the journal', missing],
  ['posted transfers never acknowledged', extra],
  ['circulating before → after', `${supplyBefore.circulating} → ${supplyAfter.circulating}`],
]);

await service.stop();
mongo.stop();

const failures = [
  transfersPerSecond < TARGET_PER_SECOND &&
    `throughput ${transfersPerSecond.toFixed(0)}/s is under ${TARGET_PER_SECOND}/s`,
  !invariants.ok && `invariants violated: ${JSON.stringify(invariants.violations.slice(0, 5))}`,
  negative > 0 && `${negative} negative balances`,
  wrongBalances > 0 && `${wrongBalances} balances differ from the acknowledged transfers`,
  missing > 0 && `${missing} acknowledged transfers are missing`,
  extra > 0 && `${extra} transfers were posted but never acknowledged`,
  supplyBefore.circulating !== supplyAfter.circulating && 'the circulating supply changed',
].filter(Boolean);
if (failures.length > 0) {
  console.error(`FAILED: ${failures.join('; ')}`);
  process.exit(1);
}
console.log('ledger intact; target met');
