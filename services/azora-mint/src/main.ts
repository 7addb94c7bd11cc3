import { authFromConfig, createLogger, loadConfigOrExit, runService } from '@azora/service-kit';
import { createMintService, SERVICE_NAME } from './app.ts';
import { configShape } from './config.ts';

const config = loadConfigOrExit(SERVICE_NAME, configShape);
const logger = createLogger(SERVICE_NAME, config.LOG_LEVEL);
const crashAfter = config.CRASH_AFTER_STEP;
if (crashAfter) logger.warn({ step: crashAfter }, 'CRASH_AFTER_STEP is set: this process kills itself after that step');

const mint = createMintService({
  mongodbUri: config.MONGODB_URI,
  logger,
  auth: authFromConfig(config, logger),
  transferFee: config.TRANSFER_FEE,
  sweeperIntervalMs: config.SWEEPER_INTERVAL_MS,
  sweeperWindowMs: config.SWEEPER_WINDOW_MS,
  invariantCheckIntervalMs: config.INVARIANT_CHECK_INTERVAL_MS,
  demoSeed: config.DEMO_SEED,
  // Fault injection for the crash-recovery test: die mid-entry, as a power cut would.
  onStep: crashAfter ? (step) => step === crashAfter && process.kill(process.pid, 'SIGKILL') : undefined,
  bodyLimit: config.BODY_LIMIT,
  otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
});

await runService(mint, { port: config.PORT, host: config.HOST });
