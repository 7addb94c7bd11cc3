// PDU session admission. Capacity is taken by atomic conditional updates inside one
// transaction — `UPDATE … SET active = active + 1 WHERE active < max … RETURNING` on the slice,
// then on the cell — never by reading the count and inserting after it: concurrent admissions
// queue on the row's lock and each re-checks the condition against the committed count, so a
// slice of 100 sessions admits exactly 100 however many ask at once. A refusal after the slice
// was taken (the cell is full) rolls the whole transaction back.
import { isUniqueViolation, type Prisma, type PrismaClient, StoreError } from './db.ts';
import type { NetworkStore } from './network.ts';
import { presentSnssai, type Snssai, snssaiKey } from './snssai.ts';

/** Why a session was not admitted. */
export type RefusalReason =
  /** The subscription does not include the S-NSSAI (or the operator has no such slice). */
  | 'S_NSSAI_NOT_SUBSCRIBED'
  /** The cell's tracking area does not offer the slice (or the cell is another operator's). */
  | 'S_NSSAI_NOT_AVAILABLE_IN_TA'
  | 'BITRATE_ABOVE_MAXIMUM'
  /** The slice's guaranteed bitrate is already reserved by its sessions. */
  | 'BITRATE_NOT_GUARANTEED'
  | 'SLICE_FULL'
  | 'CELL_FULL';

export const REFUSAL_REASONS: readonly RefusalReason[] = [
  'S_NSSAI_NOT_SUBSCRIBED',
  'S_NSSAI_NOT_AVAILABLE_IN_TA',
  'BITRATE_ABOVE_MAXIMUM',
  'BITRATE_NOT_GUARANTEED',
  'SLICE_FULL',
  'CELL_FULL',
];

export class AdmissionRefused extends Error {
  override name = 'AdmissionRefused';
  readonly reason: RefusalReason;
  constructor(reason: RefusalReason, message: string) {
    super(message);
    this.reason = reason;
  }
}

export interface AdmissionRequest {
  supi: string;
  snssai: Snssai;
  cellId: string;
  bitrateKbps: number;
  /** Who asks (the caller's subject). */
  by: string;
  /** The caller's Idempotency-Key: asking again with it returns the session it admitted. */
  idempotencyKey?: string;
}

type SessionRow = Prisma.PduSessionGetPayload<{ include: { subscriber: true; slice: true } }>;

export const presentSession = (row: SessionRow) => ({
  id: row.id,
  supi: row.subscriber.supi,
  snssai: presentSnssai(row.slice.sst, row.slice.sd),
  sliceId: row.sliceId,
  cellId: row.cellId,
  bitrateKbps: row.bitrateKbps,
  status: row.releasedAt ? ('released' as const) : ('active' as const),
  admittedBy: row.admittedBy,
  admittedAt: row.admittedAt.toISOString(),
  releasedAt: row.releasedAt?.toISOString() ?? null,
});
export type SessionView = ReturnType<typeof presentSession>;

const INCLUDE = { subscriber: true, slice: true } as const;

export interface SessionStoreOptions {
  /** How long an admission may wait for a connection to start its transaction (ms). */
  maxWaitMs?: number;
  /** How long its transaction may take (ms). */
  timeoutMs?: number;
}

export class SessionStore {
  private readonly prisma: PrismaClient;
  private readonly network: NetworkStore;
  private readonly options: SessionStoreOptions;

  constructor(prisma: PrismaClient, network: NetworkStore, options: SessionStoreOptions = {}) {
    this.prisma = prisma;
    this.network = network;
    this.options = options;
  }

  /** Admits the session or throws AdmissionRefused; `created` false when the Idempotency-Key replayed it. */
  async admit(request: AdmissionRequest): Promise<{ session: SessionView; created: boolean }> {
    const key = request.idempotencyKey === undefined ? undefined : `${request.by}:${request.idempotencyKey}`;
    if (key) {
      const replayed = await this.replay(key, request);
      if (replayed) return { session: replayed, created: false };
    }
    const subscriber = await this.network.subscriber(request.supi);
    const cell = await this.network.cell(request.cellId);
    const wanted = snssaiKey(request.snssai);
    const subscribed = subscriber.slices.find((entry) => entry.slice.snssai === wanted)?.slice;
    if (!subscribed) {
      throw new AdmissionRefused('S_NSSAI_NOT_SUBSCRIBED', `${request.supi} does not subscribe to S-NSSAI ${wanted}`);
    }
    if (cell.operatorId !== subscriber.operatorId) {
      throw new AdmissionRefused(
        'S_NSSAI_NOT_AVAILABLE_IN_TA',
        `cell "${cell.name}" belongs to another operator than the subscriber's; roaming is not supported`,
      );
    }
    if (!(await this.network.offeredIn(cell.operatorId, cell.tac)).has(wanted)) {
      throw new AdmissionRefused(
        'S_NSSAI_NOT_AVAILABLE_IN_TA',
        `tracking area ${cell.tac} of cell "${cell.name}" does not offer S-NSSAI ${wanted}`,
      );
    }
    if (request.bitrateKbps > subscribed.maxBitrateKbps) {
      throw new AdmissionRefused(
        'BITRATE_ABOVE_MAXIMUM',
        `${request.bitrateKbps} kbps is above the slice's per-session maximum of ${subscribed.maxBitrateKbps} kbps`,
      );
    }
    try {
      const id = await this.prisma.$transaction(
        async (tx) => {
          const slice = await tx.$queryRaw<{ id: string }[]>`
            UPDATE "slices"
               SET "active_sessions" = "active_sessions" + 1,
                   "reserved_bitrate_kbps" = "reserved_bitrate_kbps" + ${request.bitrateKbps},
                   "updated_at" = now()
             WHERE "id" = ${subscribed.id}::uuid
               AND "active_sessions" < "max_sessions"
               AND "reserved_bitrate_kbps" + ${request.bitrateKbps} <= "guaranteed_bitrate_kbps"
            RETURNING "id"`;
          if (slice.length === 0) await this.refuseSlice(tx, subscribed.id, wanted, request.bitrateKbps);
          const taken = await tx.$queryRaw<{ id: string }[]>`
            UPDATE "cells"
               SET "active_sessions" = "active_sessions" + 1, "updated_at" = now()
             WHERE "id" = ${cell.id}::uuid AND "active_sessions" < "max_sessions"
            RETURNING "id"`;
          if (taken.length === 0) {
            throw new AdmissionRefused(
              'CELL_FULL',
              `cell "${cell.name}" has all ${cell.maxSessions} of its sessions in use`,
            );
          }
          const session = await tx.pduSession.create({
            data: {
              subscriberId: subscriber.id,
              sliceId: subscribed.id,
              cellId: cell.id,
              bitrateKbps: request.bitrateKbps,
              idempotencyKey: key ?? null,
              admittedBy: request.by,
            },
            select: { id: true },
          });
          return session.id;
        },
        { maxWait: this.options.maxWaitMs ?? 10_000, timeout: this.options.timeoutMs ?? 10_000 },
      );
      return { session: await this.session(id), created: true };
    } catch (error) {
      // Two requests with one Idempotency-Key raced: the loser's transaction (and its capacity) rolled back.
      if (key && isUniqueViolation(error)) {
        const replayed = await this.replay(key, request);
        if (replayed) return { session: replayed, created: false };
      }
      throw error;
    }
  }

  /** The slice's conditional update matched nothing: say which limit stopped it. */
  private async refuseSlice(tx: Prisma.TransactionClient, sliceId: string, key: string, bitrateKbps: number) {
    const slice = await tx.slice.findUniqueOrThrow({ where: { id: sliceId } });
    if (slice.activeSessions >= slice.maxSessions) {
      throw new AdmissionRefused('SLICE_FULL', `slice ${key} has all ${slice.maxSessions} of its sessions in use`);
    }
    throw new AdmissionRefused(
      'BITRATE_NOT_GUARANTEED',
      `slice ${key} cannot guarantee ${bitrateKbps} kbps more: ${slice.reservedBitrateKbps} of its ${slice.guaranteedBitrateKbps} kbps are reserved`,
    );
  }

  private async replay(key: string, request: AdmissionRequest): Promise<SessionView | undefined> {
    const row = await this.prisma.pduSession.findUnique({ where: { idempotencyKey: key }, include: INCLUDE });
    if (!row) return undefined;
    const same =
      row.subscriber.supi === request.supi &&
      row.slice.snssai === snssaiKey(request.snssai) &&
      row.cellId === request.cellId &&
      row.bitrateKbps === request.bitrateKbps;
    if (!same) {
      throw new StoreError(422, 'this Idempotency-Key was already used for a different session; use a new key');
    }
    return presentSession(row);
  }

  async session(id: string): Promise<SessionView> {
    const row = await this.prisma.pduSession.findUnique({ where: { id }, include: INCLUDE });
    if (!row) throw new StoreError(404, `no PDU session with id "${id}"`);
    return presentSession(row);
  }

  async list(filter: { supi?: string; sliceId?: string; cellId?: string; active?: boolean; limit: number }) {
    const rows = await this.prisma.pduSession.findMany({
      where: {
        ...(filter.supi ? { subscriber: { supi: filter.supi } } : {}),
        ...(filter.sliceId ? { sliceId: filter.sliceId } : {}),
        ...(filter.cellId ? { cellId: filter.cellId } : {}),
        ...(filter.active === undefined ? {} : { releasedAt: filter.active ? null : { not: null } }),
      },
      include: INCLUDE,
      orderBy: [{ admittedAt: 'desc' }, { id: 'asc' }],
      take: filter.limit,
    });
    return rows.map(presentSession);
  }

  /**
   * Releases the session and gives its capacity back, once: the session row is marked released
   * only if it was active, and only that call decrements the counters. Releasing again answers
   * with the released session and changes nothing (`released` false).
   */
  async release(id: string): Promise<{ session: SessionView; released: boolean }> {
    const released = await this.prisma.$transaction(
      async (tx) => {
        const rows = await tx.$queryRaw<{ slice_id: string; cell_id: string; bitrate_kbps: number }[]>`
          UPDATE "pdu_sessions" SET "released_at" = now()
           WHERE "id" = ${id}::uuid AND "released_at" IS NULL
          RETURNING "slice_id"::text, "cell_id"::text, "bitrate_kbps"`;
        const row = rows[0];
        if (!row) return false;
        await tx.$executeRaw`
          UPDATE "slices"
             SET "active_sessions" = "active_sessions" - 1,
                 "reserved_bitrate_kbps" = "reserved_bitrate_kbps" - ${row.bitrate_kbps},
                 "updated_at" = now()
           WHERE "id" = ${row.slice_id}::uuid`;
        await tx.$executeRaw`
          UPDATE "cells" SET "active_sessions" = "active_sessions" - 1, "updated_at" = now()
           WHERE "id" = ${row.cell_id}::uuid`;
        return true;
      },
      { maxWait: this.options.maxWaitMs ?? 10_000, timeout: this.options.timeoutMs ?? 10_000 },
    );
    return { session: await this.session(id), released };
  }
}
