// The whole of a jurisdiction service's entry point: its settings from the environment,
// then the shared service with the regime's rule pack, served until SIGTERM.
import { authFromConfig, createLogger, loadConfigOrExit, runService, serviceVersion } from '@azora/service-kit';
import { regimeExtension } from '../extensions/index.ts';
import { rulePack } from '../regimes/index.ts';
import { createComplianceService } from './app.ts';
import { complianceConfigShape } from './config.ts';

/** `packageJson`: the service's own package.json (its version shows on /health). */
export async function runComplianceService(name: string, regime: string, packageJson: URL): Promise<void> {
  const config = loadConfigOrExit(name, complianceConfigShape(name));
  const logger = createLogger(name, config.LOG_LEVEL);
  const service = createComplianceService({
    name,
    version: serviceVersion(packageJson),
    pack: rulePack(regime),
    extension: regimeExtension(regime),
    databaseUrl: config.DATABASE_URL,
    databasePoolMax: config.DATABASE_POOL_MAX,
    identity: { hashKey: config.IDENTIFIER_HASH_KEY, keyring: config.ENCRYPTION_KEYS },
    auth: authFromConfig(config, logger),
    logger,
    demoSeed: config.DEMO_SEED,
    notificationTargetHours: config.NOTIFICATION_TARGET_HOURS,
    metricsRefreshMs: config.METRICS_REFRESH_MS,
    bodyLimit: config.BODY_LIMIT,
    otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
  });
  await runService(service, { port: config.PORT, host: config.HOST });
}
