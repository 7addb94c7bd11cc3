export {
  type CheckResult,
  type CheckStatus,
  DEFAULT_CHECK_TIMEOUT_MS,
  type HealthCheck,
  type ReadinessReport,
  type ReadinessStatus,
  runChecks,
} from './checks.ts';
export { type HealthRoutesOptions, healthRoutes } from './routes.ts';
