/**
 * The recovery sweeper: finds entries a crash (or a lost database connection) left in
 * `pending` for longer than the window and finishes them with the ledger's own idempotent
 * steps — settling those already decided, completing those whose debits can be applied,
 * rolling back the rest.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@azora/service-kit';
import type { Ledger } from './ledger.ts';

export type RecoveryOutcome = 'rolled_forward' | 'rolled_back' | 'cleaned';

export interface SweeperOptions {
  ledger: Ledger;
  /** How often to look (ms). */
  intervalMs: number;
  /** An entry pending longer than this (ms) is recovered; requests finish well within it. */
  windowMs: number;
  logger: Logger;
  onRecovered?: (outcome: RecoveryOutcome) => void;
}

export interface SweepReport {
  /** Entries in `pending` when the sweep looked (this process's in-flight ones included). */
  pending: number;
  oldestPendingMs: number;
  recovered: number;
}

export class Sweeper {
  readonly #options: SweeperOptions;
  readonly #stopping = new AbortController();
  #loop: Promise<void> | undefined;
  /** When the last sweep finished, and what it saw. */
  lastRunAt: number | undefined;
  lastReport: SweepReport = { pending: 0, oldestPendingMs: 0, recovered: 0 };
  lastError: unknown;

  constructor(options: SweeperOptions) {
    this.#options = options;
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  async stop(): Promise<void> {
    this.#stopping.abort();
    await this.#loop;
  }

  /** True while sweeps keep completing: the readiness check. */
  get healthy(): boolean {
    return this.lastRunAt !== undefined && Date.now() - this.lastRunAt < Math.max(3 * this.#options.intervalMs, 10_000);
  }

  async #run(): Promise<void> {
    while (!this.#stopping.signal.aborted) {
      try {
        this.lastReport = await this.sweep();
        this.lastRunAt = Date.now();
        this.lastError = undefined;
      } catch (error) {
        if (this.lastError === undefined) this.#options.logger.warn({ err: error }, 'sweep failed; retrying');
        this.lastError = error;
      }
      await sleep(this.#options.intervalMs, undefined, { signal: this.#stopping.signal }).catch(() => {});
    }
  }

  /** One pass: recovers every entry pending past the window that no request here is working on. */
  async sweep(now = Date.now()): Promise<SweepReport> {
    const { ledger, windowMs, logger, onRecovered } = this.#options;
    const plans = await ledger.store.pending.find().sort({ createdAt: 1 }).lean();
    let recovered = 0;
    let oldestLeft: number | undefined;
    for (const plan of plans) {
      const id = plan._id.toHexString();
      const createdAt = plan.createdAt.getTime();
      if (this.#stopping.signal.aborted || now - createdAt < windowMs || ledger.inFlight.has(id)) {
        oldestLeft = Math.min(oldestLeft ?? createdAt, createdAt);
        continue;
      }
      ledger.inFlight.add(id);
      try {
        const decided = await ledger.settleDecided(plan);
        const outcome: RecoveryOutcome = decided
          ? 'cleaned'
          : (await ledger.execute(plan)).status === 'posted'
            ? 'rolled_forward'
            : 'rolled_back';
        await ledger.drain();
        recovered++;
        onRecovered?.(outcome);
        logger.info({ entry: id, type: plan.type, outcome }, 'recovered an entry left pending');
      } finally {
        ledger.inFlight.delete(id);
      }
    }
    return {
      pending: plans.length - recovered,
      oldestPendingMs: oldestLeft === undefined ? 0 : Math.max(0, now - oldestLeft),
      recovered,
    };
  }
}
