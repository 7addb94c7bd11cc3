/**
 * The MQTT side: one client with a fixed clientId and a persistent session (clean: false, QoS 1
 * subscriptions), so the broker keeps what devices publish while the service is down and
 * delivers it on reconnection. mqtt.js acknowledges a QoS 1 message (PUBACK) when the client's
 * `handleMessage(packet, callback)` calls back; it is replaced here so the callback comes only
 * once the message is stored (or its rejection recorded). A store that fails (Postgres down)
 * is retried; the message is never acknowledged meanwhile, and mqtt.js hands over the next
 * message only after this one's callback, so nothing acknowledged is ever lost. On shutdown a
 * message not yet stored stays unacknowledged and the broker delivers it again to the next session.
 *
 * Also: device status (`azora/iot/<id>/status`, 'online' / 'offline', retained, 'offline' as the
 * device's last will) and the outbox of findings published on `compliance/alerts` (QoS 1).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@azora/service-kit';
import mqtt, { type IPublishPacket, type MqttClient } from 'mqtt';
import type { PrismaClient } from './db.ts';
import { DEFAULT_TOPIC_ROOT } from './envelope.ts';
import type { Ingest } from './ingest.ts';
import { alertOf } from './registry.ts';

export const DEFAULT_ALERTS_TOPIC = 'compliance/alerts';

export interface BridgeOptions {
  url: string;
  username?: string;
  password?: string;
  clientId: string;
  /** Devices publish under `<topicRoot>/<deviceId>/…` (default azora/iot). */
  topicRoot?: string;
  /** Where findings are published (default compliance/alerts). */
  alertsTopic?: string;
  ingest: Ingest;
  prisma: PrismaClient;
  logger: Logger;
  now?: () => Date;
  /** How often findings not yet published are retried (ms). */
  outboxIntervalMs?: number;
  onStatus?: (status: 'online' | 'offline') => void;
}

export function createBridge(options: BridgeOptions) {
  const { logger, prisma } = options;
  const now = options.now ?? (() => new Date());
  const root = options.topicRoot ?? DEFAULT_TOPIC_ROOT;
  const alertsTopic = options.alertsTopic ?? DEFAULT_ALERTS_TOPIC;
  const topicPattern = new RegExp(`^${root.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/([^/]+)/(telemetry|status)$`);
  let client: MqttClient | undefined;
  let closing = false;
  let current: Promise<void> | undefined;
  let outboxTimer: NodeJS.Timeout | undefined;
  let flushing: Promise<void> | undefined;

  async function onStatus(deviceId: string, text: string, retained: boolean) {
    const status = text.trim().toLowerCase();
    if (status !== 'online' && status !== 'offline') return;
    // A retained 'online' comes from some time ago: only telemetry or a live status says "seen now".
    if (status === 'online' && retained) return;
    await prisma.device.updateMany({
      where: { id: deviceId, decommissionedAt: null },
      data: status === 'online' ? { lastSeenAt: now() } : { offlineAt: now() },
    });
  }

  async function handle(packet: IPublishPacket): Promise<void> {
    const match = topicPattern.exec(packet.topic);
    if (!match) return;
    const [, deviceId = '', kind] = match;
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    if (kind === 'status') return onStatus(deviceId, payload.toString('utf8'), packet.retain);
    const outcome = await options.ingest({ topicDeviceId: deviceId, payload, dup: packet.dup });
    if (outcome.status === 'rejected') {
      logger.warn({ deviceId, reason: outcome.reason, detail: outcome.detail }, 'telemetry rejected');
    } else if (outcome.status === 'accepted' && outcome.newFindings.length > 0) {
      // Not awaited: the PUBACKs of these publishes arrive behind this message's callback.
      void flushOutbox();
    }
  }

  /** Processes a message until it is stored or recorded, retrying failures, unless shutting down. */
  async function processUntilDone(packet: IPublishPacket): Promise<boolean> {
    for (let attempt = 1; !closing; attempt++) {
      try {
        await handle(packet);
        return true;
      } catch (error) {
        logger.warn(
          { err: error, topic: packet.topic, attempt },
          'storing a message failed; retrying (not acknowledged)',
        );
        await sleep(Math.min(200 * attempt, 5000));
      }
    }
    return false;
  }

  /**
   * Publishes findings not yet on compliance/alerts, oldest first, marking each once the broker
   * has it (at least once: a finding whose mark failed is published again, with the same id).
   */
  async function publishPending(): Promise<void> {
    const connected = () => client?.connected && !closing;
    try {
      while (connected()) {
        const batch = await prisma.finding.findMany({
          where: { publishedAt: null },
          orderBy: { detectedAt: 'asc' },
          take: 50,
        });
        if (batch.length === 0) return;
        for (const finding of batch) {
          if (!connected()) return;
          await client?.publishAsync(alertsTopic, JSON.stringify(alertOf(finding)), { qos: 1 });
          await prisma.finding.update({ where: { id: finding.id }, data: { publishedAt: now() } });
        }
      }
    } catch (error) {
      logger.warn({ err: error }, 'publishing findings on compliance/alerts failed; retrying later');
    }
  }

  /** One flush at a time; a call during a flush shares it. */
  function flushOutbox(): Promise<void> {
    flushing ??= publishPending().finally(() => {
      flushing = undefined;
    });
    return flushing;
  }

  return {
    name: 'mqtt',
    get connected() {
      return client?.connected ?? false;
    },
    /** Connects, and reconnects, in the background; subscribes on each connection. */
    start() {
      client = mqtt.connect(options.url, {
        clientId: options.clientId,
        clean: false,
        protocolVersion: 4,
        username: options.username,
        password: options.password,
        reconnectPeriod: 1000,
        connectTimeout: 5000,
        resubscribe: true,
      });
      client.handleMessage = (packet, callback) => {
        current = processUntilDone(packet).then((done) => {
          // Acknowledged only when done; when shutting down the broker keeps it for the next session.
          if (done) callback();
        });
      };
      client.on('connect', (connack) => {
        logger.info({ sessionPresent: connack.sessionPresent, clientId: options.clientId }, 'connected to MQTT');
        options.onStatus?.('online');
        client
          ?.subscribeAsync({ [`${root}/+/telemetry`]: { qos: 1 }, [`${root}/+/status`]: { qos: 1 } })
          .then(() => flushOutbox())
          .catch((error: unknown) => logger.warn({ err: error }, 'subscribing failed'));
      });
      client.on('close', () => options.onStatus?.('offline'));
      client.on('error', (error) => logger.warn({ err: error }, 'MQTT error'));
      outboxTimer = setInterval(() => void flushOutbox(), options.outboxIntervalMs ?? 5000);
      outboxTimer.unref();
    },
    flushOutbox,
    async close() {
      closing = true;
      clearInterval(outboxTimer);
      await Promise.race([current, sleep(3000)]);
      await Promise.race([flushing, sleep(1000)]);
      // Forced: a message still unacknowledged stays with the broker for the next session.
      await client?.endAsync(true);
    },
  };
}

export type Bridge = ReturnType<typeof createBridge>;
