// The service's settings and their defaults, declared once: main.ts loads them from the
// environment; the builder's own defaults are these same constants.

import { DEFAULT_CHROMIUM_PATH } from '@azora/chromium';
import { mongoConfigShape } from '@azora/mongo';
import { authConfigShape, configDefaults, rateLimitConfigShape, z } from '@azora/service-kit';

const whole = (min: number, max: number, fallback: number) =>
  z.coerce
    .number({ error: `must be a whole number from ${min} to ${max}` })
    .int(`must be a whole number from ${min} to ${max}`)
    .min(min, `must be a whole number from ${min} to ${max}`)
    .max(max, `must be a whole number from ${min} to ${max}`)
    .default(fallback);

export const configShape = {
  /** MONGODB_URI: templates, sites, versions, deployments, audits (a standalone mongod: no transactions used). */
  ...mongoConfigShape('ai_website_builder'),
  /** JWT_SECRET, API_KEYS: roles editor and admin. */
  ...authConfigShape(),
  /** Messages one client may send through the published sites' contact forms per minute. */
  CONTACT_RATE_LIMIT_MAX: whole(1, 10_000, 10),
  /** The proxies whose x-forwarded-for names the client (the console's gateway, say): as the kit's TRUST_PROXY. */
  TRUST_PROXY: rateLimitConfigShape().TRUST_PROXY,
  /** Debian's chromium; puppeteer-core downloads no browser. */
  PUPPETEER_EXECUTABLE_PATH: z.string().min(1).default(DEFAULT_CHROMIUM_PATH),
  /** Where published sites are written (`<dir>/<subdomain>/`); relative to the working directory. */
  DEPLOYMENTS_DIR: z.string().min(1).default('deployments/sites'),
  /** Chromium processes in the pool. */
  BROWSER_POOL_SIZE: whole(1, 16, 1),
  /** Pages rendered at once per browser. */
  PAGES_PER_BROWSER: whole(1, 16, 2),
  /** Longest a screenshot, PDF or audit may take, waiting for a page included (ms). */
  RENDER_TIMEOUT_MS: whole(1000, 120_000, 20_000),
  /** Optional LLM copy writer (off by default): `openai-compatible` with LLM_BASE_URL and LLM_MODEL. */
  LLM_PROVIDER: z.enum(['none', 'openai-compatible'], { error: 'must be none or openai-compatible' }).default('none'),
  LLM_BASE_URL: z.url().optional(),
  LLM_API_KEY: z.string().min(1).optional(),
  LLM_MODEL: z.string().min(1).default('gpt-4o-mini'),
  LLM_TIMEOUT_MS: whole(500, 120_000, 15_000),
};

export const DEFAULTS = configDefaults(configShape);
