import { findService } from '@azora/catalog';
import { EVENT_LOOP_SAMPLE_MS } from '@azora/metrics';
import { z } from 'zod';

/** A configuration problem, phrased as one line that names the variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

type Env = Record<string, string | undefined>;

/** A whole number from `min` to `max`, with a message that says so. */
export function wholeNumber(min: number, max: number, unit = '') {
  const error = { error: `must be a whole number${unit} from ${min} to ${max}` };
  return z.coerce.number(error).int(error).min(min, error).max(max, error);
}

/**
 * The HTTP server's limits and shutdown timing, which runService reads: part of every
 * service's base config. The lame-duck delay is 2 s in production — time for a load
 * balancer probing readiness every second or so to stop sending, well inside `docker
 * stop`'s 10 s — and 0 elsewhere, where nobody routes by readiness.
 */
export function serverConfigShape(env: Env = process.env) {
  const ms = (min: number, max: number) => wholeNumber(min, max, ' of milliseconds');
  return {
    /** Milliseconds from SIGTERM to exit (delay, drain, closing resources) before exiting 1 anyway. */
    SHUTDOWN_TIMEOUT_MS: ms(100, 60_000).default(10_000),
    /** Milliseconds readiness answers 503 while the server still serves, before it stops accepting. */
    SHUTDOWN_DELAY_MS: ms(0, 30_000).default(env.NODE_ENV === 'production' ? 2000 : 0),
    /** Longest time to receive a whole request, headers and body. */
    REQUEST_TIMEOUT_MS: ms(100, 3_600_000).default(30_000),
    /** Longest time to receive a request's headers. */
    HEADERS_TIMEOUT_MS: ms(100, 600_000).default(10_000),
    /** How long an idle keep-alive connection stays open. */
    KEEP_ALIVE_TIMEOUT_MS: ms(100, 600_000).default(5000),
    /** Connections beyond this many are closed as soon as they are accepted. */
    MAX_CONNECTIONS: wholeNumber(1, 1_000_000).default(1024),
  };
}

export type ServerConfig = z.infer<z.ZodObject<ReturnType<typeof serverConfigShape>>>;

/** `PORT`, `HOST`, `LOG_LEVEL`, … shared by every service; PORT defaults to the catalog's port. */
export function baseConfigShape(service: string, env: Env = process.env) {
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
    /**
     * How often the event-loop lag metric samples. createMetrics reads it from the
     * environment; it is declared here so a bad value stops the service with one line.
     */
    METRICS_EVENT_LOOP_SAMPLE_MS: wholeNumber(
      EVENT_LOOP_SAMPLE_MS.min,
      EVENT_LOOP_SAMPLE_MS.max,
      ' of milliseconds',
    ).default(EVENT_LOOP_SAMPLE_MS.default),
    ...serverConfigShape(env),
  };
}

export type BaseConfig = z.infer<z.ZodObject<ReturnType<typeof baseConfigShape>>>;

/**
 * What each variable of `shape` means when it is not set: its `.default()`. A service
 * declares its defaults once, in its config shape, and its builder falls back to these,
 * so `main.ts` and `app.ts` cannot drift apart.
 */
export function configDefaults<S extends z.ZodRawShape>(shape: S): { [K in keyof S]: z.output<S[K]> } {
  const defaults: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(shape)) {
    const parsed = (schema as z.ZodType).safeParse(undefined);
    if (parsed.success) defaults[name] = parsed.data;
  }
  return defaults as { [K in keyof S]: z.output<S[K]> };
}

/**
 * Validates `env` against the service's base variables plus its own, and returns the
 * typed result. Throws a ConfigError naming the first bad variable.
 */
export function loadConfig<S extends z.ZodRawShape>(
  service: string,
  shape: S,
  env: Env = process.env,
): z.infer<z.ZodObject<ReturnType<typeof baseConfigShape> & S>> {
  return parseEnv(z.object({ ...baseConfigShape(service, env), ...shape }), env) as never;
}

/** The server settings alone (see serverConfigShape). Throws a ConfigError naming the first bad variable. */
export function loadServerConfig(env: Env = process.env): ServerConfig {
  return parseEnv(z.object(serverConfigShape(env)), env);
}

function parseEnv<T>(schema: z.ZodType<T>, env: Env): T {
  // An empty variable (`PORT=`) means "not set", as it does for most tools.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
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
  env: Env = process.env,
): z.infer<z.ZodObject<ReturnType<typeof baseConfigShape> & S>> {
  return exitOnConfigError(service, () => loadConfig(service, shape, env));
}

/** Runs `load`; a ConfigError stops the process with its one line on stderr. */
export function exitOnConfigError<T>(service: string, load: () => T): T {
  try {
    return load();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${service}: ${error.message}\n`);
    process.exit(78); // EX_CONFIG
  }
}
