export {
  createMetrics,
  DEFAULT_DURATION_BUCKETS,
  EVENT_LOOP_SAMPLE_MS,
  eventLoopSampleMs,
  type MetricsOptions,
  routeTemplateOf,
  type ServiceMetrics,
  UNMATCHED_ROUTE,
} from './metrics.ts';
