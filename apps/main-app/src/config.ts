import { findService, SERVICES, urlVariable } from '@azora/catalog';
import { configDefaults, z } from '@azora/service-kit';

export const SERVICE_NAME = 'main-app';

const upstreamUrls = Object.fromEntries(
  SERVICES.filter((s) => s.name !== SERVICE_NAME).map((s) => [urlVariable(s.name), z.url().optional()]),
);

/** main-app's own variables and their defaults, declared once (main.ts reads them, the builder falls back to them). */
export const configShape = {
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
  /** A key of zero-rating's (viewer): tag answers with X-Azora-Zero-Rated when it is deployed. */
  ZERO_RATING_API_KEY: z.string().min(24, 'must be at least 24 characters').optional(),
};

export const DEFAULTS = configDefaults(configShape);
