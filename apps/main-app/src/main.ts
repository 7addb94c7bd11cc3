import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findService } from '@azora/catalog';
import { createLogger, loadConfigOrExit, runService } from '@azora/service-kit';
import type { RequestHandler } from 'express';
import { createMainApp, SERVICE_NAME } from './app.ts';
import { configShape } from './config.ts';
import { resolveDeployed } from './deployed.ts';
import type { WebOptions } from './spa.ts';

// src/main.ts under `pnpm dev`, dist/main.js in a build: the package folder is one up either way.
const packageDir = fileURLToPath(new URL('..', import.meta.url));

const config = loadConfigOrExit(SERVICE_NAME, configShape);

const logger = createLogger(SERVICE_NAME, config.LOG_LEVEL);
const deployed = resolveDeployed(packageDir, config.DEPLOYED_SERVICES);
// Names in DEPLOYED_SERVICES are catalog names; the scan finds package names. Map both to packages.
const deployedPackages = deployed
  ? new Set(deployed.packages.map((name) => findService(name)?.package ?? name))
  : undefined;
logger.info(
  { source: deployed?.source ?? 'catalog (every service)', deployed: deployedPackages ? [...deployedPackages] : 'all' },
  'deployed services',
);

let web: WebOptions;
const closeDev: Array<() => Promise<void>> = [];
const viteConfig = join(packageDir, 'src/web/vite.config.ts');
// An image ships only the console's build, also when the dev compose file runs it with
// NODE_ENV=development: Vite and the console sources exist only in a checkout.
if (config.NODE_ENV === 'development' && !config.CONSOLE_DIR && existsSync(viteConfig)) {
  // Vite compiles the console on request, so `pnpm dev` needs no build step.
  const { createServer } = await import('vite');
  const vite = await createServer({
    configFile: viteConfig,
    server: { middlewareMode: true },
    appType: 'spa',
  });
  closeDev.push(() => vite.close());
  web = { kind: 'middleware', handler: vite.middlewares as unknown as RequestHandler };
} else {
  web = { kind: 'static', dir: config.CONSOLE_DIR ?? join(packageDir, 'dist/public') };
}

const service = createMainApp({
  logger,
  env: process.env,
  deployed: deployedPackages,
  timeoutMs: config.GATEWAY_TIMEOUT_MS,
  maxBodyBytes: config.GATEWAY_MAX_BODY_BYTES,
  pollIntervalMs: config.STATUS_POLL_INTERVAL_MS,
  probeTimeoutMs: config.STATUS_PROBE_TIMEOUT_MS,
  apiBase: config.API_BASE,
  corsOrigins: config.CORS_ORIGINS,
  web,
  bodyLimit: config.BODY_LIMIT,
  otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
  zeroRatingApiKey: config.ZERO_RATING_API_KEY,
});

await runService(service, {
  port: config.PORT,
  host: config.HOST,
  resources: closeDev.map((close) => ({ name: 'vite dev server', close })),
});
