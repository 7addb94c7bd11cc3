/** The device registry and the read side (devices with their status, telemetry, findings, the summary). */

import type { Canonical } from '@azora/compliance-core';
import { HttpProblem } from '@azora/service-kit';
import type { PrismaClient } from './db.ts';
import { FINDING_KINDS, type FindingKind, redactPayload } from './detectors.ts';
import { type Algorithm, algorithmOfPublicKey } from './envelope.ts';
import { REJECTION_REASONS, type RejectionReason } from './ingest.ts';

export interface RegistryOptions {
  prisma: PrismaClient;
  offlineAfterMs: number;
  now?: () => Date;
}

type DeviceRow = {
  id: string;
  type: string;
  location: string;
  jurisdiction: string;
  algorithm: string;
  publicKey: Uint8Array;
  registeredBy: string;
  registeredAt: Date;
  decommissionedAt: Date | null;
  lastSeenAt: Date | null;
  offlineAt: Date | null;
};

export type DeviceStatus = 'online' | 'offline' | 'decommissioned';

export function createRegistry(options: RegistryOptions) {
  const { prisma } = options;
  const now = options.now ?? (() => new Date());

  /**
   * Online: seen (verified telemetry, or an 'online' status) within OFFLINE_AFTER_SECONDS, and no
   * 'offline' status (its last will, or a clean disconnect) since.
   */
  function statusOf(device: DeviceRow): DeviceStatus {
    if (device.decommissionedAt) return 'decommissioned';
    const seen = device.lastSeenAt?.getTime();
    if (seen === undefined || now().getTime() - seen > options.offlineAfterMs) return 'offline';
    if (device.offlineAt && device.offlineAt.getTime() >= seen) return 'offline';
    return 'online';
  }

  const view = (device: DeviceRow) => ({
    id: device.id,
    type: device.type,
    location: device.location,
    jurisdiction: device.jurisdiction,
    algorithm: device.algorithm,
    publicKey: Buffer.from(device.publicKey).toString('base64'),
    status: statusOf(device),
    lastSeenAt: device.lastSeenAt?.toISOString() ?? null,
    registeredAt: device.registeredAt.toISOString(),
    registeredBy: device.registeredBy,
    decommissionedAt: device.decommissionedAt?.toISOString() ?? null,
  });

  async function find(id: string) {
    const device = await prisma.device.findUnique({ where: { id } });
    if (!device) throw new HttpProblem(404, `no device ${id}`);
    return device;
  }

  return {
    async register(
      actor: string,
      input: {
        id: string;
        type: string;
        location: string;
        jurisdiction: string;
        algorithm?: Algorithm;
        publicKey: string;
      },
    ) {
      const publicKey = Buffer.from(input.publicKey, 'base64');
      const algorithm = algorithmOfPublicKey(publicKey);
      if (!algorithm) {
        throw new HttpProblem(
          400,
          'publicKey must be an ML-DSA-44 (1312 bytes) or ML-DSA-65 (1952 bytes) public key, base64',
        );
      }
      if (input.algorithm && input.algorithm !== algorithm) {
        throw new HttpProblem(400, `publicKey is an ${algorithm} key, not ${input.algorithm}`);
      }
      try {
        const device = await prisma.device.create({
          data: {
            id: input.id,
            type: input.type,
            location: input.location,
            jurisdiction: input.jurisdiction,
            algorithm,
            publicKey,
            registeredBy: actor,
            registeredAt: now(),
          },
        });
        return view(device);
      } catch (error) {
        if ((error as { code?: unknown }).code === 'P2002') {
          throw new HttpProblem(409, `device ${input.id} is already registered (ids are never reused)`);
        }
        throw error;
      }
    },

    async list(filter: { status?: DeviceStatus }) {
      const devices = (await prisma.device.findMany({ orderBy: { id: 'asc' } })).map(view);
      return filter.status ? devices.filter((device) => device.status === filter.status) : devices;
    },

    async get(id: string) {
      return view(await find(id));
    },

    /** Its messages are rejected from now on; its telemetry and findings stay (records are kept). */
    async decommission(actor: string, id: string) {
      const device = await find(id);
      if (device.decommissionedAt) return view(device);
      return view(
        await prisma.device.update({ where: { id }, data: { decommissionedAt: now(), decommissionedBy: actor } }),
      );
    },

    /** Newest first; with `redacted`, identifiers in the payloads are masked (see redactPayload). */
    async telemetry(filter: { device?: string; limit: number }, options: { redacted: boolean }) {
      const rows = await prisma.telemetry.findMany({
        where: filter.device ? { deviceId: filter.device } : {},
        orderBy: { id: 'desc' },
        take: filter.limit,
        include: { device: { select: { type: true } } },
      });
      return rows.map((row) => ({
        id: row.id.toString(),
        deviceId: row.deviceId,
        sentAt: row.sentAt.toISOString(),
        receivedAt: row.receivedAt.toISOString(),
        nonce: row.nonce,
        payload: options.redacted ? redactPayload(row.device.type, row.payload as Canonical) : row.payload,
        redacted: options.redacted,
      }));
    },

    async findings(filter: { status?: 'open' | 'resolved'; kind?: FindingKind; device?: string; limit: number }) {
      const rows = await prisma.finding.findMany({
        where: {
          ...(filter.kind ? { kind: filter.kind } : {}),
          ...(filter.device ? { deviceId: filter.device } : {}),
          ...(filter.status === 'open' ? { resolvedAt: null } : {}),
          ...(filter.status === 'resolved' ? { resolvedAt: { not: null } } : {}),
        },
        orderBy: { detectedAt: 'desc' },
        take: filter.limit,
      });
      return rows.map(findingView);
    },

    async resolveFinding(actor: string, id: string) {
      const finding = await prisma.finding.findUnique({ where: { id } });
      if (!finding) throw new HttpProblem(404, `no finding ${id}`);
      if (finding.resolvedAt) return findingView(finding);
      return findingView(
        await prisma.finding.update({ where: { id }, data: { resolvedAt: now(), resolvedBy: actor } }),
      );
    },

    async rejections(filter: { reason?: RejectionReason; limit: number }) {
      const rows = await prisma.rejection.findMany({
        where: filter.reason ? { reason: filter.reason } : {},
        orderBy: { id: 'desc' },
        take: filter.limit,
      });
      return rows.map((row) => ({
        id: row.id.toString(),
        reason: row.reason,
        deviceId: row.deviceId,
        detail: row.detail,
        receivedAt: row.receivedAt.toISOString(),
      }));
    },

    /** The shape the compliance dashboard reads (GET summary). */
    async summary() {
      const [devices, accepted, rejected, open, recent] = await Promise.all([
        prisma.device.findMany({ where: { decommissionedAt: null } }),
        prisma.telemetry.count(),
        prisma.rejection.groupBy({ by: ['reason'], _count: { _all: true } }),
        prisma.finding.groupBy({ by: ['kind'], where: { resolvedAt: null }, _count: { _all: true } }),
        prisma.finding.findMany({ orderBy: { detectedAt: 'desc' }, take: 10 }),
      ]);
      const online = devices.filter((device) => statusOf(device) === 'online').length;
      const rejectedBy = Object.fromEntries(REJECTION_REASONS.map((reason) => [reason, 0])) as Record<
        RejectionReason,
        number
      >;
      for (const row of rejected) rejectedBy[row.reason as RejectionReason] = row._count._all;
      const byKind = Object.fromEntries(FINDING_KINDS.map((kind) => [kind, 0])) as Record<FindingKind, number>;
      for (const row of open) byKind[row.kind as FindingKind] = row._count._all;
      return {
        devices: { total: devices.length, online, offline: devices.length - online },
        messages: { accepted, rejected: rejectedBy },
        findings: {
          open: Object.values(byKind).reduce((sum, count) => sum + count, 0),
          byKind,
          recent: recent.map(({ id, deviceId, kind, regime, detectedAt, summary }) => ({
            id,
            deviceId,
            kind,
            regime,
            detectedAt: detectedAt.toISOString(),
            summary,
          })),
        },
      };
    },

    async onlineCount() {
      const devices = await prisma.device.findMany({
        where: { decommissionedAt: null, lastSeenAt: { gte: new Date(now().getTime() - options.offlineAfterMs) } },
      });
      return devices.filter((device) => statusOf(device) === 'online').length;
    },
  };
}

function findingView(row: {
  id: string;
  deviceId: string;
  telemetryId: bigint;
  kind: string;
  regime: string;
  summary: string;
  detectedAt: Date;
  occurrences: number;
  lastDetectedAt: Date;
  publishedAt: Date | null;
  resolvedAt: Date | null;
  resolvedBy: string | null;
}) {
  return {
    id: row.id,
    deviceId: row.deviceId,
    kind: row.kind,
    regime: row.regime,
    summary: row.summary,
    detectedAt: row.detectedAt.toISOString(),
    telemetryId: row.telemetryId.toString(),
    occurrences: row.occurrences,
    lastDetectedAt: row.lastDetectedAt.toISOString(),
    publishedAt: row.publishedAt?.toISOString() ?? null,
    status: row.resolvedAt ? 'resolved' : 'open',
    resolvedAt: row.resolvedAt?.toISOString() ?? null,
    resolvedBy: row.resolvedBy,
  };
}

export type Registry = ReturnType<typeof createRegistry>;
export const ALERT_SOURCE = 'quantum-iot-integration';

/** The JSON published on compliance/alerts for a finding. */
export function alertOf(finding: {
  id: string;
  deviceId: string;
  kind: string;
  regime: string;
  detectedAt: Date;
  summary: string;
}) {
  return {
    id: finding.id,
    source: ALERT_SOURCE,
    deviceId: finding.deviceId,
    kind: finding.kind,
    regime: finding.regime,
    detectedAt: finding.detectedAt.toISOString(),
    summary: finding.summary,
  };
}
