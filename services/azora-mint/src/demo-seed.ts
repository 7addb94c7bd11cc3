// Demo wallets for `pnpm dev` (DEMO_SEED=true): three owners with balances and a transfer,
// written through the ledger itself with fixed idempotency keys, so seeding again at the
// next start replays the same entries instead of adding to them.
import type { Logger } from '@azora/service-kit';
import { BASE_UNITS_PER_AZR } from './amount.ts';
import type { Caller, Ledger } from './ledger.ts';

export const DEMO_WALLETS = [
  { owner: 'demo-alice', azr: 1000n },
  { owner: 'demo-bob', azr: 250n },
  { owner: 'demo-carol', azr: 50n },
] as const;

const SEEDER: Caller = { subject: 'demo-seed', actsForAnyone: true };

export async function seedDemoWallets(ledger: Ledger, logger: Logger): Promise<void> {
  const wallets = [];
  for (const { owner, azr } of DEMO_WALLETS) {
    const wallet = await ledger.createAccount(owner, SEEDER, `demo-wallet-${owner}`);
    await ledger.submit(
      { type: 'mint', to: wallet._id, amount: azr * BASE_UNITS_PER_AZR },
      SEEDER,
      `demo-mint-${owner}`,
    );
    wallets.push(wallet);
  }
  const [alice, bob] = wallets;
  if (alice && bob) {
    await ledger.submit(
      { type: 'transfer', from: alice._id, to: bob._id, amount: (25n * BASE_UNITS_PER_AZR) / 2n, memo: 'demo: lunch' },
      SEEDER,
      'demo-transfer-alice-bob',
    );
  }
  await ledger.drain();
  logger.info({ wallets: wallets.map((w) => ({ owner: w.owner, id: w._id.toHexString() })) }, 'demo wallets ready');
}
