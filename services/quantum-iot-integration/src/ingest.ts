/**
 * The telemetry pipeline, knowing nothing of MQTT or HTTP: a message as received is checked
 * (shape, device, freshness, ML-DSA signature, nonce), stored with what the detectors found,
 * or rejected and recorded by reason. Cheap checks come first, the signature last but one;
 * the nonce is checked by Postgres' unique constraint on (device_id, nonce) as the message is stored
 * (a message whose nonce the device used before is not stored).
 */
import { createHash } from 'node:crypto';
import type { ServiceMetrics } from '@azora/service-kit';
import type { PrismaClient } from './db.ts';
import { detect, type FindingKind } from './detectors.ts';
import { type Algorithm, type Envelope, parseEnvelope, verify } from './envelope.ts';

export const REJECTION_REASONS = ['bad_signature', 'unknown_device', 'replayed', 'stale', 'malformed'] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

export type Outcome =
  | { status: 'accepted'; telemetryId: bigint; newFindings: string[] }
  | { status: 'rejected'; reason: RejectionReason; detail: string }
  /** The broker delivered again a message already stored (its acknowledgement was lost). */
  | { status: 'redelivered' };

type Counter = ReturnType<ServiceMetrics['counter']>;

export interface IngestMetrics {
  accepted: Counter;
  rejected: Counter;
  redelivered: Counter;
  findings: Counter;
  verifySeconds: ReturnType<ServiceMetrics['histogram']>;
}

export interface IngestOptions {
  prisma: PrismaClient;
  maxClockSkewMs: number;
  now?: () => Date;
  metrics?: IngestMetrics;
  /** false only in the benchmark's baseline: the same pipeline without the ML-DSA verification. */
  verifySignatures?: boolean;
}

export interface Received {
  /** The device named by the topic `azora/iot/<deviceId>/telemetry`. */
  topicDeviceId: string;
  payload: Uint8Array;
  /** The MQTT DUP flag: set by the broker when it delivers a message again. */
  dup: boolean;
}

/**
 * A message Postgres refuses for its content (SQLSTATE class 22, data exception) or one our own
 * code cannot handle: retrying would block every message behind it for ever.
 */
function isUnstorable(error: unknown): boolean {
  if (error instanceof RangeError) return true;
  type Failure = {
    code?: unknown;
    originalCode?: unknown;
    cause?: unknown;
    meta?: { driverAdapterError?: { cause?: unknown } };
  };
  const seen = new Set<unknown>();
  const pending: unknown[] = [error];
  while (pending.length > 0) {
    const e = pending.pop() as Failure | undefined;
    if (!e || typeof e !== 'object' || seen.has(e)) continue;
    seen.add(e);
    if (/^22/.test(String(e.originalCode ?? e.code ?? ''))) return true;
    pending.push(e.cause, e.meta?.driverAdapterError?.cause);
  }
  return false;
}

export function createIngest(options: IngestOptions) {
  const { prisma, metrics } = options;
  const now = options.now ?? (() => new Date());
  const verifySignatures = options.verifySignatures ?? true;

  async function reject(reason: RejectionReason, deviceId: string | null, detail: string): Promise<Outcome> {
    await prisma.rejection.create({ data: { reason, deviceId, detail, receivedAt: now() } });
    metrics?.rejected.inc({ reason });
    return { status: 'rejected', reason, detail };
  }

  /**
   * Stores the message and its findings (one open finding per device and kind, counting
   * occurrences) and marks the device seen; undefined when the device used this nonce before.
   * The common case, nothing detected, is one statement: the insert (skipped on a used nonce)
   * and the last-seen update commit together or not at all.
   */
  async function store(envelope: Envelope, device: { id: string; type: string; jurisdiction: string }, digest: string) {
    const at = now();
    const detections = detect(device, envelope.payload);
    const insert = async (db: Pick<PrismaClient, '$queryRaw'>) => {
      const rows = await db.$queryRaw<{ id: bigint }[]>`
        WITH t AS (
          INSERT INTO telemetry (device_id, nonce, sent_at, received_at, payload, digest)
          VALUES (${device.id}, ${envelope.nonce}, ${new Date(envelope.ts)}, ${at}, ${JSON.stringify(envelope.payload)}::jsonb, ${digest})
          ON CONFLICT (device_id, nonce) DO NOTHING
          RETURNING id),
        seen AS (UPDATE devices SET last_seen_at = ${at} WHERE id = ${device.id} AND EXISTS (SELECT 1 FROM t))
        SELECT id FROM t`;
      return rows[0]?.id;
    };
    if (detections.length === 0) {
      const telemetryId = await insert(prisma);
      return telemetryId === undefined
        ? undefined
        : { telemetryId, newFindings: [] as string[], kinds: [] as FindingKind[] };
    }
    return prisma.$transaction(async (tx) => {
      const telemetryId = await insert(tx);
      if (telemetryId === undefined) return undefined;
      const newFindings: string[] = [];
      for (const detection of detections) {
        const open = await tx.finding.updateMany({
          where: { deviceId: device.id, kind: detection.kind, resolvedAt: null },
          data: { occurrences: { increment: 1 }, lastDetectedAt: at },
        });
        if (open.count > 0) continue;
        const finding = await tx.finding.create({
          data: { ...detection, deviceId: device.id, telemetryId, detectedAt: at, lastDetectedAt: at },
          select: { id: true },
        });
        newFindings.push(finding.id);
      }
      return { telemetryId, newFindings, kinds: detections.map((d) => d.kind) };
    });
  }

  return async function ingest(message: Received): Promise<Outcome> {
    const parsed = parseEnvelope(message.payload);
    if (!parsed.ok) return reject('malformed', message.topicDeviceId, parsed.detail);
    const { envelope } = parsed;
    if (envelope.deviceId !== message.topicDeviceId) {
      return reject('malformed', message.topicDeviceId, `deviceId ${envelope.deviceId} differs from the topic's`);
    }
    const device = await prisma.device.findUnique({
      where: { id: envelope.deviceId },
      select: { id: true, type: true, jurisdiction: true, algorithm: true, publicKey: true, decommissionedAt: true },
    });
    if (!device) return reject('unknown_device', envelope.deviceId, 'no such device is registered');
    if (device.decommissionedAt) return reject('unknown_device', envelope.deviceId, 'the device is decommissioned');
    const skewMs = Math.abs(now().getTime() - envelope.ts);
    if (skewMs > options.maxClockSkewMs) {
      return reject('stale', envelope.deviceId, `timestamp ${Math.round(skewMs / 1000)} s from the service's clock`);
    }
    if (verifySignatures) {
      const algorithm = device.algorithm as Algorithm;
      const stop = metrics?.verifySeconds.startTimer({ algorithm });
      const valid = verify(envelope, algorithm, device.publicKey);
      stop?.();
      if (!valid) return reject('bad_signature', envelope.deviceId, `the ${algorithm} signature does not verify`);
    }
    const digest = createHash('sha256').update(message.payload).digest('hex');
    let stored: Awaited<ReturnType<typeof store>>;
    try {
      stored = await store(envelope, device, digest);
    } catch (error) {
      // Only what no retry can change is rejected; anything else (Postgres away) is thrown, to retry.
      if (!isUnstorable(error)) throw error;
      // Not the database's message: it may quote the payload, which rejections must not keep.
      return reject('malformed', envelope.deviceId, 'could not be stored: Postgres refuses its content');
    }
    if (stored) {
      metrics?.accepted.inc();
      for (const kind of stored.kinds) metrics?.findings.inc({ kind });
      return { status: 'accepted', telemetryId: stored.telemetryId, newFindings: stored.newFindings };
    }
    // The nonce was used before: the same message delivered again by the broker, or a replay.
    const earlier = await prisma.telemetry.findUnique({
      where: { deviceId_nonce: { deviceId: envelope.deviceId, nonce: envelope.nonce } },
      select: { digest: true },
    });
    if (message.dup && earlier?.digest === digest) {
      metrics?.redelivered.inc();
      return { status: 'redelivered' };
    }
    return reject('replayed', envelope.deviceId, 'this nonce was already used by the device');
  };
}

export type Ingest = ReturnType<typeof createIngest>;
