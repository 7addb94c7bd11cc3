import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findService, SERVICES, urlVariable } from '@azora/catalog';
import { createLogger, loadConfigOrExit, runService, z } from '@azora/service-kit';
import type { RequestHandler } from 'express';
import { createMainApp, SERVICE_NAME } from './app.ts';
import { resolveDeployed } from './deployed.ts';
import type { WebOptions } from './spa.ts';

// src/main.ts under `pnpm dev`, dist/main.js in a build: the package folder is one up either way.
const packageDir = fileURLToPath(new URL('..', import.meta.url));

const upstreamUrls = Object.fromEntries(
  SERVICES.filter((s) => s.name !== SERVICE_NAME).map((s) => [urlVariable(s.name), z.url().optional()]),
);

const config = loadConfigOrExit(SERVICE_NAME, {
  ...upstreamUrls,
  /** Comma-separated service names; unset: the services found beside this package (see README). */
  DEPLOYED_SERVICES: z
    .string()
    .refine(
      (value) => value.split(',').every((name) => !name.trim() || findService(name.trim())),
      'must list catalog service names separated by commas',
    )
    .optional(),
  GATEWAY_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(15_000),
  GATEWAY_MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(1024 ** 3)
    .default(12 * 1024 * 1024),
  STATUS_POLL_INTERVAL_MS: z.coerce.number().int().min(250).max(600_000).default(5000),
  STATUS_PROBE_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(2000),
  /** Where browsers call the API; unset means the console's own origin. */
  API_BASE: z.url().optional(),
  /** Comma-separated origins whose pages may call the API cross-origin (with API_BASE elsewhere). */
  CORS_ORIGINS: z
    .string()
    .transform((value) =>
      value
        .split(',')
        .map((origin) => origin.trim())
        .filter(Boolean),
    )
    .refine(
      (origins) => origins.every((origin) => URL.canParse(origin) && new URL(origin).origin === origin),
      'must list origins like https://console.example.com, separated by commas',
    )
    .default([]),
  /** The `vite build` output to serve (default dist/public). */
  CONSOLE_DIR: z.string().min(1).optional(),
});

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
});

await runService(service, {
  port: config.PORT,
  host: config.HOST,
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  resources: closeDev.map((close) => ({ name: 'vite dev server', close })),
});
