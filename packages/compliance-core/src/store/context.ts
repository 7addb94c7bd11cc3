import type { Prisma, PrismaClient } from '../db/database.ts';
import type { Keyring } from '../identity/keys.ts';
import type { RulePack } from '../regimes/types.ts';
import { type AuditRecord, appendAudit } from './audit.ts';

export type Tx = Prisma.TransactionClient;

/** What every part of the store needs: the database, the regime's rules, the identity keys and the clock. */
export interface StoreContext {
  prisma: PrismaClient;
  pack: RulePack;
  identity: { hashKey: Buffer; keyring: Keyring };
  now: () => Date;
  /** The target for notifications without a legal deadline (hours after detection). */
  notificationTargetHours: number;
  /** The regime extension's automatic controls, by the name in `ControlRule.automatic`. */
  controlChecks?: Readonly<Record<string, ControlCheck>>;
}

/** An automatic control of a regime: its status and evidence, read from the data now. */
export type ControlCheck = (ctx: StoreContext) => Promise<{ status: 'pass' | 'fail'; evidence: string }>;

/**
 * A change the store refuses: 403 this caller may not (segregation of duties: the message says
 * why), 404 unknown, 409 not allowed in the current state, 422 refused by the rules.
 */
export class StoreError extends Error {
  override name = 'StoreError';
  readonly status: 403 | 404 | 409 | 422;
  constructor(status: 403 | 404 | 409 | 422, message: string) {
    super(message);
    this.status = status;
  }
}

const isUniqueViolation = (error: unknown) => (error as { code?: string })?.code === 'P2002';

/** A client's Idempotency-Key for a write, and the fingerprint of what it asked (route and body). */
export interface Idempotency {
  key: string;
  fingerprint: string;
}

/**
 * Runs `change` in one transaction with the audit rows it writes (`audit(...)`), so a change
 * is never recorded without its audit entry nor the other way round. A unique violation
 * (two requests creating the same new subject at once) aborts the transaction; it is run
 * again, and then finds the row the other one made.
 *
 * With `idempotency`, the answer is stored in the same transaction under the caller's key:
 * a retry with that key gets the stored answer and changes nothing; the same key with
 * another body is refused (422). Two racing retries collide on the key, and the loser's
 * transaction runs again and replays the winner's answer.
 */
export async function write<T>(
  ctx: StoreContext,
  actor: string,
  change: (tx: Tx, audit: (record: AuditRecord) => Promise<void>) => Promise<T>,
  idempotency?: Idempotency,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await ctx.prisma.$transaction(
        async (tx) => {
          if (idempotency) {
            const stored = await tx.idempotentWrite.findUnique({
              where: { actor_key: { actor, key: idempotency.key } },
            });
            if (stored) {
              if (stored.fingerprint !== idempotency.fingerprint) {
                throw new StoreError(
                  422,
                  'this Idempotency-Key was already used for a different request; use a new key',
                );
              }
              return stored.response as T;
            }
          }
          const result = await change(tx, (record) => appendAudit(tx, { ...record, actor, at: ctx.now() }));
          if (idempotency) {
            await tx.idempotentWrite.create({
              data: { actor, ...idempotency, status: 201, response: JSON.parse(JSON.stringify(result)) },
            });
          }
          return result;
        },
        { timeout: 15_000, maxWait: 10_000 },
      );
    } catch (error) {
      if (!isUniqueViolation(error) || attempt >= 3) throw error;
    }
  }
}
