// The network's configuration: operators, cells, slices, what each tracking area offers, and
// subscribers' slice subscriptions. Plain store code on Prisma; the HTTP layer validates shapes,
// this checks what only the database knows (does it exist, is it a duplicate, is it in use).
import {
  isCheckViolation,
  isForeignKeyViolation,
  isUniqueViolation,
  type Prisma,
  type PrismaClient,
  StoreError,
} from './db.ts';
import { presentSnssai, type Snssai, sliceType, snssaiKey } from './snssai.ts';

type Tx = Prisma.TransactionClient;

export interface OperatorInput {
  name: string;
  mcc: string;
  mnc: string;
}

export interface CellInput {
  operatorId: string;
  name: string;
  gnbId: number;
  tac: string;
  band: string;
  location: { latitude: number; longitude: number };
  maxSessions: number;
}

export type CellPatch = Partial<Omit<CellInput, 'operatorId'>>;

export interface SliceInput {
  operatorId: string;
  snssai: Snssai;
  name: string;
  guaranteedBitrateKbps: number;
  maxBitrateKbps: number;
  maxSessions: number;
  latencyBudgetMs: number;
}

export type SlicePatch = Partial<Omit<SliceInput, 'operatorId' | 'snssai'>>;

export interface SubscriptionInput {
  subscribedSnssais: Snssai[];
  defaultSnssais: Snssai[];
}

type OperatorRow = { id: string; name: string; mcc: string; mnc: string; createdAt: Date };
type CellRow = Prisma.CellGetPayload<object>;
type SliceRow = Prisma.SliceGetPayload<object>;

export const presentOperator = (row: OperatorRow) => ({
  id: row.id,
  name: row.name,
  plmnId: { mcc: row.mcc, mnc: row.mnc },
  createdAt: row.createdAt.toISOString(),
});

export const presentCell = (row: CellRow) => ({
  id: row.id,
  operatorId: row.operatorId,
  name: row.name,
  gnbId: Number(row.gnbId),
  tac: row.tac,
  band: row.band,
  location: { latitude: row.latitude, longitude: row.longitude },
  maxSessions: row.maxSessions,
  activeSessions: row.activeSessions,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

export const presentSlice = (row: SliceRow) => ({
  id: row.id,
  operatorId: row.operatorId,
  snssai: presentSnssai(row.sst, row.sd),
  key: row.snssai,
  type: sliceType(row.sst),
  name: row.name,
  guaranteedBitrateKbps: row.guaranteedBitrateKbps,
  reservedBitrateKbps: row.reservedBitrateKbps,
  maxBitrateKbps: row.maxBitrateKbps,
  maxSessions: row.maxSessions,
  activeSessions: row.activeSessions,
  latencyBudgetMs: row.latencyBudgetMs,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

const SUBSCRIBER_INCLUDE = { slices: { include: { slice: true } } } as const;
type SubscriberRow = Prisma.SubscriberGetPayload<{ include: typeof SUBSCRIBER_INCLUDE }>;

export const presentSubscriber = (row: SubscriberRow) => {
  const slices = [...row.slices].sort((a, b) => a.slice.snssai.localeCompare(b.slice.snssai));
  return {
    supi: row.supi,
    operatorId: row.operatorId,
    subscribedSnssais: slices.map((entry) => presentSnssai(entry.slice.sst, entry.slice.sd)),
    defaultSnssais: slices
      .filter((entry) => entry.isDefault)
      .map((entry) => presentSnssai(entry.slice.sst, entry.slice.sd)),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
};

const TA_INCLUDE = { slices: { include: { slice: true } } } as const;
type TrackingAreaRow = Prisma.TrackingAreaGetPayload<{ include: typeof TA_INCLUDE }>;

export const presentTrackingArea = (row: TrackingAreaRow) => ({
  operatorId: row.operatorId,
  tac: row.tac,
  name: row.name,
  slices: row.slices
    .map((entry) => entry.slice)
    .sort((a, b) => a.snssai.localeCompare(b.snssai))
    .map((slice) => ({ ...presentSnssai(slice.sst, slice.sd), name: slice.name })),
  updatedAt: row.updatedAt.toISOString(),
});

/** "001-01": how a PLMN is written in messages. */
const plmn = (operator: { mcc: string; mnc: string }) => `${operator.mcc}-${operator.mnc}`;

export class NetworkStore {
  private readonly prisma: PrismaClient;

  constructor(prisma: PrismaClient) {
    this.prisma = prisma;
  }

  // Operators --------------------------------------------------------------------------

  async createOperator(input: OperatorInput) {
    try {
      return presentOperator(await this.prisma.operator.create({ data: input }));
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const existing = await this.prisma.operator.findFirst({
        where: { OR: [{ name: input.name }, { mcc: input.mcc, mnc: input.mnc }] },
      });
      throw new StoreError(
        409,
        existing?.name === input.name
          ? `an operator named "${input.name}" already exists`
          : `an operator with PLMN ${plmn(input)} already exists`,
      );
    }
  }

  async listOperators() {
    return (await this.prisma.operator.findMany({ orderBy: { name: 'asc' } })).map(presentOperator);
  }

  async operator(id: string) {
    const row = await this.prisma.operator.findUnique({ where: { id } });
    if (!row) throw new StoreError(404, `no operator with id "${id}"`);
    return row;
  }

  async renameOperator(id: string, name: string) {
    await this.operator(id);
    try {
      return presentOperator(await this.prisma.operator.update({ where: { id }, data: { name } }));
    } catch (error) {
      if (isUniqueViolation(error)) throw new StoreError(409, `an operator named "${name}" already exists`);
      throw error;
    }
  }

  async deleteOperator(id: string) {
    await this.operator(id);
    try {
      await this.prisma.operator.delete({ where: { id } });
    } catch (error) {
      if (isForeignKeyViolation(error)) {
        throw new StoreError(
          409,
          'the operator still has cells, slices, tracking areas or subscribers: delete those first',
        );
      }
      throw error;
    }
  }

  // Cells ------------------------------------------------------------------------------

  async createCell(input: CellInput) {
    await this.operator(input.operatorId);
    const { location, gnbId, ...rest } = input;
    try {
      const row = await this.prisma.cell.create({ data: { ...rest, gnbId: BigInt(gnbId), ...location } });
      return presentCell(row);
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new StoreError(409, `the operator already has a cell named "${input.name}"`);
      }
      throw error;
    }
  }

  async listCells(operatorId?: string) {
    const rows = await this.prisma.cell.findMany({
      where: operatorId ? { operatorId } : {},
      orderBy: [{ operatorId: 'asc' }, { name: 'asc' }],
    });
    return rows.map(presentCell);
  }

  async cell(id: string) {
    const row = await this.prisma.cell.findUnique({ where: { id } });
    if (!row) throw new StoreError(404, `no cell with id "${id}"`);
    return row;
  }

  async updateCell(id: string, patch: CellPatch) {
    await this.cell(id);
    const { location, gnbId, ...rest } = patch;
    try {
      const row = await this.prisma.cell.update({
        where: { id },
        data: { ...rest, ...(gnbId === undefined ? {} : { gnbId: BigInt(gnbId) }), ...location },
      });
      return presentCell(row);
    } catch (error) {
      if (isUniqueViolation(error)) throw new StoreError(409, `the operator already has a cell named "${patch.name}"`);
      if (isCheckViolation(error)) {
        throw new StoreError(
          409,
          'maxSessions cannot go below the sessions active in the cell now: release some first',
        );
      }
      throw error;
    }
  }

  async deleteCell(id: string) {
    await this.cell(id);
    await this.deleteWithHistory('cell', (tx) => tx.cell.delete({ where: { id } }), { cellId: id });
  }

  // Slices -----------------------------------------------------------------------------

  async createSlice(input: SliceInput) {
    await this.operator(input.operatorId);
    const { snssai, ...rest } = input;
    try {
      const row = await this.prisma.slice.create({
        data: { ...rest, sst: snssai.sst, sd: snssai.sd ?? null, snssai: snssaiKey(snssai) },
      });
      return presentSlice(row);
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new StoreError(409, `the operator already has a slice with S-NSSAI ${snssaiKey(snssai)}`);
      }
      throw error;
    }
  }

  async listSlices(operatorId?: string) {
    const rows = await this.prisma.slice.findMany({
      where: operatorId ? { operatorId } : {},
      orderBy: [{ operatorId: 'asc' }, { sst: 'asc' }, { sd: { sort: 'asc', nulls: 'first' } }],
    });
    return rows.map(presentSlice);
  }

  async slice(id: string) {
    const row = await this.prisma.slice.findUnique({ where: { id } });
    if (!row) throw new StoreError(404, `no slice with id "${id}"`);
    return row;
  }

  async updateSlice(id: string, patch: SlicePatch) {
    const current = await this.slice(id);
    const maxBitrate = patch.maxBitrateKbps ?? current.maxBitrateKbps;
    const guaranteed = patch.guaranteedBitrateKbps ?? current.guaranteedBitrateKbps;
    if (maxBitrate > guaranteed) {
      throw new StoreError(
        422,
        `maxBitrateKbps (${maxBitrate}) cannot exceed guaranteedBitrateKbps (${guaranteed}): no session could get it`,
      );
    }
    try {
      return presentSlice(await this.prisma.slice.update({ where: { id }, data: patch }));
    } catch (error) {
      if (isCheckViolation(error)) {
        throw new StoreError(
          409,
          'maxSessions or guaranteedBitrateKbps cannot go below what the slice’s active sessions hold now: release some first',
        );
      }
      throw error;
    }
  }

  async deleteSlice(id: string) {
    await this.slice(id);
    await this.deleteWithHistory('slice', (tx) => tx.slice.delete({ where: { id } }), { sliceId: id });
  }

  /** The operator's slices by S-NSSAI key; 404 naming the first S-NSSAI it does not have. */
  async slicesBySnssai(operatorId: string, snssais: readonly Snssai[], field: string) {
    const keys = snssais.map(snssaiKey);
    const rows = await this.prisma.slice.findMany({ where: { operatorId, snssai: { in: keys } } });
    const byKey = new Map(rows.map((row) => [row.snssai, row]));
    keys.forEach((key, index) => {
      if (!byKey.has(key))
        throw new StoreError(404, `${field}[${index}]: the operator has no slice with S-NSSAI ${key}`);
    });
    return byKey;
  }

  // Tracking areas ---------------------------------------------------------------------

  /** Creates or replaces the tracking area's offer; `created` when it did not exist. */
  async putTrackingArea(operatorId: string, tac: string, input: { name?: string; slices: Snssai[] }) {
    await this.operator(operatorId);
    const slices = await this.slicesBySnssai(operatorId, input.slices, 'slices');
    return this.prisma.$transaction(async (tx) => {
      const existing = await tx.trackingArea.findUnique({ where: { operatorId_tac: { operatorId, tac } } });
      const area = await tx.trackingArea.upsert({
        where: { operatorId_tac: { operatorId, tac } },
        create: { operatorId, tac, name: input.name ?? null },
        update: { name: input.name ?? null },
      });
      await tx.trackingAreaSlice.deleteMany({ where: { trackingAreaId: area.id } });
      await tx.trackingAreaSlice.createMany({
        data: [...slices.values()].map((slice) => ({ trackingAreaId: area.id, sliceId: slice.id })),
      });
      const row = await tx.trackingArea.findUniqueOrThrow({ where: { id: area.id }, include: TA_INCLUDE });
      return { trackingArea: presentTrackingArea(row), created: existing === null };
    });
  }

  async listTrackingAreas(operatorId: string) {
    await this.operator(operatorId);
    const rows = await this.prisma.trackingArea.findMany({
      where: { operatorId },
      include: TA_INCLUDE,
      orderBy: { tac: 'asc' },
    });
    return rows.map(presentTrackingArea);
  }

  async trackingArea(operatorId: string, tac: string) {
    await this.operator(operatorId);
    const row = await this.prisma.trackingArea.findUnique({
      where: { operatorId_tac: { operatorId, tac } },
      include: TA_INCLUDE,
    });
    if (!row) throw new StoreError(404, `the operator has no tracking area with TAC ${tac}`);
    return presentTrackingArea(row);
  }

  async deleteTrackingArea(operatorId: string, tac: string) {
    await this.trackingArea(operatorId, tac);
    await this.prisma.trackingArea.delete({ where: { operatorId_tac: { operatorId, tac } } });
  }

  /** The S-NSSAI keys a tracking area offers (none when it is not configured). */
  async offeredIn(operatorId: string, tac: string): Promise<Set<string>> {
    const rows = await this.prisma.trackingAreaSlice.findMany({
      where: { trackingArea: { operatorId, tac } },
      include: { slice: { select: { snssai: true } } },
    });
    return new Set(rows.map((row) => row.slice.snssai));
  }

  // Subscribers ------------------------------------------------------------------------

  async createSubscriber(input: { supi: string; operatorId: string } & SubscriptionInput) {
    const operator = await this.operator(input.operatorId);
    const imsi = input.supi.slice('imsi-'.length);
    if (!imsi.startsWith(operator.mcc + operator.mnc)) {
      throw new StoreError(
        422,
        `the SUPI ${input.supi} is not an IMSI of the operator's PLMN ${plmn(operator)} (it must start with imsi-${operator.mcc}${operator.mnc})`,
      );
    }
    const slices = await this.slicesBySnssai(input.operatorId, input.subscribedSnssais, 'subscribedSnssais');
    const defaults = new Set(input.defaultSnssais.map(snssaiKey));
    try {
      const row = await this.prisma.subscriber.create({
        data: {
          supi: input.supi,
          operatorId: input.operatorId,
          slices: {
            create: [...slices.values()].map((slice) => ({ sliceId: slice.id, isDefault: defaults.has(slice.snssai) })),
          },
        },
        include: SUBSCRIBER_INCLUDE,
      });
      return presentSubscriber(row);
    } catch (error) {
      if (isUniqueViolation(error)) throw new StoreError(409, `a subscriber with SUPI ${input.supi} already exists`);
      throw error;
    }
  }

  async listSubscribers(options: { operatorId?: string; limit: number; after?: string }) {
    const rows = await this.prisma.subscriber.findMany({
      where: {
        ...(options.operatorId ? { operatorId: options.operatorId } : {}),
        ...(options.after ? { supi: { gt: options.after } } : {}),
      },
      include: SUBSCRIBER_INCLUDE,
      orderBy: { supi: 'asc' },
      take: options.limit,
    });
    return rows.map(presentSubscriber);
  }

  async subscriber(supi: string) {
    const row = await this.prisma.subscriber.findUnique({ where: { supi }, include: SUBSCRIBER_INCLUDE });
    if (!row) throw new StoreError(404, `no subscriber with SUPI ${supi}`);
    return row;
  }

  /** Replaces the subscription's S-NSSAIs (sessions already admitted keep running). */
  async setSubscription(supi: string, input: SubscriptionInput) {
    const subscriber = await this.subscriber(supi);
    const slices = await this.slicesBySnssai(subscriber.operatorId, input.subscribedSnssais, 'subscribedSnssais');
    const defaults = new Set(input.defaultSnssais.map(snssaiKey));
    const row = await this.prisma.$transaction(async (tx) => {
      await tx.subscribedSlice.deleteMany({ where: { subscriberId: subscriber.id } });
      return tx.subscriber.update({
        where: { id: subscriber.id },
        data: {
          updatedAt: new Date(),
          slices: {
            create: [...slices.values()].map((slice) => ({ sliceId: slice.id, isDefault: defaults.has(slice.snssai) })),
          },
        },
        include: SUBSCRIBER_INCLUDE,
      });
    });
    return presentSubscriber(row);
  }

  async deleteSubscriber(supi: string) {
    const subscriber = await this.subscriber(supi);
    await this.deleteWithHistory('subscriber', (tx) => tx.subscriber.delete({ where: { id: subscriber.id } }), {
      subscriberId: subscriber.id,
    });
  }

  /**
   * Deletes a row together with its released sessions, in one transaction. Its active sessions
   * keep it: their foreign keys refuse the delete (and a session admitted meanwhile holds a
   * key-share lock on the row, so the two cannot interleave).
   */
  private async deleteWithHistory(
    what: 'cell' | 'slice' | 'subscriber',
    remove: (tx: Tx) => Promise<unknown>,
    sessions: Prisma.PduSessionWhereInput,
  ) {
    try {
      await this.prisma.$transaction(async (tx) => {
        await tx.pduSession.deleteMany({ where: { ...sessions, releasedAt: { not: null } } });
        await remove(tx);
      });
    } catch (error) {
      if (!isForeignKeyViolation(error)) throw error;
      const active = await this.prisma.pduSession.count({ where: { ...sessions, releasedAt: null } });
      throw new StoreError(
        409,
        active > 0
          ? `the ${what} has ${active} active PDU session${active === 1 ? '' : 's'}: release them first`
          : `the ${what} is still in use (subscribed to, or offered in a tracking area): remove it there first`,
      );
    }
  }
}
