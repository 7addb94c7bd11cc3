// The service's settings and their defaults, declared once: main.ts loads them from the
// environment; createIotService falls back to these same defaults.
import { authConfigShape, configDefaults, z } from '@azora/service-kit';
import { EEA } from './detectors.ts';

const seconds = (min: number, max: number, fallback: number) =>
  z.coerce
    .number({ error: `must be a whole number of seconds from ${min} to ${max}` })
    .int({ error: `must be a whole number of seconds from ${min} to ${max}` })
    .min(min, { error: `must be a whole number of seconds from ${min} to ${max}` })
    .max(max, { error: `must be a whole number of seconds from ${min} to ${max}` })
    .default(fallback);

export const configShape = {
  /** The service's own Postgres database; migrations are applied to it at start. */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .default('postgres://postgres@127.0.0.1:5432/azora_quantum_iot_integration'),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(100).default(10),
  /** The MQTT broker devices publish to. */
  MQTT_URL: z
    .string()
    .regex(/^(mqtts?|wss?|tcp|ssl):\/\//, 'must be an mqtt://, mqtts://, ws:// or wss:// URL')
    .default('mqtt://127.0.0.1:1883'),
  MQTT_USERNAME: z.string().min(1).optional(),
  MQTT_PASSWORD: z.string().min(1).optional(),
  /**
   * The MQTT client id, fixed: the broker keeps this session (its subscriptions and the messages
   * queued for it) while the service is down. One running instance per id.
   */
  MQTT_CLIENT_ID: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1 to 64 letters, digits, dots, dashes or underscores')
    .default('azora-quantum-iot-integration'),
  /** Devices publish on `<root>/<deviceId>/telemetry` and `<root>/<deviceId>/status`. */
  MQTT_TOPIC_ROOT: z
    .string()
    .regex(
      /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/,
      'must be topic levels of letters, digits, dots, dashes or underscores, e.g. azora/iot',
    )
    .default('azora/iot'),
  /** Where findings are published (QoS 1) for the compliance dashboard. */
  ALERTS_TOPIC: z
    .string()
    .regex(
      /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/,
      'must be topic levels of letters, digits, dots, dashes or underscores',
    )
    .default('compliance/alerts'),
  /**
   * How far a message's timestamp may be from the service's clock. Messages the broker queued
   * during an outage longer than this arrive stale and are rejected.
   */
  MAX_CLOCK_SKEW_SECONDS: seconds(1, 86_400, 300),
  /** A device not seen (telemetry or 'online' status) for this long is offline. */
  OFFLINE_AFTER_SECONDS: seconds(5, 86_400, 120),
  /**
   * Where the data is processed: `EU` or an EU/EEA country code (the adequacy list kept here is
   * the European Commission's; see src/detectors.ts).
   */
  PROCESSING_JURISDICTION: z
    .string()
    .refine((value) => value === 'EU' || EEA.has(value), 'must be EU or an EU/EEA country code (ISO 3166-1 alpha-2)')
    .default('EU'),
  /** JWT_SECRET, API_KEYS: roles operator and dpo (devices, findings), auditor (read only). */
  ...authConfigShape(),
};

export const DEFAULTS = configDefaults(configShape);
