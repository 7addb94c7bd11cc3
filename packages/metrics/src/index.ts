export {
  createMetrics,
  DEFAULT_DURATION_BUCKETS,
  type MetricsOptions,
  type ServiceMetrics,
  UNMATCHED_ROUTE,
} from './metrics.ts';
