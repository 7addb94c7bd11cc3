// DEMO_SEED: fills an empty store with the seeded synthetic catalogue and interactions,
// through the same store writes the API uses, so the model built from it is real.
import type { Logger } from '@azora/service-kit';
import type { Store } from './store.ts';
import { generateSynthetic } from './synthetic.ts';

export const DEMO_DATA = { seed: 20_240_601, items: 400, users: 150 } as const;

const DAY_MS = 86_400_000;

/** Seeds when the store has no items and no events; true when this call seeded. */
export async function seedDemoData(store: Store, logger: Logger): Promise<boolean> {
  if ((await store.countItems()) > 0 || (await store.countEvents()) > 0) return false;
  // Two instances starting together: only one seeds.
  if (!(await store.claim('demo:seeded', new Date().toISOString()))) return false;
  const data = generateSynthetic({
    ...DEMO_DATA,
    startTime: Date.now() - 30 * DAY_MS,
    eventIdPrefix: 'demo',
  });
  for (let i = 0; i < data.items.length; i += 100) {
    await Promise.all(data.items.slice(i, i + 100).map((item) => store.putItem(item)));
  }
  for (let i = 0; i < data.events.length; i += 1000) {
    await store.addEvents(data.events.slice(i, i + 1000));
  }
  logger.info({ items: data.items.length, users: data.users.length, events: data.events.length }, 'demo data seeded');
  return true;
}
