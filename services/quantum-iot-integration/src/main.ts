import { authFromConfig, createLogger, loadConfigOrExit, runService, serviceVersion } from '@azora/service-kit';
import { createIotService, SERVICE_NAME } from './app.ts';
import { configShape } from './config.ts';

const config = loadConfigOrExit(SERVICE_NAME, configShape);
const logger = createLogger(SERVICE_NAME, config.LOG_LEVEL);

const service = createIotService({
  version: serviceVersion(new URL('../package.json', import.meta.url)),
  databaseUrl: config.DATABASE_URL,
  databasePoolMax: config.DATABASE_POOL_MAX,
  mqttUrl: config.MQTT_URL,
  mqttUsername: config.MQTT_USERNAME,
  mqttPassword: config.MQTT_PASSWORD,
  mqttClientId: config.MQTT_CLIENT_ID,
  topicRoot: config.MQTT_TOPIC_ROOT,
  alertsTopic: config.ALERTS_TOPIC,
  maxClockSkewSeconds: config.MAX_CLOCK_SKEW_SECONDS,
  offlineAfterSeconds: config.OFFLINE_AFTER_SECONDS,
  auth: authFromConfig(config, logger),
  logger,
  bodyLimit: config.BODY_LIMIT,
  otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
});

await runService(service, { port: config.PORT, host: config.HOST });
