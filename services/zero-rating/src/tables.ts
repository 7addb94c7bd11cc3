// Keeps this replica's compiled table in step with Redis. Every change bumps the version
// and is announced on the changes channel: a message newer than the table rebuilds it at
// once. Messages are fire-and-forget (a replica that was disconnected, or whose subscriber
// connection dropped, never gets them), so the version is also read every
// `checkIntervalMs`: a replica that missed a message catches up within that interval. The
// replica that made a change rebuilds before it answers, so its own reads see the change.
import type { Logger } from '@azora/service-kit';
import type { Redis } from 'ioredis';
import { Table } from './classifier.ts';
import { parsePrefix } from './ip.ts';
import type { Snapshot, Store } from './store.ts';

export type RebuildTrigger = 'start' | 'write' | 'message' | 'poll';
export const REBUILD_TRIGGERS: readonly RebuildTrigger[] = ['start', 'write', 'message', 'poll'];

export interface TablesOptions {
  store: Store;
  logger: Logger;
  /** How often the version is read to catch a missed message (ms). */
  checkIntervalMs: number;
  onRebuilt?: (table: Table, trigger: RebuildTrigger, seconds: number) => void;
}

/** Compiles prefixes the store has already validated. */
export function compile(snapshot: Snapshot): Table {
  return new Table(snapshot.version, snapshot.operators, snapshot.rules, (text) => {
    const parsed = parsePrefix(text);
    if (!parsed.ok) throw new Error(`stored prefix ${text} is invalid: ${parsed.error}`);
    return parsed.value;
  });
}

export class Tables {
  private table: Table | undefined;
  private building: Promise<void> | undefined;
  private again: RebuildTrigger | undefined;
  private subscriber: Redis | undefined;
  private timer: NodeJS.Timeout | undefined;
  private checkFailing = false;
  /** When the version was last confirmed against Redis (ms since the epoch). */
  lastCheckAt: number | undefined;

  private readonly options: TablesOptions;

  constructor(options: TablesOptions) {
    this.options = options;
  }

  /** The compiled table (undefined until the first build). */
  get current(): Table | undefined {
    return this.table;
  }

  /**
   * Rebuilds from a fresh snapshot when the version moved. Calls during a build join it
   * and run one more build after it, so a caller always gets a table at least as new as
   * the store was when it called.
   */
  refresh(trigger: RebuildTrigger): Promise<void> {
    if (this.building) {
      this.again ??= trigger;
      return this.building;
    }
    this.building = this.rebuildLoop(trigger).finally(() => {
      this.building = undefined;
    });
    return this.building;
  }

  private async rebuildLoop(first: RebuildTrigger): Promise<void> {
    let trigger: RebuildTrigger | undefined = first;
    while (trigger) {
      this.again = undefined;
      const started = performance.now();
      const snapshot = await this.options.store.snapshot();
      this.lastCheckAt = Date.now();
      if (!this.table || snapshot.version !== this.table.version) {
        const table = compile(snapshot);
        this.table = table;
        const seconds = (performance.now() - started) / 1000;
        this.options.onRebuilt?.(table, trigger, seconds);
        this.options.logger.info({ trigger, ...table.stats(), ms: Math.round(seconds * 1000) }, 'table rebuilt');
      }
      trigger = this.again;
    }
  }

  /** Waits until the table is at least `version` (after this replica's own write). */
  async catchUp(version: number): Promise<void> {
    while (!this.table || this.table.version < version) await this.refresh('write');
  }

  /** Subscribes to the changes channel, builds the first table, then checks the version periodically. */
  async start(): Promise<void> {
    const { store, logger } = this.options;
    // Subscribe before the first snapshot, so no change falls between the two.
    if (!this.subscriber) {
      const subscriber = store.redis.duplicate();
      subscriber.on('error', () => {});
      subscriber.on('message', (_channel: string, message: string) => {
        const version = Number(message);
        if (!this.table || version > this.table.version) {
          this.refresh('message').catch((error: unknown) =>
            logger.warn({ err: error }, 'rebuild after a change message failed; the version check retries'),
          );
        }
      });
      this.subscriber = subscriber;
    }
    if (this.subscriber.status !== 'ready') {
      await this.subscriber.connect().catch(async (error: unknown) => {
        // connect() refuses a client that is already connecting; anything else is a failure.
        if (!/already connect/.test((error as Error).message)) throw error;
      });
    }
    await this.subscriber.subscribe(store.channel);
    await this.refresh('start');
    this.timer ??= setInterval(() => void this.check(), this.options.checkIntervalMs);
    this.timer.unref();
  }

  /** Reads the version; a table behind it (a missed message) is rebuilt. */
  async check(): Promise<void> {
    try {
      const version = await this.options.store.version();
      this.lastCheckAt = Date.now();
      if (this.checkFailing) this.options.logger.info('version checks work again');
      this.checkFailing = false;
      if (this.table && version !== this.table.version) await this.refresh('poll');
    } catch (error) {
      if (!this.checkFailing) this.options.logger.warn({ err: error }, 'version check failed; serving the last table');
      this.checkFailing = true;
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.building?.catch(() => {});
    this.subscriber?.disconnect();
    this.subscriber = undefined;
  }
}
