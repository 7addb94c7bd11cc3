export { type CheckResult, type HealthCheck, type ReadinessReport, runChecks } from '@azora/health';
export { createMetrics, type ServiceMetrics } from '@azora/metrics';
export type { Logger } from 'pino';
export { z } from 'zod';
export {
  type ApiKey,
  type Auth,
  type AuthConfig,
  type AuthOptions,
  authConfigShape,
  authFromConfig,
  createAuth,
  type Principal,
  parseApiKeys,
  signToken,
} from './auth.ts';
export {
  type BaseConfig,
  baseConfigShape,
  ConfigError,
  configDefaults,
  LOG_LEVELS,
  loadConfig,
  loadConfigOrExit,
  loadServerConfig,
  type ServerConfig,
  serverConfigShape,
} from './config.ts';
export {
  type CallOptions,
  ServiceClient,
  type ServiceClientOptions,
  UpstreamError,
  type UpstreamFailure,
  type UpstreamResponse,
} from './http-client.ts';
export { createLogger, REDACT_PATHS, requestLogger } from './logger.ts';
export {
  activeSpanExporter,
  SpanExporter,
  type SpanExporterOptions,
  type SpanKind,
  type SpanRecord,
  setActiveSpanExporter,
} from './otlp.ts';
export {
  type FieldError,
  fieldErrors,
  HttpProblem,
  notFoundHandler,
  type ProblemDetails,
  problem,
  problemHandler,
  sendProblem,
  statusTitle,
  toProblem,
} from './problem.ts';
export {
  clientAddress,
  parseTrustedProxies,
  type RateLimitOptions,
  rateLimit,
  rateLimitConfigShape,
} from './rate-limit.ts';
export { createRedisClient, type RedisClientOptions, redisConfigShape } from './redis.ts';
export { API_SECURITY_HEADERS, securityHeaders } from './security.ts';
export { type Closable, type RunningServer, runService, type ServerOptions, startServer } from './server.ts';
export { createService, type Lifecycle, type Resource, type Service, type ServiceOptions } from './service.ts';
export {
  type RetryingStartup,
  type RetryingStartupOptions,
  requireStarted,
  retryingStartup,
} from './startup.ts';
export {
  currentTrace,
  formatTraceparent,
  newSpanId,
  newTraceId,
  type ParsedTraceparent,
  parseTraceparent,
  propagationHeaders,
  type TraceContext,
  traceMiddleware,
  withTrace,
} from './trace.ts';
export { parseBody, parseParams, parseQuery } from './validate.ts';
export { serviceVersion } from './version.ts';
