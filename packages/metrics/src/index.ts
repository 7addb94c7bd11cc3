export {
  createMetrics,
  DEFAULT_DURATION_BUCKETS,
  eventLoopSampleMs,
  type MetricsOptions,
  routeTemplateOf,
  type ServiceMetrics,
  UNMATCHED_ROUTE,
} from './metrics.ts';
