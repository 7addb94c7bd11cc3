// Cell KPI reports: each cell's load, throughput and latency, and optionally each slice's share
// (its throughput and latency in that cell), which the network summary turns into per-slice p95
// latency. A batch is written whole or not at all.
import { type PrismaClient, StoreError } from './db.ts';
import { type Snssai, snssaiKey } from './snssai.ts';

export interface KpiSample {
  cellId: string;
  /** Default: when the report arrives. */
  observedAt?: Date;
  loadPercent: number;
  throughputMbps: number;
  latencyMs: number;
  slices?: { snssai: Snssai; throughputMbps: number; latencyMs: number }[];
}

export class KpiStore {
  private readonly prisma: PrismaClient;

  constructor(prisma: PrismaClient) {
    this.prisma = prisma;
  }

  /** Stores the samples in one transaction; 404 naming the first unknown cell or S-NSSAI. */
  async ingest(samples: readonly KpiSample[], now = new Date()): Promise<{ accepted: number; sliceSamples: number }> {
    const cellIds = [...new Set(samples.map((sample) => sample.cellId))];
    const cells = new Map(
      (await this.prisma.cell.findMany({ where: { id: { in: cellIds } }, select: { id: true, operatorId: true } })).map(
        (cell) => [cell.id, cell.operatorId],
      ),
    );
    const operators = [...new Set(cells.values())];
    const slices = new Map(
      (
        await this.prisma.slice.findMany({
          where: { operatorId: { in: operators } },
          select: { id: true, operatorId: true, snssai: true },
        })
      ).map((slice) => [`${slice.operatorId}/${slice.snssai}`, slice.id]),
    );
    const cellRows = [];
    const sliceRows = [];
    for (const [index, sample] of samples.entries()) {
      const operatorId = cells.get(sample.cellId);
      const where = samples.length === 1 ? '' : `samples[${index}].`;
      if (!operatorId) throw new StoreError(404, `${where}cellId: no cell with id "${sample.cellId}"`);
      const observedAt = sample.observedAt ?? now;
      cellRows.push({
        cellId: sample.cellId,
        observedAt,
        loadPercent: sample.loadPercent,
        throughputMbps: sample.throughputMbps,
        latencyMs: sample.latencyMs,
      });
      for (const [sliceIndex, share] of (sample.slices ?? []).entries()) {
        const key = snssaiKey(share.snssai);
        const sliceId = slices.get(`${operatorId}/${key}`);
        if (!sliceId) {
          throw new StoreError(404, `${where}slices[${sliceIndex}].snssai: the cell's operator has no slice ${key}`);
        }
        sliceRows.push({
          sliceId,
          cellId: sample.cellId,
          observedAt,
          throughputMbps: share.throughputMbps,
          latencyMs: share.latencyMs,
        });
      }
    }
    await this.prisma.$transaction([
      this.prisma.cellKpi.createMany({ data: cellRows }),
      this.prisma.sliceKpi.createMany({ data: sliceRows }),
    ]);
    return { accepted: cellRows.length, sliceSamples: sliceRows.length };
  }

  /** Deletes samples observed before `before`; returns how many. */
  async prune(before: Date): Promise<number> {
    const [cells, slices] = await this.prisma.$transaction([
      this.prisma.cellKpi.deleteMany({ where: { observedAt: { lt: before } } }),
      this.prisma.sliceKpi.deleteMany({ where: { observedAt: { lt: before } } }),
    ]);
    return cells.count + slices.count;
  }
}
