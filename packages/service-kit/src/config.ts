import { findService } from '@azora/catalog';
import { z } from 'zod';

/** A configuration problem, phrased as one line that names the variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** `PORT`, `HOST`, `LOG_LEVEL`, … shared by every service; PORT defaults to the catalog's port. */
export function baseConfigShape(service: string) {
  const defaultPort = findService(service)?.port;
  const portError = { error: 'must be a whole number from 0 to 65535' };
  const port = z.coerce.number(portError).int(portError).min(0, portError).max(65535, portError);
  return {
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: defaultPort === undefined ? port : port.default(defaultPort),
    HOST: z.string().min(1).default('0.0.0.0'),
    LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
    /** Largest accepted request body, in bytes-like notation understood by body-parser. */
    BODY_LIMIT: z
      .string()
      .regex(/^\d+(b|kb|mb)$/i, 'must look like 100kb or 1mb')
      .default('1mb'),
    /** OTLP/HTTP collector (tracing-recovery); request spans are exported when set. */
    OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
    /** Milliseconds to drain in-flight requests on SIGTERM before exiting anyway. */
    SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  };
}

export type BaseConfig = z.infer<z.ZodObject<ReturnType<typeof baseConfigShape>>>;

/**
 * Validates `env` against the service's base variables plus its own, and returns the
 * typed result. Throws a ConfigError naming the first bad variable.
 */
export function loadConfig<S extends z.ZodRawShape>(
  service: string,
  shape: S,
  env: Record<string, string | undefined> = process.env,
): z.infer<z.ZodObject<ReturnType<typeof baseConfigShape> & S>> {
  const schema = z.object({ ...baseConfigShape(service), ...shape });
  // An empty variable (`PORT=`) means "not set", as it does for most tools.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data as never;
  const issue = result.error.issues[0];
  const variable = String(issue?.path[0] ?? '(unknown)');
  const value = env[variable];
  const shown = value === undefined ? 'it is not set' : `got ${JSON.stringify(value)}`;
  const secret = /SECRET|PASSWORD|TOKEN|KEY/.test(variable);
  throw new ConfigError(
    `invalid configuration: ${variable}: ${issue?.message ?? 'invalid'} (${secret && value !== undefined ? 'value hidden' : shown})`,
  );
}

/** As loadConfig, but a bad value stops the process with one clear line on stderr. */
export function loadConfigOrExit<S extends z.ZodRawShape>(
  service: string,
  shape: S,
  env: Record<string, string | undefined> = process.env,
): z.infer<z.ZodObject<ReturnType<typeof baseConfigShape> & S>> {
  try {
    return loadConfig(service, shape, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${service}: ${error.message}\n`);
    process.exit(78); // EX_CONFIG
  }
}
